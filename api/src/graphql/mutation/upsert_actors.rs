//! `upsertActors`: a partner registry's bulk create-or-update of actors, matched by their
//! identifier in the partner's scheme.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, SimpleObject};
use sea_orm::DatabaseConnection;

use super::{LocalizedTextInput, localized};
use crate::error::ServiceErrorExt as _;
use crate::graphql::types::enums::ActorKind;
use crate::service::actor::ActorFields;
use crate::service::write::upsert_actors::{
    self, ItemStatus, MatchBy, Omitted, UpsertItem, UpsertOutcome,
};

/// One actor of a partner's registry.
#[derive(InputObject, Debug, Clone)]
pub struct ActorUpsert {
    /// The actor's identifier in the call's scheme, e.g. its organisation number: one line
    /// of at most 200 characters.
    pub external_id: String,
    /// The partner's version of the record (a counter or timestamp); an item older than what
    /// was stored before is rejected and the newer data kept.
    pub source_version: Option<i64>,
    pub name: String,
    pub kind: ActorKind,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Left out: an existing actor keeps its website; `null` clears it.
    pub website: MaybeUndefined<String>,
    /// Language the description is written in.
    pub original_lang: String,
    /// Merged by language: the languages sent replace the stored ones, others stay.
    pub description: Option<Vec<LocalizedTextInput>>,
}

/// What happened to one item of a bulk upsert.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertStatus {
    /// A new actor was created.
    Created,
    /// The stored actor was changed.
    Updated,
    /// The stored actor already had these values.
    Unchanged,
    /// Refused; `errors` says why. Nothing was written for this item.
    Rejected,
}

impl From<ItemStatus> for UpsertStatus {
    fn from(status: ItemStatus) -> Self {
        match status {
            ItemStatus::Created => UpsertStatus::Created,
            ItemStatus::Updated => UpsertStatus::Updated,
            ItemStatus::Unchanged => UpsertStatus::Unchanged,
            ItemStatus::Rejected => UpsertStatus::Rejected,
        }
    }
}

/// A refused input field.
#[derive(SimpleObject, Debug, Clone)]
pub struct FieldError {
    /// The field, e.g. `country` or `description.xx`.
    pub field: String,
    /// Why it was refused.
    pub reason: String,
}

/// The outcome of one item.
#[derive(SimpleObject, Debug, Clone)]
pub struct UpsertItemResult {
    /// The item's `externalId`.
    pub external_id: String,
    pub status: UpsertStatus,
    /// The actor, unless rejected.
    pub id: Option<ID>,
    /// The actor's version now, unless rejected.
    pub version: Option<i32>,
    /// Why the item was rejected.
    pub errors: Vec<FieldError>,
}

/// The outcome of a bulk upsert, item by item in the order sent.
#[derive(SimpleObject, Debug, Clone)]
pub struct UpsertResult {
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
    /// Whether this is the stored answer to an earlier call with the same idempotency key
    /// (nothing was written this time).
    pub replayed: bool,
    pub items: Vec<UpsertItemResult>,
}

fn count(outcome: &UpsertOutcome, status: ItemStatus) -> i32 {
    i32::try_from(outcome.count(status)).unwrap_or(i32::MAX)
}

impl From<UpsertOutcome> for UpsertResult {
    fn from(outcome: UpsertOutcome) -> Self {
        UpsertResult {
            created: count(&outcome, ItemStatus::Created),
            updated: count(&outcome, ItemStatus::Updated),
            unchanged: count(&outcome, ItemStatus::Unchanged),
            rejected: count(&outcome, ItemStatus::Rejected),
            replayed: outcome.replayed,
            items: outcome
                .items
                .into_iter()
                .map(|item| UpsertItemResult {
                    external_id: item.key,
                    status: item.status.into(),
                    id: item.id.map(|id| ID(id.to_string())),
                    version: item.version,
                    errors: item
                        .errors
                        .into_iter()
                        .map(|error| FieldError {
                            field: error.field,
                            reason: error.reason,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Creates or updates up to 1,000 actors of a partner registry, matched by their
/// identifier in `scheme`. Each item is judged on its own: refused items are reported
/// and the others written. With an `idempotencyKey` (one line of 1–200 characters),
/// repeating the call returns the same answer and writes nothing, also when the
/// repeats arrive at the same time.
pub(crate) async fn upsert_actors(
    ctx: &Context<'_>,
    scheme: String,
    items: Vec<ActorUpsert>,
    idempotency_key: Option<String>,
) -> async_graphql::Result<UpsertResult> {
    let write = super::write_context(ctx)?;
    let mut upserts = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let omitted = Omitted {
            website: item.website.is_undefined(),
        };
        upserts.push(UpsertItem {
            key: item.external_id,
            id: None,
            omitted,
            source_version: item.source_version,
            fields: ActorFields {
                slug: None,
                name: item.name,
                kind: item.kind.into(),
                country: item.country,
                nuts_code: None,
                website: item.website.take(),
                original_lang: item.original_lang,
                description: localized(&format!("items[{index}].description"), item.description)?
                    .unwrap_or_default(),
                identifiers: Vec::new(),
            },
        });
    }
    let db = ctx.data::<DatabaseConnection>()?;
    let outcome = upsert_actors::upsert_actors(
        db,
        &write,
        MatchBy::Identifier(scheme),
        upserts,
        idempotency_key.as_deref(),
    )
    .await
    .map_err(|error| error.extend())?;
    super::wake_indexer(ctx);
    Ok(outcome.into())
}
