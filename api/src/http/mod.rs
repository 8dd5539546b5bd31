//! The actix-web application: the GraphQL endpoint, GraphiQL, health, readiness and the SDL.
//!
//! Invariant: HTTP concerns (headers, status codes, request ids) end here; the GraphQL layer
//! receives typed request data such as [`crate::graphql::request::RequestLanguages`].

pub mod access_log;
mod body;
mod bounded_lru;
mod caching;
mod client_address;
mod document;
mod embedded;
mod explorer;
mod export;
mod graphiql;
mod graphql;
mod health;
mod linked_data;
pub mod negotiation;
mod parsed;
mod persisted;
mod rate_limit;
mod refusal;
mod request_params;
mod security_headers;
pub mod subscriptions;
mod trusted;

pub use client_address::ClientAddress;
pub use explorer::OPERATION_NAMES as EXPLORER_OPERATION_NAMES;
pub use explorer::documents as explorer_documents;
pub use graphql::HttpServices;
pub use parsed::ParsedDocuments;
pub use persisted::PersistedQueries;
pub use rate_limit::RateLimits;
pub use security_headers::add as add_security_headers;
pub use subscriptions::SubscriptionSlots;
pub use trusted::TrustedDocuments;

use actix_web::dev::Service;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpMessage, guard, web};
use tracing_actix_web::RequestId;

/// Header that carries the request id back to the client.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A route that reads: answers GET, and HEAD with the same status and headers and no body.
pub struct ReadRoute {
    /// The path pattern.
    pub path: &'static str,
    /// A path it answers, for tests.
    pub example: &'static str,
    /// Gives the route (GET and HEAD, guarded by [`register_read_routes`]) its handler.
    handler: fn(actix_web::Route) -> actix_web::Route,
}

impl ReadRoute {
    const fn new(
        path: &'static str,
        example: &'static str,
        handler: fn(actix_web::Route) -> actix_web::Route,
    ) -> Self {
        Self {
            path,
            example,
            handler,
        }
    }
}

/// Every route that reads. Registered with a GET-or-HEAD guard, so no read route lacks HEAD
/// (uptime checkers and caches send it); the end-to-end tests send both to each `example`.
pub const READ_ROUTES: &[ReadRoute] = &[
    ReadRoute::new("/", "/", |route| route.to(explorer::index)),
    ReadRoute::new("/explorer/{name}", "/explorer/app.js", |route| {
        route.to(explorer::asset)
    }),
    ReadRoute::new(
        "/graphql",
        "/graphql?query=%7B%20themes%20%7B%20slug%20%7D%20%7D",
        |route| route.to(graphql::execute_get),
    ),
    ReadRoute::new("/graphiql/{name}", "/graphiql/start.js", |route| {
        route.to(graphiql::asset)
    }),
    ReadRoute::new("/schema.graphql", "/schema.graphql", |route| {
        route.to(graphql::schema_sdl)
    }),
    ReadRoute::new(
        "/export/network.{extension}",
        "/export/network.graphml",
        |route| route.to(export::network),
    ),
    ReadRoute::new(
        "/export/projects.csv",
        "/export/projects.csv?nuts=SE2",
        |route| route.to(export::projects),
    ),
    ReadRoute::new(
        "/records/{id}",
        "/records/ea1bc47d-b932-5f7e-80a3-619118003bcf.jsonld",
        |route| route.to(linked_data::record),
    ),
    ReadRoute::new("/healthz", "/healthz", |route| route.to(health::healthz)),
    ReadRoute::new("/readyz", "/readyz", |route| route.to(health::readyz)),
    ReadRoute::new("/metrics", "/metrics", |route| route.to(health::metrics)),
];

/// Registers every route.
pub fn routes(config: &mut web::ServiceConfig) {
    config.route("/graphql", web::post().to(graphql::execute_post));
    // Before the read routes, whose `GET /graphql` would take the upgrade request. Not a read
    // route: HEAD has no upgrade.
    config.route(
        "/graphql",
        web::route()
            .guard(guard::Get())
            .guard(guard::fn_guard(|context| {
                subscriptions::ws::is_upgrade(context.head())
            }))
            .to(subscriptions::ws::upgrade),
    );
    register_read_routes(config);
}

/// Registers [`READ_ROUTES`] for GET and HEAD. actix-web answers HEAD with the headers of
/// the GET answer and sends no body.
fn register_read_routes(config: &mut web::ServiceConfig) {
    for read in READ_ROUTES {
        let get_or_head = web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
        config.route(read.path, (read.handler)(get_or_head));
    }
}

/// Builds the actix app around `routes`, with the access log, request tracing, the request-id header, CORS
/// for the configured origins and the security headers (outside CORS, so that preflight
/// answers carry them too). `$services` is a shared `web::Data<HttpServices>`.
#[macro_export]
macro_rules! symbios_http_app {
    ($schema:expr, $db:expr, $search:expr, $limits:expr, $services:expr, $origins:expr) => {
        actix_web::App::new()
            .wrap(actix_web::middleware::Condition::new(
                !$origins.is_empty(),
                $crate::http::cors($origins),
            ))
            .wrap_fn($crate::http::add_security_headers)
            .wrap_fn($crate::http::add_request_id_header)
            .wrap(tracing_actix_web::TracingLogger::default())
            .wrap_fn($crate::http::access_log::log)
            .app_data(actix_web::web::Data::new($schema))
            .app_data(actix_web::web::Data::new($db))
            .app_data(actix_web::web::Data::new($search))
            .app_data(actix_web::web::Data::new($limits))
            .app_data($services)
            .app_data(actix_web::web::PayloadConfig::new($limits.max_body_bytes))
            .configure($crate::http::routes)
    };
}

/// CORS for portal pages on `origins`: GET and POST with the headers GraphQL clients send;
/// the browser may cache the answer to a preflight for an hour.
pub fn cors(origins: &[String]) -> actix_cors::Cors {
    use actix_web::http::header;
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::AUTHORIZATION,
        ])
        .expose_headers([
            header::HeaderName::from_static(REQUEST_ID_HEADER),
            header::RETRY_AFTER,
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Copies the request id that `TracingLogger` assigned into the response headers.
pub fn add_request_id_header<S, B>(
    request: actix_web::dev::ServiceRequest,
    service: &S,
) -> impl std::future::Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>>
+ use<S, B>
where
    S: Service<
            actix_web::dev::ServiceRequest,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    let request_id = request.extensions().get::<RequestId>().copied();
    let response = service.call(request);
    async move {
        let mut response = response.await?;
        if let Some(request_id) = request_id
            && let Ok(value) = HeaderValue::from_str(&request_id.to_string())
        {
            response
                .headers_mut()
                .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
        }
        Ok(response)
    }
}
