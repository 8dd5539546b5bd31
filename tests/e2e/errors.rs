//! Bad input gets a stable code and a message naming the argument; never a 500.

use serde_json::json;

use crate::backend_test;
use crate::common::{TestApp, first_error_code};

backend_test!(malformed_ids_and_cursors);
async fn malformed_ids_and_cursors(app: &TestApp) {
    for (query, field) in [
        (r#"{ node(id: "not-a-uuid") { id } }"#, "id"),
        (r#"{ caseStudy(id: "123") { slug } }"#, "id"),
        (r#"{ caseStudy { slug } }"#, "id"),
        (
            r#"{ actor(id: "00000000-0000-4000-8000-000000000000", slug: "orsted") { slug } }"#,
            "id",
        ),
        (r#"{ actors(after: "garbage") { totalCount } }"#, "after"),
        (
            r#"{ projects(before: "eyJvIjoxfQ") { totalCount } }"#,
            "before",
        ),
        (r#"{ funders(first: 1, last: 1) { totalCount } }"#, "last"),
        (r#"{ caseStudies(first: -1) { totalCount } }"#, "first"),
    ] {
        let body = app.graphql_refused(query, "BAD_USER_INPUT", query).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{query}");
    }
}

backend_test!(documents_that_fail_to_parse_or_validate);
async fn documents_that_fail_to_parse_or_validate(app: &TestApp) {
    for query in [
        "{ caseStudies { ",
        "{ noSuchField }",
        "{ caseStudies(first: \"ten\") { totalCount } }",
        "{ caseStudies(filter: { kind: [NOT_A_KIND] }) { totalCount } }",
    ] {
        let (body, status) = app.graphql(query, json!({})).await;
        assert_ne!(status.as_u16(), 500, "{query}");
        assert_eq!(
            first_error_code(&body),
            "BAD_USER_INPUT",
            "{query}: {body:#}"
        );
    }
}

backend_test!(too_deep_queries_are_refused);
async fn too_deep_queries_are_refused(app: &TestApp) {
    let mut query = String::from("{ caseStudies { edges { node { ");
    for _ in 0..4 {
        query.push_str("actors { actor { caseStudies { caseStudy { ");
    }
    query.push_str("slug");
    for _ in 0..4 {
        query.push_str(" } } } }");
    }
    query.push_str(" } } } }");
    let (body, status) = app.graphql(&query, json!({})).await;
    assert_ne!(status.as_u16(), 500);
    assert_eq!(first_error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
}
