//! GraphQL object types, one file per record type (its object, filter and order inputs,
//! lookup and list fields, create and patch inputs and mutations), merged here into
//! [`RecordQueries`] and [`RecordMutations`]; plus the shared pieces: enums, localized text,
//! the relation objects and the loading helpers every nested field uses.

pub mod actor;
pub mod case_study;
pub mod enums;
pub mod eu_fields;
pub mod flows;
pub mod funder;
pub mod localized;
pub mod node;
pub mod project;
pub mod relation_object;
pub mod relations;
pub mod search;
pub mod theme;

pub use actor::Actor;
pub use case_study::CaseStudy;
pub use funder::Funder;
pub use project::Project;
pub use relations::{
    CaseStudyActor, Funding, ImpactFigure, Membership, Participation, ResourceFlow,
};
pub use theme::Theme;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, MergedObject};
use uuid::Uuid;

use super::loaders::{DbLoader, SharedLoader};
use crate::error::loader_error;
use crate::service;

/// Each record type's lookup and list fields.
#[derive(MergedObject, Default)]
pub struct RecordQueries(
    case_study::CaseStudyQuery,
    project::ProjectQuery,
    actor::ActorQuery,
    funder::FunderQuery,
    theme::ThemeQuery,
    flows::FlowQuery,
);

/// Each record type's mutations but the themes', which the schema lists after the relations'.
#[derive(MergedObject, Default)]
pub struct RecordMutations(
    case_study::CaseStudyMutation,
    project::ProjectMutation,
    actor::ActorMutation,
    funder::FunderMutation,
);

pub(crate) fn loader<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<DbLoader>> {
    Ok(ctx.data::<SharedLoader>()?.as_ref())
}

/// Loads one value through the batched loader.
pub(crate) async fn load_one<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = V, Error = Arc<service::Error>>,
{
    // What `DataLoader::load_one` does: the key joins the batch of its type.
    Ok(load_many(ctx, [key.clone()]).await?.remove(&key))
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
