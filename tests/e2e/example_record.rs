//! The walk-through record type of `docs/adding-a-record-type.md` (`Initiative`), added in
//! the six files the guide lists plus its migration: everything a record type gets without
//! further edits works for it over HTTP: create, lookup by slug, the list with its filter
//! and `totalCount`, `node`, search, the change feed, update, delete.

use serde_json::json;
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, data};

async fn an_added_record_type_works_end_to_end(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($input: CreateInitiativeInput!) {
                createInitiative(input: $input) { id slug version name country }
            }",
            json!({ "input": {
                "name": "Cirkulära Göteborg", "country": "SE", "originalLang": "sv",
                "description": [{ "lang": "sv", "text": "Återbruk av byggmaterial i staden" }],
            }}),
        )
        .await;
    let created = &data(&body)["createInitiative"];
    assert_eq!(created["slug"], "cirkulara-goteborg", "{body}");
    assert_eq!(created["version"], 1, "{body}");
    let id = created["id"].clone();

    let (body, _) = app
        .graphql(
            "query($id: ID!) {
                initiative(slug: \"cirkulara-goteborg\") { id description { text } }
                initiatives(filter: { country: [\"SE\"], nameContains: \"goteborg\" }) {
                    totalCount edges { node { id } }
                }
                node(id: $id) { ... on Initiative { name } }
            }",
            json!({ "id": id }),
        )
        .await;
    let found = data(&body);
    assert_eq!(found["initiative"]["id"], id, "{body}");
    assert_eq!(
        found["initiative"]["description"]["text"],
        "Återbruk av byggmaterial i staden"
    );
    assert_eq!(found["initiatives"]["totalCount"], 1, "{body}");
    assert_eq!(found["initiatives"]["edges"][0]["node"]["id"], id);
    assert_eq!(found["node"]["name"], "Cirkulära Göteborg", "{body}");

    app.wait_indexed().await;
    let (body, _) = app
        .graphql(
            "{ search(query: \"byggmaterial\", types: [INITIATIVE]) {
                totalCount edges { node { entity { ... on Initiative { id } } } }
            } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["search"]["totalCount"], 1, "{body}");
    assert_eq!(
        data(&body)["search"]["edges"][0]["node"]["entity"]["id"],
        id
    );

    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($id: ID!) {
                updateInitiative(id: $id, expectedVersion: 1, patch: { country: \"NO\" }) {
                    version country
                }
            }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["updateInitiative"]["version"], 2, "{body}");
    assert_eq!(data(&body)["updateInitiative"]["country"], "NO");

    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($id: ID!) { deleteInitiative(id: $id, expectedVersion: 2) { id version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["deleteInitiative"]["version"], 2, "{body}");

    let (body, _) = app
        .graphql(
            "{ changes(types: [INITIATIVE], first: 10) {
                edges { node { op version entity { ... on Initiative { country } } } }
            } }",
            json!({}),
        )
        .await;
    let ops: Vec<(String, i64)> = data(&body)["changes"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|edge| {
            let node = &edge["node"];
            (
                node["op"].as_str().unwrap_or_default().to_owned(),
                node["version"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        vec![
            ("UPSERT".to_owned(), 1),
            ("UPSERT".to_owned(), 2),
            ("DELETE".to_owned(), 2),
        ],
        "{body}"
    );
}
backend_test!(an_added_record_type_works_end_to_end);
