//! Builds the schema once: root types, shared data (connection, loader, search) and limits.

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptySubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use super::limits;
use super::loaders::DbLoader;
use super::mutation::Mutation;
use super::query::Query;
use crate::config::Limits;
use crate::indexer::Search;
use crate::service;

/// The Symbios GraphQL schema.
pub type SymbiosSchema = Schema<Query, Mutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// The schema over `db` and the search index, ready to execute requests.
///
/// It registers no extensions: `Eager` objects (`types/eager.rs`) skip per-field extension
/// hooks, so adding one means resolving those objects the general way again.
pub fn build_schema(
    db: DatabaseConnection,
    search: Search,
    webhooks: crate::webhooks::Webhooks,
    limits: &Limits,
) -> SymbiosSchema {
    let loader = DataLoader::new(DbLoader::new(db.clone()), tokio::spawn)
        .max_batch_size(service::MAX_KEYS_PER_STATEMENT);
    // Read the schema's types for the response order now rather than on the first request.
    std::sync::LazyLock::force(&super::response_order::SCHEMA_TYPES);
    limits::apply(builder(), limits)
        .data(db)
        .data(loader)
        .data(search)
        .data(webhooks)
        .finish()
}

/// The schema in SDL, as served at `/schema.graphql` and printed by `symbios schema`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
