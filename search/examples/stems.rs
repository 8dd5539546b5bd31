fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang = args.first().cloned().unwrap_or_default();
    for word in args.iter().skip(1) {
        println!("{word} -> {:?}", symbios_search::analyze(Some(&lang), word));
    }
}
