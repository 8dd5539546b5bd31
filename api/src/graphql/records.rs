//! The record-type registry of the GraphQL side: an object type declares which service record
//! type it shows ([`RecordObject`]), and every record type gets the same lookup (`funder(id:
//! | slug:)`) and list (`funders(filter:, orderBy:, first:, after:, last:, before:)`) fields
//! from [`record_queries!`], and the same order input from [`order_input!`].

use async_graphql::{Context, ID, OutputType};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::ServiceResultExt as _;
use crate::graphql::connection::{PageArgs, RecordConnection, connection};
use crate::graphql::ids::{Lookup, lookup};
use crate::graphql::loaders::{ById, IdKey};
use crate::graphql::types::load_records;
use crate::service::record::{self, Listed, Ordering, RecordType, Row};

/// A GraphQL object type over the rows of one service record type.
pub trait RecordObject: OutputType + Send + Sync + Sized + 'static {
    /// The service record type whose rows it shows.
    type Record: RecordType;
    /// The object of a row.
    fn of(row: Row<Self::Record>) -> Self;
}

/// The objects of the records `ids` (in that order, missing ones left out), through the
/// record type's by-id loader: one statement per batch whatever asks.
pub async fn load_objects<T: RecordObject>(
    ctx: &Context<'_>,
    ids: &[Uuid],
) -> async_graphql::Result<Vec<T>> {
    load_records(ctx, ids, ById::<T::Record>::from_id, T::of).await
}

/// A list argument in the service's terms: absent is empty, each value converted.
pub fn values<T: Into<U>, U>(list: Option<Vec<T>>) -> Vec<U> {
    list.into_iter().flatten().map(Into::into).collect()
}

/// The record `id` or `slug` names (exactly one of them), or `None`.
pub async fn find_one<T: RecordObject>(
    ctx: &Context<'_>,
    id: Option<ID>,
    slug: Option<String>,
) -> async_graphql::Result<Option<T>> {
    let db = ctx.data::<DatabaseConnection>()?;
    let found = match lookup(id, slug)? {
        Lookup::Id(id) => record::find_by_id::<T::Record>(db, id).await,
        Lookup::Slug(slug) => record::find_by_slug::<T::Record>(db, &slug).await,
    };
    Ok(found.extend()?.map(T::of))
}

/// One page of the records `filter` holds, in `ordering`, as a connection whose `totalCount`
/// counts the same filter when asked for.
pub async fn list_page<T>(
    ctx: &Context<'_>,
    filter: <T::Record as Listed>::Filter,
    ordering: Ordering,
    page: PageArgs,
) -> async_graphql::Result<RecordConnection<T>>
where
    T: RecordObject + async_graphql::ContainerType,
    T::Record: Listed,
{
    let db = ctx.data::<DatabaseConnection>()?;
    let request = page.request()?;
    let filter = <T::Record as Listed>::check(filter).extend()?;
    let rows = record::list::<T::Record>(db, &filter, ordering, &request)
        .await
        .extend()?;
    Ok(connection::<T::Record, _>(rows, T::of, filter))
}

/// A record type's root query: the lookup by id or slug and the paginated list, with their
/// documentation given at the call (it is the schema's).
macro_rules! record_queries {
    (
        $query:ident: $object:ty, $filter:ty, $order:ty;
        $(#[$one_doc:meta])* $one:ident;
        $(#[$list_doc:meta])* $list:ident;
    ) => {
        #[derive(Default)]
        pub struct $query;

        #[async_graphql::Object]
        impl $query {
            $(#[$one_doc])*
            async fn $one(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: Option<async_graphql::ID>,
                slug: Option<String>,
            ) -> async_graphql::Result<Option<$object>> {
                $crate::graphql::records::find_one(ctx, id, slug).await
            }

            $(#[$list_doc])*
            #[allow(clippy::too_many_arguments)]
            #[graphql(
                complexity = "crate::graphql::limits::page_complexity(first, last, child_complexity)"
            )]
            async fn $list(
                &self,
                ctx: &async_graphql::Context<'_>,
                filter: Option<$filter>,
                order_by: Option<$order>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
            ) -> async_graphql::Result<
                $crate::graphql::connection::RecordConnection<
                    $object,
                >,
            > {
                let page = $crate::graphql::connection::PageArgs {
                    first,
                    after,
                    last,
                    before,
                };
                $crate::graphql::records::list_page(
                    ctx,
                    filter.unwrap_or_default().into(),
                    order_by.unwrap_or_default().into(),
                    page,
                )
                .await
            }
        }
    };
}

/// A record type's order input (`field` and `direction`) and its field enum, which lists the
/// [`record::OrderField`]s the type sorts by.
macro_rules! order_input {
    (
        $(#[$order_doc:meta])* $order:ident;
        $(#[$field_doc:meta])* $field:ident {
            $($(#[$variant_doc:meta])* $variant:ident,)+
        }
    ) => {
        $(#[$field_doc])*
        #[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum $field {
            $($(#[$variant_doc])* $variant,)+
        }

        $(#[$order_doc])*
        #[derive(async_graphql::InputObject, Debug, Clone, Copy, Default)]
        pub struct $order {
            /// Sort field.
            #[graphql(default)]
            pub field: $field,
            /// Direction.
            #[graphql(default)]
            pub direction: $crate::graphql::types::enums::OrderDirection,
        }

        impl From<$order> for $crate::service::record::Ordering {
            fn from(order: $order) -> Self {
                Self {
                    field: match order.field {
                        $($field::$variant => $crate::service::record::OrderField::$variant,)+
                    },
                    descending: order.direction.is_descending(),
                }
            }
        }
    };
}

/// A record type's GraphQL object: the newtype over its row, its [`RecordObject`] impl, and an
/// `#[Object]` impl that starts with the fields every record has (`id`, `slug`, the latter
/// documented at the call) followed by the type's own.
macro_rules! record_object {
    (
        $(#[$doc:meta])*
        $object:ident($entity:ident) = $record:ty;
        $(#[$slug_doc:meta])*
        slug;
        $pound:tt $object_attribute:tt
        fields { $($fields:tt)* }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $object(pub $entity::Model);

        impl $crate::graphql::records::RecordObject for $object {
            type Record = $record;

            fn of(row: $entity::Model) -> Self {
                Self(row)
            }
        }

        impl From<$entity::Model> for $object {
            fn from(row: $entity::Model) -> Self {
                Self(row)
            }
        }

        impl $crate::graphql::types::relation_object::ObjectRow for $object {
            type Model = $entity::Model;

            fn object_row(&self) -> &Self::Model {
                &self.0
            }
        }

        // The fields are read by `relation_object!`'s field arms: an `async fn` written out, a
        // value of the row (`name: Type = |row| row.column;`), a localized text
        // (`name: localized FIELD;`) or its translations (`name: translations FIELD;`), and
        // `versioned;` (a versioned record's `version`, `createdAt` and `updatedAt`).
        $crate::graphql::types::relation_object::relation_object!(
            @fields [record $object $pound $object_attribute] [
                /// Global id (a UUID); also accepted by `node`.
                pub async fn id(&self) -> async_graphql::ID {
                    async_graphql::ID(self.0.id.to_string())
                }

                $(#[$slug_doc])*
                async fn slug(&self) -> &str {
                    &self.0.slug
                }
            ] $($fields)*
        );
    };
}

pub(crate) use {order_input, record_object, record_queries};
