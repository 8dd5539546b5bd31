//! Writes over HTTP: keys and roles, validation, optimistic concurrency, bulk upserts,
//! partner ownership, the audit log, relations and their parents, and searchability.

use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use symbios_entity::change_log;
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code, texts_at};

const CREATE_ACTOR: &str = "mutation($input: CreateActorInput!) {
    createActor(input: $input) { id slug version name }
}";

const UPDATE_ACTOR: &str = "mutation($id: ID!, $v: Int!, $patch: ActorPatchInput!) {
    updateActor(id: $id, expectedVersion: $v, patch: $patch) { id version name website }
}";

const DELETE_ACTOR: &str = "mutation($id: ID!, $v: Int!) {
    deleteActor(id: $id, expectedVersion: $v) { id version }
}";

/// `upsertActors` with every answer field, shared with `hostile::writes`.
pub(crate) const UPSERT: &str =
    "mutation($scheme: String!, $items: [ActorUpsert!]!, $key: String) {
    upsertActors(scheme: $scheme, items: $items, idempotencyKey: $key) {
        created updated unchanged rejected replayed
        items { externalId status id version errors { field reason } }
    }
}";

fn actor_input(name: &str, identifiers: Value) -> Value {
    json!({ "input": {
        "name": name, "kind": "COMPANY", "country": "NO", "originalLang": "nb",
        "description": [{ "lang": "nb", "text": "Tørker tang til fôr" }],
        "identifiers": identifiers,
    }})
}

async fn changes_logged(app: &TestApp) -> u64 {
    change_log::Entity::find().count(&app.db).await.unwrap()
}

async fn seeded_actor_id(app: &TestApp, slug: &str) -> (String, i64) {
    let (body, _) = app
        .graphql(
            "query($slug: String!) { actor(slug: $slug) { id version } }",
            json!({ "slug": slug }),
        )
        .await;
    let actor = &data(&body)["actor"];
    (
        actor["id"].as_str().unwrap().to_owned(),
        actor["version"].as_i64().unwrap(),
    )
}

/// Sends `query` with `key` and asserts that it is refused with 403 `FORBIDDEN`.
async fn assert_forbidden(app: &TestApp, key: &str, query: &str, variables: Value) {
    let (body, status) = app.graphql_as(key, query, variables).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(first_error_code(&body), "FORBIDDEN", "{body}");
}

