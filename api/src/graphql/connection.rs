//! The one connection helper behind every list field: Relay connections with opaque keyset
//! cursors and a `totalCount` that honours the filter and is counted only when asked for.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Object, OutputType};
use sea_orm::DatabaseConnection;

use crate::error::ServiceErrorExt as _;
use crate::service::page::{Page, PageRequest, encode_cursor};
use crate::service::{self, actor, case_study, funder, project};

/// Relay page arguments as received.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// `first`.
    pub first: Option<i32>,
    /// `after`.
    pub after: Option<String>,
    /// `last`.
    pub last: Option<i32>,
    /// `before`.
    pub before: Option<String>,
}

impl PageArgs {
    /// Validates the arguments (`BAD_USER_INPUT` naming the argument on failure).
    pub fn request(&self) -> async_graphql::Result<PageRequest> {
        PageRequest::new(
            self.first,
            self.after.as_deref(),
            self.last,
            self.before.as_deref(),
        )
        .map_err(|error| error.extend())
    }
}

/// What `totalCount` counts.
#[derive(Debug, Clone)]
pub enum CountQuery {
    /// Case studies matching a filter.
    CaseStudies(case_study::Filter),
    /// Projects matching a filter.
    Projects(project::Filter),
    /// Actors matching a filter.
    Actors(actor::Filter),
    /// Funders matching a filter.
    Funders(funder::Filter),
}

/// Fields every connection has besides edges and page info.
#[derive(Debug, Clone)]
pub struct ListTotals {
    count: CountQuery,
}

#[Object]
impl ListTotals {
    /// Number of records matching the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let db = ctx.data::<DatabaseConnection>()?;
        let counted = match &self.count {
            CountQuery::CaseStudies(filter) => service::case_study::count(db, filter).await,
            CountQuery::Projects(filter) => service::project::count(db, filter).await,
            CountQuery::Actors(filter) => service::actor::count(db, filter).await,
            CountQuery::Funders(filter) => service::funder::count(db, filter).await,
        };
        counted.map_err(|error| error.extend())
    }
}

/// A Relay connection over records of type `T`.
pub type RecordConnection<T> = Connection<String, T, ListTotals, EmptyFields>;

/// Turns a page of rows into a connection of `T`.
pub fn connection<M, T: OutputType>(
    page: Page<M>,
    wrap: impl Fn(M) -> T,
    count: CountQuery,
) -> RecordConnection<T> {
    let mut connection = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        ListTotals { count },
    );
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, row)| Edge::new(encode_cursor(&cursor), wrap(row))),
    );
    connection
}
