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
    let mut loaded: HashMap<K, V> = loader(ctx)?
        .load_many(keys.iter().cloned())
        .await
        .map_err(|error| loader_error(&error))?;
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

/// Loads the records behind `keys` in one loader call, when the list `selected` the field
/// they answer: one call per list instead of one per object.
pub(crate) async fn preload<K, V>(
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
    loader(ctx)?
        .load_many(keys)
        .await
        .map(Some)
        .map_err(|error| loader_error(&error))
}

/// One object's share of what [`preload`] loaded.
pub(crate) fn preloaded_for<K: Hash + Eq, V: Clone>(
    loaded: &Option<HashMap<K, V>>,
    key: &K,
) -> Preloaded<V> {
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
