//! `caseStudy` and `caseStudies`.

use async_graphql::{Context, ID, InputObject, Object};
use sea_orm::DatabaseConnection;

use crate::error::ServiceResultExt as _;
use crate::graphql::connection::{CountQuery, PageArgs, RecordConnection, connection};
use crate::graphql::ids::{Lookup, lookup};
use crate::graphql::types::case_study::CaseStudy;
use crate::graphql::types::eager::{Eager, eager};
use crate::graphql::types::enums::{CaseStudyKind, CaseStudyStatus, OrderDirection};
use crate::service::{self, case_study as case_studies};

/// Which case studies to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CaseStudyFilter {
    /// ISO 3166-1 alpha-2 country codes; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Kinds of case.
    pub kind: Option<Vec<CaseStudyKind>>,
    /// Statuses.
    pub status: Option<Vec<CaseStudyStatus>>,
    /// Theme slugs, e.g. `industrial-symbiosis`; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// Established in or after this year.
    pub year_from: Option<i32>,
    /// Established in or before this year.
    pub year_to: Option<i32>,
    /// Title contains this text, ignoring case and diacritics (`sotenas` finds Sotenäs):
    /// one line of at most 200 characters.
    pub name_contains: Option<String>,
}

/// What to sort case studies by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseStudyOrderField {
    /// Title, ignoring case and diacritics.
    #[default]
    Name,
    /// Year established; unknown years sort as oldest.
    Year,
    /// Last change.
    UpdatedAt,
    /// Slug: an order that stays put when a name is edited or translated.
    Slug,
}

/// How to sort case studies.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct CaseStudyOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: CaseStudyOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<CaseStudyFilter> for case_studies::Filter {
    fn from(filter: CaseStudyFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
            kinds: filter
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: filter
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            themes: filter.theme.unwrap_or_default(),
            year_from: filter.year_from,
            year_to: filter.year_to,
            name_contains: filter.name_contains,
        }
    }
}

impl From<CaseStudyOrder> for case_studies::Ordering {
    fn from(order: CaseStudyOrder) -> Self {
        let field = match order.field {
            CaseStudyOrderField::Name => case_studies::OrderField::Name,
            CaseStudyOrderField::Year => case_studies::OrderField::Year,
            CaseStudyOrderField::UpdatedAt => case_studies::OrderField::UpdatedAt,
            CaseStudyOrderField::Slug => case_studies::OrderField::Slug,
        };
        Self {
            field,
            descending: order.direction.is_descending(),
        }
    }
}

#[derive(Default)]
pub struct CaseStudyQuery;

#[Object]
impl CaseStudyQuery {
    /// One case study by `id` or `slug` (give exactly one); null when there is none.
    async fn case_study(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<CaseStudy>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = match lookup(id, slug)? {
            Lookup::Id(id) => service::case_study::find_by_id(db, id).await,
            Lookup::Slug(slug) => service::case_study::find_by_slug(db, &slug).await,
        };
        Ok(found.extend()?.map(CaseStudy))
    }

    /// Case studies, filtered and sorted, in pages of `first` (default 20, at most 100)
    /// after `after`, or `last` before `before`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, last, child_complexity)"
    )]
    async fn case_studies(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseStudyFilter>,
        order_by: Option<CaseStudyOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Eager<CaseStudy>>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let request = PageArgs {
            first,
            after,
            last,
            before,
        }
        .request()?;
        let filter = case_studies::Filter::from(filter.unwrap_or_default())
            .checked()
            .extend()?;
        let ordering = order_by.unwrap_or_default().into();
        let page = service::case_study::list(db, &filter, ordering, &request)
            .await
            .extend()?;
        Ok(connection(
            page,
            eager(CaseStudy),
            CountQuery::CaseStudies(filter),
        ))
    }
}
