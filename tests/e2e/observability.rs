//! What operators see: an access log line per request, and `/metrics` with `# HELP` on every
//! family and operation labels bounded to the names the server knows.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_test;
use crate::common::{Backend, TestApp, access_log_line, spawn_app_with, spawn_rate_limited};

/// The request id the server answered `response` with.
fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .expect("request id is text")
        .to_owned()
}

/// Asserts the access log line of the request `request_id`: method, path, status, operation,
/// the client address, a duration; and that no part of the query string is in it.
#[track_caller]
fn assert_logged(request_id: &str, method: &str, path: &str, status: u16, operation: Option<&str>) {
    // The line is written before the answer leaves the server, so it is there now.
    let line = access_log_line(request_id)
        .unwrap_or_else(|| panic!("no access log line for {method} {path} ({request_id})"));
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["method"], method, "{line}");
    assert_eq!(line["path"], path, "{line}");
    assert_eq!(line["status"], status, "{line}");
    assert_eq!(line["client"], "127.0.0.1", "{line}");
    assert!(
        line["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{line}"
    );
    match operation {
        Some(operation) => assert_eq!(line["operation"], operation, "{line}"),
        None => assert!(line.get("operation").is_none(), "{line}"),
    }
    assert!(
        !line.to_string().contains("themes"),
        "the query text is logged: {line}"
    );
}

async fn every_request_has_an_access_log_line(app: &TestApp) {
    let get = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .query(&[("query", "query PortalThemes { themes { slug } }")])
        .send()
        .await
        .expect("request is sent");
    assert_eq!(get.status(), StatusCode::OK);
    assert_logged(
        &request_id(&get),
        "GET",
        "/graphql",
        200,
        Some("PortalThemes"),
    );

    let post = app.post_query("{ themes { slug } }").await;
    assert_logged(&request_id(&post), "POST", "/graphql", 200, None);

    let head = app
        .client
        .head(format!("{}/healthz", app.base_url))
        .send()
        .await
        .expect("request is sent");
    assert_logged(&request_id(&head), "HEAD", "/healthz", 200, None);

    let missing = app.get("/no/such/page").await;
    assert_logged(&request_id(&missing), "GET", "/no/such/page", 404, None);

    let unknown_key = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .bearer_auth("not-a-key")
        .json(&json!({ "query": "query Named { themes { slug } }" }))
        .send()
        .await
        .expect("request is sent");
    assert_logged(
        &request_id(&unknown_key),
        "POST",
        "/graphql",
        401,
        Some("Named"),
    );
}
backend_test!(every_request_has_an_access_log_line);

/// The 429s that once left no trace are logged, each with its status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_requests_are_logged() {
    let app = spawn_rate_limited(2, |_| {}).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app.get_query("{ themes { slug } }").await;
        let status = response.status().as_u16();
        assert_logged(&request_id(&response), "GET", "/graphql", status, None);
        statuses.push(status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    app.stop().await;
}

/// The families of a Prometheus text: (those with `# TYPE`, those with `# HELP`).
fn families(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let named = |prefix: &str| {
        text.lines()
            .filter_map(|line| line.strip_prefix(prefix))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
    };
    (named("# TYPE "), named("# HELP "))
}

/// The `operation` label values of the request counter.
fn operation_labels(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|line| line.starts_with("symbios_graphql_requests_total{"))
        .filter_map(|line| line.split("operation=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn metrics_text(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("metrics text")
}

async fn every_metric_family_has_help(app: &TestApp) {
    // A query and a search, so that the request and search families have been recorded.
    app.graphql("{ themes { slug } }", json!({})).await;
    app.graphql(
        r#"{ search(query: "symbiosis") { totalCount } }"#,
        json!({}),
    )
    .await;
    let text = metrics_text(app).await;
    let (typed, helped) = families(&text);
    for family in [
        "symbios_graphql_requests_total",
        "symbios_graphql_request_duration_seconds",
        "symbios_search_duration_seconds",
        "symbios_index_lag_changes",
        "symbios_index_documents",
        "symbios_db_pool_connections",
        "symbios_db_pool_idle_connections",
    ] {
        assert!(typed.contains(family), "{family} is not reported:\n{text}");
    }
    let without_help: Vec<_> = typed.difference(&helped).collect();
    assert!(without_help.is_empty(), "no # HELP for {without_help:?}");
}
backend_test!(every_metric_family_has_help);

/// 300 invented operation names take no label slot: they count as `other`, while a
/// configured name and the explorer's names keep theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operation_labels_are_bounded_to_known_names() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.metrics.operation_names = vec!["PortalHome".to_owned()];
    })
    .await;
    for index in 0..300 {
        let (body, status) = app
            .graphql(
                &format!("query Invented{index} {{ __typename }}"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for known in [
        "query PortalHome { __typename }",
        "query Themes { __typename }",
    ] {
        let (body, _): (Value, _) = app.graphql(known, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let labels = operation_labels(&metrics_text(&app).await);
    let mut allowed: BTreeSet<String> = symbios::http::EXPLORER_OPERATION_NAMES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    allowed.extend(["PortalHome", "anonymous", "other"].map(str::to_owned));
    assert!(
        labels.is_subset(&allowed),
        "unknown label values: {labels:?}"
    );
    for expected in ["PortalHome", "Themes", "other"] {
        assert!(labels.contains(expected), "{expected} not in {labels:?}");
    }
    app.stop().await;
}
