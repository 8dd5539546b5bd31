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

use actix_web::http::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ErrorExtensionValues, Response, ServerError, Value};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::access_log;
use super::caching;
use super::client_address::ClientAddress;
use super::negotiation::{ResponseFormat, accepted_languages, negotiate};
use super::parsed::ParsedDocuments;
use super::persisted::PersistedQueries;
use super::rate_limit::RateLimits;
use super::refusal::{Refusal, Unreadable, insert_status_headers};
use super::trusted::{self, TrustedDocuments};
use super::{body, document, request_params};
use crate::config::Limits;
use crate::error::{ErrorCode, INTERNAL_MESSAGE, Message};
use crate::graphql::planner::Planner;
use crate::graphql::request::{Caller, RequestLanguages};
use crate::graphql::response_order::{Ordered, SCHEMA_TYPES, SelectionOrder};
use crate::graphql::{SymbiosSchema, sdl};
use crate::metrics::OperationLabels;
use crate::service::access::{self, Principal};

fn header(request: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<&str> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn not_acceptable() -> HttpResponse {
    Refusal::unreadable(
        Unreadable::NotAcceptable,
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
    if super::subscriptions::sse::is_requested(&http_request) {
        let endpoint = super::subscriptions::Endpoint {
            schema: schema.into_inner(),
            limits: **limits,
            services: services.into_inner(),
        };
        return super::subscriptions::sse::execute(endpoint, http_request, request_id, payload)
            .await;
    }
    let Some(format) = negotiate(&http_request) else {
        return not_acceptable();
    };
    let prepared = prepare_post(&limits, &services, &http_request, payload, format);
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
    .into_response()
}

/// A `POST` request read within the rate limit and the body's size and time limits, with
/// its document checked against the limits.
pub(super) async fn prepare_post(
    limits: &Limits,
    services: &HttpServices,
    http_request: &HttpRequest,
    payload: web::Payload,
    format: ResponseFormat,
) -> Result<async_graphql::Request, Refusal> {
    rate_limit(services, http_request)?;
    request_params::require_json(http_request)?;
    let content_length =
        header(http_request, CONTENT_LENGTH).and_then(|length| length.parse().ok());
    let body = body::read(
        payload,
        content_length,
        limits.max_body_bytes,
        Duration::from_millis(limits.body_timeout_ms),
    )
    .await?;
    let parsed =
        request_params::parse_post(&body, &services.persisted, limits.max_recursive_depth)?;
    let mut request =
        request_params::resolve_by_id(parsed, &services.trusted, &services.db).await?;
    document::prepare(&mut request, limits, &services.parsed, format)?;
    Ok(request)
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
    /// The documents anonymous callers may run when trusted documents are on.
    pub trusted: TrustedDocuments,
    /// Syntax trees of recent query texts.
    pub parsed: ParsedDocuments,
    /// The operation names the request metrics count under their own label.
    pub operation_labels: OperationLabels,
    /// How GET answers may be cached.
    pub http: crate::config::Http,
    /// Answers the plain reads it can plan before async-graphql runs.
    pub planner: Planner,
    /// The subscriptions open per key and per address.
    pub subscriptions: super::subscriptions::SubscriptionSlots,
    /// Tells subscription connections that the server shuts down.
    pub changes: crate::changes_signal::ChangesSignal,
}

pub(super) fn bearer_token(http_request: &HttpRequest) -> Option<&str> {
    let value = http_request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// Refuses a request over its rate: its key's once the key has been authenticated, its
/// address's otherwise.
pub(super) fn rate_limit(
    services: &HttpServices,
    http_request: &HttpRequest,
) -> Result<(), Refusal> {
    let client = services.client_address.of(http_request);
    services
        .rate_limits
        .check(client, bearer_token(http_request))
        .map_err(|retry_after| {
            metrics::counter!(crate::metrics::RATE_LIMITED).increment(1);
            Refusal {
                retry_after: Some(retry_after),
                ..Refusal::before_graphql(
                    ErrorCode::RateLimited,
                    format!("too many requests; retry after {retry_after} s"),
                )
            }
        })
}

/// The key holder of `Authorization: Bearer <key>`; no header is an anonymous request, and a
/// header with anything but a live key is refused with 401 before the request runs. The rate
/// limiter learns the outcome: a live key's requests count against the key from then on.
pub(super) async fn authenticate(
    services: &HttpServices,
    http_request: &HttpRequest,
    request_id: RequestId,
) -> Result<Option<Principal>, Refusal> {
    if !http_request.headers().contains_key(AUTHORIZATION) {
        return Ok(None);
    }
    let token = bearer_token(http_request).ok_or_else(|| {
        Refusal::before_graphql(
            ErrorCode::Unauthenticated,
            "send the API key as `Authorization: Bearer <key>`",
        )
    })?;
    authenticate_token(
        services,
        services.client_address.of(http_request),
        token,
        request_id,
    )
    .await
    .map(Some)
}

/// The holder of the API key `token`, sent from `client`; anything but a live key is refused.
pub(super) async fn authenticate_token(
    services: &HttpServices,
    client: Option<std::net::IpAddr>,
    token: &str,
    request_id: RequestId,
) -> Result<Principal, Refusal> {
    let unauthenticated =
        |message: &str| Refusal::before_graphql(ErrorCode::Unauthenticated, message);
    match access::authenticate(&services.db, token).await {
        Ok(Some(principal)) => {
            services.rate_limits.key_authenticated(token);
            Ok(principal)
        }
        Ok(None) => {
            services.rate_limits.key_refused(client, token);
            Err(unauthenticated("the API key is unknown or revoked"))
        }
        Err(error) => {
            tracing::error!(error = ?error, request_id = %request_id, "authentication failed");
            Err(Refusal {
                request_id: Some(request_id.to_string()),
                ..Refusal::before_graphql(ErrorCode::Internal, "authentication failed")
            })
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
    let mut response =
        execute_get_uncached(schema, limits, services, http_request, request_id).await;
    caching::finish_graphql_get(&mut response);
    response
}

/// `GET /graphql` before [`caching::finish_graphql_get`].
async fn execute_get_uncached(
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
        return super::graphiql::page(&limits);
    }
    let Some(format) = negotiate(&http_request) else {
        return not_acceptable();
    };
    let prepared = async {
        rate_limit(&services, &http_request)?;
        let parsed = request_params::parse_get(
            &http_request,
            &services.persisted,
            limits.max_recursive_depth,
        )?;
        let mut request =
            request_params::resolve_by_id(parsed, &services.trusted, &services.db).await?;
        document::prepare(&mut request, &limits, &services.parsed, format)?;
        if matches!(
            operation_type(&mut request),
            Some(OperationType::Mutation | OperationType::Subscription)
        ) {
            return Err(Refusal::unreadable(
                Unreadable::MethodNotAllowed,
                "mutations are sent with POST",
            ));
        }
        Ok::<_, Refusal>(request)
    }
    .await;
    match execute(
        &schema,
        &limits,
        &services,
        &http_request,
        request_id,
        prepared,
        format,
    )
    .await
    {
        Executed::Answered(answer) => {
            if caching::is_cacheable(&http_request, answer.status, answer.has_errors) {
                let cache_control = caching::max_age(services.http.cache_max_age_seconds);
                caching::validated(
                    &http_request,
                    &cache_control,
                    answer.format.content_type(),
                    answer.body,
                )
            } else {
                answer.into_response()
            }
        }
        refused @ Executed::Refused(_) => refused.into_response(),
    }
}

/// What [`execute`] produced: an answer from GraphQL, or a refusal already rendered.
enum Executed {
    Answered(Answer),
    Refused(HttpResponse),
}

impl Executed {
    fn into_response(self) -> HttpResponse {
        match self {
            Executed::Answered(answer) => answer.into_response(),
            Executed::Refused(response) => response,
        }
    }
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
) -> Executed {
    let mut request = match prepared {
        Ok(request) => request,
        Err(refusal) => return Executed::Refused(refusal.into_response(format)),
    };
    let name = operation_name(&mut request);
    if let Some(name) = &name {
        access_log::note_operation(http_request, name);
    }
    let principal = match authenticate(services, http_request, request_id).await {
        Ok(principal) => principal,
        Err(refusal) => return Executed::Refused(refusal.into_response(format)),
    };
    let started = Instant::now();
    let operation = services.operation_labels.label(name.as_deref());
    let is_mutation = matches!(operation_type(&mut request), Some(OperationType::Mutation));
    if let Err(refusal) = check_trusted(services, principal.is_some(), &request.query).await {
        record(&operation, refusal.code.as_str(), is_mutation, started);
        return Executed::Refused(refusal.into_response(format));
    }
    let languages = accepted_languages(http_request);
    let caller = Caller {
        principal,
        request_id: Some(request_id.to_string()),
    };
    // The variables are taken out while the planner reads the document, then put back.
    let variables = std::mem::take(&mut request.variables);
    if !is_mutation && let Ok(document) = request.parsed_query() {
        let planned = services
            .planner
            .answer(document, name.as_deref(), &variables, &languages);
        match tokio::time::timeout(Duration::from_millis(limits.request_timeout_ms), planned).await
        {
            Ok(Some(body)) => {
                record(&operation, "ok", is_mutation, started);
                return Executed::Answered(Answer::planned(body, format));
            }
            Ok(None) => {}
            Err(_) => return timed_out(&operation, limits, started, format),
        }
    }
    request.variables = variables;
    // Kept to write the answer in selection order (`response_order`); async-graphql consumes
    // the request.
    let document = request.parsed_query().ok().cloned();
    let run = schema.execute(request.data(RequestLanguages(languages)).data(caller));
    // A mutation runs to its commit or rollback; abandoning it half-way would leave the
    // client unsure whether it happened.
    let response = if is_mutation {
        run.await
    } else {
        match tokio::time::timeout(Duration::from_millis(limits.request_timeout_ms), run).await {
            Ok(response) => response,
            Err(_) => return timed_out(&operation, limits, started, format),
        }
    };
    let order = match (&response.data, &document) {
        (Value::Object(_), Some(document)) => {
            SelectionOrder::of_operation(&SCHEMA_TYPES, document, name.as_deref())
        }
        _ => None,
    };
    let answer = Answer::new(response, format, &request_id.to_string(), order.as_ref());
    record(&operation, answer.outcome, is_mutation, started);
    Executed::Answered(answer)
}

/// The answer to a query stopped at `limits.request_timeout_ms`.
fn timed_out(
    operation: &str,
    limits: &Limits,
    started: Instant,
    format: ResponseFormat,
) -> Executed {
    record(operation, ErrorCode::Timeout.as_str(), false, started);
    Executed::Refused(
        Refusal::request_error(
            format,
            ErrorCode::Timeout,
            format!(
                "the query ran longer than {} ms and was stopped; ask for less",
                limits.request_timeout_ms
            ),
        )
        .into_response(format),
    )
}

/// Refuses a document that is not trusted, when the caller is held to trusted documents.
pub(super) async fn check_trusted(
    services: &HttpServices,
    with_key: bool,
    document: &str,
) -> Result<(), Refusal> {
    if !services.trusted.is_locked(with_key) {
        return Ok(());
    }
    match services.trusted.is_trusted(&services.db, document).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(Refusal::before_graphql(
            ErrorCode::DocumentNotTrusted,
            trusted::NOT_TRUSTED_MESSAGE,
        )),
        Err(error) => {
            tracing::error!(error = %error, "checking a trusted document failed");
            Err(Refusal::before_graphql(
                ErrorCode::Internal,
                "checking the document failed",
            ))
        }
    }
}

/// Says which path answered a GraphQL request: `planned` or `general`.
const PLAN_HEADER: &str = "x-symbios-plan";

/// The HTTP answer to a request that executed (or failed validation).
struct Answer {
    status: StatusCode,
    format: ResponseFormat,
    body: Vec<u8>,
    /// Whether the body holds errors.
    has_errors: bool,
    /// The outcome for the metrics: the first error's code, or `ok`.
    outcome: &'static str,
    /// Which path answered, for the `x-symbios-plan` header: `planned` or `general`.
    path: &'static str,
}

impl Answer {
    fn new(
        mut response: Response,
        format: ResponseFormat,
        request_id: &str,
        order: Option<&SelectionOrder>,
    ) -> Self {
        let request_error = is_request_error(&response);
        classify_errors(&mut response, request_id, request_error);
        let body = response_body(&response, request_error, order);
        let status = match format {
            ResponseFormat::GraphqlResponseJson => {
                graphql_response_status(&response, request_error)
            }
            ResponseFormat::Json => StatusCode::OK,
        };
        let outcome = response
            .errors
            .first()
            .and_then(code_of)
            .map_or("ok", ErrorCode::as_str);
        Self {
            status,
            format,
            body,
            has_errors: !response.errors.is_empty(),
            outcome,
            path: "general",
        }
    }

    /// The planner's answer: data without errors.
    fn planned(body: Vec<u8>, format: ResponseFormat) -> Self {
        Self {
            status: StatusCode::OK,
            format,
            body,
            has_errors: false,
            outcome: "ok",
            path: "planned",
        }
    }

    fn into_response(self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        builder.content_type(self.format.content_type());
        builder.insert_header((PLAN_HEADER, self.path));
        insert_status_headers(&mut builder, self.status);
        builder.body(self.body)
    }
}

/// The response as JSON, written straight from the result tree (no intermediate
/// `serde_json::Value`: on a 37 kB nested answer that copy was thousands of allocations),
/// its fields in `order` when given.
fn response_body(
    response: &Response,
    request_error: bool,
    order: Option<&SelectionOrder>,
) -> Vec<u8> {
    /// A request that never executed has no `data` entry.
    #[derive(serde::Serialize)]
    struct WithoutData<'a> {
        errors: &'a [ServerError],
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        extensions: &'a BTreeMap<String, Value>,
    }
    /// async-graphql's `Response` as it serializes itself, with `data` in selection order.
    #[derive(serde::Serialize)]
    struct InSelectionOrder<'a> {
        data: Ordered<'a>,
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        extensions: &'a BTreeMap<String, Value>,
        #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
        errors: &'a [ServerError],
    }
    let written = if request_error {
        serde_json::to_vec(&WithoutData {
            errors: &response.errors,
            extensions: &response.extensions,
        })
    } else if let Some(order) = order {
        serde_json::to_vec(&InSelectionOrder {
            data: order.apply(&response.data),
            extensions: &response.extensions,
            errors: &response.errors,
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

/// The schema in SDL, with an `ETag` (it changes only with the binary, so a cache may keep
/// it and revalidate); 404 when introspection is off.
pub async fn schema_sdl(limits: web::Data<Limits>, request: HttpRequest) -> HttpResponse {
    if !limits.introspection {
        return schema_not_published();
    }
    caching::validated(
        &request,
        caching::REVALIDATE,
        "text/plain; charset=utf-8",
        sdl(),
    )
}

pub(super) fn schema_not_published() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("the schema is not published here (limits.introspection is off)")
}

/// A response whose errors all arose before execution (syntax, validation, variable
/// coercion): no data and no error with a path.
pub(super) fn is_request_error(response: &Response) -> bool {
    matches!(response.data, Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// The status of an `application/graphql-response+json` answer that executed (or failed
/// validation), from the error table: a request error takes its first code's
/// [`ErrorCode::refused_status`] (400 for the codes validation gives); an operation that
/// produced no data, every error with one code, takes that code's
/// [`ErrorCode::no_data_status`] (401 or 403 when the key was missing or not allowed); any
/// other answer is 200.
fn graphql_response_status(response: &Response, request_error: bool) -> StatusCode {
    let mut codes = response.errors.iter().map(code_of);
    let Some(Some(first)) = codes.next() else {
        return StatusCode::OK;
    };
    if request_error {
        return first.refused_status();
    }
    let no_data = match &response.data {
        Value::Null => true,
        Value::Object(fields) => fields.values().all(|value| matches!(value, Value::Null)),
        _ => false,
    };
    if no_data && codes.all(|code| code == Some(first)) {
        first.no_data_status()
    } else {
        StatusCode::OK
    }
}

/// The code of an error, when it carries one of the table's.
fn code_of(error: &ServerError) -> Option<ErrorCode> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => ErrorCode::parse(code),
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
pub(super) fn classify_errors(response: &mut Response, request_id: &str, request_error: bool) {
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
                code
            }
            None => {
                tracing::error!(error = %error.message, path = ?error.path, "uncoded error during execution");
                error.message = ErrorCode::Internal.client_message(error.message.as_str());
                set(error, "code", ErrorCode::Internal.as_str());
                ErrorCode::Internal
            }
        };
        if code.message() == Message::Masked {
            set(error, "requestId", request_id);
        }
    }
}

fn set(error: &mut ServerError, key: &str, value: &str) {
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set(key, value);
}

#[cfg(test)]
mod tests {
    //! The body and statuses clients get for every error code, snapshotted: each code is
    //! produced the way the endpoint produces it (a service error in a resolver, a
    //! validation error, a refusal), then answered by the same functions as a live request.

    use actix_web::body::to_bytes;
    use actix_web::http::header::{ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
    use async_graphql::{Name, PathSegment, Pos};

    use super::*;
    use crate::error::ServiceErrorExt as _;
    use crate::service;

    /// Stands for the request id, which differs on every request.
    const REQUEST_ID: &str = "[request-id]";

    /// How one example of a code reaches the client.
    enum Example {
        /// A resolver of `field` failed with `error`; the answer has no data.
        Resolver {
            field: &'static str,
            error: async_graphql::Error,
        },
        /// Validation failed with an uncoded async-graphql error.
        Validation(&'static str),
        /// The endpoint refused the request before it ran.
        Refused(fn(ResponseFormat) -> Refusal),
    }

    /// A resolver of `field` that failed with a service error, extended as resolvers extend it.
    fn resolver(field: &'static str, error: service::Error) -> Example {
        Example::Resolver {
            field,
            error: error.extend(),
        }
    }

    fn examples(code: ErrorCode) -> Vec<(&'static str, Example)> {
        use Example::{Refused, Resolver, Validation};
        match code {
            ErrorCode::BadUserInput => vec![
                (
                    "a refused input field",
                    resolver(
                        "createActor",
                        service::Error::InvalidFields(vec![
                            service::error::FieldError {
                                field: "input.country".to_owned(),
                                reason: "is not an ISO 3166-1 alpha-2 code".to_owned(),
                            },
                            service::error::FieldError {
                                field: "input.name".to_owned(),
                                reason: "must not be empty".to_owned(),
                            },
                        ]),
                    ),
                ),
                (
                    "a document that fails validation",
                    Validation(r#"Unknown field "noSuchField" on type "Query"."#),
                ),
                (
                    "a body that is not JSON",
                    Refused(|_| Refusal::bad_request("the body is not a JSON object")),
                ),
                (
                    "a mutation over GET",
                    Refused(|_| {
                        Refusal::unreadable(
                            Unreadable::MethodNotAllowed,
                            "mutations are sent with POST",
                        )
                    }),
                ),
            ],
            ErrorCode::QueryTooComplex => vec![
                (
                    "a document over a limit before parsing",
                    Refused(|format| {
                        Refusal::request_error(
                            format,
                            ErrorCode::QueryTooComplex,
                            "the document has more than 1000 tokens (limits.max_tokens)",
                        )
                    }),
                ),
                (
                    "async-graphql's complexity limit",
                    Validation("Query is too complex."),
                ),
            ],
            ErrorCode::NotFound => vec![(
                "an update of a missing record",
                resolver("updateActor", service::Error::NotFound { entity: "actor" }),
            )],
            ErrorCode::VersionConflict => vec![
                (
                    "a stale expectedVersion",
                    resolver(
                        "updateActor",
                        service::Error::VersionConflict {
                            entity: "actor",
                            expected: 1,
                            current: 2,
                        },
                    ),
                ),
                (
                    "a write that kept losing its unique values",
                    resolver(
                        "createActor",
                        service::Error::ConcurrentWrite { entity: "actor" },
                    ),
                ),
            ],
            ErrorCode::Unauthenticated => vec![
                (
                    "a write without a key",
                    resolver(
                        "createActor",
                        service::Error::Unauthenticated(
                            "this operation needs an API key".to_owned(),
                        ),
                    ),
                ),
                (
                    "an unknown key",
                    Refused(|_| {
                        Refusal::before_graphql(
                            ErrorCode::Unauthenticated,
                            "the API key is unknown or revoked",
                        )
                    }),
                ),
            ],
            ErrorCode::Forbidden => vec![(
                "a partner key outside its scheme",
                resolver(
                    "updateProject",
                    service::Error::Forbidden("partner keys write actors only".to_owned()),
                ),
            )],
            ErrorCode::ResyncRequired => vec![(
                "a cursor older than the retention window",
                resolver(
                    "changes",
                    service::Error::ResyncRequired { pruned_through: 42 },
                ),
            )],
            ErrorCode::RateLimited => vec![(
                "too many requests",
                Refused(|_| Refusal {
                    retry_after: Some(3),
                    ..Refusal::before_graphql(
                        ErrorCode::RateLimited,
                        "too many requests; retry after 3 s",
                    )
                }),
            )],
            ErrorCode::PersistedQueryNotFound => vec![(
                "an unknown hash",
                Refused(|_| {
                    Refusal::before_graphql(
                        ErrorCode::PersistedQueryNotFound,
                        "PersistedQueryNotFound",
                    )
                }),
            )],
            ErrorCode::DocumentNotTrusted => vec![(
                "an anonymous document outside the trusted ones",
                Refused(|_| {
                    Refusal::before_graphql(
                        ErrorCode::DocumentNotTrusted,
                        trusted::NOT_TRUSTED_MESSAGE,
                    )
                }),
            )],
            ErrorCode::Timeout => vec![(
                "a query over limits.request_timeout_ms",
                Refused(|format| {
                    Refusal::request_error(
                        format,
                        ErrorCode::Timeout,
                        "the query ran longer than 30000 ms and was stopped; ask for less",
                    )
                }),
            )],
            ErrorCode::SlowConsumer => vec![(
                "a subscriber that did not read",
                Refused(|_| {
                    Refusal::before_graphql(
                        ErrorCode::SlowConsumer,
                        super::super::subscriptions::SLOW_CONSUMER_REASON,
                    )
                }),
            )],
            ErrorCode::Internal => vec![
                (
                    "a database failure in a resolver",
                    resolver(
                        "actors",
                        service::Error::Database(sea_orm::DbErr::Custom(
                            "relation \"actor\" does not exist".to_owned(),
                        )),
                    ),
                ),
                (
                    "another failure in a resolver",
                    resolver(
                        "upsertActors",
                        service::Error::internal(
                            "read a stored idempotent answer",
                            "expected value at line 1 column 1",
                        ),
                    ),
                ),
                (
                    "an error a resolver left without a code",
                    Resolver {
                        field: "actors",
                        error: async_graphql::Error::new("connection reset"),
                    },
                ),
                (
                    "a failure while checking the key",
                    Refused(|_| Refusal {
                        request_id: Some(REQUEST_ID.to_owned()),
                        ..Refusal::before_graphql(ErrorCode::Internal, "pool timed out")
                    }),
                ),
            ],
        }
    }

    fn executed(example: &Example) -> Option<Response> {
        let position = Pos { line: 1, column: 3 };
        match example {
            Example::Resolver { field, error } => {
                let mut server_error = error.clone().into_server_error(position);
                server_error.path = vec![PathSegment::Field((*field).to_owned())];
                let mut data = async_graphql::indexmap::IndexMap::new();
                data.insert(Name::new(*field), Value::Null);
                let mut response = Response::new(Value::Object(data));
                response.errors.push(server_error);
                Some(response)
            }
            Example::Validation(message) => Some(Response::from_errors(vec![ServerError::new(
                *message,
                Some(position),
            )])),
            Example::Refused(_) => None,
        }
    }

    async fn render(response: HttpResponse) -> String {
        let status = response.status();
        let headers: Vec<String> = [ALLOW, RETRY_AFTER, WWW_AUTHENTICATE]
            .into_iter()
            .filter_map(|name| {
                let value = response.headers().get(&name)?.to_str().ok()?;
                Some(format!("{name}: {value}"))
            })
            .collect();
        let body = to_bytes(response.into_body()).await.unwrap_or_default();
        let mut lines = vec![status.to_string()];
        lines.extend(headers);
        // The body as sent, byte for byte: key order is part of what clients see.
        lines.push(String::from_utf8_lossy(&body).into_owned());
        lines.join("\n")
    }

    async fn answers(example: &Example) -> String {
        let mut rendered = Vec::new();
        for format in [ResponseFormat::GraphqlResponseJson, ResponseFormat::Json] {
            let response = match example {
                Example::Refused(refusal) => refusal(format).into_response(format),
                _ => match executed(example) {
                    Some(response) => {
                        Answer::new(response, format, REQUEST_ID, None).into_response()
                    }
                    None => continue,
                },
            };
            rendered.push(format!(
                "{}: {}",
                format.content_type(),
                render(response).await
            ));
        }
        rendered.join("\n")
    }

    #[actix_web::test]
    async fn every_code_answers_as_snapshotted() {
        for code in ErrorCode::ALL {
            let mut snapshot = String::new();
            for (what, example) in examples(*code) {
                snapshot.push_str(&format!("## {what}\n{}\n\n", answers(&example).await));
                assert!(
                    snapshot.contains(&format!("\"code\":\"{}\"", code.as_str())),
                    "{what} does not answer with {}",
                    code.as_str()
                );
            }
            insta::assert_snapshot!(code.as_str(), snapshot);
        }
    }
}
