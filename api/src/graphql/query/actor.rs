//! `actor` and `actors`.

use async_graphql::{Context, ID, InputObject, Object};
use sea_orm::DatabaseConnection;

use crate::error::ServiceResultExt as _;
use crate::graphql::connection::{CountQuery, PageArgs, RecordConnection, connection};
use crate::graphql::ids::{Lookup, lookup};
use crate::graphql::types::actor::Actor;
use crate::graphql::types::eager::{Eager, eager};
use crate::graphql::types::enums::{ActorKind, OrderDirection};
use crate::service::{self, actor as actors};

/// Which actors to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ActorFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of actor.
    pub kind: Option<Vec<ActorKind>>,
    /// Identifier schemes the actor has an identifier in, e.g. `NO-BRC`; at most 100
    /// different ones.
    pub scheme: Option<Vec<String>>,
    /// Name contains this text, ignoring case and diacritics (`orsted` finds Ørsted): one
    /// line of at most 200 characters.
    pub name_contains: Option<String>,
}

/// What to sort actors by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActorOrderField {
    /// Name, ignoring case and diacritics.
    #[default]
    Name,
    /// Last change.
    UpdatedAt,
    /// Slug: an order that stays put when a name is edited or translated.
    Slug,
}

/// How to sort actors.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct ActorOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: ActorOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ActorFilter> for actors::Filter {
    fn from(filter: ActorFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: filter
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            schemes: filter.scheme.unwrap_or_default(),
            name_contains: filter.name_contains,
        }
    }
}

impl From<ActorOrder> for actors::Ordering {
    fn from(order: ActorOrder) -> Self {
        let field = match order.field {
            ActorOrderField::Name => actors::OrderField::Name,
            ActorOrderField::UpdatedAt => actors::OrderField::UpdatedAt,
            ActorOrderField::Slug => actors::OrderField::Slug,
        };
        Self {
            field,
            descending: order.direction.is_descending(),
        }
    }
}

#[derive(Default)]
pub struct ActorQuery;

#[Object]
impl ActorQuery {
    /// One actor by `id` or `slug` (give exactly one); null when there is none.
    async fn actor(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Actor>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = match lookup(id, slug)? {
            Lookup::Id(id) => service::actor::find_by_id(db, id).await,
            Lookup::Slug(slug) => service::actor::find_by_slug(db, &slug).await,
        };
        Ok(found.extend()?.map(Actor))
    }

    /// Actors, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, last, child_complexity)"
    )]
    async fn actors(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActorFilter>,
        order_by: Option<ActorOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Eager<Actor>>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let request = PageArgs {
            first,
            after,
            last,
            before,
        }
        .request()?;
        let filter = actors::Filter::from(filter.unwrap_or_default())
            .checked()
            .extend()?;
        let ordering = order_by.unwrap_or_default().into();
        let page = service::actor::list(db, &filter, ordering, &request)
            .await
            .extend()?;
        Ok(connection(page, eager(Actor), CountQuery::Actors(filter)))
    }
}
