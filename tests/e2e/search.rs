//! Search and suggestions over HTTP, on the bundled dataset.

use serde_json::{Value, json};

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code, poll_until, texts_at};

const SEARCH: &str = r#"query ($query: String!, $lang: String, $types: [SearchType!], $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $query, lang: $lang, types: $types, filter: $filter, first: $first, after: $after) {
    totalCount
    facets { type { value count } country { value count } theme { value count } lang { value count } year { value count } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { score highlights { field lang fragment }
      entity { __typename ... on CaseStudy { slug } ... on Project { slug } ... on Actor { slug } ... on Funder { slug } ... on ResourceFlow { id } } } }
  } }"#;

async fn search(app: &TestApp, variables: Value) -> Value {
    let (body, status) = app.graphql(SEARCH, variables).await;
    assert_eq!(status, 200);
    data(&body)["search"].clone()
}

/// The hits of a `search` result as `Type:slug` (`ResourceFlow:id` for flows, which have no
/// slug), best first.
pub fn hit_keys(results: &Value) -> Vec<String> {
    results["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let entity = &edge["node"]["entity"];
            format!(
                "{}:{}",
                entity["__typename"].as_str().unwrap(),
                entity["slug"].as_str().or(entity["id"].as_str()).unwrap()
            )
        })
        .collect()
}

backend_test!(cross_language_search_with_highlights_and_facets);
async fn cross_language_search_with_highlights_and_facets(app: &TestApp) {
    app.wait_indexed().await;
    let results = search(
        app,
        json!({ "query": "industrial symbiosis", "lang": "en" }),
    )
    .await;
    let found = hit_keys(&results);
    for expected in [
        "CaseStudy:kalundborg-symbiosis",
        "CaseStudy:sotenas-symbioscentrum",
    ] {
        assert!(
            found.contains(&expected.to_owned()),
            "{expected} in {found:?}"
        );
    }
    let total = results["totalCount"].as_u64().unwrap();
    let by_type: u64 = results["facets"]["type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_type, total, "type facet counts every hit");
    let themes = results["facets"]["theme"].as_array().unwrap();
    assert!(
        themes
            .iter()
            .any(|facet| facet["value"] == "industrial-symbiosis"),
        "{themes:?}"
    );
    let fragments = texts_at(&results["edges"][0]["node"]["highlights"], "/fragment");
    assert!(
        fragments.iter().any(|f| f.contains("<mark>")),
        "{fragments:?}"
    );

    let norwegian_only = search(app, json!({ "query": "industrial symbiosis", "filter": { "country": ["NO"] }, "types": ["CASE_STUDY"] })).await;
    let found = hit_keys(&norwegian_only);
    assert!(!found.is_empty());
    assert!(found.iter().all(|slug| slug.starts_with("CaseStudy:")));
    assert!(!found.contains(&"CaseStudy:kalundborg-symbiosis".to_owned()));
    assert_eq!(
        norwegian_only["facets"]["country"],
        json!([{ "value": "NO", "count": found.len() }])
    );
}

backend_test!(theme_facet_values_link_their_themes);
async fn theme_facet_values_link_their_themes(app: &TestApp) {
    app.wait_indexed().await;
    let query = r#"{ search(query: "industriell symbios", first: 1) { facets {
        theme { value count theme { slug label(lang: "sv") { text lang } } }
        country { value theme { slug } } } } }"#;
    let (body, status) = app.graphql(query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let facets = &data(&body)["search"]["facets"];
    let themes = facets["theme"].as_array().unwrap();
    assert!(!themes.is_empty());
    for value in themes {
        assert_eq!(value["theme"]["slug"], value["value"], "{value}");
        assert_eq!(value["theme"]["label"]["lang"], "sv", "{value}");
        assert!(!value["theme"]["label"]["text"].as_str().unwrap().is_empty());
    }
    let countries = facets["country"].as_array().unwrap();
    assert!(countries.iter().all(|value| value["theme"].is_null()));
}

