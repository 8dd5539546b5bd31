//! Builds the schema once: root types, shared data (connection, loader) and limits.

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptyMutation, EmptySubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use super::loaders::DbLoader;
use super::query::Query;
use crate::indexer::Search;

/// The Symbios GraphQL schema.
pub type SymbiosSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Deepest selection nesting accepted.
pub const MAX_DEPTH: usize = 16;
/// Most keys a loader fetches in one statement.
const MAX_BATCH_KEYS: usize = 500;

fn builder() -> SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription).limit_depth(MAX_DEPTH)
}

/// The schema over `db` and the search index, ready to execute requests.
pub fn build_schema(db: DatabaseConnection, search: Search) -> SymbiosSchema {
    let loader =
        DataLoader::new(DbLoader::new(db.clone()), tokio::spawn).max_batch_size(MAX_BATCH_KEYS);
    builder().data(db).data(loader).data(search).finish()
}

/// The schema in SDL, as served at `/schema.graphql` and printed by `symbios schema`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
