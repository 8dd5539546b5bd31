//! The GraphQL endpoint, as the GraphQL-over-HTTP specification describes it:
//!
//! - `POST` with `Content-Type: application/json` and a JSON object body; other media types
//!   (`text/plain`, forms: what a cross-site form can send) get 415;
//! - `GET` with `query`, `variables`, `operationName`, `extensions` in the query string, for
//!   queries only: a mutation over GET gets 405 (`Allow: POST`);
//! - the response is `application/graphql-response+json` when the client accepts it (request
//!   errors, such as a document that fails to parse or validate, then get 400 and no `data`),
//!   else `application/json` (status 200 for every well-formed request); a client that
//!   accepts neither gets 406;
//! - batches (JSON arrays) are refused with 400.
//!
//! A browser that asks `GET /graphql` for HTML gets GraphiQL.

use actix_web::http::StatusCode;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use actix_web::http::header::{ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_LENGTH};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ErrorExtensionValues, Response, ServerError, Value};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::client_address::ClientAddress;
use super::negotiation::{ResponseFormat, negotiate};
use super::parsed::ParsedDocuments;
use super::persisted::PersistedQueries;
use super::rate_limit::RateLimits;
use super::refusal::Refusal;
use super::{body, document, request_params};
use crate::config::Limits;
use crate::error::{ErrorCode, INTERNAL_MESSAGE};
use crate::graphql::request::{Caller, RequestLanguages};
use crate::graphql::{SymbiosSchema, sdl};
use crate::service::access::{self, Principal};
use crate::service::lang::LanguagePreference;

fn header(request: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<&str> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn not_acceptable() -> HttpResponse {
    Refusal::new(
        StatusCode::NOT_ACCEPTABLE,
        ErrorCode::BadUserInput,
        "accept application/graphql-response+json or application/json",
    )
    .into_response(ResponseFormat::Json)
}

/// The name of the operation `request` will run: the one asked for, else the name of the
/// document's only operation.
fn operation_name(request: &mut async_graphql::Request) -> Option<String> {
    if let Some(name) = &request.operation_name {
        return Some(name.clone());
    }
    match &request.parsed_query().ok()?.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    }
}

/// The type of the operation `request` will run, if the document parses and names one.
fn operation_type(request: &mut async_graphql::Request) -> Option<OperationType> {
    let operation_name = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    match &document.operations {
        DocumentOperations::Single(operation) => Some(operation.node.ty),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations
                .get(name.as_str())
                .map(|operation| operation.node.ty),
            None if operations.len() == 1 => operations
                .values()
                .next()
                .map(|operation| operation.node.ty),
            None => None,
        },
    }
}

/// `POST /graphql`. The body is read after the rate limit, within its size and time limits.
pub async fn execute_post(
    schema: web::Data<SymbiosSchema>,
    limits: web::Data<Limits>,
    services: web::Data<HttpServices>,
    http_request: HttpRequest,
    request_id: RequestId,
    payload: web::Payload,
) -> HttpResponse {
    let Some(format) = negotiate(header(&http_request, ACCEPT)) else {
        return not_acceptable();
    };
    let prepared = async {
        rate_limit(&services, &http_request)?;
        request_params::require_json(&http_request)?;
        let content_length =
            header(&http_request, CONTENT_LENGTH).and_then(|length| length.parse().ok());
        let body = body::read(
            payload,
            content_length,
            limits.max_body_bytes,
            Duration::from_millis(limits.body_timeout_ms),
        )
        .await?;
        let mut request =
            request_params::parse_post(&body, &services.persisted, limits.max_recursive_depth)?;
        document::prepare(&mut request, &limits, &services.parsed, format)?;
        Ok::<_, Refusal>(request)
    };
    let prepared = prepared.await;
    execute(
        &schema,
        &limits,
        &services,
        &http_request,
        request_id,
        prepared,
        format,
    )
    .await
}

/// What the GraphQL endpoint needs besides the schema: the database (for keys), the rate
/// limiters and the persisted queries.
#[derive(Debug)]
pub struct HttpServices {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Per-key and per-address limits.
    pub rate_limits: RateLimits,
    /// Where a request comes from, through trusted proxies.
    pub client_address: ClientAddress,
    /// Automatic persisted queries.
    pub persisted: PersistedQueries,
    /// Syntax trees of recent query texts.
    pub parsed: ParsedDocuments,
}

fn bearer_token(http_request: &HttpRequest) -> Option<&str> {
    let value = http_request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// Refuses a request over its rate: its key's once the key has been authenticated, its
/// address's otherwise.
fn rate_limit(services: &HttpServices, http_request: &HttpRequest) -> Result<(), Refusal> {
    let client = services.client_address.of(http_request);
    services
        .rate_limits
        .check(client, bearer_token(http_request))
        .map_err(|retry_after| {
            metrics::counter!(crate::metrics::RATE_LIMITED).increment(1);
            Refusal {
                retry_after: Some(retry_after),
                ..Refusal::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::RateLimited,
                    format!("too many requests; retry after {retry_after} s"),
                )
            }
        })
}

