//! `createProject`, `updateProject` and `deleteProject`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::NaiveDate;
use symbios_entity::project;

use super::{DeletedRecord, LocalizedTextInput, create, delete, localized, update, written_row};
use crate::graphql::types::enums::ProjectStatus;
use crate::graphql::types::project::Project;
use crate::service::write::{ProjectFields, ProjectPatch};

/// A new project.
#[derive(InputObject, Debug, Clone)]
pub struct CreateProjectInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    /// Unique key; made from the name when left out.
    pub slug: Option<String>,
    pub name: String,
    pub acronym: Option<String>,
    pub status: ProjectStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub website: Option<String>,
    pub original_lang: String,
    pub summary: Option<Vec<LocalizedTextInput>>,
    /// Theme slugs; at most 100 different ones.
    pub themes: Option<Vec<String>>,
}

/// Changes to a project: fields left out keep their value; `null` clears an optional one;
/// lists replace the whole list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ProjectPatchInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub acronym: MaybeUndefined<String>,
    pub status: Option<ProjectStatus>,
    pub start_date: MaybeUndefined<NaiveDate>,
    pub end_date: MaybeUndefined<NaiveDate>,
    pub website: MaybeUndefined<String>,
    pub original_lang: Option<String>,
    pub summary: Option<Vec<LocalizedTextInput>>,
    /// At most 100 different ones.
    pub themes: Option<Vec<String>>,
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Creates a project (editor key).
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> async_graphql::Result<Project> {
        let record = ProjectFields {
            slug: input.slug,
            name: input.name,
            acronym: input.acronym,
            status: input.status.into(),
            start_date: input.start_date,
            end_date: input.end_date,
            website: input.website,
            original_lang: input.original_lang,
            summary: localized("input.summary", input.summary)?.unwrap_or_default(),
            themes: input.themes.unwrap_or_default(),
        };
        let written = create(ctx, input.id, record).await?;
        Ok(Project(
            written_row::<project::Entity>(ctx, written, "Project").await?,
        ))
    }

    /// Changes a project that is at `expectedVersion` (editor key).
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        patch: ProjectPatchInput,
    ) -> async_graphql::Result<Project> {
        let patch = ProjectPatch {
            slug: patch.slug,
            name: patch.name,
            acronym: patch.acronym.into(),
            status: patch.status.map(Into::into),
            start_date: patch.start_date.into(),
            end_date: patch.end_date.into(),
            website: patch.website.into(),
            original_lang: patch.original_lang,
            summary: localized("patch.summary", patch.summary)?,
            themes: patch.themes,
        };
        let written = update::<ProjectFields>(ctx, &id, expected_version, patch).await?;
        Ok(Project(
            written_row::<project::Entity>(ctx, written, "Project").await?,
        ))
    }

    /// Deletes a project that is at `expectedVersion` and that nothing refers to any more
    /// (editor key).
    async fn delete_project(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> async_graphql::Result<DeletedRecord> {
        delete::<ProjectFields>(ctx, &id, expected_version).await
    }
}
