//! Filters, and `totalCount` honouring them.

use serde_json::{Value, json};

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code, texts_at};

fn slugs(connection: &Value) -> Vec<&str> {
    texts_at(&connection["edges"], "/node/slug")
}

const CASE_STUDIES: &str = r#"query ($filter: CaseStudyFilter, $first: Int) {
  caseStudies(filter: $filter, first: $first) { totalCount edges { node { slug country establishedYear } } } }"#;

async fn case_studies(app: &TestApp, filter: Value) -> (u64, Vec<String>) {
    let (body, _) = app
        .graphql(CASE_STUDIES, json!({ "filter": filter, "first": 1 }))
        .await;
    let total = data(&body)["caseStudies"]["totalCount"].as_u64().unwrap();
    let (body, _) = app
        .graphql(CASE_STUDIES, json!({ "filter": filter, "first": 100 }))
        .await;
    let all = slugs(&data(&body)["caseStudies"])
        .into_iter()
        .map(str::to_owned)
        .collect();
    (total, all)
}

backend_test!(case_study_filters_and_total_count);
async fn case_study_filters_and_total_count(app: &TestApp) {
    let (total, all) = case_studies(app, json!({})).await;
    assert!(total >= 5);
    assert_eq!(total as usize, all.len());

    let (total, norwegian) = case_studies(app, json!({ "country": ["NO"] })).await;
    assert_eq!(
        total as usize,
        norwegian.len(),
        "totalCount counts the filter, not the page"
    );
    assert!(norwegian.contains(&"nce-blue-legasea".to_owned()));
    assert!(!norwegian.contains(&"kalundborg-symbiosis".to_owned()));

    let (_, nordic) = case_studies(app, json!({ "country": ["DK", "SE"] })).await;
    assert!(nordic.contains(&"kalundborg-symbiosis".to_owned()));
    assert!(nordic.contains(&"sotenas-symbioscentrum".to_owned()));

    let (total, before_2000) = case_studies(app, json!({ "yearTo": 1999 })).await;
    assert_eq!(
        (total, before_2000),
        (1, vec!["kalundborg-symbiosis".to_owned()])
    );

    let (_, recent) = case_studies(app, json!({ "yearFrom": 2016, "yearTo": 2018 })).await;
    assert!(recent.contains(&"orkanger-industrial-park".to_owned()));
    assert!(!recent.contains(&"sotenas-symbioscentrum".to_owned()));

    let (_, parks) = case_studies(app, json!({ "kind": ["INDUSTRIAL_SYMBIOSIS_PARK"] })).await;
    assert_eq!(parks, vec!["kalundborg-symbiosis".to_owned()]);

    let (_, chemistry) = case_studies(app, json!({ "theme": ["green-chemistry"] })).await;
    assert!(chemistry.contains(&"emmen-green-chemistry-suspacc".to_owned()));

    let (_, active) = case_studies(app, json!({ "status": ["ACTIVE"] })).await;
    assert!(!active.is_empty());

    let (_, by_name) = case_studies(app, json!({ "nameContains": "SOTENAS" })).await;
    assert_eq!(
        by_name,
        vec!["sotenas-symbioscentrum".to_owned()],
        "case and diacritics folded"
    );

    let (total, none) = case_studies(app, json!({ "country": ["FI"] })).await;
    assert_eq!((total, none.len()), (0, 0));
}

backend_test!(actor_project_and_funder_filters);
async fn actor_project_and_funder_filters(app: &TestApp) {
    let (body, _) = app
        .graphql(
            r#"{
              dkCompanies: actors(filter: { country: ["DK"], kind: [COMPANY] }, first: 100) { totalCount edges { node { slug country kind } } }
              orsted: actors(filter: { nameContains: "orsted" }) { totalCount edges { node { slug } } }
              withOrgNumber: actors(filter: { scheme: ["NO-BRC"] }) { totalCount }
              norwegianProjects: projects(filter: { country: ["NO"] }, first: 100) { totalCount edges { node { slug } } }
              running2019: projects(filter: { yearFrom: 2019, yearTo: 2019 }, first: 100) { edges { node { slug } } }
              smice: projects(filter: { nameContains: "smice" }) { totalCount }
              euFunds: funders(filter: { country: ["EU"] }) { totalCount edges { node { slug kind } } }
              regions: funders(filter: { kind: [REGION] }) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    let data = data(&body);
    let companies = data["dkCompanies"]["edges"].as_array().unwrap();
    assert!(!companies.is_empty());
    assert!(
        companies
            .iter()
            .all(|e| e["node"]["country"] == "DK" && e["node"]["kind"] == "COMPANY")
    );
    assert_eq!(
        data["dkCompanies"]["totalCount"].as_u64().unwrap() as usize,
        companies.len()
    );
    assert_eq!(data["orsted"]["totalCount"], 1);
    assert_eq!(data["orsted"]["edges"][0]["node"]["slug"], "orsted");
    assert!(data["withOrgNumber"]["totalCount"].as_u64().unwrap() >= 1);
    assert!(slugs(&data["norwegianProjects"]).contains(&"smice"));
    assert!(slugs(&data["running2019"]).contains(&"smice"));
    assert!(!slugs(&data["running2019"]).contains(&"cirkular-kraftsamling-ostergotland-orebro"));
    assert_eq!(data["smice"]["totalCount"], 1);
    assert!(slugs(&data["euFunds"]).contains(&"erdf"));
    assert!(data["regions"]["totalCount"].as_u64().unwrap() >= 2);
}

backend_test!(bad_filters_name_the_field);
async fn bad_filters_name_the_field(app: &TestApp) {
    for (filter, field) in [
        (json!({ "country": ["Sweden"] }), "filter.country"),
        (json!({ "country": ["XX"] }), "filter.country"),
        (
            json!({ "yearFrom": 2020, "yearTo": 2010 }),
            "filter.yearFrom",
        ),
        (
            json!({ "nameContains": "x".repeat(500) }),
            "filter.nameContains",
        ),
    ] {
        let (body, status) = app.graphql(CASE_STUDIES, json!({ "filter": filter })).await;
        assert_eq!(status, 200);
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{filter}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
    }
    let (body, _) = app
        .graphql(
            CASE_STUDIES,
            json!({ "filter": { "nameContains": "100%_\\" } }),
        )
        .await;
    assert_eq!(
        data(&body)["caseStudies"]["totalCount"],
        0,
        "LIKE wildcards are escaped"
    );
}
