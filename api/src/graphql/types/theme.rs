//! Themes in GraphQL: the `Theme` object, `theme` and `themes`.

use async_graphql::{Context, ID, Object};
use sea_orm::DatabaseConnection;
use symbios_entity::theme;

use super::case_study::CaseStudy;
use super::load_list;
use super::project::Project;
use crate::error::ServiceResultExt as _;
use crate::graphql::loaders::{CaseStudyIdsOfTheme, ProjectIdsOfTheme};
use crate::graphql::mutation::LocalizedTextInput;
use crate::graphql::mutation::input::record_mutations;
use crate::graphql::records::{find_one, load_objects, record_object};
use crate::service;
use crate::service::localized_text::field;
use crate::service::theme::{ThemeFields, ThemePatch};

record_object! {
    /// An entry of the controlled theme vocabulary, labelled in every supported language.
    Theme(theme) = service::theme::Themes;
    /// Stable key, e.g. `industrial-symbiosis`; use it in filters.
    slug;
    #[Object]
    fields {
        /// Label in `lang` (else `Accept-Language`, else English).
        label: localized field::LABEL;

        /// Version, for `expectedVersion` in updates and deletes.
        version: i32 = |row| row.version;

        /// The label in every language.
        labels: translations field::LABEL;

        /// Case studies tagged with this theme.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn case_studies(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<CaseStudy>> {
            let ids = load_list(ctx, CaseStudyIdsOfTheme(self.0.id)).await?;
            load_objects(ctx, &ids).await
        }

        /// Projects tagged with this theme.
        #[graphql(complexity = "crate::graphql::limits::relation_complexity(child_complexity)")]
        async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Project>> {
            let ids = load_list(ctx, ProjectIdsOfTheme(self.0.id)).await?;
            load_objects(ctx, &ids).await
        }
    }
}

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

record_mutations! {
    ThemeMutation: Theme = ThemeFields, ThemePatch;
    /// A new theme: a slug and a label in every supported language.
    CreateThemeInput {
        /// A client-chosen id (UUID); made up when left out.
        id
    }
    /// Changes to a theme; `labels` replaces every label.
    ThemePatchInput;
    {
        slug: required String,
        /// One label per language: sv, nb, nn, da, nl, en, de, fi.
        labels: required Vec<LocalizedTextInput>,
    }
    /// Adds a theme to the vocabulary (editor key).
    create_theme;
    /// Changes a theme that is at `expectedVersion` (editor key).
    update_theme;
    /// Removes a theme that no case study or project is tagged with (editor key).
    delete_theme;
}
