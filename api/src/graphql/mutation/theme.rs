//! `createTheme`, `updateTheme` and `deleteTheme`: the controlled theme vocabulary.

use async_graphql::{Context, ID, InputObject, Object};
use symbios_entity::theme;

use super::{DeletedRecord, LocalizedTextInput, create, delete, localized, update, written_row};
use crate::graphql::types::theme::Theme;
use crate::service::write::{ThemeFields, ThemePatch};

/// A new theme: a slug and a label in every supported language.
#[derive(InputObject, Debug, Clone)]
pub struct CreateThemeInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    pub slug: String,
    /// One label per language: sv, nb, nn, da, nl, en, de, fi.
    pub labels: Vec<LocalizedTextInput>,
}

/// Changes to a theme; `labels` replaces every label.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ThemePatchInput {
    pub slug: Option<String>,
    pub labels: Option<Vec<LocalizedTextInput>>,
}

#[derive(Default)]
pub struct ThemeMutation;

#[Object]
impl ThemeMutation {
    /// Adds a theme to the vocabulary (editor key).
    async fn create_theme(
        &self,
        ctx: &Context<'_>,
        input: CreateThemeInput,
    ) -> async_graphql::Result<Theme> {
        let record = ThemeFields {
            slug: Some(input.slug),
            labels: localized("input.labels", Some(input.labels))?.unwrap_or_default(),
        };
        let written = create(ctx, input.id, record).await?;
        Ok(Theme(
            written_row::<theme::Entity>(ctx, written, "Theme").await?,
        ))
    }

    /// Changes a theme that is at `expectedVersion` (editor key).
    async fn update_theme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        patch: ThemePatchInput,
    ) -> async_graphql::Result<Theme> {
        let patch = ThemePatch {
            slug: patch.slug,
            labels: localized("patch.labels", patch.labels)?,
        };
        let written = update::<ThemeFields>(ctx, &id, expected_version, patch).await?;
        Ok(Theme(
            written_row::<theme::Entity>(ctx, written, "Theme").await?,
        ))
    }

    /// Removes a theme that no case study or project is tagged with (editor key).
    async fn delete_theme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> async_graphql::Result<DeletedRecord> {
        delete::<ThemeFields>(ctx, &id, expected_version).await
    }
}
