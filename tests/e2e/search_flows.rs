//! Resource flows in search (with `types: [RESOURCE_FLOW]`, or a category filter): found by
//! their resource names in any language (folded), counted by category in the `category`
//! facet, narrowed by the category filter, resolved as the `ResourceFlow` member of
//! `SearchEntity`; a search without `types` stays with the records.
//!
//! Expected values are read off the bundled dataset (`api/seed/dataset.ndjson`) by hand:
//! 13 flows; by category ENERGY 5 (two "Steam", "Waste heat", "Biogas", "District heat"),
//! BY_PRODUCT 6, NUTRIENT 1, WATER 1; by their case study's country DK 7, SE 5, NO 1. The two
//! Kalundborg "Steam" flows are "Damp" in Danish and "Ånga" in Swedish; the Orkanger
//! "Waste heat" is "Overskudsvarme" in Danish and "Spillvärme" in Swedish.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, data};

const FLOW_SEARCH: &str = r#"
query ($query: String!, $lang: String, $filter: SearchFilter) {
  search(query: $query, lang: $lang, types: [RESOURCE_FLOW], filter: $filter, first: 20) {
    totalCount
    facets { type { value count } category { value count } country { value count } }
    edges { node { entity { __typename
      ... on ResourceFlow { id resource category caseStudy { slug }
                            resourceName(lang: "sv") { text } } } } }
  }
}"#;

