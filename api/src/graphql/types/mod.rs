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

/// A related record that the list holding an object loaded for all its rows at once: `None`
/// when the list did not (the field then asks the loader), `Some(None)` when there is no such
/// record.
pub(crate) type Preloaded<V> = Option<Option<V>>;

/// The rows of a list, each with the two records it points to (through `first` and `second`:
/// a field name and the key of each row's record), loaded in one loader call per field for the
/// whole list when the list's items select that field: one call per list instead of one per
/// object.
pub(crate) async fn preload_links<R, K1, V1, K2, V2>(
    ctx: &Context<'_>,
    rows: Vec<R>,
    first: (&str, impl Fn(&R) -> K1),
    second: (&str, impl Fn(&R) -> K2),
) -> async_graphql::Result<Vec<(R, Preloaded<V1>, Preloaded<V2>)>>
where
    R: Sync,
    K1: Send + Sync + Hash + Eq + Clone + 'static,
    K2: Send + Sync + Hash + Eq + Clone + 'static,
    V1: Clone,
    V2: Clone,
    DbLoader: Loader<K1, Value = V1, Error = Arc<service::Error>>
        + Loader<K2, Value = V2, Error = Arc<service::Error>>,
{
    // An empty list has nothing to load: no loader round, no statement.
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let selected = ctx.look_ahead();
    let (first_records, second_records) = futures_util::try_join!(
        preload(
            ctx,
            selected.field(first.0).exists(),
            rows.iter().map(&first.1)
        ),
        preload(
            ctx,
            selected.field(second.0).exists(),
            rows.iter().map(&second.1)
        ),
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let first_record = preloaded_for(&first_records, &first.1(&row));
            let second_record = preloaded_for(&second_records, &second.1(&row));
            (row, first_record, second_record)
        })
        .collect())
}

/// Loads the records behind `keys` in one loader call when `selected`.
async fn preload<K, V>(
    ctx: &Context<'_>,
    selected: bool,
    keys: impl IntoIterator<Item = K>,
) -> async_graphql::Result<Option<HashMap<K, V>>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = V, Error = Arc<service::Error>>,
{
    if !selected {
        return Ok(None);
    }
    load_many(ctx, keys).await.map(Some)
}

/// One object's share of what [`preload`] loaded.
fn preloaded_for<K: Hash + Eq, V: Clone>(loaded: &Option<HashMap<K, V>>, key: &K) -> Preloaded<V> {
    loaded.as_ref().map(|found| found.get(key).cloned())
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
