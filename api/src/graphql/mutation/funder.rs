//! `createFunder`, `updateFunder` and `deleteFunder`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use symbios_entity::funder;

use super::{DeletedRecord, LocalizedTextInput, create, delete, localized, update, written_row};
use crate::graphql::ids::parse_id;
use crate::graphql::types::enums::FunderKind;
use crate::graphql::types::funder::Funder;
use crate::service::write::{FunderFields, FunderPatch};

/// A new funder.
#[derive(InputObject, Debug, Clone)]
pub struct CreateFunderInput {
    /// A client-chosen id (UUID); made up when left out.
    pub id: Option<ID>,
    /// Unique key; made from the name when left out.
    pub slug: Option<String>,
    pub name: String,
    pub kind: FunderKind,
    /// ISO 3166-1 alpha-2, or `EU`.
    pub country: String,
    /// The actor this funder also is.
    pub actor_id: Option<ID>,
    pub website: Option<String>,
    pub original_lang: String,
    pub description: Option<Vec<LocalizedTextInput>>,
}

/// Changes to a funder: fields left out keep their value; `null` clears an optional one.
#[derive(InputObject, Debug, Clone, Default)]
pub struct FunderPatchInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub kind: Option<FunderKind>,
    pub country: Option<String>,
    pub actor_id: MaybeUndefined<ID>,
    pub website: MaybeUndefined<String>,
    pub original_lang: Option<String>,
    pub description: Option<Vec<LocalizedTextInput>>,
}

#[derive(Default)]
pub struct FunderMutation;

#[Object]
impl FunderMutation {
    /// Creates a funder (editor key).
    async fn create_funder(
        &self,
        ctx: &Context<'_>,
        input: CreateFunderInput,
    ) -> async_graphql::Result<Funder> {
        let record = FunderFields {
            slug: input.slug,
            name: input.name,
            kind: input.kind.into(),
            country: input.country,
            actor_id: input
                .actor_id
                .map(|id| parse_id("input.actorId", &id))
                .transpose()?,
            website: input.website,
            original_lang: input.original_lang,
            description: localized("input.description", input.description)?.unwrap_or_default(),
        };
        let written = create(ctx, input.id, record).await?;
        Ok(Funder(
            written_row::<funder::Entity>(ctx, written, "Funder").await?,
        ))
    }

    /// Changes a funder that is at `expectedVersion` (editor key).
    async fn update_funder(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        patch: FunderPatchInput,
    ) -> async_graphql::Result<Funder> {
        let actor_id: Option<Option<ID>> = patch.actor_id.into();
        let patch = FunderPatch {
            slug: patch.slug,
            name: patch.name,
            kind: patch.kind.map(Into::into),
            country: patch.country,
            actor_id: actor_id
                .map(|id| id.map(|id| parse_id("patch.actorId", &id)).transpose())
                .transpose()?,
            website: patch.website.into(),
            original_lang: patch.original_lang,
            description: localized("patch.description", patch.description)?,
        };
        let written = update::<FunderFields>(ctx, &id, expected_version, patch).await?;
        Ok(Funder(
            written_row::<funder::Entity>(ctx, written, "Funder").await?,
        ))
    }

    /// Deletes a funder that is at `expectedVersion` and has no fundings (editor key).
    async fn delete_funder(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> async_graphql::Result<DeletedRecord> {
        delete::<FunderFields>(ctx, &id, expected_version).await
    }
}