/// The key holder of `Authorization: Bearer <key>`; no header is an anonymous request, and a
/// header with anything but a live key is refused with 401 before the request runs. The rate
/// limiter learns the outcome: a live key's requests count against the key from then on.
async fn authenticate(
    services: &HttpServices,
    http_request: &HttpRequest,
    request_id: RequestId,
) -> Result<Option<Principal>, Refusal> {
    if !http_request.headers().contains_key(AUTHORIZATION) {
        return Ok(None);
    }
    let unauthenticated = |message: &str| {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            message,
        )
    };
    let token = bearer_token(http_request)
        .ok_or_else(|| unauthenticated("send the API key as `Authorization: Bearer <key>`"))?;
    match access::authenticate(&services.db, token).await {
        Ok(Some(principal)) => {
            services.rate_limits.key_authenticated(token);
            Ok(Some(principal))
        }
        Ok(None) => {
            let client = services.client_address.of(http_request);
            services.rate_limits.key_refused(client, token);
            Err(unauthenticated("the API key is unknown or revoked"))
        }
        Err(error) => {
            tracing::error!(error = ?error, request_id = %request_id, "authentication failed");
            Err(Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                INTERNAL_MESSAGE,
            ))
        }
    }
}

/// `GET /graphql`: GraphiQL for a browser that sends no query, the GraphQL request otherwise.
pub async fn execute_get(
    schema: web::Data<SymbiosSchema>,
    limits: web::Data<Limits>,
    services: web::Data<HttpServices>,
    http_request: HttpRequest,
    request_id: RequestId,
) -> HttpResponse {
    let accept = header(&http_request, ACCEPT);
    if accept.is_some_and(|accept| accept.contains("text/html"))
        && http_request.query_string().is_empty()
    {
        return graphiql(&limits);
    }
    let Some(format) = negotiate(accept) else {
        return not_acceptable();
    };
    let prepared = (|| {
        rate_limit(&services, &http_request)?;
        let mut request = request_params::parse_get(
            &http_request,
            &services.persisted,
            limits.max_recursive_depth,
        )?;
        document::prepare(&mut request, &limits, &services.parsed, format)?;
        if matches!(
            operation_type(&mut request),
            Some(OperationType::Mutation | OperationType::Subscription)
        ) {
            return Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::BadUserInput,
                "mutations are sent with POST",
            ));
        }
        Ok(request)
    })();
    execute(
        &schema,
        &limits,
        &services,
        &http_request,
        request_id,
        prepared,
        format,
    )
    .await
}

/// Answers a refused request, or authenticates the caller, then runs the request (queries
/// under the timeout) and records its metrics.
async fn execute(
    schema: &SymbiosSchema,
    limits: &Limits,
    services: &HttpServices,
    http_request: &HttpRequest,
    request_id: RequestId,
    prepared: Result<async_graphql::Request, Refusal>,
    format: ResponseFormat,
) -> HttpResponse {
    let mut request = match prepared {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(format),
    };
    let principal = match authenticate(services, http_request, request_id).await {
        Ok(principal) => principal,
        Err(refusal) => return refusal.into_response(format),
    };
    let started = Instant::now();
    let operation = crate::metrics::operation_label(operation_name(&mut request).as_deref());
    let is_mutation = matches!(operation_type(&mut request), Some(OperationType::Mutation));
    let languages = header(http_request, ACCEPT_LANGUAGE)
        .map(LanguagePreference::from_accept_language)
        .unwrap_or_default();
    let caller = Caller {
        principal,
        request_id: Some(request_id.to_string()),
    };
    let run = schema.execute(request.data(RequestLanguages(languages)).data(caller));
    // A mutation runs to its commit or rollback; abandoning it half-way would leave the
    // client unsure whether it happened.
    let mut response = if is_mutation {
        run.await
    } else {
        match tokio::time::timeout(Duration::from_millis(limits.request_timeout_ms), run).await {
            Ok(response) => response,
            Err(_) => {
                record(&operation, "TIMEOUT", is_mutation, started);
                let status = match format {
                    ResponseFormat::GraphqlResponseJson => StatusCode::SERVICE_UNAVAILABLE,
                    ResponseFormat::Json => StatusCode::OK,
                };
                return Refusal::new(
                    status,
                    ErrorCode::Timeout,
                    format!(
                        "the query ran longer than {} ms and was stopped; ask for less",
                        limits.request_timeout_ms
                    ),
                )
                .into_response(format);
            }
        }
    };
    let request_error = is_request_error(&response);
    classify_errors(&mut response, request_id, request_error);
    let body = response_body(&response, request_error);
    let status = match (format, request_error) {
        (ResponseFormat::GraphqlResponseJson, true) => StatusCode::BAD_REQUEST,
        (ResponseFormat::GraphqlResponseJson, false) => access_status(&response),
        (ResponseFormat::Json, _) => StatusCode::OK,
    };
    let outcome = response
        .errors
        .first()
        .and_then(code_of)
        .unwrap_or_else(|| "ok".to_owned());
    record(&operation, &outcome, is_mutation, started);
    HttpResponse::build(status)
        .content_type(format.content_type())
        .body(body)
}

