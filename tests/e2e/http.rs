//! Health, readiness, GraphiQL and request ids.

use crate::backend_test;
use crate::common::TestApp;

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
    let page = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("graphiql"));
}

backend_test!(get_queries_and_request_ids);
async fn get_queries_and_request_ids(app: &TestApp) {
    let response = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .query(&[("query", "{ themes { slug } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers().get("x-request-id").cloned();
    assert!(request_id.is_some_and(|id| uuid::Uuid::parse_str(id.to_str().unwrap()).is_ok()));
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["data"]["themes"].as_array().unwrap().len() >= 10);
}
