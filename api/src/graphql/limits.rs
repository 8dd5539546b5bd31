//! Limits on GraphQL requests, set from [`crate::config::Limits`]: depth, complexity,
//! recursion, directives and introspection through async-graphql; fragment expansion and
//! aliases here ([`check_document`]), measured in linear time before async-graphql's
//! validation expands fragments (which takes time exponential in the fragments' fan-out).
//! Tokens and nesting are counted on the text before parsing ([`super::prescan`]).

use std::collections::HashMap;

use async_graphql::SchemaBuilder;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use super::mutation::Mutation;

use super::query::Query;
use super::subscription::SubscriptionRoot;
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
    builder: SchemaBuilder<Query, Mutation, SubscriptionRoot>,
    limits: &Limits,
) -> SchemaBuilder<Query, Mutation, SubscriptionRoot> {
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

/// What a parsed document costs the validator, with every fragment spread expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentMeasure {
    /// Selections (fields, spreads, inline fragments) the validator visits: each operation
    /// with its spreads expanded, plus each fragment definition expanded on its own (that is
    /// how async-graphql's complexity and depth visitors walk a document).
    pub selections: usize,
    /// Aliased fields the operations would execute, counted through fragment spreads.
    pub aliases: usize,
    /// Longest chain of fragments spreading fragments.
    pub fragment_depth: usize,
}

/// Why a parsed document is refused before validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentRefusal {
    /// A fragment spreads itself, directly or through others (validation would recurse
    /// without end).
    #[error("fragment \"{0}\" spreads itself, directly or through other fragments")]
    FragmentCycle(String),
    /// More selections than `limits.max_fields` once fragments are expanded.
    #[error(
        "the document has more than {0} fields once its fragments are expanded (limits.max_fields)"
    )]
    TooManySelections(usize),
    /// More aliased fields than `limits.max_aliases`.
    #[error("the document has more than {0} aliased fields (limits.max_aliases)")]
    TooManyAliases(usize),
    /// Fragments spreading fragments deeper than `limits.max_recursive_depth`.
    #[error(
        "the document's fragments spread each other deeper than {0} levels (limits.max_recursive_depth)"
    )]
    FragmentsTooDeep(usize),
}

/// What one selection set holds, not counting what its fragment spreads bring in.
#[derive(Debug, Default)]
struct LocalShape<'a> {
    selections: usize,
    aliases: usize,
    /// The fragments spread anywhere inside, once per spread.
    spreads: Vec<&'a str>,
}

impl<'a> LocalShape<'a> {
    fn of(selection_set: &'a SelectionSet) -> Self {
        let mut shape = Self::default();
        shape.add(selection_set);
        shape
    }

    /// Walks `selection_set`; its nesting is bounded by the text scan
    /// ([`super::prescan`]), so this recursion is too.
    fn add(&mut self, selection_set: &'a SelectionSet) {
        for selection in &selection_set.items {
            self.selections += 1;
            match &selection.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.add(&field.node.selection_set.node);
                }
                Selection::InlineFragment(fragment) => self.add(&fragment.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    self.spreads.push(spread.node.fragment_name.node.as_str());
                }
            }
        }
    }
}

/// A fragment's measure with its spreads expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Expanded {
    selections: usize,
    aliases: usize,
    depth: usize,
}

impl Expanded {
    /// `local` plus the fragments it spreads, measured already (`dependencies` holds their
    /// indices in `measured`, once per spread).
    fn of(local: &LocalShape<'_>, dependencies: &[usize], measured: &[Expanded]) -> Self {
        let mut expanded = Expanded {
            selections: local.selections,
            aliases: local.aliases,
            depth: 0,
        };
        for inner in dependencies.iter().filter_map(|index| measured.get(*index)) {
            expanded.selections = expanded.selections.saturating_add(inner.selections);
            expanded.aliases = expanded.aliases.saturating_add(inner.aliases);
            expanded.depth = expanded.depth.max(inner.depth.saturating_add(1));
        }
        expanded
    }
}

/// Measures `document` in time linear in its size, however its fragments spread each other
/// (a naive expansion of ten fragments that each spread the next one ten times visits ten
/// billion fields), and refuses it over `limits` before validation expands it.
pub fn check_document(
    document: &ExecutableDocument,
    limits: &Limits,
) -> Result<DocumentMeasure, DocumentRefusal> {
    let names: Vec<&str> = document
        .fragments
        .keys()
        .map(|name| name.as_str())
        .collect();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(position, name)| (*name, position))
        .collect();
    let locals: Vec<LocalShape<'_>> = names
        .iter()
        .filter_map(|name| document.fragments.get(*name))
        .map(|fragment| LocalShape::of(&fragment.node.selection_set.node))
        .collect();
    // Spreads of unknown fragments count nothing: validation reports them.
    let known_spreads = |local: &LocalShape<'_>| -> Vec<usize> {
        local
            .spreads
            .iter()
            .filter_map(|name| index.get(name).copied())
            .collect()
    };
    let dependencies: Vec<Vec<usize>> = locals.iter().map(known_spreads).collect();
    let order = spread_order(&dependencies).map_err(|in_cycle| {
        DocumentRefusal::FragmentCycle(names.get(in_cycle).copied().unwrap_or_default().to_owned())
    })?;
    let mut measured = vec![Expanded::default(); names.len()];
    for fragment in order {
        if let (Some(local), Some(spread)) = (locals.get(fragment), dependencies.get(fragment)) {
            let expanded = Expanded::of(local, spread, &measured);
            if let Some(slot) = measured.get_mut(fragment) {
                *slot = expanded;
            }
        }
    }
    let mut measure = DocumentMeasure {
        selections: measured
            .iter()
            .fold(0, |sum, fragment| sum.saturating_add(fragment.selections)),
        aliases: 0,
        fragment_depth: measured
            .iter()
            .map(|fragment| fragment.depth)
            .max()
            .unwrap_or(0),
    };
    for (_, operation) in document.operations.iter() {
        let local = LocalShape::of(&operation.node.selection_set.node);
        let expanded = Expanded::of(&local, &known_spreads(&local), &measured);
        measure.selections = measure.selections.saturating_add(expanded.selections);
        measure.aliases = measure.aliases.saturating_add(expanded.aliases);
        measure.fragment_depth = measure.fragment_depth.max(expanded.depth);
    }
    if measure.fragment_depth > limits.max_recursive_depth {
        return Err(DocumentRefusal::FragmentsTooDeep(
            limits.max_recursive_depth,
        ));
    }
    if measure.selections > limits.max_fields {
        return Err(DocumentRefusal::TooManySelections(limits.max_fields));
    }
    if measure.aliases > limits.max_aliases {
        return Err(DocumentRefusal::TooManyAliases(limits.max_aliases));
    }
    Ok(measure)
}

