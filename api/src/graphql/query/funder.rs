//! `funder` and `funders`.

use async_graphql::{Context, ID, InputObject, Object};
use sea_orm::DatabaseConnection;

use crate::error::ServiceResultExt as _;
use crate::graphql::connection::{CountQuery, PageArgs, RecordConnection, connection};
use crate::graphql::ids::{Lookup, lookup};
use crate::graphql::types::eager::{Eager, eager};
use crate::graphql::types::enums::{FunderKind, OrderDirection};
use crate::graphql::types::funder::Funder;
use crate::service::{self, funder as funders};

/// Which funders to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct FunderFilter {
    /// ISO 3166-1 alpha-2 country codes (`EU` for EU-level funds); at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of funder.
    pub kind: Option<Vec<FunderKind>>,
    /// Name contains this text, ignoring case and diacritics (`vastra` finds Västra
    /// Götalandsregionen): one line of at most 200 characters.
    pub name_contains: Option<String>,
}

/// What to sort funders by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunderOrderField {
    /// Name, ignoring case and diacritics.
    #[default]
    Name,
    /// Last change.
    UpdatedAt,
    /// Slug: an order that stays put when a name is edited or translated.
    Slug,
}

/// How to sort funders.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct FunderOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: FunderOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<FunderFilter> for funders::Filter {
    fn from(filter: FunderFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: filter
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            name_contains: filter.name_contains,
        }
    }
}

impl From<FunderOrder> for funders::Ordering {
    fn from(order: FunderOrder) -> Self {
        let field = match order.field {
            FunderOrderField::Name => funders::OrderField::Name,
            FunderOrderField::UpdatedAt => funders::OrderField::UpdatedAt,
            FunderOrderField::Slug => funders::OrderField::Slug,
        };
        Self {
            field,
            descending: order.direction.is_descending(),
        }
    }
}

#[derive(Default)]
pub struct FunderQuery;

#[Object]
impl FunderQuery {
    /// One funder by `id` or `slug` (give exactly one); null when there is none.
    async fn funder(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Funder>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = match lookup(id, slug)? {
            Lookup::Id(id) => service::funder::find_by_id(db, id).await,
            Lookup::Slug(slug) => service::funder::find_by_slug(db, &slug).await,
        };
        Ok(found.extend()?.map(Funder))
    }

    /// Funders, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, last, child_complexity)"
    )]
    async fn funders(
        &self,
        ctx: &Context<'_>,
        filter: Option<FunderFilter>,
        order_by: Option<FunderOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Eager<Funder>>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let request = PageArgs {
            first,
            after,
            last,
            before,
        }
        .request()?;
        let filter = funders::Filter::from(filter.unwrap_or_default())
            .checked()
            .extend()?;
        let ordering = order_by.unwrap_or_default().into();
        let page = service::funder::list(db, &filter, ordering, &request)
            .await
            .extend()?;
        Ok(connection(page, eager(Funder), CountQuery::Funders(filter)))
    }
}