/// The response as JSON, written straight from the result tree (no intermediate
/// `serde_json::Value`: on a 37 kB nested answer that copy was thousands of allocations).
fn response_body(response: &Response, request_error: bool) -> Vec<u8> {
    /// A request that never executed has no `data` entry.
    #[derive(serde::Serialize)]
    struct WithoutData<'a> {
        errors: &'a [ServerError],
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        extensions: &'a BTreeMap<String, Value>,
    }
    let written = if request_error {
        serde_json::to_vec(&WithoutData {
            errors: &response.errors,
            extensions: &response.extensions,
        })
    } else {
        serde_json::to_vec(response)
    };
    written.unwrap_or_else(|_| {
        json!({ "errors": [{ "message": INTERNAL_MESSAGE }] })
            .to_string()
            .into_bytes()
    })
}

/// Counts the request by operation and outcome, and records its latency.
fn record(operation: &str, outcome: &str, is_mutation: bool, started: Instant) {
    metrics::counter!(
        crate::metrics::REQUESTS,
        "operation" => operation.to_owned(),
        "outcome" => outcome.to_owned()
    )
    .increment(1);
    metrics::histogram!(
        crate::metrics::REQUEST_SECONDS,
        "type" => if is_mutation { "mutation" } else { "query" }
    )
    .record(started.elapsed().as_secs_f64());
}

/// GraphiQL, unless introspection is off: the page cannot work without it, and an operator
/// who keeps the schema private does not want it advertised.
fn graphiql(limits: &Limits) -> HttpResponse {
    if !limits.introspection {
        return schema_not_published();
    }
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Symbios GraphiQL")
                .finish(),
        )
}

/// The schema in SDL; 404 when introspection is off.
pub async fn schema_sdl(limits: web::Data<Limits>) -> HttpResponse {
    if !limits.introspection {
        return schema_not_published();
    }
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(sdl())
}

fn schema_not_published() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("the schema is not published here (limits.introspection is off)")
}

/// A response whose errors all arose before execution (syntax, validation, variable
/// coercion): no data and no error with a path.
fn is_request_error(response: &Response) -> bool {
    matches!(response.data, Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// 401 or 403 when the operation produced no data because every error is a missing or
/// insufficient key (the GraphQL-over-HTTP specification allows 4xx for such failures);
/// 200 otherwise.
fn access_status(response: &Response) -> StatusCode {
    let no_data = match &response.data {
        Value::Null => true,
        Value::Object(fields) => fields.values().all(|value| matches!(value, Value::Null)),
        _ => false,
    };
    let codes: Vec<Option<String>> = response.errors.iter().map(code_of).collect();
    let all = |code: ErrorCode| {
        !codes.is_empty()
            && codes
                .iter()
                .all(|found| found.as_deref() == Some(code.as_str()))
    };
    if !no_data {
        StatusCode::OK
    } else if all(ErrorCode::Unauthenticated) {
        StatusCode::UNAUTHORIZED
    } else if all(ErrorCode::Forbidden) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    }
}

fn code_of(error: &ServerError) -> Option<String> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code.clone()),
        _ => None,
    }
}

/// async-graphql reports its depth, recursion and complexity limits as plain validation
/// errors; these are the beginnings of their messages.
const LIMIT_MESSAGES: [&str; 4] = [
    "Query is nested too deep",
    "The recursion depth of the query cannot be greater than",
    "Query is too complex",
    "The number of directives on the field",
];

fn is_limit_error(message: &str) -> bool {
    LIMIT_MESSAGES
        .iter()
        .any(|prefix| message.starts_with(prefix))
}

/// Gives every error a stable code: errors before execution (syntax, validation, variable
/// coercion) are `BAD_USER_INPUT` (or `QUERY_TOO_COMPLEX` for the limits); uncoded errors
/// during execution are masked as `INTERNAL`. `INTERNAL` errors carry the request id so that
/// a report can be matched with the log.
fn classify_errors(response: &mut Response, request_id: RequestId, request_error: bool) {
    for error in &mut response.errors {
        let code = match code_of(error) {
            Some(code) => code,
            None if request_error => {
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

fn set(error: &mut ServerError, key: &str, value: &str) {
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set(key, value);
}
