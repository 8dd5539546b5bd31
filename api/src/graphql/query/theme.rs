//! `themes` and `theme`.

use async_graphql::{Context, ID, Object};
use sea_orm::DatabaseConnection;

use crate::error::ServiceResultExt as _;
use crate::graphql::records::find_one;
use crate::graphql::types::theme::Theme;
use crate::service;

#[derive(Default)]
pub struct ThemeQuery;

#[Object]
impl ThemeQuery {
    /// The whole theme vocabulary, by slug.
    async fn themes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Theme>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(service::theme::all(db)
            .await
            .extend()?
            .into_iter()
            .map(Theme)
            .collect())
    }

    /// One theme by `id` or `slug` (give exactly one); null when there is none.
    async fn theme(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Theme>> {
        find_one(ctx, id, slug).await
    }
}
