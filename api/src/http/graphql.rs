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

use actix_web::http::header::{
    ACCEPT, ACCEPT_LANGUAGE, ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ErrorExtensionValues, Response, ServerError, Value, Variables};
use sea_orm::DatabaseConnection;
use serde_json::{Map, json};
use tracing_actix_web::RequestId;

use super::client_address::ClientAddress;
use super::negotiation::{APPLICATION_JSON, ResponseFormat, negotiate};
use super::parsed::ParsedDocuments;
use super::persisted::{PersistedQueries, Resolution};
use super::rate_limit::RateLimits;
use crate::config::Limits;
use crate::error::{ErrorCode, INTERNAL_MESSAGE};
use crate::graphql::limits::{count_aliases, count_tokens};
use crate::graphql::request::{Caller, RequestLanguages};
use crate::graphql::{SymbiosSchema, sdl};
use crate::service::access::{self, Principal};
use crate::service::lang::LanguagePreference;

/// A request that cannot be executed, with the status the HTTP layer answers with.
struct Refusal {
    status: StatusCode,
    message: String,
    code: ErrorCode,
    /// Seconds after which a rate-limited client may retry.
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            code,
            retry_after: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadUserInput, message)
    }
}

fn refusal_response(refusal: Refusal, format: ResponseFormat) -> HttpResponse {
    let mut extensions = Map::new();
    extensions.insert("code".to_owned(), json!(refusal.code.as_str()));
    if let Some(retry_after) = refusal.retry_after {
        extensions.insert("retryAfter".to_owned(), json!(retry_after));
    }
    let body = json!({ "errors": [{ "message": refusal.message, "extensions": extensions }] });
    let mut builder = HttpResponse::build(refusal.status);
    builder.content_type(format.content_type());
    if let Some(retry_after) = refusal.retry_after {
        builder.insert_header((RETRY_AFTER, retry_after.to_string()));
    }
    if refusal.status == StatusCode::METHOD_NOT_ALLOWED {
        builder.insert_header((ALLOW, "POST"));
    }
    if refusal.status == StatusCode::UNAUTHORIZED {
        builder.insert_header((WWW_AUTHENTICATE, "Bearer realm=\"symbios\""));
    }
    builder.body(body.to_string())
}

fn header(request: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<&str> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn not_acceptable() -> HttpResponse {
    refusal_response(
        Refusal::new(
            StatusCode::NOT_ACCEPTABLE,
            ErrorCode::BadUserInput,
            "accept application/graphql-response+json or application/json",
        ),
        ResponseFormat::Json,
    )
}

fn object_parameter(
    name: &str,
    value: Option<serde_json::Value>,
) -> Result<Option<Map<String, serde_json::Value>>, Refusal> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(object)) => Ok(Some(object)),
        Some(_) => Err(Refusal::bad_request(format!(
            "`{name}` must be a JSON object"
        ))),
    }
}

/// Builds an executable request from the GraphQL-over-HTTP parameters; a persisted query
/// (Apollo's `extensions.persistedQuery`) is looked up or remembered first.
fn graphql_request(
    persisted: &PersistedQueries,
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
) -> Result<async_graphql::Request, Refusal> {
    let query = match query {
        Some(serde_json::Value::String(query)) => Some(query),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => return Err(Refusal::bad_request("`query` must be a string")),
    };
    let extensions = object_parameter("extensions", extensions)?;
    let query = match persisted.resolve(query.as_deref(), extensions.as_ref()) {
        Resolution::NotPersisted => {
            query.ok_or_else(|| Refusal::bad_request("the `query` parameter is missing"))?
        }
        Resolution::Query(query) => query,
        // Apollo clients look for this message, then send the query with its hash.
        Resolution::NotFound => {
            return Err(Refusal::new(
                StatusCode::OK,
                ErrorCode::PersistedQueryNotFound,
                "PersistedQueryNotFound",
            ));
        }
        Resolution::Invalid(reason) => return Err(Refusal::bad_request(reason)),
    };
    let mut request = async_graphql::Request::new(query);
    match operation_name {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(Refusal::bad_request("`operationName` must be a string")),
    }
    if let Some(variables) = object_parameter("variables", variables)? {
        request = request.variables(Variables::from_json(serde_json::Value::Object(variables)));
    }
    if let Some(extensions) = extensions {
        for (key, value) in extensions {
            if let Ok(value) = Value::from_json(value) {
                request.extensions.insert(key, value);
            }
        }
    }
    Ok(request)
}

fn parse_get(
    request: &HttpRequest,
    persisted: &PersistedQueries,
) -> Result<async_graphql::Request, Refusal> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(request.query_string())
        .map_err(|_| Refusal::bad_request("the query string is malformed"))?;
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let json_parameter = |name: &str| -> Result<Option<serde_json::Value>, Refusal> {
        get(name)
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|_| Refusal::bad_request(format!("`{name}` is not valid JSON")))
            })
            .transpose()
    };
    graphql_request(
        persisted,
        get("query").map(serde_json::Value::String),
        get("operationName").map(serde_json::Value::String),
        json_parameter("variables")?,
        json_parameter("extensions")?,
    )
}

