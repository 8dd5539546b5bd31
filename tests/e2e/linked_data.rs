//! Records as JSON-LD: `GET /records/{id}.jsonld` and `GET /records/{id}` with `Accept:
//! application/ld+json`; status and media type, 404 and 400, 406 for other media types,
//! HEAD, `ETag` and 304, IRIs on the request's host (never on a scheme a client claims).
//! The triples themselves are checked by a JSON-LD processor (`tests/python/test_jsonld.py`).
//!
//! Ids are the bundled dataset's (`api/seed/dataset.ndjson`).

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::backend_test;
use crate::common::TestApp;

const KALUNDBORG: &str = "ea1bc47d-b932-5f7e-80a3-619118003bcf";
/// An actor with a DK-CVR number.
const NOVO_NORDISK: &str = "0ece03a0-a457-59dc-a10b-068f1a17e994";
const NTNU: &str = "328edf92-53eb-5394-a638-e9db67e5389e";
const KALUNDBORG_KOMMUNE: &str = "0a82e033-40c0-51f9-b59d-598abe8353e0";
/// A funder that is also an actor.
const VINNOVA_FUNDER: &str = "a603cf9b-ebfd-5114-af28-d0431b8ab655";
const VINNOVA_ACTOR: &str = "ee3f6a41-8529-5672-958f-b224223fa7a3";
const SMICE: &str = "a292609a-3f6c-5385-9436-0d9d78afc487";
/// A theme.
const CIRCULAR_ECONOMY: &str = "1e52da6a-dd15-55ff-8710-51ba413fe3ea";

async fn get(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map_or("<none>", |value| value.to_str().expect("header is text"))
}

async fn document(app: &TestApp, id: &str) -> Value {
    let (status, headers, body) = get(app, &format!("/records/{id}.jsonld"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{id}: {body}");
    assert_eq!(header(&headers, "content-type"), "application/ld+json");
    serde_json::from_str(&body).expect("JSON")
}

backend_test!(records_are_served_as_json_ld);
async fn records_are_served_as_json_ld(app: &TestApp) {
    let kalundborg = document(app, KALUNDBORG).await;
    assert_eq!(
        kalundborg["@id"],
        format!("{}/records/{KALUNDBORG}", app.base_url)
    );
    assert_eq!(kalundborg["@type"], "CreativeWork");
    assert_eq!(kalundborg["@context"]["@vocab"], "https://schema.org/");
    assert_eq!(kalundborg["spatialCoverage"]["geo"]["latitude"], 55.68);

    for (id, kind) in [
        (NOVO_NORDISK, "Organization"),
        (NTNU, "CollegeOrUniversity"),
        (KALUNDBORG_KOMMUNE, "GovernmentOrganization"),
        (VINNOVA_FUNDER, "GovernmentOrganization"),
        (SMICE, "Project"),
        (CIRCULAR_ECONOMY, "DefinedTerm"),
    ] {
        assert_eq!(document(app, id).await["@type"], kind, "{id}");
    }
    let novo = document(app, NOVO_NORDISK).await;
    assert_eq!(novo["identifier"], serde_json::json!(["DK-CVR-24256790"]));
    assert_eq!(
        novo["sameAs"],
        serde_json::json!(["https://datacvr.virk.dk/enhed/virksomhed/24256790"])
    );
    let theme = document(app, CIRCULAR_ECONOMY).await;
    assert_eq!(theme["termCode"], "circular-economy");
    assert!(
        theme["name"]
            .as_array()
            .is_some_and(|labels| labels.iter().any(|label| label["@language"] == "sv")),
        "{theme:#}"
    );
    // A funder that is an actor is the same organisation as the actor's record.
    let vinnova = document(app, VINNOVA_FUNDER).await;
    assert_eq!(
        vinnova["sameAs"],
        serde_json::json!([format!("{}/records/{VINNOVA_ACTOR}", app.base_url)])
    );

    // The record's IRI serves the same document when JSON-LD is accepted.
    let path = format!("/records/{KALUNDBORG}");
    let (status, headers, body) = get(app, &path, &[("accept", "application/ld+json")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(header(&headers, "content-type"), "application/ld+json");
    assert_eq!(header(&headers, "vary"), "Accept");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON"),
        kalundborg
    );
    let (status, headers, _) = get(app, &path, &[("accept", "text/html")]).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(header(&headers, "vary"), "Accept");
}

backend_test!(unknown_and_malformed_ids_are_refused);
async fn unknown_and_malformed_ids_are_refused(app: &TestApp) {
    for (path, status, code) in [
        (
            "/records/00000000-0000-4000-8000-000000000000.jsonld",
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            "/records/kalundborg-symbiosis.jsonld",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            "/records/%00.jsonld",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ] {
        let (got, headers, body) = get(app, path, &[]).await;
        assert_eq!(got, status, "{path}: {body}");
        let body: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(body["error"]["code"], code, "{path}");
        assert_eq!(header(&headers, "cache-control"), "no-store", "{path}");
    }
}

backend_test!(json_ld_is_cached_and_revalidated);
async fn json_ld_is_cached_and_revalidated(app: &TestApp) {
    let path = format!("/records/{SMICE}.jsonld");
    let (status, headers, body) = get(app, &path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "cache-control"), "max-age=60");
    let etag = header(&headers, "etag").to_owned();
    assert!(etag.len() == 66 && etag.starts_with('"'), "{etag}");
    let (status, headers, again) = get(app, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&headers, "etag"), etag);
    assert!(again.is_empty());
    let (status, _, same) = get(app, &path, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same, body);

    let head = app
        .client
        .head(format!("{}{path}", app.base_url))
        .send()
        .await
        .expect("HEAD is sent");
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(head.headers(), "etag"), etag);
    assert_eq!(head.text().await.expect("body"), "");
}

backend_test!(iris_follow_the_host_asked_for_and_no_claimed_scheme);
async fn iris_follow_the_host_asked_for_and_no_claimed_scheme(app: &TestApp) {
    let path = format!("/records/{NTNU}.jsonld");
    // The peer is no trusted proxy: its X-Forwarded-Proto is not believed.
    let (status, _, body) = get(
        app,
        &path,
        &[
            ("host", "kb.example.org:8443"),
            ("x-forwarded-proto", "https"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ntnu: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        ntnu["@id"],
        format!("http://kb.example.org:8443/records/{NTNU}")
    );
    let (status, _, body) = get(app, &path, &[("host", "evil.example\"><x")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
