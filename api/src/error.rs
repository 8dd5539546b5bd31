//! The one table of error codes clients see, and the mapping of every internal error to it.
//!
//! [`error_codes!`] declares each code once: its `extensions.code` string, the HTTP statuses
//! an `application/graphql-response+json` answer gets when the request fails with it, whether
//! its message is shown to clients, and the line that documents it (rustdoc and the README
//! table, which a test compares with this one). `INTERNAL` messages are masked: the cause is
//! logged with the request id, and the client gets the request id to quote.

use std::sync::Arc;

use actix_web::http::StatusCode;
use async_graphql::ErrorExtensions;

use crate::service;

/// Whether a code's message reaches clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// The message is written for clients and sent as it is.
    Public,
    /// The message may hold internals: clients get [`INTERNAL_MESSAGE`], the log the cause.
    Masked,
}

/// Declares [`ErrorCode`] and everything derived from one line per code.
///
/// - `refused`: the status when the request is refused before it runs (a document that fails
///   to parse or validate, a rate limit, a bad key, the timeout);
/// - `no_data`: the status when it ran and no data came back, every error with this code (401
///   and 403: the key was missing or not allowed); an error in a field of an answer that has
///   data is always 200.
///
/// `application/json` clients get 200 for every request that reaches GraphQL; `http/refusal.rs`
/// lists the requests that are refused before.
macro_rules! error_codes {
    ($(
        $variant:ident {
            code: $code:literal,
            refused: $refused:ident,
            no_data: $no_data:ident,
            message: $message:ident,
            doc: $doc:literal $(,)?
        }
    ),* $(,)?) => {
        /// Stable error codes, sent as `extensions.code`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The `extensions.code` string.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The code an `extensions.code` string names, if it is one of ours.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }

            /// The status of an `application/graphql-response+json` answer to a request
            /// refused with this code before it ran.
            pub const fn refused_status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$refused,)* }
            }

            /// The status of an `application/graphql-response+json` answer to a request that
            /// ran and gave no data, every error with this code.
            pub const fn no_data_status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$no_data,)* }
            }

            /// Whether the message reaches clients.
            pub const fn message(self) -> Message {
                match self { $(ErrorCode::$variant => Message::$message,)* }
            }

            /// What the code means, for clients (the README table's line).
            pub const fn documentation(self) -> &'static str {
                match self { $(ErrorCode::$variant => $doc,)* }
            }
        }
    };
}

error_codes! {
    BadUserInput {
        code: "BAD_USER_INPUT",
        refused: BAD_REQUEST,
        no_data: OK,
        message: Public,
        doc: "malformed argument, id, cursor, document, variable or input field (control characters, too many items, a fragment that spreads itself …); the message names it, `extensions.fields` lists every refused field with its reason",
    },
    QueryTooComplex {
        code: "QUERY_TOO_COMPLEX",
        refused: BAD_REQUEST,
        no_data: OK,
        message: Public,
        doc: "the document exceeds a limit: depth, complexity, fields, aliases, directives, recursion or tokens; the message names the `limits.…` key (see Configuration below)",
    },
    NotFound {
        code: "NOT_FOUND",
        refused: OK,
        no_data: OK,
        message: Public,
        doc: "the record to update or delete does not exist",
    },
    VersionConflict {
        code: "VERSION_CONFLICT",
        refused: OK,
        no_data: OK,
        message: Public,
        doc: "`expectedVersion` is stale (`extensions.currentVersion` has the record's version), or concurrent requests kept taking the same unique values (id, slug, identifier) while this write ran, three times; nothing was written, send it again",
    },
    Unauthenticated {
        code: "UNAUTHENTICATED",
        refused: UNAUTHORIZED,
        no_data: UNAUTHORIZED,
        message: Public,
        doc: "a write without a key, or a key that is unknown or revoked",
    },
    Forbidden {
        code: "FORBIDDEN",
        refused: FORBIDDEN,
        no_data: FORBIDDEN,
        message: Public,
        doc: "the key's role may not do this (e.g. a partner key outside its scheme)",
    },
    ResyncRequired {
        code: "RESYNC_REQUIRED",
        refused: OK,
        no_data: OK,
        message: Public,
        doc: "the change-feed cursor is older than the retention window: re-read, then follow `changes` without a cursor",
    },
    RateLimited {
        code: "RATE_LIMITED",
        refused: TOO_MANY_REQUESTS,
        no_data: TOO_MANY_REQUESTS,
        message: Public,
        doc: "too many requests from this key or address (a key counts against its address until it has been authenticated once, and failed authentications count against the address); `Retry-After` (and `extensions.retryAfter`) says how many seconds to wait",
    },
    PersistedQueryNotFound {
        code: "PERSISTED_QUERY_NOT_FOUND",
        refused: OK,
        no_data: OK,
        message: Public,
        doc: "a persisted query's hash is unknown: send the query with its hash once (Apollo clients do this by themselves); or no trusted document has the `documentId` sent",
    },
    DocumentNotTrusted {
        code: "DOCUMENT_NOT_TRUSTED",
        refused: FORBIDDEN,
        no_data: FORBIDDEN,
        message: Public,
        doc: "trusted documents are on (`trusted_documents.enabled`) and the document is not one of them: send a document of the explorer's or of a manifest added with `symbios documents add`, by its id (`documentId` or `extensions.persistedQuery.sha256Hash`) or its text, or send a key that `trusted_documents.keys` leaves free",
    },
    Timeout {
        code: "TIMEOUT",
        refused: SERVICE_UNAVAILABLE,
        no_data: SERVICE_UNAVAILABLE,
        message: Public,
        doc: "the query ran longer than `limits.request_timeout_ms` and was stopped (mutations always finish)",
    },
    SlowConsumer {
        code: "SLOW_CONSUMER",
        refused: TOO_MANY_REQUESTS,
        no_data: TOO_MANY_REQUESTS,
        message: Public,
        doc: "a subscriber read too slowly: its buffer stayed full for `limits.slow_consumer_ms`, so it was disconnected (WebSocket close code 4008 with this reason, or a last `next` event over SSE); subscribe again with the last cursor received",
    },
    Internal {
        code: "INTERNAL",
        refused: INTERNAL_SERVER_ERROR,
        no_data: OK,
        message: Masked,
        doc: "our fault; the message is masked, `extensions.requestId` matches the server log and the `x-request-id` header",
    },
}

