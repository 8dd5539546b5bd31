//! Batched loading for nested fields: one [`DbLoader`] answers every key type below with one
//! service call per batch, so a nested query runs a fixed number of statements whatever the
//! page size. Records load by id (one key type per record type, [`LoadedById`]); the rows of a
//! relation load by the foreign key that names their parent ([`RowsOf`]), with the records
//! another key names when asked ([`RowsWithTargets`]): one key type per foreign key, so each
//! gets its own batch.

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use symbios_entity::funder;
use uuid::Uuid;

use crate::service::direct_read::ReadConnection;
use crate::service::record::{RecordType, Row};
use crate::service::relation::{self, ForeignKey, RowWithSharedTarget, RowWithTarget};
use crate::service::{self, localized_text::FieldTexts};

/// Loads rows for the GraphQL layer in batches.
#[derive(Debug, Clone)]
pub struct DbLoader {
    db: ReadConnection,
}

impl DbLoader {
    /// A loader over `db`.
    pub fn new(db: ReadConnection) -> Self {
        Self { db }
    }
}

/// The one batching loader of a server, shared by every request's resolvers and by the
/// planner: keys asked for by concurrent requests within the batching window share one
/// statement.
pub type SharedLoader = Arc<DataLoader<DbLoader>>;

/// The server's [`SharedLoader`] over `db`, waiting `window` for more keys before it reads
/// a batch (`loader_window_us`).
pub fn shared_loader(db: ReadConnection, window: std::time::Duration) -> SharedLoader {
    Arc::new(
        DataLoader::new(DbLoader::new(db), tokio::spawn)
            .delay(window)
            .max_batch_size(service::MAX_KEYS_PER_STATEMENT),
    )
}

/// [`IdKey`] for a key that is an id (`Key(Uuid)`), or an id beside marker types
/// (`Key<M…>(Uuid, PhantomData<…>)`).
macro_rules! id_key {
    ($key:ident) => {
        id_key!(@impl [] $key);
    };
    ($key:ident<$($marker:ident),+>) => {
        id_key!(@impl [$($marker),+] $key<$($marker),+>, PhantomData);
    };
    (@impl [$($marker:ident),*] $key:ty $(, $phantom:ident)?) => {
        impl<$($marker),*> IdKey for $key {
            fn id(&self) -> Uuid {
                self.0
            }

            fn from_id(id: Uuid) -> Self {
                Self(id $(, $phantom)?)
            }
        }
    };
}

