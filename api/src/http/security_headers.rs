//! Browser-facing security headers on every response: a `Content-Security-Policy` chosen by
//! route and content type, `X-Content-Type-Options: nosniff` and `Referrer-Policy`.
//!
//! Three policies:
//! - the explorer (`/` and `/explorer/…`): its own scripts, styles and API only, and Trusted
//!   Types, so that the browser itself refuses any string that reaches an HTML sink;
//! - GraphiQL (`GET /graphql` answering HTML): the CDN scripts and stylesheets that its
//!   generated page names, each by exact URL, and its inline script and style by SHA-256 hash,
//!   both read from the page as it is served, so the policy follows async-graphql's template;
//! - everything else (GraphQL answers, the SDL, health, metrics, errors): nothing may load
//!   or frame it.
//!
//! Invariant: every response, errors included, leaves through here with the three headers, and
//! no handler sets them itself.

use actix_web::body::{BodySize, EitherBody, MessageBody, to_bytes_limited};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderMap, HeaderValue, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use actix_web::web::Bytes;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The explorer page and its assets. `img-src data:` for the page's empty icon (`data:,`,
/// which spares the browser a request for `/favicon.ico`); `form-action 'self'`: the search
/// form is a real GET form to the page itself, which the page reads back if it is submitted
/// before the script runs.
const EXPLORER_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'; object-src 'none'; require-trusted-types-for 'script'; \
     trusted-types 'none'";

/// Every other response: data, never a document that loads or shows anything.
const API_POLICY: &str = "default-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// `strict-origin-when-cross-origin`: other origins learn at most the origin (never the search
/// terms in the URL), and same-origin POSTs keep a real `Origin` header (`no-referrer` would
/// turn it into `null`).
const REFERRER_POLICY_VALUE: &str = "strict-origin-when-cross-origin";

/// GraphiQL's page is about 2 KB; a larger HTML answer is not read, and gets [`API_POLICY`].
const MAX_GRAPHIQL_PAGE_BYTES: u64 = 64 * 1024;

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
    Other,
}

impl Route {
    fn of(path: &str) -> Self {
        if path == "/" || path.starts_with("/explorer/") {
            Route::Explorer
        } else if path == "/graphql" {
            Route::Graphql
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
            Route::Graphql | Route::Other => Policy::Api,
        }
    }
}

/// The middleware (`wrap_fn`): sets the headers on the response, or on the response an error
/// will turn into.
pub fn add<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<B, Bytes>>, actix_web::Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    let route = Route::of(request.path());
    let response = service.call(request);
    async move {
        match response.await {
            Ok(response) => Ok(with_headers(route, response).await),
            Err(mut error) => {
                error.add_response_mapper(|mut response| {
                    insert_headers(response.headers_mut(), HeaderValue::from_static(API_POLICY));
                    response
                });
                Err(error)
            }
        }
    }
}

async fn with_headers<B: MessageBody + 'static>(
    route: Route,
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B, Bytes>> {
    let policy = Policy::of(route, response.headers().get(CONTENT_TYPE));
    let fixed = match policy {
        Policy::Explorer => EXPLORER_POLICY,
        Policy::Api => API_POLICY,
        Policy::GraphiQL => return with_graphiql_policy(response).await,
    };
    let mut response = response.map_into_left_body();
    insert_headers(response.headers_mut(), HeaderValue::from_static(fixed));
    response
}

/// Reads GraphiQL's page (a string in memory) to derive its policy from what it contains.
async fn with_graphiql_policy<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B, Bytes>> {
    let readable = matches!(
        response.response().body().size(),
        BodySize::Sized(size) if size <= MAX_GRAPHIQL_PAGE_BYTES
    );
    if !readable {
        let mut response = response.map_into_left_body();
        insert_headers(response.headers_mut(), HeaderValue::from_static(API_POLICY));
        return response;
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    // The size was checked above, so the limit cannot be exceeded; a body that fails to read
    // (never for a string) leaves an empty page whose policy allows nothing.
    let page = match to_bytes_limited(body, MAX_GRAPHIQL_PAGE_BYTES as usize).await {
        Ok(Ok(page)) => page,
        _ => Bytes::new(),
    };
    let policy = std::str::from_utf8(&page)
        .ok()
        .map(graphiql_policy)
        .and_then(|policy| HeaderValue::from_str(&policy).ok())
        .unwrap_or(HeaderValue::from_static(API_POLICY));
    let mut response = ServiceResponse::new(request, head.set_body(page)).map_into_right_body();
    insert_headers(response.headers_mut(), policy);
    response
}

fn insert_headers(headers: &mut HeaderMap, policy: HeaderValue) {
    headers.insert(CONTENT_SECURITY_POLICY, policy);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        REFERRER_POLICY,
        HeaderValue::from_static(REFERRER_POLICY_VALUE),
    );
}

