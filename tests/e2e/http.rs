//! Health, readiness, GraphiQL and request ids.

use crate::backend_test;
use crate::common::{TestApp, assert_ok_of_type};

backend_test!(health_and_readiness);
async fn health_and_readiness(app: &TestApp) {
    app.wait_indexed().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

backend_test!(graphiql_for_browsers);
async fn graphiql_for_browsers(app: &TestApp) {
    let page = app.get_graphiql("text/html,application/xhtml+xml").await;
    assert_ok_of_type(&page, "text/html");
    let page = page.text().await.unwrap();
    assert!(page.contains("<title>Symbios GraphiQL</title>"), "{page}");
    assert!(page.contains("/graphiql/graphiql.min.js"), "{page}");
    assert!(page.contains("/graphiql/plugin-explorer.umd.js"), "{page}");
}

backend_test!(get_queries_and_request_ids);
async fn get_queries_and_request_ids(app: &TestApp) {
    let response = app.get_query("{ themes { slug } }").await;
    assert_eq!(response.status(), 200);
    let request_id = response.headers().get("x-request-id").cloned();
    assert!(request_id.is_some_and(|id| uuid::Uuid::parse_str(id.to_str().unwrap()).is_ok()));
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["data"]["themes"].as_array().unwrap().len() >= 10);
}

const ACCEPT_GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post(
    app: &TestApp,
    content_type: &str,
    accept: Option<&str>,
    body: &str,
) -> (u16, String, serde_json::Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, content_type, body)
}

backend_test!(graphql_over_http_status_codes_and_media_types);
async fn graphql_over_http_status_codes_and_media_types(app: &TestApp) {
    let good = r#"{"query":"{ themes { slug } }"}"#;
    let broken = r#"{"query":"{ themes { "}"#;
    let invalid = r#"{"query":"{ noSuchField }"}"#;

    let (status, content_type, body) =
        post(app, "application/json", Some(ACCEPT_GRAPHQL_RESPONSE), good).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with(ACCEPT_GRAPHQL_RESPONSE));
    assert!(body["data"]["themes"].is_array());

    for document in [broken, invalid] {
        let (status, _, body) = post(
            app,
            "application/json",
            Some(ACCEPT_GRAPHQL_RESPONSE),
            document,
        )
        .await;
        assert_eq!(status, 400, "{document}");
        assert!(
            body.get("data").is_none(),
            "a request error has no data: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

        let (status, content_type, body) =
            post(app, "application/json", Some("application/json"), document).await;
        assert_eq!(status, 200, "legacy clients get 200: {document}");
        assert!(content_type.starts_with("application/json"));
        assert!(body["errors"].is_array());
    }

    let (status, content_type, _) = post(app, "application/json", None, good).await;
    assert_eq!(
        (status, content_type.starts_with("application/json")),
        (200, true),
        "no Accept: JSON"
    );

    for (content_type, body) in [
        ("text/plain", good),
        (
            "application/x-www-form-urlencoded",
            "query=%7B+themes+%7B+slug+%7D+%7D",
        ),
        ("multipart/form-data; boundary=x", good),
    ] {
        let (status, _, _) = post(app, content_type, None, body).await;
        assert_eq!(status, 415, "{content_type} is refused (CSRF-safe)");
    }

    let (status, _, _) = post(app, "application/json", Some("application/xml"), good).await;
    assert_eq!(status, 406);
    let (status, _, body) = post(app, "application/json", None, &format!("[{good},{good}]")).await;
    assert_eq!(status, 400, "batches are refused: {body}");
    let (status, _, _) = post(app, "application/json", None, r#"{"variables":{}}"#).await;
    assert_eq!(status, 400, "missing query");
    let (status, _, _) = post(app, "application/json", None, "{not json").await;
    assert_eq!(status, 400);
    let (status, _, _) = post(
        app,
        "application/json",
        None,
        r#"{"query":"{ themes { slug } }","variables":"x"}"#,
    )
    .await;
    assert_eq!(status, 400, "variables must be an object");

    let mutation_over_get = app.get_query("mutation { doSomething }").await;
    assert_eq!(mutation_over_get.status(), 405);
    assert_eq!(mutation_over_get.headers()["allow"], "POST");
}
