//! The one connection helper behind every list field: Relay connections with opaque keyset
//! cursors and a `totalCount` that honours the filter and is counted only when asked for.

use std::future::Future;
use std::pin::Pin;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Object, OutputType};
use sea_orm::DatabaseConnection;

use crate::error::ServiceErrorExt as _;
use crate::service::page::{Page, PageRequest, encode_cursor};
use crate::service::{
    self,
    record::{self, Listed, Row},
};

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

/// What `totalCount` counts: the records of one type that a (checked) filter holds.
pub(crate) trait CountRecords: Send + Sync {
    fn count<'a>(
        &'a self,
        db: &'a DatabaseConnection,
    ) -> Pin<Box<dyn Future<Output = Result<u64, service::Error>> + Send + 'a>>;
}

struct FilterOf<R: Listed>(R::Filter);

impl<R: Listed> CountRecords for FilterOf<R> {
    fn count<'a>(
        &'a self,
        db: &'a DatabaseConnection,
    ) -> Pin<Box<dyn Future<Output = Result<u64, service::Error>> + Send + 'a>> {
        Box::pin(record::count::<R>(db, &self.0))
    }
}

/// Fields every connection has besides edges and page info.
pub struct ListTotals {
    count: Box<dyn CountRecords>,
}

#[Object]
impl ListTotals {
    /// Number of records matching the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let db = ctx.data::<DatabaseConnection>()?;
        self.count.count(db).await.map_err(|error| error.extend())
    }
}

/// A Relay connection over records of type `T`.
pub type RecordConnection<T> = Connection<String, T, ListTotals, EmptyFields>;

/// Turns a page of rows of record type `R` into a connection of `T`; `totalCount` counts
/// what `filter` holds.
pub fn connection<R: Listed, T: OutputType>(
    page: Page<Row<R>>,
    wrap: impl Fn(Row<R>) -> T,
    filter: R::Filter,
) -> RecordConnection<T> {
    counted_connection(page, wrap, Box::new(FilterOf::<R>(filter)))
}

/// Turns a page of rows into a connection of `T`; `totalCount` asks `count`.
pub(crate) fn counted_connection<M, T: OutputType>(
    page: Page<M>,
    wrap: impl Fn(M) -> T,
    count: Box<dyn CountRecords>,
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
