//! The GraphQL side of the relation registry: a relation's object type declares the service
//! relation whose rows it shows ([`RelationObject`]) and, for role lists, which of its fields
//! show the records at its ends ([`Keeps`]); [`relation_object!`] writes the object from one
//! declaration. Record types list their relations with [`rows`], [`linked_rows`] and
//! [`distinct_targets`].

use async_graphql::Context;
use uuid::Uuid;

use super::eager::Eager;
use super::{load_list, loader};
use crate::error::loader_error;
use crate::graphql::loaders::{IdKey, LoadedById, RowsOf, RowsWithTargets};
use crate::graphql::records::RecordObject;
use crate::service::record::{self, Record};
use crate::service::relation::{self, ForeignKey, Relation};

/// A GraphQL object type over the rows of one service relation.
pub trait RelationObject: Send + Sync + Sized + 'static {
    /// The service relation whose rows it shows.
    type Relation: Relation;
    /// The object of a row.
    fn of(row: relation::Row<Self::Relation>) -> Self;
    /// Its row.
    fn row(&self) -> &relation::Row<Self::Relation>;
}

/// A related record that the list holding an object loaded with the list's rows: `None` when
/// it did not (the field then asks the loader), `Some(None)` when there is no such record.
pub type Preloaded<V> = Option<Option<V>>;

/// A relation object that keeps the record its key `K` names when the list holding it loaded
/// that record with the rows.
pub trait Keeps<K: ForeignKey>: RelationObject<Relation = K::Relation> {
    /// The object's field that shows the record (`caseStudy`).
    const FIELD: &'static str;
    /// The record as the list loaded it.
    fn kept(&self) -> &Preloaded<record::Row<K::Target>>;
    /// The object keeping `record`.
    fn keeping(self, record: Preloaded<record::Row<K::Target>>) -> Self;
}

/// The rows of `O`'s relation whose key `K` names `parent`.
pub(crate) async fn rows<K, O>(
    ctx: &Context<'_>,
    _key: K,
    parent: &record::Row<K::Target>,
) -> async_graphql::Result<Vec<Eager<O>>>
where
    K: ForeignKey,
    O: RelationObject<Relation = K::Relation>,
{
    let rows = load_list(ctx, RowsOf::<K>::from_id(K::Target::id(parent))).await?;
    Ok(rows.into_iter().map(|row| Eager(O::of(row))).collect())
}

/// A role list: the rows of `O`'s relation whose key `P` names `parent`. When the items select
/// the record their key `T` names, it is loaded in the same loader round as the rows (one round
/// per list level instead of two); when they select their parent, they get a copy of it.
pub(crate) async fn linked_rows<P, T, O>(
    ctx: &Context<'_>,
    _key: P,
    parent: &record::Row<P::Target>,
    _target: T,
) -> async_graphql::Result<Vec<Eager<O>>>
where
    P: ForeignKey,
    T: ForeignKey<Relation = P::Relation>,
    O: Keeps<P> + Keeps<T>,
{
    let selected = ctx.look_ahead();
    let parent_id = P::Target::id(parent);
    let kept_parent = selected
        .field(<O as Keeps<P>>::FIELD)
        .exists()
        .then(|| Some(parent.clone()));
    let rows: Vec<(relation::Row<P::Relation>, Preloaded<_>)> =
        if selected.field(<O as Keeps<T>>::FIELD).exists() {
            let key = RowsWithTargets::<P, T>::from_id(parent_id);
            let rows = load_list(ctx, key).await?;
            rows.into_iter()
                .map(|(row, target)| (row, Some(target)))
                .collect()
        } else {
            let rows = load_list(ctx, RowsOf::<P>::from_id(parent_id)).await?;
            rows.into_iter().map(|row| (row, None)).collect()
        };
    Ok(rows
        .into_iter()
        .map(|(row, target)| {
            let object = <O as Keeps<P>>::keeping(O::of(row), kept_parent.clone());
            Eager(<O as Keeps<T>>::keeping(object, target))
        })
        .collect())
}

/// The distinct records that key `T` names in the rows of the relation whose key `P` names
/// `parent`, in the order of the rows.
pub(crate) async fn distinct_targets<P, T, R>(
    ctx: &Context<'_>,
    _key: P,
    parent: &record::Row<P::Target>,
    _target: T,
) -> async_graphql::Result<Vec<Eager<R>>>
where
    P: ForeignKey,
    T: ForeignKey<Relation = P::Relation>,
    R: RecordObject<Record = T::Target>,
    T::Target: LoadedById,
{
    let rows = load_list(ctx, RowsOf::<P>::from_id(P::Target::id(parent))).await?;
    let mut ids: Vec<Uuid> = Vec::with_capacity(rows.len());
    for id in rows.iter().filter_map(T::of) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut loaded = T::Target::load_by_id(loader(ctx)?, ids.clone())
        .await
        .map_err(|error| loader_error(&error))?;
    Ok(ids
        .iter()
        .filter_map(|id| loaded.remove(id))
        .map(|row| Eager(R::of(row)))
        .collect())
}

