//! The GraphQL endpoint: POST and GET, GraphiQL for browsers, and the SDL.

use actix_web::http::header::{ACCEPT, ACCEPT_LANGUAGE};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::{ErrorExtensionValues, Response, ServerError, Value};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use tracing_actix_web::RequestId;

use crate::error::{ErrorCode, INTERNAL_MESSAGE};
use crate::graphql::request::RequestLanguages;
use crate::graphql::{SymbiosSchema, sdl};
use crate::service::lang::LanguagePreference;

/// Runs one GraphQL request.
pub async fn execute(
    schema: web::Data<SymbiosSchema>,
    http_request: HttpRequest,
    request_id: RequestId,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let languages = http_request
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(LanguagePreference::from_accept_language)
        .unwrap_or_default();
    let request = request.into_inner().data(RequestLanguages(languages));
    let mut response = schema.execute(request).await;
    classify_errors(&mut response, request_id);
    response.into()
}

/// GET: GraphiQL for a browser that sends no query, the GraphQL request otherwise.
pub async fn execute_get_or_graphiql(
    schema: web::Data<SymbiosSchema>,
    http_request: HttpRequest,
    request_id: RequestId,
    request: GraphQLRequest,
) -> HttpResponse {
    let wants_html = http_request
        .headers()
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && http_request.query_string().is_empty() {
        return graphiql();
    }
    let response = execute(schema, http_request.clone(), request_id, request).await;
    actix_web::Responder::respond_to(response, &http_request).map_into_boxed_body()
}

fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Symbios GraphiQL")
                .finish(),
        )
}

/// The schema in SDL.
pub async fn schema_sdl() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(sdl())
}

fn code_of(error: &ServerError) -> Option<String> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code.clone()),
        _ => None,
    }
}

/// Gives every error a stable code: errors before execution (syntax, validation, variable
/// coercion) are `BAD_USER_INPUT`; uncoded errors during execution are masked as `INTERNAL`.
/// `INTERNAL` errors carry the request id so that a report can be matched with the log.
fn classify_errors(response: &mut Response, request_id: RequestId) {
    let failed_before_execution = matches!(response.data, Value::Null);
    for error in &mut response.errors {
        let code = match code_of(error) {
            Some(code) => code,
            None if failed_before_execution => {
                let code = if is_limit_error(&error.message) {
                    ErrorCode::QueryTooComplex
                } else {
                    ErrorCode::BadUserInput
                };
                set(error, "code", code.as_str());
                continue;
            }
            None => {
                tracing::error!(error = %error.message, path = ?error.path, "uncoded error during execution");
                error.message = INTERNAL_MESSAGE.to_owned();
                set(error, "code", ErrorCode::Internal.as_str());
                ErrorCode::Internal.as_str().to_owned()
            }
        };
        if code == ErrorCode::Internal.as_str() {
            set(error, "requestId", &request_id.to_string());
        }
    }
}

/// async-graphql reports its depth, recursion and complexity limits as plain validation
/// errors; these are the beginnings of their messages.
const LIMIT_MESSAGES: [&str; 3] = [
    "Query is nested too deep",
    "The recursion depth of the query cannot be greater than",
    "Query is too complex",
];

fn is_limit_error(message: &str) -> bool {
    LIMIT_MESSAGES
        .iter()
        .any(|prefix| message.starts_with(prefix))
}

fn set(error: &mut ServerError, key: &str, value: &str) {
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set(key, value);
}