/// The policy for a GraphiQL page: the external scripts, stylesheets and icon it names, its
/// inline scripts and styles by hash, `data:` images and fonts (GraphiQL's stylesheet embeds
/// them) and requests to its own origin only (the GraphQL endpoint).
fn graphiql_policy(html: &str) -> String {
    let page = PageSources::scan(html);
    let list = |sources: Vec<String>| {
        if sources.is_empty() {
            "'none'".to_owned()
        } else {
            sources.join(" ")
        }
    };
    let mut images = page.images;
    images.push("data:".to_owned());
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src {}; font-src data:; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
         object-src 'none'",
        list(page.scripts),
        list(page.styles),
        list(images),
    )
}

/// What an HTML page loads, as CSP source expressions.
#[derive(Debug, Default, PartialEq)]
struct PageSources {
    /// External scripts by URL, inline scripts by hash.
    scripts: Vec<String>,
    /// Stylesheets by URL, inline styles by hash.
    styles: Vec<String>,
    /// Icons by URL.
    images: Vec<String>,
}

impl PageSources {
    /// A scan of `<script>`, `<style>` and `<link>` elements, enough for a page the server
    /// generates itself (not an HTML parser: what it does not understand it does not allow).
    fn scan(html: &str) -> Self {
        let mut found = PageSources::default();
        let mut rest = html;
        while let Some((_, after_open)) = rest.split_once('<') {
            let Some((tag, after_tag)) = after_open.split_once('>') else {
                break;
            };
            let name_end = tag
                .find(|c: char| c.is_ascii_whitespace() || c == '/')
                .unwrap_or(tag.len());
            let (name, attributes_text) = tag.split_at(name_end);
            let attributes = attributes(attributes_text);
            rest = after_tag;
            match name.to_ascii_lowercase().as_str() {
                "script" => {
                    let (content, after_content) =
                        rest.split_once("</script").unwrap_or((rest, ""));
                    rest = after_content;
                    match attribute(&attributes, "src") {
                        Some(url) => found.scripts.extend(url_source(url)),
                        None => found.scripts.push(hash_source(content)),
                    }
                }
                "style" => {
                    let (content, after_content) = rest.split_once("</style").unwrap_or((rest, ""));
                    rest = after_content;
                    found.styles.push(hash_source(content));
                }
                "link" => {
                    let rel = attribute(&attributes, "rel").unwrap_or_default();
                    let href = attribute(&attributes, "href").and_then(url_source);
                    let rels = rel.split_ascii_whitespace().map(str::to_ascii_lowercase);
                    for rel in rels {
                        match rel.as_str() {
                            "stylesheet" => found.styles.extend(href.clone()),
                            "icon" => found.images.extend(href.clone()),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        found
    }
}

/// The attributes of a start tag (the text between its name and `>`), as name and value.
fn attributes(tag: &str) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    let mut rest = tag.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let (name, after_name) = rest.split_at(name_end);
        let after_name = after_name.trim_start();
        let Some(value_text) = after_name.strip_prefix('=') else {
            found.push((name.to_ascii_lowercase(), ""));
            rest = after_name;
            continue;
        };
        let value_text = value_text.trim_start();
        let (value, after_value) = if let Some(quoted) = value_text.strip_prefix('"') {
            quoted.split_once('"').unwrap_or((quoted, ""))
        } else if let Some(quoted) = value_text.strip_prefix('\'') {
            quoted.split_once('\'').unwrap_or((quoted, ""))
        } else {
            let value_end = value_text
                .find(|c: char| c.is_ascii_whitespace())
                .unwrap_or(value_text.len());
            value_text.split_at(value_end)
        };
        found.push((name.to_ascii_lowercase(), value));
        rest = after_value.trim_start();
    }
    found
}

fn attribute<'a>(attributes: &[(String, &'a str)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(candidate, _)| candidate == name)
        .map(|(_, value)| *value)
}

/// A CSP source for one URL: `'self'` for a path on this server, the exact `https` URL
/// otherwise (after a redirect browsers compare only the host, so a CDN that redirects a
/// version range to a release still matches). Anything else is not allowed.
fn url_source(url: &str) -> Option<String> {
    if url.starts_with('/') && !url.starts_with("//") {
        return Some("'self'".to_owned());
    }
    let absolute = match url.strip_prefix("//") {
        Some(without_scheme) => url::Url::parse(&format!("https://{without_scheme}")),
        None => url::Url::parse(url),
    }
    .ok()?;
    let host = absolute.host_str()?;
    let path = absolute.path();
    let safe = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '\'' | '"'))
    };
    if absolute.scheme() != "https" || !safe(host) || !safe(path) {
        return None;
    }
    Some(match absolute.port() {
        Some(port) => format!("https://{host}:{port}{path}"),
        None => format!("https://{host}{path}"),
    })
}

