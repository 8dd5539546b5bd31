//! A request the endpoint answers without executing it: its status, code and message, and
//! the GraphQL-shaped body it gets.
//!
//! Three kinds, by where the request stops:
//! - [`Refusal::unreadable`]: the endpoint cannot read it (method, media type, body); each
//!   [`Unreadable`] has its own status, whatever the client accepts, with `BAD_USER_INPUT`;
//! - [`Refusal::before_graphql`]: the rate limit or the key stops it; the code's
//!   [`ErrorCode::refused_status`], whatever the client accepts;
//! - [`Refusal::request_error`]: GraphQL refuses it before it runs (a document over a limit,
//!   an unknown persisted query, the timeout); the code's status for
//!   `application/graphql-response+json`, 200 for `application/json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde_json::{Map, json};

use super::negotiation::ResponseFormat;
use crate::error::ErrorCode;

/// Why the endpoint cannot read a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// The body or a parameter is not what the endpoint takes.
    Malformed,
    /// A mutation sent with GET.
    MethodNotAllowed,
    /// The client accepts no media type the endpoint sends.
    NotAcceptable,
    /// The body did not arrive within `limits.body_timeout_ms`.
    BodyTimeout,
    /// The body is over `limits.max_body_bytes`.
    BodyTooLarge,
    /// The body is not `application/json`.
    UnsupportedMediaType,
}

impl Unreadable {
    /// The status of the answer.
    pub const fn status(self) -> StatusCode {
        match self {
            Unreadable::Malformed => StatusCode::BAD_REQUEST,
            Unreadable::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Unreadable::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Unreadable::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Unreadable::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Unreadable::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }
}

/// A request that cannot be executed, with the status the HTTP layer answers with.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
    pub code: ErrorCode,
    /// Seconds after which a rate-limited client may retry.
    pub retry_after: Option<u64>,
    /// The request id, sent with `INTERNAL` so that a report can be matched with the log.
    pub request_id: Option<String>,
}

impl Refusal {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: code.client_message(message),
            code,
            retry_after: None,
            request_id: None,
        }
    }

    /// A request the endpoint cannot read: `BAD_USER_INPUT` with the status of `why`.
    pub fn unreadable(why: Unreadable, message: impl Into<String>) -> Self {
        Self::new(why.status(), ErrorCode::BadUserInput, message)
    }

    /// A malformed request: 400 `BAD_USER_INPUT`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::unreadable(Unreadable::Malformed, message)
    }

    /// A request stopped before GraphQL sees it (rate limit, key): the code's status,
    /// whatever the client accepts.
    pub fn before_graphql(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code.refused_status(), code, message)
    }

    /// A GraphQL request refused before it runs, like a validation failure: the code's
    /// status for `application/graphql-response+json` clients, 200 with errors for
    /// `application/json`.
    pub fn request_error(
        format: ResponseFormat,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        let status = match format {
            ResponseFormat::GraphqlResponseJson => code.refused_status(),
            ResponseFormat::Json => StatusCode::OK,
        };
        Self::new(status, code, message)
    }

    /// The GraphQL errors: `[{ message, extensions: { code, retryAfter?, requestId? } }]`.
    pub fn errors(&self) -> serde_json::Value {
        let mut extensions = Map::new();
        extensions.insert("code".to_owned(), json!(self.code.as_str()));
        if let Some(retry_after) = self.retry_after {
            extensions.insert("retryAfter".to_owned(), json!(retry_after));
        }
        if let Some(request_id) = &self.request_id {
            extensions.insert("requestId".to_owned(), json!(request_id));
        }
        json!([{ "message": self.message, "extensions": extensions }])
    }

    /// The response: `{ "errors": `[`Refusal::errors`]` }`.
    pub fn into_response(self, format: ResponseFormat) -> HttpResponse {
        let body = json!({ "errors": self.errors() });
        let mut builder = HttpResponse::build(self.status);
        builder.content_type(format.content_type());
        if let Some(retry_after) = self.retry_after {
            builder.insert_header((RETRY_AFTER, retry_after.to_string()));
        }
        insert_status_headers(&mut builder, self.status);
        builder.body(body.to_string())
    }
}

/// The headers HTTP requires with some statuses: `Allow` with 405, `WWW-Authenticate` with
/// 401.
pub fn insert_status_headers(builder: &mut HttpResponseBuilder, status: StatusCode) {
    if status == StatusCode::METHOD_NOT_ALLOWED {
        builder.insert_header((ALLOW, "POST"));
    }
    if status == StatusCode::UNAUTHORIZED {
        builder.insert_header((WWW_AUTHENTICATE, "Bearer realm=\"symbios\""));
    }
}
