//! The GraphQL side of the relation registry: a relation's object type declares the service
//! relation whose rows it shows ([`RelationObject`]) and, for role lists, which of its fields
//! show the records at its ends ([`Keeps`]); [`relation_object!`] writes the object from one
//! declaration ([`role_object!`] for roles). Record types list their relations with [`rows`],
//! [`linked_rows`], [`distinct_targets`] and [`linked_records`].

use std::hash::Hash;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::load_list;
use crate::graphql::loaders::{DbLoader, IdKey, RowsOf, RowsWithTargets};
use crate::graphql::records::{RecordObject, load_objects};
use crate::service;
use crate::service::record::{self, RecordType};
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
    parent: &record::Row<K::Target>,
    _key: K,
) -> async_graphql::Result<Vec<O>>
where
    K: ForeignKey,
    O: RelationObject<Relation = K::Relation>,
{
    let rows = load_list(ctx, RowsOf::<K>::from_id(K::Target::id(parent))).await?;
    Ok(rows.into_iter().map(O::of).collect())
}

/// Two keys of one relation, `(From, To)`: the one that names a list's parent, and the one
/// that names the record each row of the list leads to.
pub trait Link: Copy {
    /// The key naming the parent.
    type From: ForeignKey;
    /// The key naming the record a row leads to.
    type To: ForeignKey<Relation = <Self::From as ForeignKey>::Relation>;
}

impl<P: ForeignKey, T: ForeignKey<Relation = P::Relation>> Link for (P, T) {
    type From = P;
    type To = T;
}

/// The record type a link's parent is of.
type ParentRow<L> = record::Row<<<L as Link>::From as ForeignKey>::Target>;

/// A role list: the rows of `O`'s relation whose key `L::From` names `parent`. When the items
/// select the record their key `L::To` names, it is loaded in the same loader round as the
/// rows (one round per list level instead of two); when they select their parent, they get a
/// copy of it.
pub(crate) async fn linked_rows<L, O>(
    ctx: &Context<'_>,
    parent: &ParentRow<L>,
    _link: L,
) -> async_graphql::Result<Vec<O>>
where
    L: Link,
    O: Keeps<L::From> + Keeps<L::To>,
{
    let selected = ctx.look_ahead();
    let parent_id = <L::From as ForeignKey>::Target::id(parent);
    let kept_parent = selected
        .field(<O as Keeps<L::From>>::FIELD)
        .exists()
        .then(|| Some(parent.clone()));
    let rows: Vec<(relation::Row<O::Relation>, Preloaded<_>)> =
        if selected.field(<O as Keeps<L::To>>::FIELD).exists() {
            let key = RowsWithTargets::<L::From, L::To>::from_id(parent_id);
            let rows = load_list(ctx, key).await?;
            rows.into_iter()
                .map(|(row, target)| (row, Some(target)))
                .collect()
        } else {
            let rows = load_list(ctx, RowsOf::<L::From>::from_id(parent_id)).await?;
            rows.into_iter().map(|row| (row, None)).collect()
        };
    Ok(rows
        .into_iter()
        .map(|(row, target)| {
            let object = <O as Keeps<L::From>>::keeping(O::of(row), kept_parent.clone());
            <O as Keeps<L::To>>::keeping(object, target)
        })
        .collect())
}

/// The distinct records that key `T` names in the rows of the relation whose key `P` names
/// `parent`, in the order of the rows.
pub(crate) async fn distinct_targets<P, T, R>(
    ctx: &Context<'_>,
    parent: &record::Row<P::Target>,
    _keys: (P, T),
) -> async_graphql::Result<Vec<R>>
where
    P: ForeignKey,
    T: ForeignKey<Relation = P::Relation>,
    R: RecordObject<Record = T::Target>,
{
    let rows = load_list(ctx, RowsOf::<P>::from_id(P::Target::id(parent))).await?;
    let mut ids: Vec<Uuid> = Vec::with_capacity(rows.len());
    for id in rows.iter().filter_map(T::of) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    load_objects(ctx, &ids).await
}

/// The records whose ids the loader key `key` gives (a many-to-many link), in that order.
pub(crate) async fn linked_records<K, R>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<R>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = Vec<Uuid>, Error = Arc<service::Error>>,
    R: RecordObject,
{
    load_objects(ctx, &load_list(ctx, key).await?).await
}

