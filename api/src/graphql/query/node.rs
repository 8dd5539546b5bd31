//! `node(id:)`.

use async_graphql::{Context, ID, Object};
use sea_orm::DatabaseConnection;

use crate::error::ServiceResultExt as _;
use crate::graphql::ids::parse_id;
use crate::graphql::types::node::Node;
use crate::service;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any record by its id; null when no record has it.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let id = parse_id("id", &id)?;
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(service::node::find(db, id).await.extend()?.map(Node::from))
    }
}