/// Asserts that even a read with `key` is refused with 401 `UNAUTHENTICATED`.
async fn assert_unauthenticated(app: &TestApp, key: &str) {
    let (body, status) = app.graphql_as(key, "{ themes { slug } }", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(first_error_code(&body), "UNAUTHENTICATED", "{body}");
}

async fn roles_and_forbidden_actions(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let admin = app.create_key("admin", Role::Admin, None).await;

    // Anonymous: reads work, writes are UNAUTHENTICATED (401).
    let (body, status) = app
        .graphql_as_anonymous(CREATE_ACTOR, actor_input("Anon AS", json!([])))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(first_error_code(&body), "UNAUTHENTICATED");

    // A key that does not exist, or a malformed header: 401 before anything runs.
    assert_unauthenticated(app, "symbios_not-a-real-key").await;

    // A partner may not write what is not an actor under its scheme.
    let query = "mutation { createProject(input: {name: \"P\", status: ONGOING, originalLang: \"en\"}) { id } }";
    assert_forbidden(app, &partner, query, json!({})).await;
    let variables = actor_input(
        "Svensk AB",
        json!([{ "scheme": "SE-BLV", "value": "5560000000" }]),
    );
    assert_forbidden(app, &partner, CREATE_ACTOR, variables).await;
    let (seeded, version) = seeded_actor_id(app, "kalundborg-kommune").await;
    let variables =
        json!({ "id": seeded, "v": version, "patch": { "website": "https://evil.example" } });
    assert_forbidden(app, &partner, UPDATE_ACTOR, variables).await;
    assert_forbidden(app, &partner, "{ auditLog { id } }", json!({})).await;
    assert_forbidden(app, &editor, "{ auditLog { id } }", json!({})).await;

    // What each role may do.
    let (body, _) = app
        .graphql_as(
            &partner,
            CREATE_ACTOR,
            actor_input(
                "Tang AS",
                json!([{ "scheme": "NO-BRC", "value": "912345678" }]),
            ),
        )
        .await;
    let created = data(&body)["createActor"].clone();
    assert_eq!(created["slug"], "tang-as");
    let (body, _) = app
        .graphql_as(
            &partner,
            UPDATE_ACTOR,
            json!({ "id": created["id"], "v": 1, "patch": { "name": "Tang Norge AS" } }),
        )
        .await;
    assert_eq!(data(&body)["updateActor"]["version"], 2);
    // ... but not remove its own scheme from the actor, nor touch another scheme's identifier.
    let variables = json!({ "id": created["id"], "v": 2, "patch": { "identifiers": [] } });
    assert_forbidden(app, &partner, UPDATE_ACTOR, variables).await;
    let (body, _) = app
        .graphql_as(&editor, UPDATE_ACTOR, json!({ "id": seeded, "v": version, "patch": { "website": "https://www.kalundborg.dk" } }))
        .await;
    assert_eq!(data(&body)["updateActor"]["version"], version + 1);
    let (body, _) = app
        .graphql_as(
            &admin,
            "{ auditLog(first: 5) { operation principal } }",
            json!({}),
        )
        .await;
    assert!(!data(&body)["auditLog"].as_array().unwrap().is_empty());

    // A revoked key stops working at once.
    let prefix: String = partner.chars().take(14).collect();
    symbios::service::access::revoke(&app.db, &prefix, chrono::Utc::now())
        .await
        .unwrap();
    assert_unauthenticated(app, &partner).await;
}
backend_test!(roles_and_forbidden_actions);

/// `apikey list` shows when a key was last used: written on the first use, then at most once
/// a minute (a write on every request would make each one a write transaction).
async fn a_key_records_when_it_was_last_used(app: &TestApp) {
    let key = app.create_key("last use", Role::Editor, None).await;
    let last_used = || async {
        symbios::service::access::find(&app.db, &key)
            .await
            .unwrap()
            .last_used_at
    };
    assert_eq!(last_used().await, None, "not used yet");
    let before = chrono::Utc::now() - chrono::TimeDelta::seconds(1);
    let (_, status) = app.graphql_as(&key, "{ __typename }", json!({})).await;
    assert_eq!(status, 200);
    let first = last_used().await.expect("recorded on the first use");
    assert!(first >= before && first <= chrono::Utc::now(), "{first}");
    let (_, status) = app.graphql_as(&key, "{ __typename }", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        last_used().await,
        Some(first),
        "not written again within a minute"
    );
}
backend_test!(a_key_records_when_it_was_last_used);

async fn validation_names_every_field(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let before = changes_logged(app).await;
    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($input: CreateCaseStudyInput!) { createCaseStudy(input: $input) { id } }",
            json!({ "input": {
                "slug": "Not A Slug", "title": " ", "kind": "INDUSTRIAL_PARK", "place": "Mo i Rana",
                "country": "NOR", "latitude": 96.5, "longitude": 14.1, "establishedYear": 1492,
                "status": "ACTIVE", "originalLang": "nb",
                "summary": [{ "lang": "en", "text": "An industrial park" }],
                "themes": ["no-such-theme"],
                "projectIds": ["00000000-0000-0000-0000-000000000001"],
                "sources": [{ "url": "javascript:alert(1)", "title": "x" }],
            }}),
        )
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    let fields = texts_at(&body["errors"][0]["extensions"]["fields"], "/field");
    for expected in [
        "slug",
        "title",
        "country",
        "latitude",
        "establishedYear",
        "summary",
        "sources[0].url",
        "themes",
        "projectIds",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing from {fields:?}"
        );
    }

    let (project_id, _) = {
        let (body, _) = app
            .graphql(
                "{ projects(first: 1) { nodes { id } } funders(first: 1) { nodes { id } } }",
                json!({}),
            )
            .await;
        let data = data(&body);
        (
            data["projects"]["nodes"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            data["funders"]["nodes"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    };
    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($input: CreateFundingInput!) { createFunding(input: $input) { id } }",
            json!({ "input": {
                "funderId": "00000000-0000-0000-0000-000000000002", "projectId": project_id,
                "amount": -5.0, "currency": "EURO",
                "periodStart": "2024-01-01", "periodEnd": "2023-01-01",
            }}),
        )
        .await;
    let reasons = body["errors"][0]["message"].as_str().unwrap();
    for expected in ["funderId", "amount", "currency", "periodEnd"] {
        assert!(
            reasons.contains(expected),
            "{expected} missing from {reasons}"
        );
    }

    // A language twice, and a malformed id, are refused before anything runs.
    let (body, _) = app
        .graphql_as(
            &editor,
            CREATE_ACTOR,
            json!({ "input": {
                "name": "Twice", "kind": "COMPANY", "country": "NO", "originalLang": "nb",
                "description": [{ "lang": "nb", "text": "a" }, { "lang": "nb", "text": "b" }],
            }}),
        )
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.description"
    );
    let (body, _) = app
        .graphql_as(&editor, DELETE_ACTOR, json!({ "id": "not-a-uuid", "v": 1 }))
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");

    assert_eq!(
        changes_logged(app).await,
        before,
        "refused writes log nothing"
    );
}
backend_test!(validation_names_every_field);

