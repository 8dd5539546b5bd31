//! The query planner answers plain nested reads itself: each query below runs once on an
//! app with the planner and once on an app without it (`planner.enabled = false`), on the
//! same data, and the two bodies must be the same bytes. The `x-symbios-plan` header says
//! which path answered, so a query the planner silently left to async-graphql fails here.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::backend_test;
use crate::common::{Backend, TestApp, spawn_app_with};

/// The body (as sent) and the `x-symbios-plan` header of a POST.
async fn post(
    app: &TestApp,
    query: &str,
    variables: Value,
    headers: HeaderMap,
) -> (Vec<u8>, String) {
    let response = app.graphql_response(query, variables, headers).await;
    let path = response
        .headers()
        .get("x-symbios-plan")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.bytes().await.expect("body read").to_vec();
    (body, path)
}

fn accept_language(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("accept-language", value.parse().expect("header value"));
    headers
}

/// Nested reads the planner answers: every relation field it knows, filters, orders, both
/// pagination directions, `totalCount`, aliases, fragments, `__typename`, localized texts.
const PLANNED: &[(&str, &str)] = &[
    (
        "list with every connection field",
        r#"{ caseStudies(first: 3, orderBy: { field: SLUG }) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
            __typename edges { cursor __typename node { __typename id slug title kind status country
              establishedYear originalLang version createdAt updatedAt
              location { place municipality region country latitude longitude } } }
            nodes { slug } } }"#,
    ),
    (
        "every relation, nested",
        r#"{ caseStudies(first: 5, orderBy: { field: YEAR, direction: DESC }) { edges { node {
            title actors { id role version actor { name kind country website slug
              projects { id role version project { name acronym status startDate endDate website
                participants { role actor { slug } } } }
              caseStudies { role caseStudy { slug } } } } } } } }"#,
    ),
    (
        "filters and the last page backwards",
        r#"{ caseStudies(last: 2, filter: { country: ["DK", "SE", "NO"], yearFrom: 1960 },
              orderBy: { field: NAME, direction: ASC }) {
            totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
            edges { cursor node { title country establishedYear } } } }"#,
    ),
    (
        "aliases, fragments and inline fragments",
        r#"query Shaped { first: caseStudies(first: 2, orderBy: { field: SLUG }) {
              edges { node { ...Case heading: title ... on CaseStudy { kind } ... { status } } } }
            kalundborg: caseStudy(slug: "kalundborg-symbiosis") { ...Case
              roles: actors { who: actor { label: name __typename } role } } }
          fragment Case on CaseStudy { slug summary { text lang } }"#,
    ),
    (
        "localized texts with lang",
        r#"{ caseStudies(first: 4) { edges { node { summary(lang: "sv") { text lang original
            originalLang availableLanguages } body(lang: "en") { lang original }
            actors { actor { description(lang: "nb") { text lang } } } } } } }"#,
    ),
    (
        "lookups by slug, actors and projects",
        r#"{ actor(slug: "novo-nordisk") { name description { lang } caseStudies { role caseStudy { title } } }
            projects(first: 3, orderBy: { field: NAME, direction: DESC }) { totalCount edges { node {
              name summary { text } participants { role actor { name } } } } }
            actors(first: 5, filter: { kind: [COMPANY] }) { edges { node { slug kind } } } }"#,
    ),
    (
        "flows, impacts and sources",
        r#"{ caseStudy(slug: "kalundborg-symbiosis") { flows { id resource resourceLang
              resourceName { text lang original } sv: resourceName(lang: "sv") { text }
              category quantity unit year status ewcCode description { text } version
              caseStudy { slug } from { name } to { name flowsIn { resource }
                flowsOut { resource from { slug } } } }
            impacts { id metric value unit year note version caseStudy { title } }
            sources { url title accessed caseStudy { slug } } } }"#,
    ),
    (
        "fundings, funders and their projects",
        r#"{ projects(first: 9, orderBy: { field: SLUG }) { edges { node { acronym
              fundings { id programme programmeKind amount currency periodStart periodEnd
                version funder { name kind } project { slug } }
              funders { slug name country website description { text }
                projects { slug } fundings { amount } } } } }
            funders(first: 5, orderBy: { field: SLUG }) { totalCount edges { node { id slug
              name kind version createdAt updatedAt } } }
            funder(slug: "vinnova") { name projects { name funders { slug } } } }"#,
    ),
    (
        "pages that read few columns: an order's column not selected, nodes of relations only",
        r#"{ projects(first: 3, orderBy: { field: YEAR }) { edges { cursor node { name } } }
            actors(first: 3, orderBy: { field: UPDATED_AT, direction: DESC }) {
              pageInfo { endCursor } edges { node { name } } }
            funders(first: 2) { edges { cursor node { __typename } } }
            caseStudies(first: 2, orderBy: { field: YEAR, direction: DESC }) {
              nodes { actors { role } summary { lang } } } }"#,
    ),
    (
        "search: every connection field, hits of every record type",
        r#"{ search(query: "symbiosis", first: 12) { __typename totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { __typename cursor node { __typename score
              highlights { __typename field lang fragment }
              entity { __typename ... on CaseStudy { slug title summary { lang } }
                ... on Actor { name kind projects { role } } ... on Project { acronym status }
                ... on Funder { name kind } } } } } }"#,
    ),
    (
        "search: flows, types, filter, lang, fragments on the union and its members",
        r#"query Found { warm: search(query: "spillvärme", lang: "sv",
              types: [RESOURCE_FLOW, CASE_STUDY], filter: { country: ["DK", "SE"] }, first: 6) {
              edges { node { entity { ...Named ... on SearchEntity { __typename }
                ... on ResourceFlow { resource category from { name } to { slug } } } } } }
            everything: search(query: "", first: 4, prefix: false) { totalCount
              edges { cursor node { entity { ... on CaseStudy { ...Named } } } } }
            typed: search(query: "symbi", prefix: true, types: [ACTOR], first: 3) {
              edges { node { score } } pageInfo { endCursor } } }
          fragment Named on CaseStudy { slug actors { role actor { name } } }"#,
    ),
];

