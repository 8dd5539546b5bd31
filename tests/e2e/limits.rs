//! Every request limit, exceeded: the request is refused before execution with
//! `QUERY_TOO_COMPLEX` (or 413 for the body), quickly, and the server keeps serving.

use serde_json::json;

use crate::backend_test;
use crate::common::{Backend, TestApp, first_error_code, spawn_app_with};

async fn assert_too_complex(app: &TestApp, query: &str, what: &str) {
    let body = app.graphql_refused(query, "QUERY_TOO_COMPLEX", what).await;
    assert!(body.get("data").is_none(), "{what}: nothing was executed");
}

backend_test!(complexity_limit);
async fn complexity_limit(app: &TestApp) {
    let query = "{ caseStudies(first: 100) { edges { node { actors { actor { projects { project {
        participants { actor { caseStudies { caseStudy { title } } } } } } } } } } } }";
    assert_too_complex(app, query, "complexity").await;
    let fine = "{ caseStudies(first: 20) { edges { node { title actors { role actor { name
        projects { role project { name funders { name } } } } } } } } }";
    let (body, _) = app.graphql(fine, json!({})).await;
    assert!(
        body["errors"].is_null(),
        "the benchmark's nested query stays within the limit: {body}"
    );
}

backend_test!(alias_limit);
async fn alias_limit(app: &TestApp) {
    let aliases: String = (0..150)
        .map(|n| format!("a{n}: themes {{ slug }} "))
        .collect();
    assert_too_complex(app, &format!("{{ {aliases} }}"), "aliases").await;
    let fragments = "query { ...F ...F ...F ...F ...F ...F ...F ...F ...F ...F ...F ...F }
        fragment F on Query { a: themes { slug } b: themes { slug } c: themes { slug }
                              d: themes { slug } e: themes { slug } f: themes { slug }
                              g: themes { slug } h: themes { slug } i: themes { slug } }";
    assert_too_complex(app, fragments, "aliases through fragment spreads").await;
}

backend_test!(token_limit);
async fn token_limit(app: &TestApp) {
    let fields = "slug ".repeat(12_000);
    assert_too_complex(app, &format!("{{ themes {{ {fields} }} }}"), "tokens").await;
}

backend_test!(directive_limit);
async fn directive_limit(app: &TestApp) {
    let directives = "@include(if: true) ".repeat(11);
    assert_too_complex(
        app,
        &format!("{{ themes {directives} {{ slug }} }}"),
        "directives",
    )
    .await;
}

backend_test!(recursion_limit);
async fn recursion_limit(app: &TestApp) {
    let levels = 12;
    let query = format!(
        "{{ caseStudies {{ edges {{ node {{ {} slug {} }} }} }} }}",
        "actors { actor { caseStudies { caseStudy { ".repeat(levels),
        "} } } } ".repeat(levels)
    );
    assert_too_complex(app, &query, "recursion").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn depth_limit() {
    // With complexity unbounded, depth is the limit that stops a deep query.
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.max_complexity = usize::MAX;
    })
    .await;
    let query = format!(
        "{{ caseStudies {{ edges {{ node {{ {} slug {} }} }} }} }}",
        "actors { actor { caseStudies { caseStudy { ".repeat(4),
        "} } } } ".repeat(4)
    );
    let (body, _) = app.graphql(&query, json!({})).await;
    assert_eq!(first_error_code(&body), "QUERY_TOO_COMPLEX", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep")
    );
    app.stop().await;
}

backend_test!(body_limit);
async fn body_limit(app: &TestApp) {
    let padding = " ".repeat(2 << 20);
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("content-type", "application/json")
        .body(format!(r#"{{"query":"{{ themes {{ slug }} }}{padding}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let (body, status) = app.graphql("{ themes { slug } }", json!({})).await;
    assert_eq!(status, 200);
    assert!(
        body["data"]["themes"].is_array(),
        "still serving after a refused body"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_can_be_turned_off() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.introspection = false
    })
    .await;
    let (body, _) = app
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(
        body["data"]["__schema"].is_null(),
        "no schema is revealed: {body}"
    );
    let (body, _) = app.graphql("{ themes { slug } }", json!({})).await;
    assert!(body["data"]["themes"].is_array());
    // Nor through the SDL or GraphiQL, which could not work without introspection anyway.
    assert_eq!(app.get("/schema.graphql").await.status(), 404);
    let graphiql = app.get_graphiql("text/html").await;
    assert_eq!(graphiql.status(), 404);
    assert_eq!(app.get("/graphiql/graphiql.min.js").await.status(), 404);
    app.stop().await;
}
