//! The relevance suite: queries a researcher would type, in seven languages, with the
//! records that must be in the top 3 (`relevance.json`). Cross-language queries, inflected
//! forms, typos, names, phrases and exclusions.

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
        let mut top = hit_keys(&data(&body)["search"]);
        top.truncate(TOP);
        for expected in &case.expect {
            let (kind, slug) = expected.split_once(':').unwrap();
            let wanted = format!("{}:{slug}", type_name(kind));
            if !top.contains(&wanted) {
                failures.push(format!(
                    "{:?} (lang {:?}): {wanted} not in top {TOP} {top:?} — {}",
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
