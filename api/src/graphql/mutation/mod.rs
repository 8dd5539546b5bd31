//! Root mutation fields, one file per record type, merged into [`Mutation`].
//!
//! Every mutation needs an API key; roles are checked in the service layer. Updates and
//! deletes take `expectedVersion`, the version the client last read.

pub mod input;
mod relations;
pub mod upsert_actors;
mod webhooks;

use async_graphql::{Context, ID, InputObject, MergedObject, SimpleObject};
use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::records::RecordObject;
use super::request::Caller;
use super::types;
use crate::error::ServiceErrorExt as _;
use crate::service::access::require_key;
use crate::service::validate::Localized;
use crate::service::write::input_format::collect_localized;
use crate::service::write::{Record, WriteContext, Written};
use crate::service::{self, write};

// Each record type's mutations (with its object in `types/`), then the relations'; themes
// come last, where the schema has always had them.
/// Everything a key holder can change.
#[derive(MergedObject, Default)]
pub struct Mutation(
    types::RecordMutations,
    relations::RelationMutation,
    types::theme::ThemeMutation,
    webhooks::WebhookMutation,
);

/// A text in one language. A localized field takes one text per language, so at most 8.
#[derive(InputObject, Debug, Clone)]
pub struct LocalizedTextInput {
    /// Language tag: sv, nb, nn, da, nl, en, de or fi.
    pub lang: String,
    /// The text, at most 20,000 characters. Line breaks (`\n`, `\r`) and tabs are kept;
    /// other control characters are refused, and theme labels take none.
    pub text: String,
}

/// What a delete removed.
#[derive(SimpleObject, Debug, Clone)]
pub struct DeletedRecord {
    /// The record's id.
    pub id: ID,
    /// The version it had.
    pub version: i32,
}

/// The caller's write context; anonymous callers get `UNAUTHENTICATED`.
pub(crate) fn write_context(ctx: &Context<'_>) -> async_graphql::Result<WriteContext> {
    let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
    let principal = require_key(caller.principal.as_ref())
        .map_err(|error| error.extend())?
        .clone();
    Ok(WriteContext {
        principal,
        request_id: caller.request_id,
        at: Utc::now(),
    })
}

/// Texts by language from a list input; a language given twice is refused.
pub(crate) fn localized(
    field: &str,
    texts: Option<Vec<LocalizedTextInput>>,
) -> async_graphql::Result<Option<Localized>> {
    texts
        .map(|texts| {
            collect_localized(texts.into_iter().map(|text| (text.lang, text.text)))
                .map_err(|error| service::Error::invalid(field, error.to_string()).extend())
        })
        .transpose()
}

/// Tells this replica's indexer and change-log readers that the change log grew, so that the
/// write is searchable, pushed to subscriptions and sent to webhooks at once rather than at
/// the next poll (the webhook worker follows the change signal: `startup.rs`).
pub(crate) fn wake_indexer(ctx: &Context<'_>) {
    if let Ok(search) = ctx.data::<crate::indexer::Search>() {
        search.wake.notify_one();
    }
    if let Ok(signal) = ctx.data::<crate::changes_signal::ChangesSignal>() {
        signal.wake();
    }
}

/// Runs a create and returns the record's id.
pub(crate) async fn create<R: Record>(
    ctx: &Context<'_>,
    id: Option<ID>,
    record: R,
) -> async_graphql::Result<Written> {
    let write = write_context(ctx)?;
    let id = id
        .map(|id| super::ids::parse_id("input.id", &id))
        .transpose()?;
    let db = ctx.data::<DatabaseConnection>()?;
    let written = write::create(db, &write, id, record)
        .await
        .map_err(|error| error.extend())?;
    wake_indexer(ctx);
    Ok(written)
}

/// Runs an update.
pub(crate) async fn update<R: Record>(
    ctx: &Context<'_>,
    id: &ID,
    expected_version: i32,
    patch: R::Patch,
) -> async_graphql::Result<Written> {
    let write = write_context(ctx)?;
    let id = super::ids::parse_id("id", id)?;
    let db = ctx.data::<DatabaseConnection>()?;
    let written = write::update::<R>(db, &write, id, expected_version, patch)
        .await
        .map_err(|error| error.extend())?;
    wake_indexer(ctx);
    Ok(written)
}

/// Runs a delete.
pub(crate) async fn delete<R: Record>(
    ctx: &Context<'_>,
    id: &ID,
    expected_version: i32,
) -> async_graphql::Result<DeletedRecord> {
    let write = write_context(ctx)?;
    let uuid = super::ids::parse_id("id", id)?;
    let db = ctx.data::<DatabaseConnection>()?;
    let written = write::delete::<R>(db, &write, uuid, expected_version)
        .await
        .map_err(|error| error.extend())?;
    wake_indexer(ctx);
    Ok(DeletedRecord {
        id: id.clone(),
        version: written.version,
    })
}

/// Runs a create and answers with the record's object.
pub(crate) async fn create_object<R: Record, T: RecordObject>(
    ctx: &Context<'_>,
    id: Option<ID>,
    record: R,
) -> async_graphql::Result<T> {
    let written = create(ctx, id, record).await?;
    written_object::<R, T>(ctx, written).await
}

/// Runs an update and answers with the record's object.
pub(crate) async fn update_object<R: Record, T: RecordObject>(
    ctx: &Context<'_>,
    id: &ID,
    expected_version: i32,
    patch: R::Patch,
) -> async_graphql::Result<T> {
    let written = update::<R>(ctx, id, expected_version, patch).await?;
    written_object::<R, T>(ctx, written).await
}

/// The object of the record just written.
async fn written_object<R: Record, T: RecordObject>(
    ctx: &Context<'_>,
    written: Written,
) -> async_graphql::Result<T> {
    let db = ctx.data::<DatabaseConnection>()?;
    service::record::find_by_id::<T::Record>(db, written.id)
        .await
        .map_err(|error| error.extend())?
        .map(T::of)
        .ok_or_else(|| service::Error::NotFound { entity: R::NAME }.extend())
}

/// The row just written, for the mutation's answer.
pub(crate) async fn written_row<E>(
    ctx: &Context<'_>,
    written: Written,
    name: &'static str,
) -> async_graphql::Result<E::Model>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<uuid::Uuid>,
{
    let db = ctx.data::<DatabaseConnection>()?;
    write::row::<E>(db, written.id)
        .await
        .map_err(|error| error.extend())?
        .ok_or_else(|| service::Error::NotFound { entity: name }.extend())
}