async fn stale_versions_conflict_and_write_nothing(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (id, version) = seeded_actor_id(app, "novo-nordisk").await;
    let (body, _) = app
        .graphql_as(&editor, UPDATE_ACTOR, json!({ "id": id, "v": version, "patch": { "website": "https://www.novonordisk.example" } }))
        .await;
    assert_eq!(data(&body)["updateActor"]["version"], version + 1);
    let before = changes_logged(app).await;

    for mutation in [UPDATE_ACTOR, DELETE_ACTOR] {
        let (body, status) = app
            .graphql_as(
                &editor,
                mutation,
                json!({ "id": id, "v": version, "patch": { "name": "Stale" } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(first_error_code(&body), "VERSION_CONFLICT", "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["currentVersion"],
            version + 1
        );
    }
    let (body, _) = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Actor { name version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["node"]["name"], "Novo Nordisk");
    assert_eq!(changes_logged(app).await, before);

    // Writing the same values again changes nothing and keeps the version.
    let (body, _) = app
        .graphql_as(&editor, UPDATE_ACTOR, json!({ "id": id, "v": version + 1, "patch": { "website": "https://www.novonordisk.example" } }))
        .await;
    assert_eq!(data(&body)["updateActor"]["version"], version + 1);
    assert_eq!(changes_logged(app).await, before);

    // A record that does not exist is NOT_FOUND.
    let (body, _) = app
        .graphql_as(
            &editor,
            UPDATE_ACTOR,
            json!({ "id": "00000000-0000-0000-0000-00000000abcd", "v": 1, "patch": {} }),
        )
        .await;
    assert_eq!(first_error_code(&body), "NOT_FOUND");
}
backend_test!(stale_versions_conflict_and_write_nothing);

fn upsert_item(external_id: &str, name: &str, source_version: Option<i64>) -> Value {
    json!({
        "externalId": external_id, "sourceVersion": source_version, "name": name,
        "kind": "COMPANY", "country": "NO", "originalLang": "nb",
        "description": [{ "lang": "nb", "text": format!("{name} foredler sidestrømmer") }],
    })
}

async fn upserts_are_idempotent_and_respect_source_versions(app: &TestApp) {
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let items = json!([
        upsert_item("910000001", "Fjordfisk AS", Some(3)),
        upsert_item("910000002", "Kysttang AS", Some(3)),
        { "externalId": "910000003", "name": "", "kind": "COMPANY", "country": "XX", "originalLang": "nb" },
    ]);
    let vars = json!({ "scheme": "NO-BRC", "items": items, "key": "sync-2026-11-23" });
    let (body, _) = app.graphql_as(&partner, UPSERT, vars.clone()).await;
    let result = data(&body)["upsertActors"].clone();
    assert_eq!(
        (result["created"].as_i64(), result["rejected"].as_i64()),
        (Some(2), Some(1)),
        "{result}"
    );
    assert_eq!(result["replayed"], false);
    let rejected = &result["items"][2];
    assert_eq!(rejected["status"], "REJECTED");
    let fields = texts_at(&rejected["errors"], "/field");
    assert_eq!(fields, ["name", "country"]);

    // The same call again: the same answer, nothing written.
    let before = changes_logged(app).await;
    let (again, _) = app.graphql_as(&partner, UPSERT, vars.clone()).await;
    let replay = data(&again)["upsertActors"].clone();
    assert_eq!(replay["replayed"], true);
    assert_eq!(replay["items"], result["items"]);
    assert_eq!(changes_logged(app).await, before);

    // The same key with other data is refused.
    let (body, _) = app
        .graphql_as(&partner, UPSERT, json!({ "scheme": "NO-BRC", "items": [upsert_item("910000001", "Other", None)], "key": "sync-2026-11-23" }))
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "idempotencyKey");

    // Without a key: unchanged data is UNCHANGED, new data UPDATED, stale data REJECTED.
    let (body, _) = app
        .graphql_as(
            &partner,
            UPSERT,
            json!({ "scheme": "NO-BRC", "items": [
                upsert_item("910000001", "Fjordfisk AS", Some(3)),
                upsert_item("910000002", "Kysttang Norge AS", Some(4)),
            ]}),
        )
        .await;
    let statuses = texts_at(&data(&body)["upsertActors"]["items"], "/status");
    assert_eq!(statuses, ["UNCHANGED", "UPDATED"]);
    let (body, _) = app
        .graphql_as(&partner, UPSERT, json!({ "scheme": "NO-BRC", "items": [upsert_item("910000002", "Kysttang (old)", Some(2))] }))
        .await;
    let item = &data(&body)["upsertActors"]["items"][0];
    assert_eq!(item["status"], "REJECTED");
    assert_eq!(item["errors"][0]["field"], "sourceVersion");
    let (body, _) = app
        .graphql("{ actors(filter: {scheme: [\"NO-BRC\"], nameContains: \"kysttang\"}) { nodes { name version } } }", json!({}))
        .await;
    assert_eq!(
        data(&body)["actors"]["nodes"][0]["name"],
        "Kysttang Norge AS"
    );
    assert_eq!(data(&body)["actors"]["nodes"][0]["version"], 2);

    // More than 1,000 items are refused as a whole.
    let many: Vec<Value> = (0..1001)
        .map(|n| upsert_item(&format!("92{n:07}"), "Bulk AS", None))
        .collect();
    let (body, _) = app
        .graphql_as(
            &partner,
            UPSERT,
            json!({ "scheme": "NO-BRC", "items": many }),
        )
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
}
backend_test!(upserts_are_idempotent_and_respect_source_versions);

async fn partners_touch_only_their_scheme(app: &TestApp) {
    let norway = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let sweden = app
        .create_key("bolagsverket", Role::Partner, Some("SE-BLV"))
        .await;
    let (body, _) = app
        .graphql_as(&norway, UPSERT, json!({ "scheme": "NO-BRC", "items": [upsert_item("930000001", "Grenseløs AS", None)] }))
        .await;
    let id = data(&body)["upsertActors"]["items"][0]["id"].clone();
    let variables =
        json!({ "scheme": "NO-BRC", "items": [upsert_item("930000001", "Kapad AB", None)] });
    assert_forbidden(app, &sweden, UPSERT, variables).await;
    let variables = json!({ "id": id, "v": 1, "patch": { "name": "Kapad AB" } });
    assert_forbidden(app, &sweden, UPDATE_ACTOR, variables).await;
    assert_forbidden(app, &sweden, DELETE_ACTOR, json!({ "id": id, "v": 1 })).await;
    // The owner may delete its own actor.
    let (body, _) = app
        .graphql_as(&norway, DELETE_ACTOR, json!({ "id": id, "v": 1 }))
        .await;
    assert_eq!(data(&body)["deleteActor"]["version"], 1);
}
backend_test!(partners_touch_only_their_scheme);

async fn every_write_is_audited(app: &TestApp) {
    let editor = app.create_key("editor-anna", Role::Editor, None).await;
    let admin = app.create_key("admin", Role::Admin, None).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {editor}").parse().unwrap(),
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.base_url))
        .headers(headers)
        .json(&json!({ "query": CREATE_ACTOR, "variables": actor_input("Revisjon AS", json!([])) }))
        .send()
        .await
        .unwrap();
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    let id = data(&body)["createActor"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_as(
        &editor,
        UPDATE_ACTOR,
        json!({ "id": id, "v": 1, "patch": { "name": "Revisjon Norge AS" } }),
    )
    .await;
    app.graphql_as(&editor, DELETE_ACTOR, json!({ "id": id, "v": 2 }))
        .await;

    let (body, _) = app
        .graphql_as(&admin, "query($id: ID!) { auditLog(entityId: $id) { operation principal entityType oldVersion newVersion requestId } }", json!({ "id": id }))
        .await;
    let entries = data(&body)["auditLog"].as_array().unwrap().clone();
    let summary: Vec<(String, Value, Value)> = entries
        .iter()
        .map(|entry| {
            (
                entry["operation"].as_str().unwrap().to_owned(),
                entry["oldVersion"].clone(),
                entry["newVersion"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("deleteActor".to_owned(), json!(2), Value::Null),
            ("updateActor".to_owned(), json!(1), json!(2)),
            ("createActor".to_owned(), Value::Null, json!(1)),
        ]
    );
    assert!(
        entries
            .iter()
            .all(|entry| entry["principal"] == "editor-anna" && entry["entityType"] == "ACTOR")
    );
    assert_eq!(entries[2]["requestId"], request_id.as_str());
}
backend_test!(every_write_is_audited);

async fn relations_bump_their_parents_and_guard_deletes(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, actor_input("Deltaker AS", json!([])))
        .await;
    let actor_id = data(&body)["createActor"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (body, _) = app
        .graphql("{ project(slug: \"smice\") { id version } }", json!({}))
        .await;
    let project = data(&body)["project"].clone();
    let (body, _) = app
        .graphql_as(&editor, "mutation($p: ID!, $a: ID!) { createParticipation(input: {projectId: $p, actorId: $a, role: PARTNER}) { id version role project { version } actor { name } } }",
            json!({ "p": project["id"], "a": actor_id }))
        .await;
    let participation = data(&body)["createParticipation"].clone();
    assert_eq!(
        participation["project"]["version"],
        project["version"].as_i64().unwrap() + 1
    );
    assert_eq!(participation["actor"]["name"], "Deltaker AS");

    // The same role again is the caller's mistake, named, not a database error.
    let (body, status) = app
        .graphql_as(&editor, "mutation($p: ID!, $a: ID!) { createParticipation(input: {projectId: $p, actorId: $a, role: PARTNER}) { id } }",
            json!({ "p": project["id"], "a": actor_id }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("role")
            && message.contains("has the same projectId, actorId, role already"),
        "{body}"
    );

    // The actor is referred to, so it cannot go yet; the error says by what.
    let (body, _) = app
        .graphql_as(&editor, DELETE_ACTOR, json!({ "id": actor_id, "v": 2 }))
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1 project participations"),
        "{body}"
    );

    let (body, _) = app
        .graphql_as(&editor, "mutation($id: ID!) { updateParticipation(id: $id, expectedVersion: 1, patch: {role: LEAD}) { role version } }", json!({ "id": participation["id"] }))
        .await;
    assert_eq!(data(&body)["updateParticipation"]["role"], "LEAD");
    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($id: ID!) { deleteParticipation(id: $id, expectedVersion: 2) { id } }",
            json!({ "id": participation["id"] }),
        )
        .await;
    data(&body);
    let (body, _) = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Actor { version } } }",
            json!({ "id": actor_id }),
        )
        .await;
    let version = data(&body)["node"]["version"].clone();
    let (body, _) = app
        .graphql_as(
            &editor,
            DELETE_ACTOR,
            json!({ "id": actor_id, "v": version }),
        )
        .await;
    data(&body);

    // The feed holds the participation's tombstone and the project's upserts.
    let (body, _) = app
        .graphql("{ changes(first: 1000, types: [PARTICIPATION, PROJECT]) { edges { node { entityType op id } } } }", json!({}))
        .await;
    let edges = data(&body)["changes"]["edges"].as_array().unwrap().clone();
    let tail: Vec<(String, String)> = edges
        .iter()
        .rev()
        .take(4)
        .map(|edge| {
            (
                edge["node"]["entityType"].as_str().unwrap().to_owned(),
                edge["node"]["op"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(tail[0], ("PROJECT".to_owned(), "UPSERT".to_owned()));
    assert_eq!(tail[1], ("PARTICIPATION".to_owned(), "DELETE".to_owned()));
}
backend_test!(relations_bump_their_parents_and_guard_deletes);

async fn writes_are_searchable(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let search = "query($q: String!) { search(query: $q) { totalCount edges { node { entity { ... on Actor { id name } } } } } }";
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, json!({ "input": {
            "name": "Zostera Biomaterialer", "kind": "COMPANY", "country": "DK", "originalLang": "da",
            "description": [{ "lang": "da", "text": "Ålegræs bliver til isolering af tage" }],
        }}))
        .await;
    let id = data(&body)["createActor"]["id"].clone();
    app.wait_indexed().await;
    let (body, _) = app.graphql(search, json!({ "q": "ålegræs" })).await;
    assert_eq!(
        data(&body)["search"]["edges"][0]["node"]["entity"]["id"],
        id,
        "{body}"
    );

    app.graphql_as(
        &editor,
        UPDATE_ACTOR,
        json!({ "id": id, "v": 1, "patch": { "name": "Søgræs Isolering" } }),
    )
    .await;
    app.wait_indexed().await;
    let (body, _) = app
        .graphql(search, json!({ "q": "søgræs isolering" }))
        .await;
    assert_eq!(
        data(&body)["search"]["edges"][0]["node"]["entity"]["name"],
        "Søgræs Isolering"
    );

    app.graphql_as(&editor, DELETE_ACTOR, json!({ "id": id, "v": 2 }))
        .await;
    app.wait_indexed().await;
    let (body, _) = app.graphql(search, json!({ "q": "ålegræs" })).await;
    assert_eq!(data(&body)["search"]["totalCount"], 0, "{body}");
}
backend_test!(writes_are_searchable);

/// Creates, updates and deletes one record of every type through its mutations.
async fn every_record_type_is_created_updated_and_deleted(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let run = |query: &'static str, variables: Value| {
        let editor = editor.clone();
        async move {
            let (body, _) = app.graphql_as(&editor, query, variables).await;
            let data = data(&body).as_object().unwrap().clone();
            data.into_iter().next().unwrap().1
        }
    };
    let actor = run(CREATE_ACTOR, actor_input("Alle Typer AS", json!([]))).await;
    let funder = run(
        "mutation { createFunder(input: {name: \"Testfondet\", kind: FOUNDATION, country: \"NO\", originalLang: \"nb\"}) { id version slug } }",
        json!({}),
    )
    .await;
    let project = run(
        "mutation { createProject(input: {name: \"Tangprosjektet\", status: PLANNED, originalLang: \"nb\", themes: [\"blue-bioeconomy\"], startDate: \"2025-01-01\"}) { id version slug themes { slug } } }",
        json!({}),
    )
    .await;
    assert_eq!(project["themes"][0]["slug"], "blue-bioeconomy");
    let case_study = run(
        "mutation($p: ID!) { createCaseStudy(input: {title: \"Tangparken\", kind: INDUSTRIAL_PARK, place: \"Bodø\", country: \"NO\", latitude: 67.28, longitude: 14.4, status: PLANNED, originalLang: \"nb\", summary: [{lang: \"nb\", text: \"Tang blir fôr\"}], projectIds: [$p], sources: [{url: \"https://example.org/tang\", title: \"Kilde\"}]}) { id version slug } }",
        json!({ "p": project["id"] }),
    )
    .await;
    let funding = run(
        "mutation($f: ID!, $p: ID!) { createFunding(input: {funderId: $f, projectId: $p, amount: 1500000, currency: \"NOK\", programme: \"Grønn plattform\"}) { id version amount } }",
        json!({ "f": funder["id"], "p": project["id"] }),
    )
    .await;
    let role = run(
        "mutation($c: ID!, $a: ID!) { createCaseStudyActor(input: {caseStudyId: $c, actorId: $a, role: OPERATOR}) { id version role } }",
        json!({ "c": case_study["id"], "a": actor["id"] }),
    )
    .await;
    let flow = run(
        "mutation($c: ID!, $a: ID!) { createResourceFlow(input: {caseStudyId: $c, fromActorId: $a, resource: \"tare\", category: BY_PRODUCT, quantity: 1200, unit: \"t/yr\", status: PLANNED, originalLang: \"nb\"}) { id version quantity } }",
        json!({ "c": case_study["id"], "a": actor["id"] }),
    )
    .await;
    let impact = run(
        "mutation($c: ID!) { createImpactFigure(input: {caseStudyId: $c, metric: \"co2_avoided\", value: 300, unit: \"t CO2/yr\"}) { id version value } }",
        json!({ "c": case_study["id"] }),
    )
    .await;

    // Updates: each changes one field and bumps the version.
    let updated = run(
        "mutation($id: ID!, $v: Int!) { updateCaseStudy(id: $id, expectedVersion: $v, patch: {title: \"Tangparken Bodø\", establishedYear: 2025, themes: [\"blue-bioeconomy\"]}) { title version establishedYear themes { slug } } }",
        json!({ "id": case_study["id"], "v": 4 }),
    )
    .await;
    // Version 4: created (1), then the role, the flow and the impact figure each bumped it.
    assert_eq!(updated["title"], "Tangparken Bodø");
    assert_eq!(updated["version"], 5);
    assert_eq!(updated["themes"][0]["slug"], "blue-bioeconomy");
    let updated = run(
        "mutation($id: ID!) { updateProject(id: $id, expectedVersion: 2, patch: {status: ONGOING, acronym: \"TANG\"}) { status acronym version } }",
        json!({ "id": project["id"] }),
    )
    .await;
    assert_eq!(
        (updated["status"].as_str(), updated["version"].as_i64()),
        (Some("ONGOING"), Some(3))
    );
    let updated = run(
        "mutation($id: ID!) { updateFunder(id: $id, expectedVersion: 2, patch: {website: \"https://fond.example\"}) { website version } }",
        json!({ "id": funder["id"] }),
    )
    .await;
    assert_eq!(updated["version"], 3);
    let updated = run(
        "mutation($id: ID!) { updateFunding(id: $id, expectedVersion: 1, patch: {amount: 2000000, programme: null}) { amount programme version } }",
        json!({ "id": funding["id"] }),
    )
    .await;
    assert_eq!(
        (updated["amount"].as_f64(), updated["programme"].is_null()),
        (Some(2_000_000.0), true)
    );
    let updated = run(
        "mutation($id: ID!) { updateCaseStudyActor(id: $id, expectedVersion: 1, patch: {role: FACILITATOR}) { role version } }",
        json!({ "id": role["id"] }),
    )
    .await;
    assert_eq!(updated["role"], "FACILITATOR");
    let updated = run(
        "mutation($id: ID!) { updateResourceFlow(id: $id, expectedVersion: 1, patch: {status: ACTIVE, description: [{lang: \"nb\", text: \"Tare fra stranda\"}]}) { status version description { text } } }",
        json!({ "id": flow["id"] }),
    )
    .await;
    assert_eq!(updated["description"]["text"], "Tare fra stranda");
    let updated = run(
        "mutation($id: ID!) { updateImpactFigure(id: $id, expectedVersion: 1, patch: {value: 450, note: \"estimate\"}) { value note version } }",
        json!({ "id": impact["id"] }),
    )
    .await;
    assert_eq!(updated["value"], 450.0);

    // Deletes, parts first.
    for (mutation, id, version) in [
        (
            "mutation($id: ID!, $v: Int!) { deleteImpactFigure(id: $id, expectedVersion: $v) { id } }",
            &impact["id"],
            2,
        ),
        (
            "mutation($id: ID!, $v: Int!) { deleteResourceFlow(id: $id, expectedVersion: $v) { id } }",
            &flow["id"],
            2,
        ),
        (
            "mutation($id: ID!, $v: Int!) { deleteCaseStudyActor(id: $id, expectedVersion: $v) { id } }",
            &role["id"],
            2,
        ),
        (
            "mutation($id: ID!, $v: Int!) { deleteFunding(id: $id, expectedVersion: $v) { id } }",
            &funding["id"],
            2,
        ),
    ] {
        let deleted = run(mutation, json!({ "id": id, "v": version })).await;
        assert_eq!(&deleted["id"], id);
    }
    let (body, _) = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on CaseStudy { version } } }",
            json!({ "id": case_study["id"] }),
        )
        .await;
    let version = data(&body)["node"]["version"].clone();
    run(
        "mutation($id: ID!, $v: Int!) { deleteCaseStudy(id: $id, expectedVersion: $v) { id } }",
        json!({ "id": case_study["id"], "v": version }),
    )
    .await;
    let (body, _) = app
        .graphql("query($p: ID!, $f: ID!) { p: node(id: $p) { ... on Project { version } } f: node(id: $f) { ... on Funder { version } } }", json!({ "p": project["id"], "f": funder["id"] }))
        .await;
    let versions = data(&body).clone();
    run(
        "mutation($id: ID!, $v: Int!) { deleteProject(id: $id, expectedVersion: $v) { id } }",
        json!({ "id": project["id"], "v": versions["p"]["version"] }),
    )
    .await;
    run(
        "mutation($id: ID!, $v: Int!) { deleteFunder(id: $id, expectedVersion: $v) { id } }",
        json!({ "id": funder["id"], "v": versions["f"]["version"] }),
    )
    .await;
    let (body, _) = app
        .graphql(
            "query($c: ID!) { node(id: $c) { id } }",
            json!({ "c": case_study["id"] }),
        )
        .await;
    assert!(data(&body)["node"].is_null());
}
backend_test!(every_record_type_is_created_updated_and_deleted);