/// The record `id` names: as the list holding the object kept it, else through its loader.
pub(crate) async fn target<R>(
    ctx: &Context<'_>,
    kept: &Preloaded<record::Row<R::Record>>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<R>>
where
    R: RecordObject,
{
    Ok(match (kept, id) {
        (Some(record), _) => record.clone().map(R::of),
        (None, Some(id)) => load_objects(ctx, &[id]).await?.pop(),
        (None, None) => None,
    })
}

/// A relation's GraphQL object, declared as `Funding(funding) = service::funding::Fundings;`
/// (entity module, service relation): the type over its row (`Funding(row)`, or, with
/// `keeps`, a struct that also keeps the records at its ends for role lists), its
/// [`RelationObject`] (and [`Keeps`]) impls, `From` its row, and an `#[Object]` impl of the
/// fields in the order given. A field is `id;`, `version;`, a link `name: Object = relation::KeyColumn;` (the
/// record the key names, kept or through the loader), a value of the row
/// `name: Type = |row| row.column;`, or an `async fn` written out.
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

        impl $crate::graphql::types::relation_object::ObjectRow for $object {
            type Model = symbios_entity::$entity::Model;

            fn object_row(&self) -> &Self::Model {
                &self.0
            }
        }

        $crate::graphql::types::relation_object::relation_object!(
            @fields [$object($entity) loaded] [] $($fields)*
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

        impl $crate::graphql::types::relation_object::ObjectRow for $object {
            type Model = symbios_entity::$entity::Model;

            fn object_row(&self) -> &Self::Model {
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
            @fields [$object($entity) kept] [] $($fields)*
        );
    };
    // An object over a row that is not a record of its own (a case study's location); its
    // documentation is the schema's.
    (
        $(#[$doc:meta])*
        $object:ident over $model:ty;
        fields { $($fields:tt)* }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $object(pub $model);

        impl $crate::graphql::types::relation_object::ObjectRow for $object {
            type Model = $model;

            fn object_row(&self) -> &Self::Model {
                &self.0
            }
        }

        $crate::graphql::types::relation_object::relation_object!(
            @fields [record $object # [async_graphql::Object] $(#[$doc])*] [] $($fields)*
        );
    };
    (@fields [$object:ident($entity:ident) $ends:ident] [$($done:tt)*]) => {
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
    // A record type's object (`record_object!`): the caller's `#[Object]`, so that names in
    // `complexity` strings resolve where they were written.
    (@fields [record $object:ident $pound:tt $object_attribute:tt $(#[$doc:meta])*]
        [$($done:tt)*]
    ) => {
        $(#[$doc])*
        $pound $object_attribute
        impl $object {
            $($done)*
        }
    };
    // Appends one field's methods to those done, then reads the rest.
    (@push $head:tt [$($done:tt)*] { $($method:tt)* } $($rest:tt)*) => {
        $crate::graphql::types::relation_object::relation_object!(
            @fields $head [$($done)* $($method)*] $($rest)*
        );
    };
    (@fields $head:tt $done:tt
        $(#[$doc:meta])* id; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(@push $head $done {
            $(#[$doc])*
            async fn id(&self) -> async_graphql::ID {
                let row = $crate::graphql::types::relation_object::ObjectRow::object_row(self);
                async_graphql::ID(row.id.to_string())
            }
        } $($rest)*);
    };
    // The change-tracking fields every versioned record type ends with.
    (@fields $head:tt $done:tt versioned; $($rest:tt)*) => {
        $crate::graphql::types::relation_object::relation_object!(@fields $head $done
            /// Starts at 1 and grows by one with every change.
            version: i32 = |row| row.version;

            /// When the record was created.
            created_at: chrono::DateTime<chrono::Utc> = |row| row.created_at;

            /// When the record last changed.
            updated_at: chrono::DateTime<chrono::Utc> = |row| row.updated_at;

            $($rest)*
        );
    };
    (@fields $head:tt $done:tt
        $(#[$doc:meta])* version; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(@push $head $done {
            $(#[$doc])*
            async fn version(&self) -> i32 {
                $crate::graphql::types::relation_object::ObjectRow::object_row(self).version
            }
        } $($rest)*);
    };
    (@fields $head:tt $done:tt
        $(#[$doc:meta])* async fn $name:ident($($args:tt)*) -> $output:ty $body:block
        $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(@push $head $done {
            $(#[$doc])*
            async fn $name($($args)*) -> $output $body
        } $($rest)*);
    };
    (@fields $head:tt $done:tt
        $(#[$doc:meta])* $name:ident: localized $field:path; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(@push $head $done {
            $(#[$doc])*
            async fn $name(&self, ctx: &async_graphql::Context<'_>, lang: Option<String>)
                -> async_graphql::Result<Option<$crate::graphql::types::localized::LocalizedText>>
            {
                let id = $crate::graphql::types::relation_object::ObjectRow::object_row(self).id;
                $crate::graphql::types::localized::resolve(ctx, id, $field, lang.as_deref()).await
            }
        } $($rest)*);
    };
    (@fields $head:tt $done:tt
        $(#[$doc:meta])* $name:ident: translations $field:path; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(@push $head $done {
            $(#[$doc])*
            async fn $name(&self, ctx: &async_graphql::Context<'_>)
                -> async_graphql::Result<Vec<$crate::graphql::types::localized::Translation>>
            {
                let id = $crate::graphql::types::relation_object::ObjectRow::object_row(self).id;
                $crate::graphql::types::localized::all(ctx, id, $field).await
            }
        } $($rest)*);
    };
    (@fields $head:tt $done:tt
        $(#[$doc:meta])* $name:ident: $output:ty = |$row:ident| $value:expr; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(@push $head $done {
            $(#[$doc])*
            async fn $name(&self) -> $output {
                let $row = $crate::graphql::types::relation_object::ObjectRow::object_row(self);
                $value
            }
        } $($rest)*);
    };
    (@fields [$object:ident $entity:tt $ends:ident] $done:tt
        $(#[$doc:meta])* $name:ident: $target:ty = $key:ty; $($rest:tt)*
    ) => {
        $crate::graphql::types::relation_object::relation_object!(
            @push [$object $entity $ends] $done {
                $(#[$doc])*
                async fn $name(&self, ctx: &async_graphql::Context<'_>)
                    -> async_graphql::Result<Option<$target>>
                {
                    let row = $crate::graphql::types::relation_object::ObjectRow::object_row(self);
                    let id = <$key as $crate::service::relation::ForeignKey>::of(row);
                    let kept = $crate::graphql::types::relation_object::relation_object!(
                        @kept $ends self $key
                    );
                    $crate::graphql::types::relation_object::target::<$target>(ctx, kept, id).await
                }
            } $($rest)*
        );
    };
    (@kept loaded $self:ident $key:ty) => {
        &None
    };
    (@kept kept $self:ident $key:ty) => {
        $crate::graphql::types::relation_object::Keeps::<$key>::kept($self)
    };
}

/// A role: a relation object with an id, a role, the two records it links (each kept when
/// its list loaded it, and named as a GraphQL field) and a version.
macro_rules! role_object {
    (
        $(#[$doc:meta])*
        $object:ident($entity:ident) = $relation:ty, role: $role:ty;
        $(#[$id_doc:meta])* id;
        $(#[$a_doc:meta])* $a:ident: $a_target:ty = $a_key:ty, $a_name:literal;
        $(#[$b_doc:meta])* $b:ident: $b_target:ty = $b_key:ty, $b_name:literal;
        $(#[$version_doc:meta])* version;
    ) => {
        $crate::graphql::types::relation_object::relation_object! {
            $(#[$doc])*
            $object($entity) = $relation, keeps { $a: $a_key = $a_name, $b: $b_key = $b_name };
            fields {
                $(#[$id_doc])* id;
                /// The role.
                async fn role(&self) -> $role {
                    self.row.role.into()
                }
                $(#[$a_doc])* $a: $a_target = $a_key;
                $(#[$b_doc])* $b: $b_target = $b_key;
                $(#[$version_doc])* version;
            }
        }
    };
}

pub(crate) use {relation_object, role_object};

/// The row an object shows: what the field arms of [`relation_object!`] read (also for the
/// record objects of `record_object!`).
pub trait ObjectRow {
    /// The sea-orm row.
    type Model;
    /// The row.
    fn object_row(&self) -> &Self::Model;
}