fn parse_post(
    request: &HttpRequest,
    body: &[u8],
    persisted: &PersistedQueries,
) -> Result<async_graphql::Request, Refusal> {
    let media_type = header(request, CONTENT_TYPE).map(|value| {
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if media_type.as_deref() != Some(APPLICATION_JSON) {
        return Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadUserInput,
            "send the request as Content-Type: application/json",
        ));
    }
    let parsed: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| Refusal::bad_request("the request body is not valid JSON"))?;
    let serde_json::Value::Object(mut object) = parsed else {
        return Err(Refusal::bad_request(
            "the request body must be one JSON object (batches are not accepted)",
        ));
    };
    graphql_request(
        persisted,
        object.remove("query"),
        object.remove("operationName"),
        object.remove("variables"),
        object.remove("extensions"),
    )
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

/// `POST /graphql`.
pub async fn execute_post(
    schema: web::Data<SymbiosSchema>,
    limits: web::Data<Limits>,
    services: web::Data<HttpServices>,
    http_request: HttpRequest,
    request_id: RequestId,
    body: web::Bytes,
) -> HttpResponse {
    let Some(format) = negotiate(header(&http_request, ACCEPT)) else {
        return not_acceptable();
    };
    if let Err(refusal) = rate_limit(&services, &http_request) {
        return refusal_response(refusal, format);
    }
    let request = parse_post(&http_request, &body, &services.persisted).and_then(|mut request| {
        check_document(&mut request, &limits, &services.parsed, format).map(|()| request)
    });
    let request = match request {
        Ok(request) => request,
        Err(refusal) => return refusal_response(refusal, format),
    };
    execute(
        &schema,
        &limits,
        &services,
        &http_request,
        request_id,
        request,
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

/// Refuses a request over its key's or its address's rate.
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
/// header with anything but a live key is refused with 401 before the request runs.
async fn authenticate(
    db: &DatabaseConnection,
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
    match access::authenticate(db, token).await {
        Ok(Some(principal)) => Ok(Some(principal)),
        Ok(None) => Err(unauthenticated("the API key is unknown or revoked")),
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

/// Refuses documents with more tokens or aliases than allowed, before validation runs. Like
/// a validation failure, that is a 400 for `application/graphql-response+json` clients and a
/// 200 with errors for `application/json` ones. Tokens are counted on the text, before the
/// document is parsed (or its tree taken from `parsed`).
fn check_document(
    request: &mut async_graphql::Request,
    limits: &Limits,
    parsed: &ParsedDocuments,
    format: ResponseFormat,
) -> Result<(), Refusal> {
    let status = match format {
        ResponseFormat::GraphqlResponseJson => StatusCode::BAD_REQUEST,
        ResponseFormat::Json => StatusCode::OK,
    };
    let too_complex = |message: String| Refusal::new(status, ErrorCode::QueryTooComplex, message);
    if count_tokens(&request.query, limits.max_tokens) > limits.max_tokens {
        return Err(too_complex(format!(
            "the document has more than {} tokens",
            limits.max_tokens
        )));
    }
    parsed.parse(request);
    // A document that does not parse is reported by the executor, with its position.
    if let Ok(document) = request.parsed_query()
        && count_aliases(document, limits.max_aliases) > limits.max_aliases
    {
        return Err(too_complex(format!(
            "the document has more than {} aliased fields",
            limits.max_aliases
        )));
    }
    Ok(())
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
        return graphiql();
    }
    let Some(format) = negotiate(accept) else {
        return not_acceptable();
    };
    if let Err(refusal) = rate_limit(&services, &http_request) {
        return refusal_response(refusal, format);
    }
    let mut request = match parse_get(&http_request, &services.persisted) {
        Ok(request) => request,
        Err(refusal) => return refusal_response(refusal, format),
    };
    if let Err(refusal) = check_document(&mut request, &limits, &services.parsed, format) {
        return refusal_response(refusal, format);
    }
    if matches!(
        operation_type(&mut request),
        Some(OperationType::Mutation | OperationType::Subscription)
    ) {
        return refusal_response(
            Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::BadUserInput,
                "mutations are sent with POST",
            ),
            format,
        );
    }
    execute(
        &schema,
        &limits,
        &services,
        &http_request,
        request_id,
        request,
        format,
    )
    .await
}

/// Authenticates the caller, then runs the request (queries under the timeout) and records
/// its metrics.
async fn execute(
    schema: &SymbiosSchema,
    limits: &Limits,
    services: &HttpServices,
    http_request: &HttpRequest,
    request_id: RequestId,
    mut request: async_graphql::Request,
    format: ResponseFormat,
) -> HttpResponse {
    let principal = match authenticate(&services.db, http_request, request_id).await {
        Ok(principal) => principal,
        Err(refusal) => return refusal_response(refusal, format),
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
                return refusal_response(
                    Refusal::new(
                        status,
                        ErrorCode::Timeout,
                        format!(
                            "the query ran longer than {} ms and was stopped; ask for less",
                            limits.request_timeout_ms
                        ),
                    ),
                    format,
                );
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