/// Declares a key type and the service call that loads a batch of it.
macro_rules! batch_loader {
    ($(#[$doc:meta])* $key:ident => $value:ty, $load:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub Uuid);

        id_key!($key);

        impl Loader<$key> for DbLoader {
            type Value = $value;
            type Error = Arc<service::Error>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, Self::Error> {
                keyed($load(&self.db, &ids(keys)).await)
            }
        }
    };
}

/// A loader key that is an id and what the id stands for (its type).
pub trait IdKey: Sized {
    /// The id.
    fn id(&self) -> Uuid;
    /// The key of `id`.
    fn from_id(id: Uuid) -> Self;
}

/// The ids of a batch of keys.
fn ids<K: IdKey>(keys: &[K]) -> Vec<Uuid> {
    keys.iter().map(IdKey::id).collect()
}

/// A service answer by id, keyed back by loader key.
fn keyed<K: IdKey + Hash + Eq, V>(
    loaded: Result<HashMap<Uuid, V>, service::Error>,
) -> Result<HashMap<K, V>, Arc<service::Error>> {
    let loaded = loaded.map_err(Arc::new)?;
    Ok(loaded
        .into_iter()
        .map(|(id, value)| (K::from_id(id), value))
        .collect())
}

/// A record of type `R` by id: one batch per record type, for every field that asks.
pub struct ById<R>(pub Uuid, PhantomData<R>);

// By hand: derived impls would ask `R`, a marker type, for them too.
impl<R> Clone for ById<R> {
    fn clone(&self) -> Self {
        Self::from_id(self.0)
    }
}

impl<R> PartialEq for ById<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<R> Eq for ById<R> {}

impl<R> Hash for ById<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

id_key!(ById<R>);

impl<R: RecordType> Loader<ById<R>> for DbLoader {
    type Value = Row<R>;
    type Error = Arc<service::Error>;

    async fn load(&self, keys: &[ById<R>]) -> Result<HashMap<ById<R>, Row<R>>, Self::Error> {
        keyed(service::record::load_many::<R>(&self.db, &ids(keys)).await)
    }
}

batch_loader!(/// The localized texts of a record.
    TextsOf => FieldTexts, service::localized_text::by_records);
batch_loader!(/// The funder record an actor also is.
    FunderOfActor => Vec<funder::Model>, service::funder::by_actor);
batch_loader!(/// The project ids of a case study.
    ProjectIdsOfCaseStudy => Vec<Uuid>, service::case_study::project_ids);
batch_loader!(/// The case-study ids of a project.
    CaseStudyIdsOfProject => Vec<Uuid>, service::case_study::ids_by_project);
batch_loader!(/// The theme ids of a case study.
    ThemeIdsOfCaseStudy => Vec<Uuid>, service::case_study::theme_ids);
batch_loader!(/// The theme ids of a project.
    ThemeIdsOfProject => Vec<Uuid>, service::project::theme_ids);
batch_loader!(/// The case-study ids of a theme.
    CaseStudyIdsOfTheme => Vec<Uuid>, service::case_study::ids_by_theme);
batch_loader!(/// The project ids of a theme.
    ProjectIdsOfTheme => Vec<Uuid>, service::project::ids_by_theme);

/// The rows of `K`'s relation whose key `K` names the parent with this id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowsOf<K>(pub Uuid, PhantomData<K>);

id_key!(RowsOf<K>);

impl<K: ForeignKey> Loader<RowsOf<K>> for DbLoader {
    type Value = Vec<relation::Row<K::Relation>>;
    type Error = Arc<service::Error>;

    async fn load(
        &self,
        keys: &[RowsOf<K>],
    ) -> Result<HashMap<RowsOf<K>, Self::Value>, Self::Error> {
        keyed(relation::rows_of::<K>(&self.db, &ids(keys)).await)
    }
}

/// The rows of `K`'s relation whose key `K` names the parent with this id, each with the
/// record its key `T` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowsWithTargets<K, T>(pub Uuid, PhantomData<(K, T)>);

id_key!(RowsWithTargets<K, T>);

impl<K, T> Loader<RowsWithTargets<K, T>> for DbLoader
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
{
    type Value = Vec<RowWithTarget<T>>;
    type Error = Arc<service::Error>;

    async fn load(
        &self,
        keys: &[RowsWithTargets<K, T>],
    ) -> Result<HashMap<RowsWithTargets<K, T>, Self::Value>, Self::Error> {
        keyed(relation::rows_with_targets::<K, T>(&self.db, &ids(keys)).await)
    }
}

/// [`RowsWithTargets`] with each record behind an `Arc` (the planner's key: a level's rows
/// and the records they name in one loader round).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowsWithSharedTargets<K, T>(pub Uuid, PhantomData<(K, T)>);

id_key!(RowsWithSharedTargets<K, T>);

impl<K, T> Loader<RowsWithSharedTargets<K, T>> for DbLoader
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
{
    type Value = Vec<RowWithSharedTarget<T>>;
    type Error = Arc<service::Error>;

    async fn load(
        &self,
        keys: &[RowsWithSharedTargets<K, T>],
    ) -> Result<HashMap<RowsWithSharedTargets<K, T>, Self::Value>, Self::Error> {
        keyed(relation::rows_with_shared_targets::<K, T>(&self.db, &ids(keys)).await)
    }
}

/// Key `K`'s value behind an `Arc`: the planner's keys. A batch's value reaches every request
/// that asked for it within the window, and the loader hands each one its own copy; the
/// planner only reads the rows, so a copy of the pointer does instead of a copy of each
/// row and its strings (about a tenth of the CPU of the peers' nested query, `perf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shared<K>(pub K);

impl<K: IdKey> IdKey for Shared<K> {
    fn id(&self) -> Uuid {
        self.0.id()
    }

    fn from_id(id: Uuid) -> Self {
        Self(K::from_id(id))
    }
}

/// [`Shared`] for each key kind the planner loads (written per kind: a blanket impl over any
/// `K` sends the compiler's trait search into `Shared<Shared<…>>`).
macro_rules! shared_loader {
    ($([$($generics:tt)*] $key:ty;)+) => {$(
        impl<$($generics)*> Loader<Shared<$key>> for DbLoader {
            type Value = Arc<<DbLoader as Loader<$key>>::Value>;
            type Error = Arc<service::Error>;

            async fn load(
                &self,
                keys: &[Shared<$key>],
            ) -> Result<HashMap<Shared<$key>, Self::Value>, Self::Error> {
                let keys: Vec<$key> = keys.iter().map(|Shared(key)| key.clone()).collect();
                let loaded = <Self as Loader<$key>>::load(self, &keys).await?;
                Ok(loaded
                    .into_iter()
                    .map(|(key, value)| (Shared(key), Arc::new(value)))
                    .collect())
            }
        }
    )+};
}

shared_loader! {
    [R: RecordType] ById<R>;
    [K: ForeignKey] RowsOf<K>;
    [K: ForeignKey, T: ForeignKey<Relation = K::Relation>] RowsWithSharedTargets<K, T>;
    [] TextsOf;
}
