//! Browser-facing security headers on every response: a `Content-Security-Policy` chosen by
//! route and content type, `X-Content-Type-Options: nosniff` and `Referrer-Policy`.
//!
//! Three policies:
//! - the explorer (`/` and `/explorer/…`): its own scripts, styles and API only, and Trusted
//!   Types, so that the browser itself refuses any string that reaches an HTML sink;
//! - GraphiQL (`GET /graphql` answering HTML, and its files under `/graphiql/`): its own
//!   scripts, styles and API only (every file is embedded in the binary, `http/graphiql.rs`);
//! - everything else (GraphQL answers, the SDL, health, metrics, errors): nothing may load
//!   or frame it.
//!
//! Invariant: every response, errors included, leaves through here with the three headers, and
//! no handler sets them itself.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderMap, HeaderValue, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};

/// The explorer page and its assets. `img-src data:` for the page's empty icon (`data:,`,
/// which spares the browser a request for `/favicon.ico`); `form-action 'self'`: the search
/// form is a real GET form to the page itself, which the page reads back if it is submitted
/// before the script runs.
const EXPLORER_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'; object-src 'none'; require-trusted-types-for 'script'; \
     trusted-types 'none'";

/// GraphiQL's page and files: scripts and stylesheets from this server only (no inline
/// script or style in the page), requests to its own `/graphql`. `font-src data:` and
/// `img-src data:`: GraphiQL's stylesheet carries its fonts and icons inside itself as
/// `data:` URLs (no request); the page's icon is `data:,`. No Trusted Types: GraphiQL puts
/// schema descriptions rendered from Markdown into `innerHTML`.
const GRAPHIQL_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/// Every other response: data, never a document that loads or shows anything.
const API_POLICY: &str = "default-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// `strict-origin-when-cross-origin`: other origins learn at most the origin (never the search
/// terms in the URL), and same-origin POSTs keep a real `Origin` header (`no-referrer` would
/// turn it into `null`).
const REFERRER_POLICY_VALUE: &str = "strict-origin-when-cross-origin";

/// Which policy a response gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Explorer,
    GraphiQL,
    Api,
}

/// What the request's path says about the policy, read before the request is handed on (so
/// that no copy of the path is kept per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Explorer,
    Graphql,
    GraphiQLFiles,
    Other,
}

impl Route {
    fn of(path: &str) -> Self {
        if path == "/" || path.starts_with("/explorer/") {
            Route::Explorer
        } else if path == "/graphql" {
            Route::Graphql
        } else if path.starts_with("/graphiql/") {
            Route::GraphiQLFiles
        } else {
            Route::Other
        }
    }
}

impl Policy {
    fn of(route: Route, content_type: Option<&HeaderValue>) -> Self {
        let is_html = content_type
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
        match route {
            Route::Explorer => Policy::Explorer,
            Route::Graphql if is_html => Policy::GraphiQL,
            Route::GraphiQLFiles => Policy::GraphiQL,
            Route::Graphql | Route::Other => Policy::Api,
        }
    }

    fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Policy::Explorer => EXPLORER_POLICY,
            Policy::GraphiQL => GRAPHIQL_POLICY,
            Policy::Api => API_POLICY,
        })
    }
}

/// The middleware (`wrap_fn`): sets the headers on the response, or on the response an error
/// will turn into.
pub fn add<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    let route = Route::of(request.path());
    let response = service.call(request);
    async move {
        match response.await {
            Ok(mut response) => {
                let policy = Policy::of(route, response.headers().get(CONTENT_TYPE));
                insert_headers(response.headers_mut(), policy.header_value());
                Ok(response)
            }
            Err(mut error) => {
                error.add_response_mapper(|mut response| {
                    insert_headers(response.headers_mut(), Policy::Api.header_value());
                    response
                });
                Err(error)
            }
        }
    }
}

fn insert_headers(headers: &mut HeaderMap, policy: HeaderValue) {
    headers.insert(CONTENT_SECURITY_POLICY, policy);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY_VALUE),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_follow_route_and_content_type() {
        let html = HeaderValue::from_static("text/html; charset=utf-8");
        let json = HeaderValue::from_static("application/json");
        let javascript = HeaderValue::from_static("text/javascript; charset=utf-8");
        assert_eq!(Policy::of(Route::of("/"), Some(&html)), Policy::Explorer);
        assert_eq!(
            Policy::of(Route::of("/explorer/app.js"), Some(&json)),
            Policy::Explorer
        );
        assert_eq!(
            Policy::of(Route::of("/graphql"), Some(&html)),
            Policy::GraphiQL
        );
        assert_eq!(
            Policy::of(Route::of("/graphiql/graphiql.min.js"), Some(&javascript)),
            Policy::GraphiQL
        );
        assert_eq!(Policy::of(Route::of("/graphql"), Some(&json)), Policy::Api);
        assert_eq!(Policy::of(Route::of("/graphql"), None), Policy::Api);
        assert_eq!(
            Policy::of(Route::of("/schema.graphql"), Some(&html)),
            Policy::Api
        );
        assert_eq!(Policy::of(Route::of("/graphiql"), Some(&html)), Policy::Api);
        assert_eq!(Policy::of(Route::of("/metrics"), None), Policy::Api);
    }

    /// The browser-facing policies name no other host: only `'self'`, `data:` and keywords.
    #[test]
    fn browser_policies_allow_no_other_origin() {
        for policy in [EXPLORER_POLICY, GRAPHIQL_POLICY] {
            assert!(policy.starts_with("default-src 'none'; "), "{policy}");
            for directive in policy.split(';') {
                let mut words = directive.split_whitespace();
                let name = words.next().unwrap_or_default();
                for source in words {
                    assert!(
                        source.starts_with('\'') || source == "data:",
                        "{name} allows {source} in {policy}"
                    );
                    assert!(!source.contains("unsafe"), "{policy}");
                }
            }
        }
    }
}
