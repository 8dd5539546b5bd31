//! Hostile input: explorer. Cross-site scripting through the explorer (a crafted link or
//! hostile data) is answered by the browser-facing headers: a strict Content-Security-Policy
//! on the explorer and GraphiQL, `nosniff` and a Referrer-Policy on every response, and an
//! explorer that puts nothing from the network into an HTML sink. The browser side (no
//! request to another origin, highlights rebuilt from text, no CSP violation) is tested in
//! chromium by `explorer/run-tests.sh`.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

use crate::backend_test;
use crate::common::{Backend, TestApp, spawn_app, spawn_app_with};

/// The directives of a response's Content-Security-Policy, as `name value…` strings.
fn policy(headers: &HeaderMap) -> Vec<String> {
    let text = headers
        .get("content-security-policy")
        .map(|value| value.to_str().expect("ASCII policy").to_owned())
        .unwrap_or_default();
    text.split(';')
        .map(|directive| directive.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|directive| !directive.is_empty())
        .collect()
}

/// The sources a directive allows (empty when the directive is absent).
fn sources(policy: &[String], directive: &str) -> Vec<String> {
    policy
        .iter()
        .find_map(|entry| {
            let (name, rest) = entry.split_once(' ').unwrap_or((entry, ""));
            (name == directive).then(|| rest.split(' ').map(str::to_owned).collect())
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_common_headers(headers: &HeaderMap, what: &str) {
    assert_eq!(
        headers.get("x-content-type-options").map(|v| v.as_bytes()),
        Some(&b"nosniff"[..]),
        "{what}: {headers:?}"
    );
    assert_eq!(
        headers.get("referrer-policy").map(|v| v.as_bytes()),
        Some(&b"strict-origin-when-cross-origin"[..]),
        "{what}: {headers:?}"
    );
}

/// Directives every browser-facing policy must have: nothing by default, no plugins, no
/// `<base>` rewriting, no framing by other sites.
#[track_caller]
fn assert_locked_down(policy: &[String], what: &str) {
    for (directive, expected) in [
        ("default-src", "'none'"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("frame-ancestors", "'none'"),
    ] {
        assert_eq!(
            sources(policy, directive),
            [expected],
            "{what}: {directive} in {policy:?}"
        );
    }
    let all = policy.join("; ");
    assert!(
        !all.contains("'unsafe-inline'") && !all.contains("'unsafe-eval'") && !all.contains('*'),
        "{what}: {all}"
    );
}

// The explorer's and GraphiQL's headers do not depend on the database: SQLite only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_is_served_under_a_strict_policy() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in [
        "/",
        "/explorer/app.js",
        "/explorer/style.css",
        "/explorer/countries.json",
        "/explorer/nope.js",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_common_headers(headers, path);
        let policy = policy(headers);
        assert_locked_down(&policy, path);
        for (directive, expected) in [
            ("script-src", &["'self'"][..]),
            ("style-src", &["'self'"]),
            ("connect-src", &["'self'"]),
            ("img-src", &["'self'", "data:"]),
            ("form-action", &["'self'"]),
            ("require-trusted-types-for", &["'script'"]),
            ("trusted-types", &["'none'"]),
        ] {
            assert_eq!(
                sources(&policy, directive),
                expected,
                "{path}: {directive} in {policy:?}"
            );
        }
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_scripts_use_no_html_sink() {
    let app = spawn_app(Backend::Sqlite).await;
    for asset in ["app.js", "i18n.js", "map.js"] {
        let script = app
            .get(&format!("/explorer/{asset}"))
            .await
            .text()
            .await
            .expect("asset text");
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "srcdoc",
            "eval(",
            "new Function",
        ] {
            assert!(!script.contains(sink), "{asset} uses {sink}");
        }
    }
    let page = app.get("/").await.text().await.expect("page text");
    assert!(
        !page.contains("<script>") && !page.contains(" style="),
        "no inline script or style in the page: {page}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_loads_only_files_of_this_server() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get_graphiql("text/html,application/xhtml+xml").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let page = response.text().await.expect("page text");
    assert_common_headers(&headers, "GraphiQL");
    let page_policy = policy(&headers);
    assert_locked_down(&page_policy, "GraphiQL");
    for (directive, expected) in [
        ("script-src", &["'self'"][..]),
        ("style-src", &["'self'"]),
        // GraphiQL's stylesheet carries its fonts inside itself: no font is fetched.
        ("font-src", &["data:"]),
        ("img-src", &["'self'", "data:"]),
        ("connect-src", &["'self'"]),
        ("form-action", &["'none'"]),
    ] {
        assert_eq!(
            sources(&page_policy, directive),
            expected,
            "GraphiQL: {directive} in {page_policy:?}"
        );
    }
    // Nothing inline, which the policy would refuse anyway.
    assert!(
        !page.contains("<script>") && !page.contains("<style"),
        "{page}"
    );

    // Every file the page names is one of this server's, served under the same policy.
    let named: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| page.split(attribute).skip(1))
        .filter_map(|rest| rest.split_once('"').map(|(url, _)| url))
        .filter(|url| *url != "data:,")
        .collect();
    assert!(
        named.len() >= 8,
        "React, GraphiQL, the plugin and their styles: {named:?}"
    );
    for url in named {
        assert!(url.starts_with("/graphiql/"), "{url} is not on this server");
        let file = app.get(url).await;
        assert_eq!(file.status(), StatusCode::OK, "{url}");
        let media_type = if url.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        let content_type = file.headers().get("content-type").cloned();
        assert!(
            content_type
                .as_ref()
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with(media_type)),
            "{url}: {content_type:?}"
        );
        assert_common_headers(file.headers(), url);
        assert_eq!(policy(file.headers()), page_policy, "{url}");
        assert!(!file.bytes().await.expect("file").is_empty(), "{url}");
    }
    let missing = app.get("/graphiql/nope.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

backend_test!(graphql_answers_are_never_documents);
async fn graphql_answers_are_never_documents(app: &TestApp) {
    let get = app.get_query("{ themes { slug } }").await;
    let (post_body, post_status) = app.graphql("{ themes { slug } }", json!({})).await;
    assert_eq!(post_status, StatusCode::OK, "{post_body}");
    let post = app.post_query("{ themes { slug } }").await;
    let refused = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("request is sent");
    let unknown = app.get("/no/such/path").await;
    let sdl = app.get("/schema.graphql").await;
    let health = app.get("/healthz").await;
    let metrics = app.get("/metrics").await;
    assert_eq!(get.status(), StatusCode::OK);
    assert_eq!(post.status(), StatusCode::OK);
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    for (what, response) in [
        ("GET /graphql", &get),
        ("POST /graphql", &post),
        ("malformed POST /graphql", &refused),
        ("unknown path", &unknown),
        ("/schema.graphql", &sdl),
        ("/healthz", &health),
        ("/metrics", &metrics),
    ] {
        let headers = response.headers();
        assert_common_headers(headers, what);
        let policy = policy(headers);
        assert_eq!(sources(&policy, "default-src"), ["'none'"], "{what}");
        assert_eq!(sources(&policy, "frame-ancestors"), ["'none'"], "{what}");
        assert_eq!(
            policy.len(),
            4,
            "{what}: only the deny-all policy: {policy:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_still_answers_with_the_security_headers() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.cors_allowed_origins = vec!["https://portal.example.org".to_owned()];
    })
    .await;
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/graphql", app.base_url),
        )
        .header("origin", "https://portal.example.org")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .expect("request is sent");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://portal.example.org"
    );
    assert_common_headers(preflight.headers(), "preflight");
    let answer = app.graphql_from_origin("https://portal.example.org").await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.headers()["access-control-allow-origin"],
        "https://portal.example.org"
    );
    let exposed = answer.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ASCII header")
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    assert_common_headers(answer.headers(), "cross-origin answer");
    app.stop().await;
}
