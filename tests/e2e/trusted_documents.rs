//! Trusted documents: with `trusted_documents.enabled`, an anonymous caller runs a manifest's
//! document by id (`documentId`, or the APQ hash) and by text, and nothing else; a key left
//! free runs anything; the explorer's every document runs as the explorer sends it.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use symbios::config::{KeyDocuments, Settings};
use symbios::service::trusted_documents;
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{Backend, TestApp, data, first_error_code, spawn_app_with};

/// A portal's document, as its manifest holds it (Relay-style id).
const PORTAL_ID: &str = "portal-themes-1";
const PORTAL_DOCUMENT: &str = "query PortalThemes { themes { slug } }";
const UNTRUSTED: &str = "{ themes { slug label { text } } }";

fn trusted(settings: &mut Settings) {
    settings.trusted_documents.enabled = true;
    settings.trusted_documents.keys = KeyDocuments::Free;
}

/// POSTs `body` anonymously (or with `key`); returns status and body.
async fn post(app: &TestApp, body: Value, key: Option<&str>) -> (StatusCode, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .header("accept", "application/graphql-response+json")
        .json(&body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("request is answered");
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

/// GETs `/graphql` with `parameters` anonymously; returns status and body.
async fn get(app: &TestApp, parameters: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = app
        .client
        .get(format!("{}/graphql", app.base_url))
        .header("accept", "application/graphql-response+json")
        .query(parameters)
        .send()
        .await
        .expect("request is answered");
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

fn assert_themes(status: StatusCode, body: &Value, what: &str) {
    assert_eq!(status, StatusCode::OK, "{what}: {body:#}");
    assert!(
        data(body)["themes"]
            .as_array()
            .is_some_and(|themes| !themes.is_empty()),
        "{what}: {body:#}"
    );
}

fn assert_not_trusted(status: StatusCode, body: &Value, what: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body:#}");
    assert_eq!(first_error_code(body), "DOCUMENT_NOT_TRUSTED", "{what}");
    assert!(body.get("data").is_none(), "{what}: {body:#}");
}

async fn add_portal_manifest(app: &TestApp) {
    let manifest = BTreeMap::from([(PORTAL_ID.to_owned(), PORTAL_DOCUMENT.to_owned())]);
    let added = trusted_documents::add(
        &app.db,
        "persisted_queries.json",
        &manifest,
        chrono::Utc::now(),
    )
    .await
    .expect("manifest added");
    assert_eq!(added.added, 1);
}

async fn manifest_documents_run_and_no_other(backend: Backend) {
    let app = spawn_app_with(backend, trusted).await;
    add_portal_manifest(&app).await;

    let (status, body) = post(&app, json!({ "documentId": PORTAL_ID }), None).await;
    assert_themes(status, &body, "POST by documentId");
    let (status, body) = get(&app, &[("documentId", PORTAL_ID)]).await;
    assert_themes(status, &body, "GET by documentId");
    let (status, body) = post(&app, json!({ "query": PORTAL_DOCUMENT }), None).await;
    assert_themes(status, &body, "POST by text");

    let (status, body) = post(&app, json!({ "query": UNTRUSTED }), None).await;
    assert_not_trusted(status, &body, "an untrusted text");
    let (status, body) = get(&app, &[("query", UNTRUSTED)]).await;
    assert_not_trusted(status, &body, "an untrusted text over GET");
    let (status, body) = post(&app, json!({ "documentId": "nobody-added-this" }), None).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(first_error_code(&body), "PERSISTED_QUERY_NOT_FOUND");

    // Registering a new document as an automatic persisted query is refused too, and the
    // hash does not run afterwards.
    let hash = symbios::service::digest::sha256_hex(UNTRUSTED);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let (status, body) = post(
        &app,
        json!({ "query": UNTRUSTED, "extensions": extensions }),
        None,
    )
    .await;
    assert_not_trusted(status, &body, "an APQ registration");
    let (status, body) = post(&app, json!({ "extensions": extensions }), None).await;
    assert_not_trusted(status, &body, "the registered hash");

    // A key left free runs anything; a key locked does not.
    let key = app.create_key("portal", Role::Editor, None).await;
    let (status, body) = post(&app, json!({ "query": UNTRUSTED }), Some(&key)).await;
    assert_themes(status, &body, "a free key");
    app.stop().await;

    let app = spawn_app_with(backend, |settings| {
        trusted(settings);
        settings.trusted_documents.keys = KeyDocuments::Locked;
    })
    .await;
    let key = app.create_key("portal", Role::Editor, None).await;
    let (status, body) = post(&app, json!({ "query": UNTRUSTED }), Some(&key)).await;
    assert_not_trusted(status, &body, "a locked key");
    app.stop().await;
}

/// Each explorer document, sent as `app.js` sends it (GET, text in the URL), runs
/// anonymously with trusted documents on.
async fn explorer_documents_run(backend: Backend) {
    let app = spawn_app_with(backend, trusted).await;
    let key = app.create_key("setup", Role::Editor, None).await;
    let (_, slugs) = post(
        &app,
        json!({ "query": "{ actors(first: 1) { nodes { slug } } projects(first: 1) { nodes { slug } } funders(first: 1) { nodes { slug } } }" }),
        Some(&key),
    )
    .await;
    let slug = |field: &str| {
        data(&slugs)[field]["nodes"][0]["slug"]
            .as_str()
            .unwrap_or_else(|| panic!("a {field} slug: {slugs:#}"))
            .to_owned()
    };
    let documents = symbios::http::explorer_documents();
    assert_eq!(
        documents.len(),
        symbios::http::EXPLORER_OPERATION_NAMES.len()
    );
    for (document, name) in documents
        .iter()
        .zip(symbios::http::EXPLORER_OPERATION_NAMES)
    {
        let variables = match *name {
            "Home" | "Themes" => json!({ "lang": "en" }),
            "Suggest" => json!({ "prefix": "kal", "lang": "en" }),
            "Search" => json!({ "q": "waste", "lang": "en" }),
            "CaseStudy" => json!({ "slug": "kalundborg-symbiosis", "lang": "en" }),
            "Actor" => json!({ "slug": slug("actors"), "lang": "en" }),
            "Project" => json!({ "slug": slug("projects"), "lang": "en" }),
            "Funder" => json!({ "slug": slug("funders"), "lang": "en" }),
            "Flows" => json!({
                "filter": { "caseStudy": ["kalundborg-symbiosis"] },
                "lang": "da",
                "first": 20
            }),
            "Statistics" => json!({ "filter": { "country": ["DK"] } }),
            "SearchExport" => json!({ "q": "waste", "lang": "en" }),
            other => panic!("no variables for the explorer's {other}"),
        };
        let variables = variables.to_string();
        let (status, body) = get(&app, &[("query", document), ("variables", &variables)]).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body:#}");
        assert!(body.get("errors").is_none(), "{name}: {body:#}");
        let first_field = data(&body)
            .as_object()
            .and_then(|fields| fields.values().next());
        assert!(
            first_field.is_some_and(|value| !value.is_null()),
            "{name}: {body:#}"
        );
    }
    app.stop().await;
}

backend_test!(manifest_documents_run_and_no_other, each backend);

backend_test!(explorer_documents_run, each backend);