/// Runs `query` on the app with the planner and on the one without, asserts the same bytes
/// and that the latter answered through the general path; returns the body and which path
/// answered on the former.
async fn on_both(
    (planned, general): &(TestApp, TestApp),
    query: &str,
    variables: Value,
    headers: &HeaderMap,
    what: &str,
) -> (String, String) {
    let (planned_body, path) = post(planned, query, variables.clone(), headers.clone()).await;
    let (general_body, general_path) = post(general, query, variables, headers.clone()).await;
    let text = String::from_utf8_lossy(&planned_body).into_owned();
    assert_eq!(general_path, "general", "{what}");
    assert_eq!(
        text,
        String::from_utf8_lossy(&general_body),
        "{what}: the two paths answer differently"
    );
    (text, path)
}

/// Runs each planned query on both apps with `headers`.
async fn compare(apps: &(TestApp, TestApp), headers: &HeaderMap) {
    for (what, query) in PLANNED {
        let (text, path) = on_both(apps, query, json!({}), headers, what).await;
        assert!(!text.contains("\"errors\""), "{what}: {text}");
        assert_eq!(path, "planned", "{what} was not planned: {text}");
    }
}

async fn stop((planned, general): (TestApp, TestApp)) {
    planned.stop().await;
    general.stop().await;
}

/// An app with the planner on.
async fn with_planner(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| settings.planner.enabled = true).await
}

async fn both_paths(backend: Backend) -> (TestApp, TestApp) {
    let planned = with_planner(backend).await;
    let general = spawn_app_with(backend, |settings| settings.planner.enabled = false).await;
    (planned, general)
}

backend_test!(planned_answers_are_the_general_paths_bytes, each backend);
async fn planned_answers_are_the_general_paths_bytes(backend: Backend) {
    let apps = both_paths(backend).await;
    apps.0.wait_indexed().await;
    apps.1.wait_indexed().await;
    compare(&apps, &HeaderMap::new()).await;
    compare(&apps, &accept_language("sv, nb;q=0.8, en;q=0.5")).await;
    compare(&apps, &accept_language("de")).await;

    // Variables, and the page after a cursor in both directions.
    let paged = r#"query ($first: Int, $after: String, $last: Int, $before: String) {
        caseStudies(first: $first, after: $after, last: $last, before: $before, orderBy: { field: SLUG }) {
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { slug } } } }"#;
    let (first_page, _) = post(&apps.0, paged, json!({ "first": 3 }), HeaderMap::new()).await;
    let first_page: Value = serde_json::from_slice(&first_page).expect("JSON");
    let end = &first_page["data"]["caseStudies"]["pageInfo"]["endCursor"];
    assert!(end.is_string(), "{first_page}");
    for variables in [
        json!({ "first": 2, "after": end }),
        json!({ "last": 2, "before": end }),
    ] {
        let what = variables.to_string();
        let (_, path) = on_both(&apps, paged, variables, &HeaderMap::new(), &what).await;
        assert_eq!(path, "planned", "{what}");
    }

    // The search page after a cursor.
    let searched = r#"query ($after: String) { search(query: "energy", first: 3, after: $after) {
        pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { score } } } }"#;
    let (first_page, _) = post(&apps.0, searched, json!({}), HeaderMap::new()).await;
    let first_page: Value = serde_json::from_slice(&first_page).expect("JSON");
    let end = &first_page["data"]["search"]["pageInfo"]["endCursor"];
    assert!(end.is_string(), "{first_page}");
    let variables = json!({ "after": end });
    let what = format!("search after {end}");
    let (text, path) = on_both(&apps, searched, variables, &HeaderMap::new(), &what).await;
    assert_eq!(path, "planned", "{what}");
    assert!(text.contains("\"hasPreviousPage\":true"), "{text}");
    stop(apps).await;
}