backend_test!(search_pages_with_cursors);
async fn search_pages_with_cursors(app: &TestApp) {
    app.wait_indexed().await;
    let first = search(app, json!({ "query": "", "first": 10 })).await;
    let total = first["totalCount"].as_u64().unwrap() as usize;
    assert!(total >= 90, "every searchable record: {total}");
    let mut seen = hit_keys(&first);
    let mut page = first;
    while page["pageInfo"]["hasNextPage"] == true {
        page = search(
            app,
            json!({ "query": "", "first": 10, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
        assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
        seen.extend(hit_keys(&page));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total);
}

backend_test!(prefix_search_while_typing);
async fn prefix_search_while_typing(app: &TestApp) {
    app.wait_indexed().await;
    let query = r#"query ($prefix: Boolean!) { search(query: "Kalundbo", prefix: $prefix, types: [CASE_STUDY]) {
        edges { node { entity { ... on CaseStudy { slug } } } } } }"#;
    let (body, _) = app.graphql(query, json!({ "prefix": true })).await;
    let first = &data(&body)["search"]["edges"][0]["node"]["entity"]["slug"];
    assert_eq!(first, "kalundborg-symbiosis");
}

backend_test!(suggestions_complete_names);
async fn suggestions_complete_names(app: &TestApp) {
    app.wait_indexed().await;
    let (body, _) = app
        .graphql(
            r#"{ a: suggest(prefix: "Kalund") { text entity { __typename ... on CaseStudy { slug } ... on Actor { slug } } }
                 b: suggest(prefix: "nov", types: [ACTOR]) { text }
                 c: suggest(prefix: "") { text } }"#,
            json!({}),
        )
        .await;
    let data = data(&body);
    assert!(
        data["a"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["entity"]["slug"] == "kalundborg-symbiosis")
    );
    let novo = texts_at(&data["b"], "/text");
    assert!(novo.iter().any(|text| text.starts_with("Novo")), "{novo:?}");
    assert_eq!(data["c"], json!([]));
}

backend_test!(bad_search_input_is_bad_user_input);
async fn bad_search_input_is_bad_user_input(app: &TestApp) {
    for (variables, field) in [
        (json!({ "query": "x".repeat(600) }), "query"),
        (json!({ "query": "x", "after": "nonsense" }), "after"),
        (json!({ "query": "x", "first": -1 }), "first"),
        (
            json!({ "query": "x", "filter": { "country": ["Norway"] } }),
            "filter.country",
        ),
        (json!({ "query": "x", "lang": "!!" }), "lang"),
    ] {
        let (body, status) = app.graphql(SEARCH, variables.clone()).await;
        assert_eq!(status, 200);
        assert_eq!(
            first_error_code(&body),
            "BAD_USER_INPUT",
            "{variables}: {body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{variables}"
        );
    }
    let (body, _) = app
        .graphql(
            SEARCH,
            json!({ "query": "(".repeat(400) + "symbiose" + &")".repeat(90) }),
        )
        .await;
    assert!(
        body["errors"].is_null(),
        "deep parentheses are flattened: {body}"
    );
}

backend_test!(readiness_reports_the_index);
async fn readiness_reports_the_index(app: &TestApp) {
    app.wait_indexed().await;
    // The indexer declares itself caught up on its next poll after the last batch.
    let body = poll_until(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_millis(20),
        "never ready",
        async || {
            let body: Value = app.get("/readyz").await.json().await.unwrap();
            if body["status"] == "ready" {
                Ok(body)
            } else {
                Err(body.to_string())
            }
        },
    )
    .await;
    assert_eq!(body["status"], "ready");
    assert_eq!(body["index"]["lag"], 0);
    assert!(body["index"]["documents"].as_u64().unwrap() >= 90);
}

backend_test!(pages_end_with_the_result_window);
/// Search pages stop at the 1,000th result: the last page of the window is cut short and
/// says there is no next page, rather than offering a cursor that is then refused.
async fn pages_end_with_the_result_window(app: &TestApp) {
    use symbios::service::dataset::{Records, insert_missing_records};
    use symbios_entity::localized_text;
    use symbios_entity::vocabulary::EntityType;

    let now = chrono::Utc::now();
    let mut records = Records::default();
    for n in 0..1_100 {
        let id = uuid::Uuid::new_v4();
        records.actors.push(crate::common::company(
            id,
            format!("sidestream-broker-{n}"),
            format!("Sidestream broker {n}"),
            "SE",
            now,
        ));
        records.texts.push(localized_text::Model {
            entity_type: EntityType::Actor,
            entity_id: id,
            field: "description".to_owned(),
            lang: "en".to_owned(),
            text: "Brokers sidestreams between neighbours.".to_owned(),
            is_original: true,
        });
    }
    insert_missing_records(&app.db, &records, now)
        .await
        .unwrap();
    app.wait_indexed().await;
    let mut after: Option<String> = None;
    let mut seen = 0;
    loop {
        let page = search(
            app,
            json!({ "query": "sidestream broker", "first": 90, "after": after }),
        )
        .await;
        assert!(page["totalCount"].as_u64().unwrap() >= 1_100);
        seen += page["edges"].as_array().unwrap().len();
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(
        seen, 1_000,
        "every page up to the window, the last one cut short"
    );
    let (body, _) = app
        .graphql(
            SEARCH,
            json!({ "query": "sidestream broker", "after": after_window(app).await }),
        )
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
}

/// The cursor of the 1,000th result, which has no results after it.
async fn after_window(app: &TestApp) -> String {
    let mut after: Option<String> = None;
    for _ in 0..10 {
        let page = search(
            app,
            json!({ "query": "sidestream broker", "first": 100, "after": after }),
        )
        .await;
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    after.unwrap()
}
