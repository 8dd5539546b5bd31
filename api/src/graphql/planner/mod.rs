//! The query planner: our own executor for the plain parts of the schema, in front of
//! async-graphql. A query whose every selection it knows (record lists and lookups, their
//! scalar, enum and localized fields, role lists and the records they lead to, fragments on
//! the concrete type, aliases, `__typename`) is read one level at a time, one set-based
//! statement per relation and level, on the request's own task, and its answer is written
//! once, in selection order, straight from the rows: the same bytes as the general path,
//! without a future or a value map per object. Anything else, and any request the general
//! path would refuse or answer with an error, is left to async-graphql (`None`).

mod exec;
mod nested;
mod objects;
mod root;
mod search;
mod select;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Name, Variables};
use futures_util::future::join_all;
use symbios_search::SearchIndex;

use super::loaders::SharedLoader;
use crate::config::Limits;
use crate::service::direct_read::ReadConnection;
use crate::service::lang::LanguagePreference;
use exec::{Run, write_key};
use root::RootField;
use select::{Cost, Selector};

/// Answers the documents it can plan; see the module documentation.
#[derive(Clone)]
pub struct Planner {
    enabled: bool,
    max_depth: usize,
    max_complexity: usize,
    /// For the root fields (lists, counts, lookups).
    db: ReadConnection,
    /// The server's loader, shared with the general path: a level's keys join the batch of
    /// every concurrent request's keys of the same kind.
    loader: SharedLoader,
    /// The search index, for `search`.
    index: SearchIndex,
}

impl std::fmt::Debug for Planner {
    // `DataLoader` has no `Debug`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planner")
            .field("enabled", &self.enabled)
            .field("max_depth", &self.max_depth)
            .field("max_complexity", &self.max_complexity)
            .finish_non_exhaustive()
    }
}

/// A planned operation: its root fields in selection order.
struct Plan {
    fields: Vec<(Name, Box<dyn RootField>)>,
}

impl Planner {
    /// A planner under the same depth and complexity limits as the schema; `enabled` false
    /// leaves every request to async-graphql.
    pub fn new(
        enabled: bool,
        limits: &Limits,
        db: ReadConnection,
        loader: SharedLoader,
        index: SearchIndex,
    ) -> Self {
        Self {
            enabled,
            max_depth: limits.max_depth,
            max_complexity: limits.max_complexity,
            db,
            loader,
            index,
        }
    }

    /// The answer's body (`{"data":…}`) to operation `operation_name` of `document`, or
    /// `None` when the general path is to answer: the document is outside the subset, near
    /// a limit, or the planned read failed.
    pub async fn answer(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
        languages: &LanguagePreference,
    ) -> Option<Vec<u8>> {
        if !self.enabled {
            return None;
        }
        let plan = self.plan(document, operation_name, variables)?;
        let run = Run {
            db: self.db.clone(),
            loader: self.loader.clone(),
            languages: languages.clone(),
            preloaded: Default::default(),
        };
        let mut out = Vec::with_capacity(4096);
        out.extend_from_slice(b"{\"data\":{");
        if let [(key, field)] = plan.fields.as_slice() {
            write_key(key, &mut out);
            field.run(&run, &mut out).await.ok()?;
        } else {
            // The root fields of a query run concurrently, as the specification allows and
            // the general path does: their loader rounds share windows instead of queueing
            // one after another. Each writes its own buffer; the answer keeps selection order.
            let answers = join_all(plan.fields.iter().map(|(_, field)| async {
                let mut answer = Vec::new();
                field.run(&run, &mut answer).await.map(|()| answer)
            }))
            .await;
            for (index, ((key, _), answer)) in plan.fields.iter().zip(answers).enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_key(key, &mut out);
                out.extend_from_slice(&answer.ok()?);
            }
        }
        out.extend_from_slice(b"}}");
        Some(out)
    }

    fn plan(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> Option<Plan> {
        // Validation covers every operation of a document: plan documents of one only.
        let operation = match (&document.operations, operation_name) {
            (DocumentOperations::Single(operation), None) => operation,
            (DocumentOperations::Multiple(operations), name) if operations.len() == 1 => {
                let (operation_name_given, operation) = operations.iter().next()?;
                if name.is_some_and(|name| name != operation_name_given.as_str()) {
                    return None;
                }
                operation
            }
            _ => return None,
        };
        let operation = &operation.node;
        if operation.ty != OperationType::Query || !operation.directives.is_empty() {
            return None;
        }
        let selector = Selector::new(document, operation, variables)?;
        let set = &operation.selection_set.node;
        let mut fields = Vec::new();
        let mut cost: Cost = 0;
        for selected in selector.collect(set, "Query")? {
            let (field, field_cost) =
                selector.nested(|| root::plan(&selector, selected, &self.index))?;
            cost = cost.saturating_add(field_cost);
            fields.push((selected.node.response_key().node.clone(), field));
        }
        // The limits async-graphql's validation applies (the cost is counted as its
        // complexity visitor counts it), with room to spare: a document near one is left to
        // it, so that it is refused there with the usual error.
        let within_limits =
            selector.depth() < self.max_depth && cost <= self.max_complexity / 10 * 9;
        (selector.all_used() && within_limits && !fields.is_empty()).then_some(Plan { fields })
    }
}
