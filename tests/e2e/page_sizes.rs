//! One page-size rule for every paginated list: a size above the list's maximum is taken as
//! the maximum, 0 gives an empty page, a negative size is refused naming the argument.

use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code};

/// Each list: its query with `$first`, where its edges are, and its maximum page size.
const LISTS: [(&str, &str, usize); 5] = [
    (
        "query($first: Int) { actors(first: $first) { edges { cursor } } }",
        "/actors/edges",
        100,
    ),
    (
        r#"query($first: Int) { search(query: "", first: $first) { edges { cursor } } }"#,
        "/search/edges",
        100,
    ),
    (
        r#"query($first: Int) { suggest(prefix: "k", first: $first) { text } }"#,
        "/suggest",
        50,
    ),
    (
        "query($first: Int!) { changes(first: $first) { edges { cursor } } }",
        "/changes/edges",
        1000,
    ),
    (
        "query($first: Int!) { auditLog(first: $first) { id } }",
        "/auditLog",
        500,
    ),
];

fn rows<'a>(body: &'a Value, pointer: &str) -> &'a Vec<Value> {
    data(body)
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{pointer} in {body:#}"))
}

backend_test!(every_list_follows_one_page_size_rule);
async fn every_list_follows_one_page_size_rule(app: &TestApp) {
    app.wait_indexed().await;
    let admin = app.create_key("admin", Role::Admin, None).await;
    for (query, pointer, max) in LISTS {
        let (body, _) = app.graphql_as(&admin, query, json!({ "first": -1 })).await;
        assert_eq!(
            first_error_code(&body),
            "BAD_USER_INPUT",
            "{query}: {body:#}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], "first", "{query}");

        let (body, _) = app
            .graphql_as(&admin, query, json!({ "first": 100_000 }))
            .await;
        assert!(body.get("errors").is_none(), "{query}: {body:#}");
        assert!(rows(&body, pointer).len() <= max, "{query}");

        let (body, _) = app.graphql_as(&admin, query, json!({ "first": 0 })).await;
        assert!(body.get("errors").is_none(), "{query}: {body:#}");
        assert!(rows(&body, pointer).is_empty(), "{query}");
    }

    // An empty page of the feed still says where to continue, and whether changes follow.
    let (body, _) = app
        .graphql(
            "{ changes(first: 0) { edges { cursor } pageInfo { endCursor hasNextPage } } }",
            json!({}),
        )
        .await;
    let page_info = &data(&body)["changes"]["pageInfo"];
    assert!(page_info["endCursor"].is_string(), "{body:#}");
    assert_eq!(
        page_info["hasNextPage"], true,
        "the seed wrote changes: {body:#}"
    );
}