async fn flow_search(app: &TestApp, query: &str, lang: Option<&str>, filter: Value) -> Value {
    let (body, _) = app
        .graphql(
            FLOW_SEARCH,
            json!({ "query": query, "lang": lang, "filter": filter }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{query}: {body:#}");
    data(&body)["search"].clone()
}

/// `value → count` of a facet.
fn facet(search: &Value, name: &str) -> BTreeMap<String, u64> {
    search["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("facet {name}: {search:#}"))
        .iter()
        .map(|value| {
            (
                value["value"].as_str().unwrap_or_default().to_owned(),
                value["count"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs
        .iter()
        .map(|(value, count)| ((*value).to_owned(), *count))
        .collect()
}

/// The hits' entities.
fn entities(search: &Value) -> Vec<Value> {
    search["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{search:#}"))
        .iter()
        .map(|edge| edge["node"]["entity"].clone())
        .collect()
}

backend_test!(flows_are_found_by_their_names_in_any_language);
async fn flows_are_found_by_their_names_in_any_language(app: &TestApp) {
    // Danish and Swedish names of the two Kalundborg steam flows, folded ("anga").
    for (query, lang) in [("damp", Some("da")), ("ånga", Some("sv")), ("anga", None)] {
        let search = flow_search(app, query, lang, json!(null)).await;
        assert_eq!(search["totalCount"], 2, "{query}: {search:#}");
        for entity in entities(&search) {
            assert_eq!(entity["__typename"], "ResourceFlow", "{query}");
            assert_eq!(entity["resource"], "Steam", "{query}");
            assert_eq!(entity["category"], "ENERGY", "{query}");
            assert_eq!(entity["caseStudy"]["slug"], "kalundborg-symbiosis");
            assert_eq!(entity["resourceName"]["text"], "Ånga");
        }
    }
    // The Orkanger waste heat in Danish and in Swedish.
    for (query, lang) in [("overskudsvarme", "da"), ("spillvärme", "sv")] {
        let search = flow_search(app, query, Some(lang), json!(null)).await;
        let found = entities(&search);
        assert!(
            found.iter().any(|entity| entity["resource"] == "Waste heat"
                && entity["caseStudy"]["slug"] == "orkanger-industrial-park"),
            "{query}: {search:#}"
        );
        assert!(
            found
                .iter()
                .all(|entity| entity["__typename"] == "ResourceFlow"),
            "{query}"
        );
    }
}

backend_test!(flows_are_counted_by_category);
async fn flows_are_counted_by_category(app: &TestApp) {
    let everything = flow_search(app, "", None, json!(null)).await;
    assert_eq!(everything["totalCount"], 13);
    assert_eq!(
        facet(&everything, "category"),
        counts(&[
            ("energy", 5),
            ("by_product", 6),
            ("nutrient", 1),
            ("water", 1)
        ])
    );
    assert_eq!(
        facet(&everything, "country"),
        counts(&[("DK", 7), ("SE", 5), ("NO", 1)])
    );
    assert_eq!(facet(&everything, "type"), counts(&[("resource_flow", 13)]));

    // A search without `types` covers the records, not the flows; the category filter alone
    // asks for flows.
    let (body, _) = app
        .graphql(
            r#"{ search(query: "", first: 0) { totalCount
                 facets { type { value count } category { value count } } } }"#,
            json!({}),
        )
        .await;
    let records = &data(&body)["search"];
    assert!(facet(records, "category").is_empty(), "{records:#}");
    assert_eq!(facet(records, "type").get("resource_flow"), None);
    let (body, _) = app
        .graphql(
            r#"{ search(query: "", filter: { category: [WATER] }, first: 5) { totalCount
                 edges { node { entity { __typename } } } } }"#,
            json!({}),
        )
        .await;
    let water = &data(&body)["search"];
    assert_eq!(water["totalCount"], 1, "{water:#}");
    assert_eq!(entities(water)[0]["__typename"], "ResourceFlow");
    // With the record types beside flows, every flow is counted by category as before.
    let (body, _) = app
        .graphql(
            r#"{ search(query: "", types: [CASE_STUDY, RESOURCE_FLOW], first: 0) { totalCount
                 facets { type { value count } category { value count } } } }"#,
            json!({}),
        )
        .await;
    let mixed = &data(&body)["search"];
    assert_eq!(facet(mixed, "category"), facet(&everything, "category"));
    assert_eq!(
        facet(mixed, "type"),
        counts(&[("resource_flow", 13), ("case_study", 5)])
    );

    // The filter keeps flows of the categories asked for.
    let water = flow_search(app, "", None, json!({ "category": ["WATER", "NUTRIENT"] })).await;
    assert_eq!(water["totalCount"], 2, "{water:#}");
    assert_eq!(
        facet(&water, "category"),
        counts(&[("nutrient", 1), ("water", 1)])
    );
    let mut resources: Vec<String> = entities(&water)
        .iter()
        .map(|entity| entity["resource"].as_str().unwrap_or_default().to_owned())
        .collect();
    resources.sort();
    assert_eq!(
        resources,
        [
            "Nutrient-rich process water",
            "Surface water from Lake Tissø"
        ]
    );
    let energy_in_dk = flow_search(
        app,
        "",
        None,
        json!({ "category": ["ENERGY"], "country": ["DK"] }),
    )
    .await;
    // Kalundborg's two steam flows and its district heat.
    assert_eq!(energy_in_dk["totalCount"], 3, "{energy_in_dk:#}");
}

backend_test!(a_case_study_moved_to_another_country_moves_its_flows);
async fn a_case_study_moved_to_another_country_moves_its_flows(app: &TestApp) {
    let key = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql(
            r#"{ caseStudy(slug: "orkanger-industrial-park") { id version } }"#,
            json!({}),
        )
        .await;
    let case_study = data(&body)["caseStudy"].clone();
    let (body, _) = app
        .graphql_as(
            &key,
            "mutation($id: ID!, $v: Int!) { updateCaseStudy(id: $id, expectedVersion: $v, patch: { country: \"SE\", nutsCode: null }) { country } }",
            json!({ "id": case_study["id"], "v": case_study["version"] }),
        )
        .await;
    assert_eq!(data(&body)["updateCaseStudy"]["country"], "SE", "{body:#}");
    app.wait_indexed().await;
    // The Orkanger waste heat now counts in Sweden: SE 5 + 1, NO none.
    let everything = flow_search(app, "", None, json!(null)).await;
    assert_eq!(
        facet(&everything, "country"),
        counts(&[("DK", 7), ("SE", 6)])
    );
}
