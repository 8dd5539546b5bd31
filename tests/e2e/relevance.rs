//! The relevance suite: queries a researcher would type, in seven languages, with the
//! records that must be in the top 3 (`relevance.json`). Cross-language queries, inflected
//! forms, typos, names, phrases and exclusions, and the ranking rules of issue 18 (each case's
//! `why` names its rule): records with text in the requested language first, case studies
//! first among equal scores, partial mentions of thesaurus concepts, irregular inflections.
//! A case may ask for a stricter `top` (the records must be the first `top`), which is how
//! an order within the top 3 is checked.

use serde::Deserialize;
use serde_json::json;

use crate::backend_test;
use crate::common::{TestApp, data};
use crate::search::hit_keys;

#[derive(Debug, Deserialize)]
struct Case {
    query: String,
    lang: Option<String>,
    expect: Vec<String>,
    /// The expected records must be within the first `top` hits (at most [`TOP`]).
    top: Option<usize>,
    why: String,
}

const TOP: usize = 3;

fn type_name(kind: &str) -> &str {
    match kind {
        "case_study" => "CaseStudy",
        "project" => "Project",
        "actor" => "Actor",
        "funder" => "Funder",
        other => other,
    }
}

backend_test!(expected_records_rank_in_the_top_three);
async fn expected_records_rank_in_the_top_three(app: &TestApp) {
    app.wait_indexed().await;
    let cases: Vec<Case> = serde_json::from_str(include_str!("relevance.json")).unwrap();
    assert!(cases.len() >= 40, "the suite has {} queries", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (body, _) = app
            .graphql(
                r#"query ($query: String!, $lang: String) { search(query: $query, lang: $lang, first: 3) {
                    edges { node { entity { __typename ... on CaseStudy { slug } ... on Project { slug }
                                              ... on Actor { slug } ... on Funder { slug } ... on ResourceFlow { id } } } } } }"#,
                json!({ "query": case.query, "lang": case.lang }),
            )
            .await;
        let within = case.top.unwrap_or(TOP);
        assert!(
            within <= TOP,
            "{:?}: top {within} is above {TOP}",
            case.query
        );
        let mut top = hit_keys(&data(&body)["search"]);
        top.truncate(within);
        for expected in &case.expect {
            let (kind, slug) = expected.split_once(':').unwrap();
            let wanted = format!("{}:{slug}", type_name(kind));
            if !top.contains(&wanted) {
                failures.push(format!(
                    "{:?} (lang {:?}): {wanted} not in top {within} {top:?} — {}",
                    case.query, case.lang, case.why
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

const TIED_SEARCH: &str = r#"query ($after: String) {
    search(query: "livsmedelsindustri", lang: "sv", first: 1, after: $after) {
        edges { cursor node { score entity { __typename ... on CaseStudy { slug } ... on Actor { slug } } } }
    } }"#;

/// The first two hits of the tied search, one page each (through the after cursor), with
/// their scores.
async fn tied_pages(app: &TestApp) -> Vec<(String, f64)> {
    let mut hits = Vec::new();
    let mut after = serde_json::Value::Null;
    for _ in 0..2 {
        let (body, _) = app.graphql(TIED_SEARCH, json!({ "after": after })).await;
        let search = &data(&body)["search"];
        let key = hit_keys(search).remove(0);
        let edge = &search["edges"][0];
        hits.push((key, edge["node"]["score"].as_f64().unwrap()));
        after = edge["cursor"].clone();
    }
    hits
}

backend_test!(ties_go_to_case_studies_whatever_the_index_layout);
/// Sotenäs Symbioscentrum and Renahav score alike for `livsmedelsindustri`; the case study
/// comes first, on the first page and after re-indexing (which puts its document last in the
/// index, where ties used to follow the document order).
async fn ties_go_to_case_studies_whatever_the_index_layout(app: &TestApp) {
    app.wait_indexed().await;
    let expected = ["CaseStudy:sotenas-symbioscentrum", "Actor:renahav"];
    let before = tied_pages(app).await;
    assert_eq!(before[0].1, before[1].1, "the two hits tie: {before:?}");
    assert_eq!(
        before
            .iter()
            .map(|(key, _)| key.as_str())
            .collect::<Vec<_>>(),
        expected
    );

    let (body, _) = app
        .graphql(
            r#"{ caseStudy(slug: "sotenas-symbioscentrum") { id version location { latitude } } }"#,
            json!({}),
        )
        .await;
    let case = &data(&body)["caseStudy"];
    let editor = app
        .create_key("ranking", symbios_entity::vocabulary::Role::Editor, None)
        .await;
    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation ($id: ID!, $v: Int!, $lat: Float!) { updateCaseStudy(id: $id, expectedVersion: $v, patch: { latitude: $lat }) { version } }",
            json!({ "id": case["id"], "v": case["version"], "lat": case["location"]["latitude"].as_f64().unwrap() + 0.001 }),
        )
        .await;
    assert!(data(&body)["updateCaseStudy"]["version"].is_i64(), "{body}");
    app.wait_indexed().await;

    let after = tied_pages(app).await;
    assert_eq!(
        after
            .iter()
            .map(|(key, _)| key.as_str())
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(after[0].1, after[1].1, "still a tie: {after:?}");
}
