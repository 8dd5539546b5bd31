//! Relay pagination in both directions, under every order, with stable cursors.

use sea_orm::DbBackend;
use serde_json::{Value, json};

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code, texts_at};

const ACTORS: &str = r#"
query ($first: Int, $after: String, $last: Int, $before: String, $order: ActorOrder) {
  actors(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug name } }
  }
}"#;

fn slugs(connection: &Value) -> Vec<String> {
    let slugs = texts_at(&connection["edges"], "/node/slug");
    slugs.into_iter().map(str::to_owned).collect()
}

/// The `establishedYear` of each case study of a connection, in order.
fn established_years(connection: &Value) -> Vec<i64> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["establishedYear"].as_i64().unwrap())
        .collect()
}

/// Every slug of the list under `order`, in list order, read a page at a time either forward
/// (`first` / `after`, from the start) or backward (`last` / `before`, from the end).
async fn walk(app: &TestApp, order: &Value, page_size: i64, forward: bool) -> Vec<String> {
    let (size, cursor_argument, more, next_cursor) = if forward {
        ("first", "after", "hasNextPage", "endCursor")
    } else {
        ("last", "before", "hasPreviousPage", "startCursor")
    };
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut variables = json!({ "order": order });
        variables[size] = json!(page_size);
        variables[cursor_argument] = json!(cursor);
        let (body, _) = app.graphql(ACTORS, variables).await;
        let connection = &data(&body)["actors"];
        let page = slugs(connection);
        if forward {
            assert!(page.len() as i64 <= page_size);
            assert_eq!(connection["pageInfo"]["hasPreviousPage"], cursor.is_some());
            seen.extend(page);
        } else {
            seen.splice(0..0, page);
        }
        if connection["pageInfo"][more] == false {
            return seen;
        }
        cursor = connection["pageInfo"][next_cursor]
            .as_str()
            .map(str::to_owned);
    }
}

backend_test!(forward_and_backward_agree_under_every_order);
async fn forward_and_backward_agree_under_every_order(app: &TestApp) {
    let (body, _) = app.graphql(ACTORS, json!({ "first": 0 })).await;
    let total = data(&body)["actors"]["totalCount"].as_u64().unwrap() as usize;
    assert!(total >= 60);
    for order in [
        json!({ "field": "NAME", "direction": "ASC" }),
        json!({ "field": "NAME", "direction": "DESC" }),
        json!({ "field": "UPDATED_AT", "direction": "DESC" }),
        json!({ "field": "SLUG", "direction": "ASC" }),
        json!({ "field": "SLUG", "direction": "DESC" }),
    ] {
        let forward = walk(app, &order, 7, true).await;
        assert_eq!(forward.len(), total, "{order}");
        let mut unique = forward.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), total, "no duplicates under {order}");
        let backward = walk(app, &order, 9, false).await;
        assert_eq!(forward, backward, "{order}");
        // SQLite compares text byte by byte; PostgreSQL by the database's collation, which
        // the forward and backward walks above already hold to.
        if order["field"] == "SLUG" && app.db.get_database_backend() == DbBackend::Sqlite {
            let mut sorted = forward.clone();
            sorted.sort();
            if order["direction"] == "DESC" {
                sorted.reverse();
            }
            assert_eq!(forward, sorted, "{order}");
        }
    }
}

backend_test!(name_order_ignores_case_and_diacritics);
async fn name_order_ignores_case_and_diacritics(app: &TestApp) {
    let (body, _) = app
        .graphql(
            ACTORS,
            json!({ "first": 100, "order": { "field": "NAME" } }),
        )
        .await;
    let names: Vec<String> = data(&body)["actors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| symbios::service::text::fold(edge["node"]["name"].as_str().unwrap()))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names.first(), sorted.first());
    assert_eq!(names.len(), sorted.len());
}

backend_test!(case_studies_by_year_both_ways);
async fn case_studies_by_year_both_ways(app: &TestApp) {
    let query = r#"query ($first: Int, $after: String, $last: Int, $before: String, $dir: OrderDirection!) {
      caseStudies(first: $first, after: $after, last: $last, before: $before, orderBy: { field: YEAR, direction: $dir }) {
        pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        edges { node { slug establishedYear } }
      } }"#;
    let (body, _) = app
        .graphql(query, json!({ "first": 2, "dir": "ASC" }))
        .await;
    let first_page = &data(&body)["caseStudies"];
    let years = established_years(first_page);
    assert_eq!(years[0], 1972, "Kalundborg is the oldest");
    assert!(years.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(first_page["pageInfo"]["hasNextPage"], true);

    let end = first_page["pageInfo"]["endCursor"].clone();
    let (body, _) = app
        .graphql(query, json!({ "first": 100, "after": end, "dir": "ASC" }))
        .await;
    let rest = &data(&body)["caseStudies"];
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    let rest_years = established_years(rest);
    assert!(rest_years.iter().all(|year| *year >= years[1]));

    let (body, _) = app
        .graphql(query, json!({ "last": 1, "dir": "DESC" }))
        .await;
    let oldest = &data(&body)["caseStudies"]["edges"][0]["node"];
    assert_eq!(oldest["slug"], "kalundborg-symbiosis");
}

backend_test!(page_size_defaults_and_clamps);
async fn page_size_defaults_and_clamps(app: &TestApp) {
    let (body, _) = app.graphql(ACTORS, json!({})).await;
    assert_eq!(slugs(&data(&body)["actors"]).len(), 20, "default page size");
    let (body, _) = app.graphql(ACTORS, json!({ "first": 1000 })).await;
    let page = slugs(&data(&body)["actors"]);
    let total = data(&body)["actors"]["totalCount"].as_u64().unwrap() as usize;
    assert_eq!(page.len(), total.min(100), "clamped to 100");
}

backend_test!(cursor_of_another_order_is_refused);
async fn cursor_of_another_order_is_refused(app: &TestApp) {
    let (body, _) = app.graphql(ACTORS, json!({ "first": 2 })).await;
    let cursor = data(&body)["actors"]["pageInfo"]["endCursor"].clone();
    let (body, status) = app
        .graphql(
            ACTORS,
            json!({ "first": 2, "after": cursor, "order": { "field": "UPDATED_AT" } }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("after:")
    );
}
