//! A request the endpoint answers without executing it: its status, code and message, and
//! the GraphQL-shaped body it gets.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
use serde_json::{Map, json};

use super::negotiation::ResponseFormat;
use crate::error::ErrorCode;

/// A request that cannot be executed, with the status the HTTP layer answers with.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
    pub code: ErrorCode,
    /// Seconds after which a rate-limited client may retry.
    pub retry_after: Option<u64>,
}

impl Refusal {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            code,
            retry_after: None,
        }
    }

    /// A malformed request: 400 `BAD_USER_INPUT`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadUserInput, message)
    }

    /// A document refused before validation, like a validation failure: 400 for
    /// `application/graphql-response+json` clients, 200 with errors for `application/json`.
    pub fn before_validation(
        format: ResponseFormat,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        let status = match format {
            ResponseFormat::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            ResponseFormat::Json => StatusCode::OK,
        };
        Self::new(status, code, message)
    }

    /// The response: `{ "errors": [{ message, extensions: { code, retryAfter? } }] }`.
    pub fn into_response(self, format: ResponseFormat) -> HttpResponse {
        let mut extensions = Map::new();
        extensions.insert("code".to_owned(), json!(self.code.as_str()));
        if let Some(retry_after) = self.retry_after {
            extensions.insert("retryAfter".to_owned(), json!(retry_after));
        }
        let body = json!({ "errors": [{ "message": self.message, "extensions": extensions }] });
        let mut builder = HttpResponse::build(self.status);
        builder.content_type(format.content_type());
        if let Some(retry_after) = self.retry_after {
            builder.insert_header((RETRY_AFTER, retry_after.to_string()));
        }
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            builder.insert_header((ALLOW, "POST"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            builder.insert_header((WWW_AUTHENTICATE, "Bearer realm=\"symbios\""));
        }
        builder.body(body.to_string())
    }
}