/// A CSP hash source for an inline script or style: the SHA-256 of its text as served.
fn hash_source(content: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(content.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_follow_route_and_content_type() {
        let html = HeaderValue::from_static("text/html; charset=utf-8");
        let json = HeaderValue::from_static("application/json");
        assert_eq!(Policy::of(Route::of("/"), Some(&html)), Policy::Explorer);
        assert_eq!(
            Policy::of(Route::of("/explorer/app.js"), Some(&json)),
            Policy::Explorer
        );
        assert_eq!(
            Policy::of(Route::of("/graphql"), Some(&html)),
            Policy::GraphiQL
        );
        assert_eq!(Policy::of(Route::of("/graphql"), Some(&json)), Policy::Api);
        assert_eq!(Policy::of(Route::of("/graphql"), None), Policy::Api);
        assert_eq!(
            Policy::of(Route::of("/schema.graphql"), Some(&html)),
            Policy::Api
        );
        assert_eq!(Policy::of(Route::of("/metrics"), None), Policy::Api);
    }

    #[test]
    fn graphiql_policy_names_exactly_what_the_generated_page_loads() {
        let html = async_graphql::http::GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Symbios GraphiQL")
            .finish();
        let inline_script = html
            .rsplit_once("<script>")
            .and_then(|(_, tail)| tail.split_once("</script>"))
            .map(|(script, _)| script)
            .expect("the page has an inline script");
        let inline_style = html
            .split_once("<style>")
            .and_then(|(_, tail)| tail.split_once("</style>"))
            .map(|(style, _)| style)
            .expect("the page has an inline style");
        let page = PageSources::scan(&html);
        assert_eq!(
            page.scripts,
            [
                "https://unpkg.com/react@18/umd/react.development.js".to_owned(),
                "https://unpkg.com/react-dom@18/umd/react-dom.development.js".to_owned(),
                "https://unpkg.com/graphiql@4/graphiql.min.js".to_owned(),
                hash_source(inline_script),
            ]
        );
        assert_eq!(
            page.styles,
            [
                hash_source(inline_style),
                "https://unpkg.com/graphiql@4/graphiql.min.css".to_owned(),
            ]
        );
        assert_eq!(page.images, ["https://graphql.org/favicon.ico"]);
        let policy = graphiql_policy(&html);
        assert!(!policy.contains("unsafe"), "{policy}");
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(HeaderValue::from_str(&policy).is_ok(), "{policy}");
    }

    #[test]
    fn an_inline_script_is_allowed_only_as_served() {
        let served = graphiql_policy("<script>run()</script>");
        let altered = graphiql_policy("<script>run(); steal()</script>");
        assert_ne!(served, altered);
        // The well-known CSP example: the hash of `alert('Hello, world.');`.
        assert!(
            graphiql_policy("<script>alert('Hello, world.');</script>")
                .contains("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"),
        );
    }

    #[test]
    fn attributes_in_every_quoting_style() {
        let parsed = attributes(r#" crossorigin SRC="a b" type='x' data-n=7 /"#);
        assert_eq!(
            parsed,
            [
                ("crossorigin".to_owned(), ""),
                ("src".to_owned(), "a b"),
                ("type".to_owned(), "x"),
                ("data-n".to_owned(), "7"),
                ("/".to_owned(), ""),
            ]
        );
        assert_eq!(attributes(""), []);
        assert_eq!(
            attributes(r#"src="unterminated"#),
            [("src".to_owned(), "unterminated")]
        );
    }

    #[test]
    fn only_https_urls_and_own_paths_become_sources() {
        assert_eq!(url_source("/explorer/app.js").as_deref(), Some("'self'"));
        assert_eq!(
            url_source("//cdn.example/x.js?v=1#f").as_deref(),
            Some("https://cdn.example/x.js")
        );
        assert_eq!(
            url_source("https://cdn.example:8443/a@1/b.js").as_deref(),
            Some("https://cdn.example:8443/a@1/b.js")
        );
        assert_eq!(url_source("http://cdn.example/x.js"), None);
        assert_eq!(url_source("javascript:alert(1)"), None);
        assert_eq!(url_source("data:text/javascript,alert(1)"), None);
        assert_eq!(url_source("https://cdn.example/a;script-src *"), None);
    }

    #[test]
    fn a_page_without_sources_allows_none() {
        let policy =
            graphiql_policy("<p>no scripts</p><script src=\"http://plain.example/x.js\"></script>");
        assert!(policy.contains("script-src 'none';"), "{policy}");
        assert!(policy.contains("style-src 'none';"), "{policy}");
    }
}
