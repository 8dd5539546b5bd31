//! HTTP for caches and checkers: `Cache-Control`, `ETag` and `304` on `GET /graphql`, `Vary`,
//! HEAD on every read route (compared byte for byte on the wire with GET).

use std::io::{Read, Write};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use symbios::http::READ_ROUTES;
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, spawn_rate_limited};

const THEMES: &str = "{ themes { slug } }";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map_or("<none>", |value| value.to_str().expect("header is text"))
}

/// GETs `query` over `/graphql` with `headers`; returns status, headers and body.
async fn get_query(
    app: &TestApp,
    query: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .query(&[("query", query)]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

async fn anonymous_answers_are_cached_and_revalidated(app: &TestApp) {
    let (status, headers, body) = get_query(app, THEMES, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(header(&headers, "cache-control"), "max-age=60");
    assert_eq!(
        header(&headers, "vary"),
        "Accept, Accept-Language, Authorization"
    );
    let etag = header(&headers, "etag").to_owned();
    assert!(
        etag.len() == 66 && etag.starts_with('"') && etag.ends_with('"'),
        "a strong tag: {etag}"
    );
    // The security headers stay.
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");

    // The same answer has the same tag; If-None-Match with it (weak or strong, in a list, or
    // `*`) gets 304 without a body and with the headers of the 200.
    for if_none_match in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"older\", {etag}"),
        "*".to_owned(),
    ] {
        let (status, revalidated, body) =
            get_query(app, THEMES, &[("if-none-match", &if_none_match)]).await;
        assert_eq!(
            status,
            StatusCode::NOT_MODIFIED,
            "If-None-Match: {if_none_match}"
        );
        assert_eq!(body, "", "a 304 has no body");
        for name in ["etag", "cache-control", "vary", "x-content-type-options"] {
            assert_eq!(header(&revalidated, name), header(&headers, name), "{name}");
        }
    }
    let (status, _, body) = get_query(app, THEMES, &[("if-none-match", "\"older\"")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("themes"), "{body}");
}
backend_test!(anonymous_answers_are_cached_and_revalidated);

/// Each language and media type is an answer of its own, with a tag of its own.
async fn answers_vary_by_language_and_media_type(app: &TestApp) {
    let query = r#"{ caseStudy(slug: "kalundborg-symbiosis") { summary { text lang } } }"#;
    let mut tags = Vec::new();
    for headers in [
        [("accept-language", "sv"), ("accept", "application/json")],
        [("accept-language", "en"), ("accept", "application/json")],
        [
            ("accept-language", "en"),
            ("accept", "application/graphql-response+json"),
        ],
    ] {
        let (status, answer, body) = get_query(app, query, &headers).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(header(&answer, "cache-control"), "max-age=60");
        tags.push(header(&answer, "etag").to_owned());
    }
    tags.dedup();
    assert_eq!(tags.len(), 3, "{tags:?}");
}
backend_test!(answers_vary_by_language_and_media_type);

/// What is sent (a name for failures, a query, headers) and the status expected.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, StatusCode);

/// Answers to a key, answers with errors and refusals are never stored, and get no tag.
async fn keys_errors_and_refusals_are_not_stored(app: &TestApp) {
    let key = app.create_key("portal", Role::Editor, None).await;
    let bearer = format!("Bearer {key}");
    let cases: [Case; 5] = [
        (
            "an answer to a key",
            THEMES,
            vec![("authorization", bearer.as_str())],
            StatusCode::OK,
        ),
        (
            "an unknown key",
            THEMES,
            vec![("authorization", "Bearer nope")],
            StatusCode::UNAUTHORIZED,
        ),
        (
            "errors in the body",
            "{ noSuchField }",
            vec![("accept", "application/json")],
            StatusCode::OK,
        ),
        (
            "a request error",
            "{ noSuchField }",
            vec![("accept", "application/graphql-response+json")],
            StatusCode::BAD_REQUEST,
        ),
        (
            "a mutation over GET",
            "mutation { deleteTheme(id: \"x\", expectedVersion: 1) { id } }",
            vec![],
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (what, query, mut headers, expected) in cases {
        headers.push(("if-none-match", "*"));
        let (status, answer, body) = get_query(app, query, &headers).await;
        assert_eq!(status, expected, "{what}: {body}");
        assert_eq!(header(&answer, "cache-control"), "no-store", "{what}");
        assert_eq!(header(&answer, "etag"), "<none>", "{what}");
        assert_eq!(
            header(&answer, "vary"),
            "Accept, Accept-Language, Authorization",
            "{what}"
        );
    }
}
backend_test!(keys_errors_and_refusals_are_not_stored);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_age_is_configured_and_429_is_not_stored() {
    let app = spawn_rate_limited(1, |settings| {
        settings.http.cache_max_age_seconds = 7;
    })
    .await;
    let (status, headers, _) = get_query(&app, THEMES, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "cache-control"), "max-age=7");
    let (status, headers, _) = get_query(&app, THEMES, &[]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&headers, "cache-control"), "no-store");
    assert_eq!(header(&headers, "etag"), "<none>");
    app.stop().await;
}

/// Probes and metrics are never stored; the SDL is kept and revalidated with its tag.
async fn probes_are_not_stored_and_the_schema_revalidates(app: &TestApp) {
    for path in ["/healthz", "/readyz", "/metrics"] {
        let response = app.get(path).await;
        assert_eq!(
            header(response.headers(), "cache-control"),
            "no-store",
            "{path}"
        );
    }
    let schema = app.get("/schema.graphql").await;
    assert_eq!(header(schema.headers(), "cache-control"), "no-cache");
    let etag = header(schema.headers(), "etag").to_owned();
    let revalidated = app
        .client
        .get(format!("{}/schema.graphql", app.base_url))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request is sent");
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
}
backend_test!(probes_are_not_stored_and_the_schema_revalidates);

/// Sends `method path` over a fresh connection and returns everything the server wrote.
fn exchange(port: u16, method: &str, path: &str) -> Vec<u8> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("read timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .expect("request is written");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer is read");
    answer
}

/// The status line and the headers (but those that differ on every request), and the body.
fn parts(answer: &[u8]) -> (String, Vec<String>, Vec<u8>) {
    let end = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("the head ends");
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default().to_owned();
    let mut headers: Vec<String> = lines
        .map(str::to_ascii_lowercase)
        .filter(|line| !line.starts_with("date:") && !line.starts_with("x-request-id:"))
        .collect();
    headers.sort();
    (status, headers, answer[end + 4..].to_vec())
}

/// Every read route answers HEAD with the status and headers of GET and no body. The routes
/// come from the router's own list, so a new read route is checked here by itself; the
/// sources register no GET route outside that list.
async fn head_answers_every_read_route(app: &TestApp) {
    let port: u16 = app
        .base_url
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("the port");
    for route in READ_ROUTES {
        let path = route.example;
        let (get_status, get_headers, get_body) =
            tokio::task::block_in_place(|| parts(&exchange(port, "GET", path)));
        let (head_status, head_headers, head_body) =
            tokio::task::block_in_place(|| parts(&exchange(port, "HEAD", path)));
        assert!(get_status.contains(" 200 "), "GET {path}: {get_status}");
        assert!(!get_body.is_empty(), "GET {path} has a body");
        assert_eq!(head_status, get_status, "HEAD {path}");
        // The metrics change between two requests (other tests' servers share the
        // recorder), and with them their length.
        let comparable = |headers: Vec<String>| -> Vec<String> {
            headers
                .into_iter()
                .filter(|line| path != "/metrics" || !line.starts_with("content-length:"))
                .collect()
        };
        assert_eq!(
            comparable(head_headers),
            comparable(get_headers),
            "HEAD {path}"
        );
        assert!(head_body.is_empty(), "HEAD {path} sent a body");
    }
}
backend_test!(head_answers_every_read_route);

#[test]
fn read_routes_are_registered_through_the_list_only() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .join("api/src");
    let mut files = vec![root];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("list a folder") {
                files.push(entry.expect("entry").path());
            }
            continue;
        }
        if path.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a source");
        // Unit tests build small apps of their own.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for registration in ["web::get()", "web::head()", "Method::GET", "guard::Get()"] {
            let allowed = path.ends_with("http/mod.rs") && registration == "guard::Get()";
            assert!(
                allowed || !code.contains(registration),
                "{} registers a route with {registration}: add it to READ_ROUTES (api/src/http/mod.rs)",
                path.display()
            );
        }
    }
    assert!(READ_ROUTES.iter().any(|route| route.path == "/graphql"));
}
