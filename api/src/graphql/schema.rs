//! Builds the schema once: root types, shared data (connection, loader, search) and limits.

use async_graphql::{Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use super::limits;
use super::loaders::SharedLoader;
use super::mutation::Mutation;
use super::query::Query;
use super::subscription::SubscriptionRoot;
use crate::changes_signal::ChangesSignal;
use crate::config::Limits;
use crate::indexer::Search;

/// The Symbios GraphQL schema.
pub type SymbiosSchema = Schema<Query, Mutation, SubscriptionRoot>;

fn builder() -> SchemaBuilder<Query, Mutation, SubscriptionRoot> {
    Schema::build(Query::default(), Mutation::default(), SubscriptionRoot)
}

/// The schema over `db`, the search index and the change signal, ready to execute requests.
///
/// It registers no extensions: the planner (`graphql/planner/`) answers plain reads without
/// async-graphql's executor, so an extension added here would not see those requests.
pub fn build_schema(
    db: DatabaseConnection,
    search: Search,
    webhooks: crate::webhooks::Webhooks,
    changes: ChangesSignal,
    loader: SharedLoader,
    limits: &Limits,
) -> SymbiosSchema {
    // Read the schema's types for the response order now rather than on the first request.
    std::sync::LazyLock::force(&super::response_order::SCHEMA_TYPES);
    limits::apply(builder(), limits)
        .data(db)
        .data(loader)
        .data(search)
        .data(webhooks)
        .data(changes)
        .finish()
}

/// The schema in SDL, as served at `/schema.graphql` and printed by `symbios schema`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
