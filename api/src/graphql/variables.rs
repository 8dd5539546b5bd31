//! Bounds on a request's `variables`, checked on the JSON before async-graphql converts and
//! coerces them: nesting, list length and the number of values. A megabyte of `[1,1,1,…]`
//! is half a million values, and each costs tens of bytes once converted and more once
//! coerced into a filter; the largest list any argument takes is 1,000 items
//! (`upsertActors.items`), so longer ones are refused before any of that work.

use serde_json::{Map, Value};

use crate::service::write::upsert_actors::MAX_ITEMS;

/// Most items in any list in `variables`: the largest list an argument takes.
pub const MAX_LIST_ITEMS: usize = MAX_ITEMS;

/// Most values (scalars, lists and objects) in `variables` as a whole: 1,000 partner items
/// of some fifty values each, with room to spare.
pub const MAX_VALUES: usize = 100_000;

/// Why `variables` are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariablesRefusal {
    /// Lists and objects nested deeper than `limits.max_recursive_depth`.
    #[error("variable `{variable}` nests deeper than {limit} levels (limits.max_recursive_depth)")]
    TooDeep {
        /// The top-level variable.
        variable: String,
        /// The limit.
        limit: usize,
    },
    /// A list longer than [`MAX_LIST_ITEMS`].
    #[error("variable `{variable}` holds a list of more than {MAX_LIST_ITEMS} items")]
    ListTooLong {
        /// The top-level variable.
        variable: String,
    },
    /// More than [`MAX_VALUES`] values in all.
    #[error("`variables` hold more than {MAX_VALUES} values")]
    TooManyValues,
}

/// Checks every variable; stops at the first bound crossed. `max_depth` counts lists and
/// objects inside each other. Walks without recursion.
pub fn check(variables: &Map<String, Value>, max_depth: usize) -> Result<(), VariablesRefusal> {
    let mut values = 0usize;
    for (variable, value) in variables {
        let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
        while let Some((value, depth)) = stack.pop() {
            values += 1;
            if values > MAX_VALUES {
                return Err(VariablesRefusal::TooManyValues);
            }
            let children: Box<dyn Iterator<Item = &Value>> = match value {
                Value::Array(items) if items.len() > MAX_LIST_ITEMS => {
                    return Err(VariablesRefusal::ListTooLong {
                        variable: variable.clone(),
                    });
                }
                Value::Array(items) => Box::new(items.iter()),
                Value::Object(fields) => Box::new(fields.values()),
                _ => continue,
            };
            if depth > max_depth {
                return Err(VariablesRefusal::TooDeep {
                    variable: variable.clone(),
                    limit: max_depth,
                });
            }
            stack.extend(children.map(|child| (child, depth + 1)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn checked(variables: Value) -> Result<(), VariablesRefusal> {
        match variables {
            Value::Object(map) => check(&map, 4),
            _ => Ok(()),
        }
    }

    #[test]
    fn ordinary_variables_pass() {
        assert_eq!(
            checked(json!({ "filter": { "country": ["SE", "NO"] }, "first": 10 })),
            Ok(())
        );
        let items: Vec<Value> = (0..MAX_LIST_ITEMS).map(|n| json!({ "key": n })).collect();
        assert_eq!(checked(json!({ "items": items })), Ok(()));
    }

    #[test]
    fn long_lists_deep_nesting_and_mass_are_refused() {
        let long: Vec<u8> = vec![1; MAX_LIST_ITEMS + 1];
        assert_eq!(
            checked(json!({ "q": long })),
            Err(VariablesRefusal::ListTooLong {
                variable: "q".to_owned()
            })
        );
        // The limit counts lists and objects inside each other, the variable's own first.
        assert_eq!(checked(json!({ "a": [[[[1]]]] })), Ok(()), "four lists");
        assert_eq!(
            checked(json!({ "a": { "b": { "c": { "d": { "e": { "f": 1 } } } } } })),
            Err(VariablesRefusal::TooDeep {
                variable: "a".to_owned(),
                limit: 4
            })
        );
        let wide: Vec<Vec<u8>> = vec![vec![1; MAX_LIST_ITEMS]; MAX_VALUES / MAX_LIST_ITEMS + 1];
        assert_eq!(
            checked(json!({ "w": wide })),
            Err(VariablesRefusal::TooManyValues),
            "lists within the length limit, too many of them"
        );
        let many: Map<String, Value> = (0..=MAX_VALUES)
            .map(|n| (format!("v{n}"), json!(1)))
            .collect();
        assert_eq!(check(&many, 4), Err(VariablesRefusal::TooManyValues));
    }
}
