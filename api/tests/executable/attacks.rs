//! Hostile documents, written once for the executable's tests (`hostile.rs`) and the e2e
//! suite (`tests/e2e/hostile/documents.rs` includes this file by path).

/// `{ search(query: <open × depth>"a"<close × depth>) { totalCount } }`: 1,600 levels of
/// `[` overflowed a worker's stack while parsing.
pub fn nested_argument(open: &str, close: &str, depth: usize) -> String {
    format!(
        "{{ search(query: {}\"a\"{}) {{ totalCount }} }}",
        open.repeat(depth),
        close.repeat(depth)
    )
}

/// `operation`, then fragments `F0` … `F<levels>` on `type_name`, each spreading the next
/// one `fan_out` times, the last selecting `leaf`: `fan_out ^ levels` leaves once expanded.
pub fn fragment_bomb(
    operation: &str,
    type_name: &str,
    fan_out: usize,
    levels: usize,
    leaf: &str,
) -> String {
    let mut document = operation.to_owned();
    for level in 0..levels {
        let spreads = format!("...F{} ", level + 1).repeat(fan_out);
        document.push_str(&format!(" fragment F{level} on {type_name} {{ {spreads}}}"));
    }
    document.push_str(&format!(" fragment F{levels} on {type_name} {{ {leaf} }}"));
    document
}
