//! The HTTP extras around the GraphQL endpoint: rate limits, CORS, Prometheus metrics,
//! automatic persisted queries and the request timeout.

use reqwest::StatusCode;
use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;

use crate::common::{
    Backend, assert_ok_of_type, data, first_error_code, poll_until, spawn_app, spawn_app_with,
    spawn_rate_limited,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_with_retry_after() {
    let app = spawn_rate_limited(5, |settings| {
        settings.limits.key_per_second = 1;
        settings.limits.key_burst = 3;
    })
    .await;
    let query = "{ themes { slug } }";
    for _ in 0..5 {
        let (body, status) = app.graphql(query, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "RATE_LIMITED");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);

    // A key has a bucket of its own.
    let key = app.create_key("portal", Role::Editor, None).await;
    for _ in 0..3 {
        let (body, status) = app.graphql_as(&key, query, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (body, status) = app.graphql_as(&key, query, json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");

    // The client may send again once the bucket refills: within `Retry-After` (polled, with
    // a deadline of twice that).
    poll_until(
        std::time::Duration::from_secs(2 * retry_after),
        std::time::Duration::from_millis(50),
        "still refused after twice Retry-After",
        async || {
            let (body, status) = app.graphql(query, json!({})).await;
            if status == StatusCode::OK {
                return Ok(());
            }
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
            Err(body.to_string())
        },
    )
    .await;
    app.stop().await;
}

/// Statuses of three anonymous requests forwarded for `clients` in turn, through a server
/// that trusts `proxies` and allows bursts of two per client address.
async fn forwarded_statuses(proxies: &[&str], clients: [&str; 3]) -> Vec<StatusCode> {
    let app = spawn_rate_limited(2, |settings| {
        settings.trusted_proxies = proxies.iter().map(|proxy| (*proxy).to_owned()).collect();
    })
    .await;
    let mut statuses = Vec::new();
    for client in clients {
        let response = app
            .client
            .post(format!("{}/graphql", app.base_url))
            .header("x-forwarded-for", format!("198.51.100.1, {client}"))
            .json(&json!({ "query": "{ themes { slug } }" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    app.stop().await;
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_proxies_give_each_forwarded_client_its_own_limit() {
    let ok = StatusCode::OK;
    let limited = StatusCode::TOO_MANY_REQUESTS;
    // Behind a trusted proxy, the address it forwards is the client: a third request of the
    // same client is over its burst, another client's is not.
    let same = ["203.0.113.7", "203.0.113.7", "203.0.113.7"];
    let other = ["203.0.113.7", "203.0.113.7", "203.0.113.8"];
    assert_eq!(
        forwarded_statuses(&["127.0.0.1"], same).await,
        [ok, ok, limited]
    );
    assert_eq!(
        forwarded_statuses(&["127.0.0.0/8"], other).await,
        [ok, ok, ok]
    );
    // Without trusted proxies the header is anyone's to write: the peer is the client.
    assert_eq!(forwarded_statuses(&[], other).await, [ok, ok, limited]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_answers_allowed_origins_only() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.cors_allowed_origins = vec!["https://portal.example.org".to_owned()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/graphql", app.base_url),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = preflight("https://portal.example.org").await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://portal.example.org"
    );
    let methods = allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );

    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let response = app.graphql_from_origin("https://portal.example.org").await;
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://portal.example.org"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_search_and_the_index() {
    let app = spawn_app(Backend::Sqlite).await;
    app.wait_indexed().await;
    app.graphql("query Themes { themes { slug } }", json!({}))
        .await;
    app.graphql("{ search(query: \"symbiose\") { totalCount } }", json!({}))
        .await;
    app.graphql("{ nope }", json!({})).await;
    let response = app.get("/metrics").await;
    assert_ok_of_type(&response, "text/plain");
    let text = response.text().await.unwrap();
    for expected in [
        "symbios_graphql_requests_total{operation=\"Themes\",outcome=\"ok\"}",
        "outcome=\"BAD_USER_INPUT\"",
        "symbios_graphql_request_duration_seconds_bucket",
        "symbios_search_duration_seconds_count",
        "symbios_index_lag_changes 0",
        "symbios_index_documents",
        "symbios_db_pool_connections",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    app.stop().await;
}

fn sha256_hex(text: &str) -> String {
    use std::fmt::Write;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes());
    digest.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persisted_queries_are_served_by_hash_over_get() {
    let app = spawn_app(Backend::Sqlite).await;
    let query = "{ caseStudy(slug: \"kalundborg-symbiosis\") { title } }";
    let hash = sha256_hex(query);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let by_hash = || {
        app.client
            .get(format!("{}/graphql", app.base_url))
            .query(&[("extensions", extensions.as_str())])
            .header("accept", "application/graphql-response+json")
            .send()
    };
    // Unknown hash: the client is asked for the query.
    let response = by_hash().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // The query with its hash registers it ...
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(
        data(&body)["caseStudy"]["title"]
            .as_str()
            .unwrap()
            .contains("Kalundborg")
    );
    // ... and from then on a GET by hash is enough.
    let body: Value = by_hash().await.unwrap().json().await.unwrap();
    assert!(
        data(&body)["caseStudy"]["title"]
            .as_str()
            .unwrap()
            .contains("Kalundborg")
    );

    // A hash that does not match the query is refused.
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ themes { slug } }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // A persisted mutation is still refused over GET.
    let mutation = "mutation { deleteActor(id: \"00000000-0000-0000-0000-000000000000\", expectedVersion: 1) { id } }";
    let mutation_hash = sha256_hex(mutation);
    app.client
        .post(format!("{}/graphql", app.base_url))
        .json(&json!({ "query": mutation, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": mutation_hash } } }))
        .send()
        .await
        .unwrap();
    let response = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .query(&[(
            "extensions",
            json!({ "persistedQuery": { "version": 1, "sha256Hash": mutation_hash } }).to_string(),
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_queries_time_out() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.request_timeout_ms = 1;
    })
    .await;
    let heavy = "{ actors(first: 100) { totalCount nodes { name projects { project { name participants { actor { name } } } } } } search(query: \"industrial symbiosis\") { totalCount facets { type { value count } } } }";
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": heavy }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(first_error_code(&body), "TIMEOUT", "{body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_is_served_at_the_root() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = app.get("/").await;
    assert_ok_of_type(&page, "text/html");
    let html = page.text().await.unwrap();
    assert!(html.contains("/explorer/app.js"), "{html}");
    for (asset, media_type) in [
        ("app.js", "text/javascript"),
        ("i18n.js", "text/javascript"),
        ("map.js", "text/javascript"),
        ("style.css", "text/css"),
        ("countries.json", "application/json"),
    ] {
        let response = app.get(&format!("/explorer/{asset}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(media_type),
            "{asset}"
        );
    }
    assert_eq!(
        app.get("/explorer/../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/explorer/nope.js").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