/// The message clients get for [`ErrorCode::Internal`].
pub const INTERNAL_MESSAGE: &str = "internal error; quote the request id when reporting it";

impl ErrorCode {
    /// The message clients get: `message` when the code's messages are public, else
    /// [`INTERNAL_MESSAGE`].
    pub fn client_message(self, message: impl Into<String>) -> String {
        match self.message() {
            Message::Public => message.into(),
            Message::Masked => INTERNAL_MESSAGE.to_owned(),
        }
    }
}

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
        service::Error::Database(_) | service::Error::Internal { .. } => ErrorCode::Internal,
    }
}

/// A GraphQL error with `code` and the message clients may see.
pub fn graphql_error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(code.client_message(message)).extend_with(|_, extensions| {
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
        if code.message() == Message::Masked {
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
                symbios_search::FilterList::Categories => "filter.category",
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
    fn codes_parse_back() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        }
        assert_eq!(ErrorCode::parse("bad_user_input"), None);
    }

    #[test]
    fn internal_errors_are_masked() {
        let database = service::Error::Database(sea_orm::DbErr::Custom("secret table".to_owned()));
        let elsewhere = service::Error::internal("read the secret", "secret path");
        for error in [database, elsewhere] {
            assert_eq!(code_of(&error), ErrorCode::Internal);
            assert_eq!(error.extend().message, INTERNAL_MESSAGE);
        }
    }

    /// The status cell of the README table: `no data / refused`, or one status when both
    /// are the same.
    fn readme_status(code: ErrorCode) -> String {
        let refused = code.refused_status().as_u16();
        let no_data = code.no_data_status().as_u16();
        if refused == no_data {
            refused.to_string()
        } else {
            format!("{no_data} / {refused}")
        }
    }

    /// The rows of the README error table, one per code.
    fn readme_rows() -> Vec<String> {
        ErrorCode::ALL
            .iter()
            .map(|code| {
                format!(
                    "| `{}` | {} | {} |",
                    code.as_str(),
                    readme_status(*code),
                    code.documentation()
                )
            })
            .collect()
    }

    /// The README's error table is this table: a code added, removed or documented anew here
    /// fails this test until the README says the same.
    #[test]
    fn the_readme_error_table_is_this_table() {
        let readme = include_str!("../../README.md");
        let header = "| code | HTTP status¹ | meaning |";
        let rows: Vec<&str> = readme
            .lines()
            .skip_while(|line| *line != header)
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .collect();
        let expected = readme_rows();
        assert_eq!(
            rows,
            expected,
            "README.md's error table (after `{header}`) is stale; its rows should be:\n{}",
            expected.join("\n")
        );
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