/// The fragments in an order where each comes after every fragment it spreads (Kahn's
/// algorithm: linear, no recursion); `dependencies[i]` lists what fragment `i` spreads.
/// When the spreads form a cycle, the error is a fragment on it.
fn spread_order(dependencies: &[Vec<usize>]) -> Result<Vec<usize>, usize> {
    let mut waiting_on: Vec<usize> = dependencies.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); dependencies.len()];
    for (fragment, spread) in dependencies.iter().enumerate() {
        for target in spread {
            if let Some(list) = dependents.get_mut(*target) {
                list.push(fragment);
            }
        }
    }
    let mut ready: Vec<usize> = (0..dependencies.len())
        .filter(|fragment| waiting_on.get(*fragment) == Some(&0))
        .collect();
    let mut order = Vec::with_capacity(dependencies.len());
    while let Some(fragment) = ready.pop() {
        order.push(fragment);
        for dependent in dependents.get(fragment).into_iter().flatten() {
            if let Some(count) = waiting_on.get_mut(*dependent) {
                *count -= 1;
                if *count == 0 {
                    ready.push(*dependent);
                }
            }
        }
    }
    if order.len() == dependencies.len() {
        return Ok(order);
    }
    // Every fragment left waits on another one left; following such spreads as many times
    // as there are fragments ends on a cycle.
    let left = |fragment: &usize| waiting_on.get(*fragment).is_some_and(|count| *count > 0);
    let mut on_cycle = (0..dependencies.len()).find(left).unwrap_or_default();
    for _ in 0..dependencies.len() {
        on_cycle = dependencies
            .get(on_cycle)
            .and_then(|spread| spread.iter().copied().find(left))
            .unwrap_or(on_cycle);
    }
    Err(on_cycle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(text: &str) -> Result<DocumentMeasure, DocumentRefusal> {
        let limits = Limits {
            max_fields: 1_000,
            max_aliases: 100,
            max_recursive_depth: 8,
            ..Limits::default()
        };
        let document = async_graphql::parser::parse_query(text).map_err(|error| {
            DocumentRefusal::FragmentCycle(format!("test document does not parse: {error}"))
        })?;
        check_document(&document, &limits)
    }

    #[test]
    fn aliases_and_fields_are_counted_through_fragments() {
        let measured = measure("query { ...F ...F x: a } fragment F on Query { y: a z: a { b } }");
        // The operation: 2 spreads + 1 field + 2 × 3 fields; the fragment on its own: 3.
        assert_eq!(
            measured,
            Ok(DocumentMeasure {
                selections: 12,
                aliases: 5,
                fragment_depth: 1
            })
        );
    }

    #[test]
    fn cycles_are_refused_whichever_fragment_starts_them() {
        let direct = measure("query { ...A } fragment A on Query { a ...A }");
        assert_eq!(direct, Err(DocumentRefusal::FragmentCycle("A".to_owned())));
        let through_others = measure(
            "query { ...A } fragment A on Query { a ...B } fragment B on Query { b ...C }
             fragment C on Query { c ...B } fragment D on Query { ...A }",
        );
        assert!(
            matches!(&through_others, Err(DocumentRefusal::FragmentCycle(name)) if name == "B" || name == "C"),
            "{through_others:?}"
        );
    }

    #[test]
    fn fan_out_is_measured_without_expanding_it() {
        // Six fragments that spread the next one ten times: a million fields if expanded.
        let mut text = String::from("query { ...F0 }");
        for level in 0..6 {
            let next = format!("...F{} ", level + 1).repeat(10);
            text.push_str(&format!(" fragment F{level} on Query {{ {next} }}"));
        }
        text.push_str(" fragment F6 on Query { themes { slug } }");
        let started = std::time::Instant::now();
        assert_eq!(
            measure(&text),
            Err(DocumentRefusal::TooManySelections(1_000))
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let chain: String = (0..20)
            .map(|level| format!(" fragment F{level} on Query {{ a ...F{} }}", level + 1))
            .collect();
        assert_eq!(
            measure(&format!(
                "query {{ ...F0 }} {chain} fragment F20 on Query {{ a }}"
            )),
            Err(DocumentRefusal::FragmentsTooDeep(8))
        );
    }

    #[test]
    fn unknown_fragments_count_nothing() {
        assert_eq!(
            measure("{ a ...Missing }").map(|measure| measure.selections),
            Ok(2)
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
