//! The one table of error codes clients see, and the mapping of every internal error to it.
//!
//! Each code has its `extensions.code` string, the HTTP status used when a whole request fails
//! with it, and whether its message is shown to clients. `INTERNAL` messages are masked: the
//! cause is logged with the request id, and the client gets the request id to quote.

use std::sync::Arc;

use async_graphql::ErrorExtensions;

use crate::service;

/// Stable error codes, sent as `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// An argument is malformed or out of range; the message names it.
    BadUserInput,
    /// The record does not exist.
    NotFound,
    /// The record changed since the version the client holds.
    VersionConflict,
    /// The request needs an API key.
    Unauthenticated,
    /// The API key may not do this.
    Forbidden,
    /// Too many requests; retry later.
    RateLimited,
    /// The document exceeds a depth, complexity or size limit.
    QueryTooComplex,
    /// A change-feed cursor is older than the retention window.
    ResyncRequired,
    /// A persisted query's hash is unknown: send the query with its hash once.
    PersistedQueryNotFound,
    /// The query ran longer than `limits.request_timeout_ms` and was abandoned.
    Timeout,
    /// A failure on our side; details are in the server log under the request id.
    Internal,
}

impl ErrorCode {
    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::BadUserInput,
        ErrorCode::NotFound,
        ErrorCode::VersionConflict,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::RateLimited,
        ErrorCode::QueryTooComplex,
        ErrorCode::ResyncRequired,
        ErrorCode::PersistedQueryNotFound,
        ErrorCode::Timeout,
        ErrorCode::Internal,
    ];

    /// The `extensions.code` string.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::VersionConflict => "VERSION_CONFLICT",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            ErrorCode::ResyncRequired => "RESYNC_REQUIRED",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The HTTP status when the whole request fails with this code.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadUserInput | ErrorCode::QueryTooComplex => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::VersionConflict => 409,
            ErrorCode::ResyncRequired => 410,
            ErrorCode::RateLimited => 429,
            ErrorCode::PersistedQueryNotFound => 200,
            ErrorCode::Timeout => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// Whether the message may be shown to clients.
    pub const fn is_public(self) -> bool {
        !matches!(self, ErrorCode::Internal)
    }
}

/// The message clients get for [`ErrorCode::Internal`].
pub const INTERNAL_MESSAGE: &str = "internal error; quote the request id when reporting it";

/// The code of a service error.
pub fn code_of(error: &service::Error) -> ErrorCode {
    match error {
        service::Error::NotFound { .. } => ErrorCode::NotFound,
        service::Error::Invalid { .. } | service::Error::InvalidFields(_) => {
            ErrorCode::BadUserInput
        }
        service::Error::VersionConflict { .. } | service::Error::ConcurrentWrite { .. } => {
            ErrorCode::VersionConflict
        }
        service::Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
        service::Error::Forbidden(_) => ErrorCode::Forbidden,
        service::Error::ResyncRequired { .. } => ErrorCode::ResyncRequired,
        service::Error::Database(_) => ErrorCode::Internal,
    }
}

/// A GraphQL error with `code` and, when public, `message`.
pub fn graphql_error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    let message = if code.is_public() {
        message.into()
    } else {
        INTERNAL_MESSAGE.to_owned()
    };
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
    })
}

/// `.extend()` for service errors, which live in another crate (so async-graphql's
/// `ErrorExtensions` cannot be implemented for them here).
pub trait ServiceErrorExt {
    /// The GraphQL error clients see.
    fn extend(&self) -> async_graphql::Error;
}

/// `.extend()?` on service results.
pub trait ServiceResultExt<T> {
    /// The result with its service error turned into the GraphQL error clients see.
    fn extend(self) -> async_graphql::Result<T>;
}

impl<T> ServiceResultExt<T> for Result<T, service::Error> {
    fn extend(self) -> async_graphql::Result<T> {
        self.map_err(|error| error.extend())
    }
}

impl ServiceErrorExt for service::Error {
    fn extend(&self) -> async_graphql::Error {
        let code = code_of(self);
        if code == ErrorCode::Internal {
            // The span of the request carries `request_id`, so the log line can be matched
            // with the id the client receives.
            tracing::error!(error = ?self, "service call failed");
        }
        let mut error = graphql_error(code, self.to_string());
        let field_errors = self.field_errors();
        if let Some(first) = field_errors.first() {
            let field = first.field.clone();
            let fields: Vec<async_graphql::Value> = field_errors
                .iter()
                .map(|error| {
                    let mut object = async_graphql::indexmap::IndexMap::new();
                    object.insert(
                        async_graphql::Name::new("field"),
                        async_graphql::Value::from(error.field.as_str()),
                    );
                    object.insert(
                        async_graphql::Name::new("reason"),
                        async_graphql::Value::from(error.reason.as_str()),
                    );
                    async_graphql::Value::Object(object)
                })
                .collect();
            error = error.extend_with(|_, extensions| {
                extensions.set("field", field);
                extensions.set("fields", fields);
            });
        }
        match self {
            service::Error::VersionConflict { current, .. } => {
                let current = *current;
                error =
                    error.extend_with(|_, extensions| extensions.set("currentVersion", current));
            }
            service::Error::ResyncRequired { pruned_through } => {
                let pruned_through = *pruned_through;
                error = error.extend_with(|_, extensions| {
                    extensions.set("prunedThrough", pruned_through.to_string());
                });
            }
            _ => {}
        }
        error
    }
}

/// The GraphQL error of a failed search: a refused query is `BAD_USER_INPUT` naming
/// `field`; anything else is internal.
pub fn search_error(field: &str, error: &symbios_search::Error) -> async_graphql::Error {
    match error {
        symbios_search::Error::InvalidQuery(reason) => {
            service::Error::invalid(field, reason.clone()).extend()
        }
        symbios_search::Error::InvalidFilter { list, reason } => {
            let argument = match list {
                symbios_search::FilterList::Kinds => "types",
                symbios_search::FilterList::Countries => "filter.country",
                symbios_search::FilterList::Themes => "filter.theme",
                symbios_search::FilterList::Langs => "filter.lang",
            };
            service::Error::invalid(argument, reason.clone()).extend()
        }
        other => {
            tracing::error!(error = %other, "search failed");
            graphql_error(ErrorCode::Internal, other.to_string())
        }
    }
}

/// Batched loads share one error between every field that waited on the batch.
pub fn loader_error(error: &Arc<service::Error>) -> async_graphql::Error {
    error.as_ref().extend()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_upper_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()));
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_')
            );
        }
    }

    #[test]
    fn internal_errors_are_masked() {
        let error = service::Error::Database(sea_orm::DbErr::Custom("secret table".to_owned()));
        let graphql = error.extend();
        assert_eq!(graphql.message, INTERNAL_MESSAGE);
    }

    #[test]
    fn invalid_input_names_the_field() {
        let graphql = service::Error::invalid("after", "is not a cursor").extend();
        assert_eq!(graphql.message, "after: is not a cursor");
        let code = graphql
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code").cloned());
        assert_eq!(code, Some(async_graphql::Value::from("BAD_USER_INPUT")));
    }
}
