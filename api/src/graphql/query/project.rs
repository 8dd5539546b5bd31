//! `project` and `projects`.

use async_graphql::{Context, ID, InputObject, Object};
use sea_orm::DatabaseConnection;

use crate::error::ServiceResultExt as _;
use crate::graphql::connection::{CountQuery, PageArgs, RecordConnection, connection};
use crate::graphql::ids::{Lookup, lookup};
use crate::graphql::types::eager::{Eager, eager};
use crate::graphql::types::enums::{OrderDirection, ProjectStatus};
use crate::graphql::types::project::Project;
use crate::service::{self, project as projects};

/// Which projects to list. Every field is optional; lists match any of their values, and
/// a value given twice counts once.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Countries (ISO 3166-1 alpha-2) of participating actors; at most 251 different codes.
    pub country: Option<Vec<String>>,
    /// Statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// Theme slugs; at most 100 different ones.
    pub theme: Option<Vec<String>>,
    /// Running in or after this year.
    pub year_from: Option<i32>,
    /// Running in or before this year.
    pub year_to: Option<i32>,
    /// Name or acronym contains this text, ignoring case and diacritics: one line of at most
    /// 200 characters.
    pub name_contains: Option<String>,
}

/// What to sort projects by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProjectOrderField {
    /// Name, ignoring case and diacritics.
    #[default]
    Name,
    /// Start date; unknown starts sort as oldest.
    Year,
    /// Last change.
    UpdatedAt,
    /// Slug: an order that stays put when a name is edited or translated.
    Slug,
}

/// How to sort projects.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct ProjectOrder {
    /// Sort field.
    #[graphql(default)]
    pub field: ProjectOrderField,
    /// Direction.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl From<ProjectFilter> for projects::Filter {
    fn from(filter: ProjectFilter) -> Self {
        Self {
            countries: filter.country.unwrap_or_default(),
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

impl From<ProjectOrder> for projects::Ordering {
    fn from(order: ProjectOrder) -> Self {
        let field = match order.field {
            ProjectOrderField::Name => projects::OrderField::Name,
            ProjectOrderField::Year => projects::OrderField::Year,
            ProjectOrderField::UpdatedAt => projects::OrderField::UpdatedAt,
            ProjectOrderField::Slug => projects::OrderField::Slug,
        };
        Self {
            field,
            descending: order.direction.is_descending(),
        }
    }
}

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// One project by `id` or `slug` (give exactly one); null when there is none.
    async fn project(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Project>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = match lookup(id, slug)? {
            Lookup::Id(id) => service::project::find_by_id(db, id).await,
            Lookup::Slug(slug) => service::project::find_by_slug(db, &slug).await,
        };
        Ok(found.extend()?.map(Project))
    }

    /// Projects, filtered and sorted, in pages of `first` (default 20, at most 100) after
    /// `after`, or `last` before `before`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::limits::page_complexity(first, last, child_complexity)"
    )]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        order_by: Option<ProjectOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<RecordConnection<Eager<Project>>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let request = PageArgs {
            first,
            after,
            last,
            before,
        }
        .request()?;
        let filter = projects::Filter::from(filter.unwrap_or_default())
            .checked()
            .extend()?;
        let ordering = order_by.unwrap_or_default().into();
        let page = service::project::list(db, &filter, ordering, &request)
            .await
            .extend()?;
        Ok(connection(
            page,
            eager(Project),
            CountQuery::Projects(filter),
        ))
    }
}
