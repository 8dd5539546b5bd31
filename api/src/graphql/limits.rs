//! Limits on GraphQL requests, set from [`crate::config::Limits`]: depth, complexity,
//! recursion, directives and introspection through async-graphql; tokens and aliases here,
//! since async-graphql has no such checks. All run before execution.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{EmptySubscription, SchemaBuilder};

use super::mutation::Mutation;

use super::query::Query;
use crate::config::Limits;
use crate::service::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// How many rows a relation list (a case study's actors, an actor's projects …) is assumed
/// to hold when estimating complexity.
pub const RELATION_LIST_FACTOR: usize = 10;

/// Complexity of a paged list: its page size times the complexity of one item.
pub fn page_complexity(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let requested = first.or(last).map_or(DEFAULT_PAGE_SIZE, |size| {
        u64::try_from(size).unwrap_or(0).min(MAX_PAGE_SIZE)
    });
    usize::try_from(requested)
        .unwrap_or(usize::MAX)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// Complexity of a relation list.
pub fn relation_complexity(child_complexity: usize) -> usize {
    RELATION_LIST_FACTOR
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// Applies the async-graphql limits to the schema builder.
pub fn apply(
    builder: SchemaBuilder<Query, Mutation, EmptySubscription>,
    limits: &Limits,
) -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    let mut builder = builder
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_recursive_depth)
        .limit_directives(limits.max_directives);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    if !limits.suggestions {
        builder = builder.disable_suggestions();
    }
    builder
}

/// Approximate number of lexical tokens in `query`, counted without parsing: names, numbers,
/// strings and punctuators. Stops counting past `limit`.
pub fn count_tokens(query: &str, limit: usize) -> usize {
    let mut count = 0;
    let mut chars = query.chars().peekable();
    while let Some(character) = chars.next() {
        if count > limit {
            break;
        }
        match character {
            c if c.is_whitespace() || c == ',' => {}
            '#' => {
                for rest in chars.by_ref() {
                    if rest == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                count += 1;
                let mut escaped = false;
                for rest in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if rest == '\\' {
                        escaped = true;
                    } else if rest == '"' {
                        break;
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' => {
                count += 1;
                while chars
                    .peek()
                    .is_some_and(|next| next.is_alphanumeric() || *next == '_' || *next == '.')
                {
                    chars.next();
                }
            }
            _ => count += 1,
        }
    }
    count
}

/// Number of aliased fields the document would execute, with fragments expanded at every
/// spread; stops counting past `limit`. Fragment cycles (refused later by validation) are
/// not followed.
pub fn count_aliases(document: &ExecutableDocument, limit: usize) -> usize {
    let mut memo: HashMap<String, usize> = HashMap::new();
    let mut total = 0usize;
    for (_, operation) in document.operations.iter() {
        let mut visiting = HashSet::new();
        total = total.saturating_add(aliases_in(
            document,
            &operation.node.selection_set.node,
            &mut memo,
            &mut visiting,
            limit,
        ));
        if total > limit {
            break;
        }
    }
    total
}

fn aliases_in(
    document: &ExecutableDocument,
    selection_set: &SelectionSet,
    memo: &mut HashMap<String, usize>,
    visiting: &mut HashSet<String>,
    limit: usize,
) -> usize {
    let mut count = 0usize;
    for selection in &selection_set.items {
        if count > limit {
            break;
        }
        let found = match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some())
                    + aliases_in(
                        document,
                        &field.node.selection_set.node,
                        memo,
                        visiting,
                        limit,
                    )
            }
            Selection::InlineFragment(fragment) => aliases_in(
                document,
                &fragment.node.selection_set.node,
                memo,
                visiting,
                limit,
            ),
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.to_string();
                if let Some(known) = memo.get(&name) {
                    *known
                } else if visiting.insert(name.clone()) {
                    let inner = document
                        .fragments
                        .get(spread.node.fragment_name.node.as_str())
                        .map_or(0, |fragment| {
                            aliases_in(
                                document,
                                &fragment.node.selection_set.node,
                                memo,
                                visiting,
                                limit,
                            )
                        });
                    visiting.remove(&name);
                    memo.insert(name, inner);
                    inner
                } else {
                    0
                }
            }
        };
        count = count.saturating_add(found);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_roughly() {
        assert_eq!(count_tokens("{ a { b c } }", 100), 7);
        assert_eq!(
            count_tokens("query Q($x: Int = 5) { a(x: $x, s: \"a b, c\") }", 100),
            22
        );
        assert!(count_tokens(&"{a}".repeat(10_000), 100) > 100);
    }

    #[test]
    fn aliases_are_counted_through_fragments() {
        let document = async_graphql::parser::parse_query(
            "query { ...F ...F x: a } fragment F on Query { y: a z: a }",
        );
        let count = document
            .map(|document| count_aliases(&document, 1_000))
            .ok();
        assert_eq!(count, Some(5));
        let cyclic = async_graphql::parser::parse_query(
            "query { ...A } fragment A on Query { a: x ...B } fragment B on Query { b: x ...A }",
        );
        assert_eq!(
            cyclic.map(|document| count_aliases(&document, 1_000)).ok(),
            Some(2)
        );
    }

    #[test]
    fn page_complexity_uses_the_page_size() {
        assert_eq!(page_complexity(Some(5), None, 3), 16);
        assert_eq!(page_complexity(None, None, 1), 21);
        assert_eq!(page_complexity(Some(10_000), None, 1), 101);
        assert_eq!(page_complexity(Some(-3), None, 7), 1);
    }
}
