//! Hostile documents, variables and HTTP: each attack is answered with a caller code within
//! a bound (generous for a debug build; the attacks took seconds to minutes of CPU, or
//! aborted the process, before they were bounded), and the server still answers a normal
//! query afterwards. None of these involves the database, so they run on SQLite only.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "../../../api/tests/executable/attacks.rs"]
mod attacks;

use attacks::{fragment_bomb, nested_argument};

use crate::common::{
    Backend, TestApp, data, first_error_code, spawn_app, spawn_app_with, spawn_rate_limited,
};

/// Longest an attack may take to be answered. A refusal costs milliseconds in a release
/// build; this leaves room for a debug build on a busy machine.
const ANSWERED_WITHIN: Duration = Duration::from_secs(2);

/// Asserts that the server still answers a normal query.
async fn still_serves(app: &TestApp) {
    let (body, status) = app.graphql("{ themes { slug } }", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        data(&body)["themes"]
            .as_array()
            .is_some_and(|themes| !themes.is_empty())
    );
}

/// POSTs `query` with `variables`, asserts the refusal `code`, no data and the bound, and
/// returns the message.
async fn refused(app: &TestApp, query: &str, variables: Value, code: &str) -> String {
    let started = Instant::now();
    let (body, status) = app.graphql_as_anonymous(query, variables).await;
    let elapsed = started.elapsed();
    assert_eq!(first_error_code(&body), code, "{body:.500}");
    assert_eq!(status, StatusCode::BAD_REQUEST, "refused before execution");
    assert!(body.get("data").is_none(), "nothing ran: {body:.500}");
    assert!(elapsed < ANSWERED_WITHIN, "answered in {elapsed:?}");
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_nesting_is_refused_before_the_parser_runs() {
    let app = spawn_app(Backend::Sqlite).await;
    // 3.2 kB of brackets overflowed a worker's stack while parsing and aborted the process.
    for (what, query) in [
        ("lists", nested_argument("[", "]", 1_600)),
        ("input objects", nested_argument("{a:", "}", 2_400)),
        (
            "selections",
            format!("{{ {} }}", "themes { ".repeat(3_000) + &"} ".repeat(3_000)),
        ),
        ("parentheses", format!("{{ themes{} }}", "(".repeat(3_000))),
    ] {
        let message = refused(&app, &query, json!({}), "QUERY_TOO_COMPLEX").await;
        assert!(
            message.contains("limits.max_recursive_depth"),
            "{what}: the message names the limit: {message}"
        );
    }
    // The same over GET (a 9.7 kB URL).
    let started = Instant::now();
    let response = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .query(&[("query", nested_argument("[", "]", 4_800))])
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(first_error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert!(started.elapsed() < ANSWERED_WITHIN);
    still_serves(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_fan_out_is_measured_not_expanded() {
    let app = spawn_app(Backend::Sqlite).await;
    // 713 bytes took 21 s of CPU in validation; fan-out 10 over 10 levels held both workers
    // at 100 % for more than ten minutes.
    let on_query_4x14 = fragment_bomb("query{...F0}", "Query", 4, 14, "themes{slug}");
    let on_query_10x10 = fragment_bomb("query{...F0}", "Query", 10, 10, "themes{slug}");
    let on_case_study = fragment_bomb(
        "query{caseStudies{edges{node{...F0}}}}",
        "CaseStudy",
        10,
        10,
        "title",
    );
    for document in [&on_query_4x14, &on_query_10x10, &on_case_study] {
        assert!(document.len() < 1_200, "sub-kilobyte attacks");
        let message = refused(&app, document, json!({}), "QUERY_TOO_COMPLEX").await;
        assert!(message.contains("limits.max_fields"), "{message}");
    }
    // A long chain of fragments (each spreading the next once) is refused by its depth.
    let chain = fragment_bomb("query{...F0}", "Query", 1, 60, "themes{slug}");
    let message = refused(&app, &chain, json!({}), "QUERY_TOO_COMPLEX").await;
    assert!(message.contains("limits.max_recursive_depth"), "{message}");
    // A fragment that spreads itself (through another) is a caller's mistake, refused
    // before validation would follow it round.
    let message = refused(
        &app,
        "query { ...A } fragment A on Query { themes { slug } ...B } fragment B on Query { ...A }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert!(message.contains("spreads itself"), "{message}");
    // The same fragments, used sensibly, still work.
    let (body, _) = app
        .graphql(
            "query { ...A } fragment A on Query { themes { ...B } } fragment B on Theme { slug }",
            json!({}),
        )
        .await;
    assert!(data(&body)["themes"].is_array());
    still_serves(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_and_deep_variables_are_refused_before_conversion() {
    let app = spawn_app(Backend::Sqlite).await;
    let query =
        "query($q: [String!]) { search(query: \"\", filter: { country: $q }) { totalCount } }";
    // 100,000 items (1 MB of JSON) cost 450 MB of memory.
    let countries: Vec<&str> = vec!["SE"; 100_000];
    let message = refused(&app, query, json!({ "q": countries }), "BAD_USER_INPUT").await;
    assert!(
        message.contains("`variables.q`") && message.contains("1000"),
        "names the variable and the maximum: {message}"
    );
    let mut deep = json!("SE");
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let message = refused(&app, query, json!({ "q": deep }), "BAD_USER_INPUT").await;
    assert!(message.contains("limits.max_recursive_depth"), "{message}");
    // Deeper than the JSON parser goes is refused as JSON.
    let mut deeper = json!("SE");
    for _ in 0..200 {
        deeper = json!([deeper]);
    }
    refused(&app, query, json!({ "q": deeper }), "BAD_USER_INPUT").await;
    still_serves(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_ended_by_a_carriage_return_does_not_hide_tokens() {
    let app = spawn_app(Backend::Sqlite).await;
    // The token counter ended comments at `\n` only, GraphQL ends them at `\r` too: 96,000
    // tokens went through as one comment.
    let query = format!("#\r{{ {} }}", "themes { slug } ".repeat(24_000));
    let message = refused(&app, &query, json!({}), "QUERY_TOO_COMPLEX").await;
    assert!(message.contains("limits.max_tokens"), "{message}");
    still_serves(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bearer_tokens_count_against_the_address() {
    let app = spawn_rate_limited(5, |_| {}).await;
    // Each random token had a bucket of its own: a limited client went on with 401s and a
    // key lookup per request.
    let mut statuses = Vec::new();
    for attempt in 0..20 {
        let (_, status) = app
            .graphql_as(
                &format!("symbios_random_{attempt}"),
                "{ themes { slug } }",
                json!({}),
            )
            .await;
        statuses.push(status);
    }
    let unauthorized = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        (5..=6).contains(&unauthorized),
        "the burst, then 429: {statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    // The failed authentications used up the address's anonymous reads as well.
    let (body, status) = app.graphql("{ themes { slug } }", json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_in_is_timed_out() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.body_timeout_ms = 300;
    })
    .await;
    // A byte every two seconds held the connection for ever.
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(
            format!(
                "POST /graphql HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes the connection")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("limits.body_timeout_ms"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    still_serves(&app).await;
    app.stop().await;
}