/// The record `id` names: as the list holding the object kept it, else through its loader.
pub(crate) async fn target<R>(
    ctx: &Context<'_>,
    kept: &Preloaded<record::Row<R::Record>>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<Eager<R>>>
where
    R: RecordObject,
    R::Record: LoadedById,
{
    let row = match (kept, id) {
        (Some(record), _) => record.clone(),
        (None, Some(id)) => R::Record::load_by_id(loader(ctx)?, vec![id])
            .await
            .map_err(|error| loader_error(&error))?
            .remove(&id),
        (None, None) => None,
    };
    Ok(row.map(|row| Eager(R::of(row))))
}

/// A relation's GraphQL object, declared as `Funding(funding) = service::funding::Fundings;`
/// (entity module, service relation): the type over its row (`Funding(row)`, or, with
/// `keeps`, a struct that also keeps the records at its ends for role lists), its
/// [`RelationObject`] (and [`Keeps`]) impls, `From` its row, and an `#[Object]` impl of the
/// fields in the order given. A field is `id;`, `version;`, a link `name: Object = relation::KeyColumn;` (the
/// record the key names, kept or through the loader), or an `async fn` written out.
macro_rules! relation_object {
    (
        $(#[$doc:meta])*
        $object:ident($entity:ident) = $relation:ty;
        fields { $($fields:tt)* }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $object(pub symbios_entity::$entity::Model);

        impl $crate::graphql::types::relation_object::RelationObject for $object {
            type Relation = $relation;

            fn of(row: symbios_entity::$entity::Model) -> Self {
                Self(row)
            }

            fn row(&self) -> &symbios_entity::$entity::Model {
                &self.0
            }
        }

        $crate::graphql::types::relation_object::relation_object!(
            @fields $object($entity) loaded [] $($fields)*
        );
    };
    (
        $(#[$doc:meta])*
        $object:ident($entity:ident) = $relation:ty, keeps {
            $($end:ident: $key:ty = $name:literal),+ $(,)?
        };
        fields { $($fields:tt)* }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $object {
            row: symbios_entity::$entity::Model,
            $($end: $crate::graphql::types::relation_object::Preloaded<
                $crate::service::record::Row<<$key as $crate::service::relation::ForeignKey>::Target>,
            >,)+
        }

        impl $crate::graphql::types::relation_object::RelationObject for $object {
            type Relation = $relation;

            fn of(row: symbios_entity::$entity::Model) -> Self {
                Self { row, $($end: None,)+ }
            }

            fn row(&self) -> &symbios_entity::$entity::Model {
                &self.row
            }
        }

        $(impl $crate::graphql::types::relation_object::Keeps<$key> for $object {
            const FIELD: &'static str = $name;

            fn kept(
                &self,
            ) -> &$crate::graphql::types::relation_object::Preloaded<
                $crate::service::record::Row<<$key as $crate::service::relation::ForeignKey>::Target>,
            > {
                &self.$end
            }

            fn keeping(
                self,
                record: $crate::graphql::types::relation_object::Preloaded<
                    $crate::service::record::Row<<$key as $crate::service::relation::ForeignKey>::Target>,
                >,
            ) -> Self {
                Self { $end: record, ..self }
            }
        })+

        $crate::graphql::types::relation_object::relation_object!(
            @fields $object($entity) kept [] $($fields)*
        );
    };
    (@fields $object:ident($entity:ident) $ends:ident [$($done:tt)*]) => {
        impl From<symbios_entity::$entity::Model> for $object {
            fn from(row: symbios_entity::$entity::Model) -> Self {
                <Self as $crate::graphql::types::relation_object::RelationObject>::of(row)
            }
        }

        #[async_graphql::Object]
        impl $object {
            $($done)*
        }
    };
    (@fields $object:ident $entity:tt $ends:ident [$($done:tt)*]
        $(#[$doc:meta])* id; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(
            @fields $object $entity $ends [$($done)*
                $(#[$doc])*
                async fn id(&self) -> async_graphql::ID {
                    let row = $crate::graphql::types::relation_object::RelationObject::row(self);
                    async_graphql::ID(row.id.to_string())
                }
            ] $($rest)*
        );
    };
    (@fields $object:ident $entity:tt $ends:ident [$($done:tt)*]
        $(#[$doc:meta])* version; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(
            @fields $object $entity $ends [$($done)*
                $(#[$doc])*
                async fn version(&self) -> i32 {
                    $crate::graphql::types::relation_object::RelationObject::row(self).version
                }
            ] $($rest)*
        );
    };
    (@fields $object:ident $entity:tt $ends:ident [$($done:tt)*]
        $(#[$doc:meta])* async fn $name:ident($($args:tt)*) -> $output:ty $body:block
        $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(
            @fields $object $entity $ends [$($done)*
                $(#[$doc])*
                async fn $name($($args)*) -> $output $body
            ] $($rest)*
        );
    };
    (@fields $object:ident $entity:tt $ends:ident [$($done:tt)*]
        $(#[$doc:meta])* $name:ident: $target:ty = $key:ty; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(
            @fields $object $entity $ends [$($done)*
                $(#[$doc])*
                async fn $name(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                ) -> async_graphql::Result<
                    Option<$crate::graphql::types::eager::Eager<$target>>,
                > {
                    let row = $crate::graphql::types::relation_object::RelationObject::row(self);
                    let id = <$key as $crate::service::relation::ForeignKey>::of(row);
                    let kept = $crate::graphql::types::relation_object::relation_object!(
                        @kept $ends self $key
                    );
                    $crate::graphql::types::relation_object::target::<$target>(ctx, kept, id).await
                }
            ] $($rest)*
        );
    };
    (@kept loaded $self:ident $key:ty) => {
        &None
    };
    (@kept kept $self:ident $key:ty) => {
        $crate::graphql::types::relation_object::Keeps::<$key>::kept($self)
    };
}

pub(crate) use relation_object;
