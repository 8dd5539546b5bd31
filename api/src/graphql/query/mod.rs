//! Root query fields, merged into [`Query`]: each record type's lookup and list live with
//! its object in `types/`; here are `node`, search and the change feed.

pub(crate) mod changes;
mod node;
pub(crate) mod search;
pub(crate) mod webhooks;

use async_graphql::MergedObject;

use super::types;

/// Everything a portal can read.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    types::RecordQueries,
    search::SearchQuery,
    changes::ChangesQuery,
    webhooks::WebhooksQuery,
);