/// What a partner's item leaves out is kept: an editor's website stays, and descriptions
/// merge by language.
async fn partner_upserts_keep_what_they_do_not_send(app: &TestApp) {
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql_as(&partner, UPSERT, json!({ "scheme": "NO-BRC", "items": [upsert_item("940000001", "Havbruk AS", Some(1))] }))
        .await;
    let id = data(&body)["upsertActors"]["items"][0]["id"].clone();
    let (body, _) = app
        .graphql_as(
            &editor,
            UPDATE_ACTOR,
            json!({ "id": id, "v": 1, "patch": {
                "website": "https://havbruk.example",
                "description": [
                    { "lang": "nb", "text": "Havbruk AS foredler sidestrømmer" },
                    { "lang": "en", "text": "Havbruk refines side streams" },
                ],
            }}),
        )
        .await;
    assert_eq!(data(&body)["updateActor"]["version"], 2);
    let mut item = upsert_item("940000001", "Havbruk Norge AS", Some(2));
    item["description"] =
        json!([{ "lang": "nb", "text": "Havbruk Norge AS lager fôr av sidestrømmer" }]);
    let (body, _) = app
        .graphql_as(
            &partner,
            UPSERT,
            json!({ "scheme": "NO-BRC", "items": [item] }),
        )
        .await;
    assert_eq!(data(&body)["upsertActors"]["items"][0]["status"], "UPDATED");
    let (body, _) = app
        .graphql("query($id: ID!) { node(id: $id) { ... on Actor { name website descriptionTranslations { lang text } } } }", json!({ "id": id }))
        .await;
    let actor = &data(&body)["node"];
    assert_eq!(actor["name"], "Havbruk Norge AS");
    assert_eq!(actor["website"], "https://havbruk.example");
    let texts: Vec<(String, String)> = actor["descriptionTranslations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["lang"].as_str().unwrap().to_owned(),
                t["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        texts.contains(&("en".to_owned(), "Havbruk refines side streams".to_owned())),
        "{texts:?}"
    );
    assert!(
        texts.contains(&(
            "nb".to_owned(),
            "Havbruk Norge AS lager fôr av sidestrømmer".to_owned()
        )),
        "{texts:?}"
    );
    // An explicit null clears the website.
    let mut item = upsert_item("940000001", "Havbruk Norge AS", Some(3));
    item["description"] =
        json!([{ "lang": "nb", "text": "Havbruk Norge AS lager fôr av sidestrømmer" }]);
    item["website"] = Value::Null;
    app.graphql_as(
        &partner,
        UPSERT,
        json!({ "scheme": "NO-BRC", "items": [item] }),
    )
    .await;
    let (body, _) = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Actor { website } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(data(&body)["node"]["website"].is_null());
}
backend_test!(partner_upserts_keep_what_they_do_not_send);
