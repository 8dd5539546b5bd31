//! GraphQL object types, one file per record type, plus the shared pieces: enums, localized
//! text and the loading helpers every nested field uses.

pub mod actor;
pub mod case_study;
pub mod eager;
pub mod enums;
pub mod funder;
pub mod localized;
pub mod node;
pub mod project;
pub mod relations;
pub mod search;
pub mod theme;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use uuid::Uuid;

use self::eager::Eager;
use super::loaders::DbLoader;
use crate::error::loader_error;
use crate::service;

fn loader<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>()
}

/// Loads one value through the batched loader.
pub(crate) async fn load_one<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = V, Error = Arc<service::Error>>,
{
    loader(ctx)?
        .load_one(key)
        .await
        .map_err(|error| loader_error(&error))
}

/// Loads a list through the batched loader; a key with no rows gives an empty list.
pub(crate) async fn load_list<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = Vec<V>, Error = Arc<service::Error>>,
{
    Ok(load_one(ctx, key).await?.unwrap_or_default())
}

/// Loads the values of `keys` through the batched loader; keys with no value are absent.
async fn load_many<K, V>(
    ctx: &Context<'_>,
    keys: impl IntoIterator<Item = K>,
) -> async_graphql::Result<HashMap<K, V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = V, Error = Arc<service::Error>>,
{
    loader(ctx)?
        .load_many(keys)
        .await
        .map_err(|error| loader_error(&error))
}

/// Loads the records with `ids` through the batched loader, keeping the order of `ids` and
/// skipping ids with no record.
pub(crate) async fn load_records<K, V, T>(
    ctx: &Context<'_>,
    ids: &[Uuid],
    key: impl Fn(Uuid) -> K,
    wrap: impl Fn(V) -> T,
) -> async_graphql::Result<Vec<T>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Clone,
    DbLoader: Loader<K, Value = V, Error = Arc<service::Error>>,
{
    let keys: Vec<K> = ids.iter().copied().map(&key).collect();
    let mut loaded = load_many(ctx, keys.iter().cloned()).await?;
    Ok(keys
        .iter()
        .filter_map(|key| loaded.remove(key))
        .map(wrap)
        .collect())
}

/// A related record that the list holding an object loaded with the list's rows: `None` when
/// it did not (the field then asks the loader), `Some(None)` when there is no such record.
pub(crate) type Preloaded<V> = Option<Option<V>>;

/// A list of link rows (roles, participations) of one `parent`, each made into an object by
/// `make(row, record, parent)`. `record` is the one the row points to, loaded in the same
/// loader round as the rows (the key `linked`) when the items select `record_field`; else the
/// rows alone come from the key `plain`. Rows whose items select `parent_field` get a copy of
/// the parent itself.
pub(crate) async fn link_list<KL, KP, R, V, P, T>(
    ctx: &Context<'_>,
    (record_field, linked, plain): (&str, KL, KP),
    (parent_field, parent): (&str, &P),
    make: impl Fn(R, Preloaded<V>, Preloaded<P>) -> T,
) -> async_graphql::Result<Vec<Eager<T>>>
where
    KL: Send + Sync + Hash + Eq + Clone + 'static,
    KP: Send + Sync + Hash + Eq + Clone + 'static,
    P: Clone,
    DbLoader: Loader<KL, Value = Vec<(R, Option<V>)>, Error = Arc<service::Error>>
        + Loader<KP, Value = Vec<R>, Error = Arc<service::Error>>,
{
    let selected = ctx.look_ahead();
    let parent = selected
        .field(parent_field)
        .exists()
        .then(|| Some(parent.clone()));
    let rows = rows_with_records(ctx, selected.field(record_field).exists(), linked, plain).await?;
    Ok(rows
        .into_iter()
        .map(|(row, record)| Eager(make(row, record, parent.clone())))
        .collect())
}

/// The rows behind the key `plain`; or, when `with_records`, the rows behind `linked`, each
/// with the record it points to, loaded in the same loader round (one round per list level
/// instead of two).
async fn rows_with_records<KL, KP, R, V>(
    ctx: &Context<'_>,
    with_records: bool,
    linked: KL,
    plain: KP,
) -> async_graphql::Result<Vec<(R, Preloaded<V>)>>
where
    KL: Send + Sync + Hash + Eq + Clone + 'static,
    KP: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<KL, Value = Vec<(R, Option<V>)>, Error = Arc<service::Error>>
        + Loader<KP, Value = Vec<R>, Error = Arc<service::Error>>,
{
    Ok(if with_records {
        load_list(ctx, linked)
            .await?
            .into_iter()
            .map(|(row, record)| (row, Some(record)))
            .collect()
    } else {
        load_list(ctx, plain)
            .await?
            .into_iter()
            .map(|row| (row, None))
            .collect()
    })
}

/// The related record: as the list preloaded it, else through the loader.
pub(crate) async fn preloaded_or_load<K, V>(
    ctx: &Context<'_>,
    preloaded: &Preloaded<V>,
    key: K,
) -> async_graphql::Result<Option<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Clone,
    DbLoader: Loader<K, Value = V, Error = Arc<service::Error>>,
{
    match preloaded {
        Some(record) => Ok(record.clone()),
        None => load_one(ctx, key).await,
    }
}
