//! The GraphQL schema: root query objects (`query/`), object types (`types/`), batched loaders,
//! the shared connection helper and request-scoped data.
//!
//! Invariant: resolvers stay thin. They parse arguments into domain types, call one service
//! function (or loader) and map the result; they never open transactions or build SQL.

#[cfg(test)]
mod bundled_queries;
pub mod connection;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod planner;
pub mod prescan;
pub mod query;
pub mod records;
pub mod request;
pub mod response_order;
pub mod schema;
pub mod subscription;
pub mod types;
pub mod variables;

pub use schema::{SymbiosSchema, build_schema, sdl};