backend_test!(documents_outside_the_subset_answer_through_the_general_path, each backend);
async fn documents_outside_the_subset_answer_through_the_general_path(backend: Backend) {
    let apps = both_paths(backend).await;
    let cases = [
        (
            "search with facets",
            r#"{ search(query: "symbiosis", first: 2) { totalCount facets { country { value count } } } }"#,
            json!({}),
        ),
        (
            "a fragment on a type the search entity cannot be",
            r#"{ search(query: "symbiosis") { edges { node { entity { ... on Theme { slug } } } } } }"#,
            json!({}),
        ),
        (
            "a member's field on the search entity itself",
            r#"{ search(query: "symbiosis") { edges { node { entity { slug } } } } }"#,
            json!({}),
        ),
        (
            "a fragment on another member inside a member's",
            r#"{ search(query: "symbiosis") { edges { node { entity {
                ... on CaseStudy { ... on Actor { name } } } } } } }"#,
            json!({}),
        ),
        (
            "a search cursor that is not one",
            r#"{ search(query: "symbiosis", after: "nope") { totalCount } }"#,
            json!({}),
        ),
        (
            "a directive",
            r#"{ caseStudies(first: 2) @include(if: true) { totalCount } }"#,
            json!({}),
        ),
        (
            "an unknown field",
            r#"{ caseStudies(first: 2) { edges { node { nope } } } }"#,
            json!({}),
        ),
        (
            "a field another record type has",
            r#"{ funders(first: 2) { edges { node { slug originalLang } } } }"#,
            json!({}),
        ),
        (
            "an enum as a string",
            r#"{ actors(first: 2, filter: { kind: ["COMPANY"] }) { totalCount } }"#,
            json!({}),
        ),
        (
            "first and last together",
            r#"{ caseStudies(first: 1, last: 1) { totalCount } }"#,
            json!({}),
        ),
        (
            "an unused fragment",
            r#"{ caseStudies(first: 1) { totalCount } } fragment F on CaseStudy { slug }"#,
            json!({}),
        ),
        (
            "an unused variable",
            r#"query ($n: Int) { caseStudies(first: 1) { totalCount } }"#,
            json!({ "n": 1 }),
        ),
        (
            "a variable of the wrong type",
            r#"query ($n: Int) { caseStudies(first: $n) { totalCount } }"#,
            json!({ "n": "two" }),
        ),
        (
            "a bad language tag",
            r#"{ caseStudies(first: 1) { edges { node { summary(lang: "!!") { text } } } } }"#,
            json!({}),
        ),
        (
            "a bad language tag for search",
            r#"{ search(query: "symbiosis", lang: "!!") { totalCount } }"#,
            json!({}),
        ),
        (
            "both id and slug",
            r#"{ caseStudy(id: "x", slug: "y") { slug } }"#,
            json!({}),
        ),
        (
            "a mutation",
            r#"mutation { deleteTheme(id: "x", expectedVersion: 1) { id } }"#,
            json!({}),
        ),
    ];
    for (what, query, variables) in cases {
        let (_, path) = on_both(&apps, query, variables, &HeaderMap::new(), what).await;
        assert_eq!(path, "general", "{what} must go the general way");
    }
    stop(apps).await;
}

backend_test!(a_too_complex_document_is_refused_with_the_planner_on, each backend);
async fn a_too_complex_document_is_refused_with_the_planner_on(backend: Backend) {
    let app = with_planner(backend).await;
    // 100 case studies × 10 roles × 10 participations × 10 participants: over the complexity
    // limit, although every field is one the planner knows.
    let query = r#"{ caseStudies(first: 100) { edges { node { actors { actor {
        projects { project { participants { actor { name } } } } } } } } } }"#;
    let (body, path) = post(&app, query, json!({}), HeaderMap::new()).await;
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(path, "general");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
        "{body}"
    );
    app.stop().await;
}

backend_test!(planned_reads_run_a_bounded_number_of_statements, each backend);
async fn planned_reads_run_a_bounded_number_of_statements(backend: Backend) {
    let app = with_planner(backend).await;
    let query = r#"query ($first: Int!) { caseStudies(first: $first) { edges { node { title
        summary { text } actors { role actor { name projects { role project { name } } } } } } } }"#;
    for first in [2, 20] {
        let before = app.statements();
        let (body, path) = post(&app, query, json!({ "first": first }), HeaderMap::new()).await;
        let statements = app.statements() - before;
        assert_eq!(path, "planned", "{}", String::from_utf8_lossy(&body));
        // The page, then one statement per level: texts, roles, actors, participations,
        // projects. The page is read every time, so a counter that missed a pool (the reads
        // have one of their own on PostgreSQL) would show here.
        assert!(
            (1..=6).contains(&statements),
            "{statements} statements for {first} case studies"
        );
    }
    app.stop().await;
}
