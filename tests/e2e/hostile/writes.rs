//! Hostile input: writes and filters. Control characters in every kind of text, lists over
//! their maxima, and concurrent writes of the same unique values are each answered with a
//! caller code naming the field (never `INTERNAL`), on SQLite and PostgreSQL; a partner
//! key cannot delete what another scheme identifies. After each attack the server still
//! answers a normal query.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use symbios_entity::vocabulary::Role;
use symbios_entity::{actor, change_log, external_identifier};
use tokio::sync::Barrier;

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code};
use crate::writes::UPSERT;

/// Clients started together in the concurrency tests.
const CLIENTS: usize = 16;

const CREATE_ACTOR: &str = "mutation($input: CreateActorInput!) {
    createActor(input: $input) { id slug version }
}";

fn actor_input(name: &str) -> Value {
    json!({
        "name": name, "kind": "COMPANY", "country": "NO", "originalLang": "nb",
        "description": [{ "lang": "nb", "text": "Tørker tang til fôr" }],
    })
}

fn upsert_item(external_id: &str, name: &str) -> Value {
    json!({
        "externalId": external_id, "name": name, "kind": "COMPANY", "country": "NO",
        "originalLang": "nb", "description": [{ "lang": "nb", "text": "Foredler tang" }],
    })
}

/// The `extensions.field` of the first error.
fn error_field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or("<none>")
}

/// Asserts that `body` is refused with `BAD_USER_INPUT` naming `field`, for a reason that
/// contains `reason`.
#[track_caller]
fn assert_refused(body: &Value, field: &str, reason: &str) {
    assert_eq!(first_error_code(body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(error_field(body), field, "{body:#}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(reason),
        "{message:?} should say {reason:?}"
    );
}

/// The server still answers a normal query after an attack.
async fn still_answers(app: &TestApp) {
    let (body, _) = app
        .graphql("{ actors(first: 1) { totalCount } }", json!({}))
        .await;
    assert!(
        data(&body)["actors"]["totalCount"].as_u64().unwrap_or(0) > 0,
        "{body}"
    );
}

async fn control_characters_in_writes_name_the_field(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let controls = "holds the control character";
    let create = |input: Value| json!({ "input": input });
    let mut input = actor_input("a\u{0}b");
    let (body, _) = app.graphql_as(&editor, CREATE_ACTOR, create(input)).await;
    assert_refused(&body, "name", "U+0000 at character 2");

    let cases = [
        ("slug", json!("tang\u{0}"), "slug"),
        ("name", json!("Tang\u{85}verket"), "name"),
        ("website", json!("https://tang.example/\u{0}"), "website"),
        (
            "description",
            json!([{ "lang": "nb", "text": "ringer\u{7}" }]),
            "description.nb",
        ),
        (
            "identifiers",
            json!([{ "scheme": "NO-BRC", "value": "9\u{0}" }]),
            "identifiers[0].value",
        ),
    ];
    for (key, value, field) in cases {
        input = actor_input("Tangverket AS");
        input[key] = value;
        let (body, _) = app.graphql_as(&editor, CREATE_ACTOR, create(input)).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{key}: {body:#}");
        assert_eq!(error_field(&body), field, "{body:#}");
        assert!(body.to_string().contains(controls), "{body}");
    }

    // Long texts keep line breaks and tabs.
    input = actor_input("Tangverket AS");
    input["description"] =
        json!([{ "lang": "nb", "text": "Første avsnitt.\r\n\n\tAndre avsnitt." }]);
    let (body, _) = app.graphql_as(&editor, CREATE_ACTOR, create(input)).await;
    let created = data(&body)["createActor"].clone();

    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($id: ID!, $patch: ActorPatchInput!) {
                updateActor(id: $id, expectedVersion: 1, patch: $patch) { version } }",
            json!({ "id": created["id"], "patch": { "name": "Tang\nverket" } }),
        )
        .await;
    assert_refused(&body, "name", controls);

    let (body, _) = app
        .graphql_as(
            &editor,
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
            json!({ "input": {
                "name": "Tang", "status": "ONGOING", "originalLang": "nb",
                "themes": ["industrial-symbiosis\u{0}"],
            }}),
        )
        .await;
    assert_refused(&body, "themes[0]", controls);

    let (body, _) = app
        .graphql_as(
            &partner,
            UPSERT,
            json!({ "scheme": "NO-BRC", "items": [upsert_item("910000001", "Fisk")], "key": "k\u{0}" }),
        )
        .await;
    assert_refused(&body, "idempotencyKey", controls);

    let items = json!([
        upsert_item("9100\u{0}02", "Fisk"),
        upsert_item("910000003", "Fisk\u{0}"),
        upsert_item("910000004", "Fisk AS"),
    ]);
    let (body, _) = app
        .graphql_as(
            &partner,
            UPSERT,
            json!({ "scheme": "NO-BRC", "items": items }),
        )
        .await;
    let result = &data(&body)["upsertActors"];
    assert_eq!(result["rejected"], 2, "{result:#}");
    assert_eq!(result["created"], 1, "{result:#}");
    assert_eq!(result["items"][0]["errors"][0]["field"], "externalId");
    assert_eq!(result["items"][1]["errors"][0]["field"], "name");
    still_answers(app).await;
}

backend_test!(control_characters_in_writes_name_the_field);

async fn control_characters_in_reads_name_the_argument(app: &TestApp) {
    let filters = [
        (
            "actors",
            json!({ "nameContains": "orsted\u{0}" }),
            "filter.nameContains",
        ),
        (
            "actors",
            json!({ "scheme": ["NO-BRC\u{0}"] }),
            "filter.scheme",
        ),
        (
            "caseStudies",
            json!({ "theme": ["x\u{0}"] }),
            "filter.theme",
        ),
        ("projects", json!({ "theme": ["x\u{1b}"] }), "filter.theme"),
        (
            "funders",
            json!({ "nameContains": "\u{9b}" }),
            "filter.nameContains",
        ),
    ];
    for (list, filter, field) in filters {
        let filter_type = match list {
            "caseStudies" => "CaseStudyFilter",
            "projects" => "ProjectFilter",
            "funders" => "FunderFilter",
            _ => "ActorFilter",
        };
        let query =
            format!("query($filter: {filter_type}) {{ {list}(filter: $filter) {{ totalCount }} }}");
        let (body, _) = app.graphql(&query, json!({ "filter": filter })).await;
        assert_refused(&body, field, "control character");
    }
    for lookup in ["caseStudy", "project", "actor", "funder", "theme"] {
        let query = format!("query($slug: String!) {{ {lookup}(slug: $slug) {{ id }} }}");
        let (body, _) = app
            .graphql(&query, json!({ "slug": "kalundborg\u{0}" }))
            .await;
        assert_refused(&body, "slug", "U+0000");
        // A slug that cannot exist finds nothing.
        let (body, _) = app.graphql(&query, json!({ "slug": "Not A Slug" })).await;
        assert_eq!(data(&body)[lookup], Value::Null, "{body}");
    }

    // A forged list cursor whose sort key holds a NUL.
    let forged = base64_url(
        br#"{"o":"name_asc","k":{"text":"a\u0000"},"i":"00000000-0000-0000-0000-000000000000"}"#,
    );
    let (body, _) = app
        .graphql(
            "query($after: String) { actors(after: $after) { totalCount } }",
            json!({ "after": forged }),
        )
        .await;
    assert_refused(&body, "after", "not a cursor");
    still_answers(app).await;
}

backend_test!(control_characters_in_reads_name_the_argument);

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Every country code the API accepts: the ISO 3166-1 alpha-2 codes and `EU`.
fn every_country() -> Vec<String> {
    let mut codes = Vec::new();
    for first in b'A'..=b'Z' {
        for second in b'A'..=b'Z' {
            let code = String::from_utf8(vec![first, second]).unwrap();
            if symbios::service::validate::country("country", &code).is_ok() {
                codes.push(code);
            }
        }
    }
    codes
}

/// `count` different well-formed slugs or schemes.
fn different(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|n| format!("{prefix}-{n}")).collect()
}

async fn lists_over_their_maxima_name_the_field_and_the_maximum(app: &TestApp) {
    let countries = every_country();
    assert_eq!(countries.len(), 251, "249 ISO 3166-1 codes, XK and EU");
    let list_query = |list: &str, filter_type: &str| {
        format!("query($filter: {filter_type}) {{ {list}(filter: $filter) {{ totalCount }} }}")
    };
    for (list, filter_type) in [
        ("caseStudies", "CaseStudyFilter"),
        ("projects", "ProjectFilter"),
        ("actors", "ActorFilter"),
        ("funders", "FunderFilter"),
    ] {
        let query = list_query(list, filter_type);
        let (body, _) = app
            .graphql(&query, json!({ "filter": { "country": countries } }))
            .await;
        assert!(
            data(&body)[list]["totalCount"].as_u64().unwrap() > 0,
            "{body}"
        );
        let mut over = countries.clone();
        over.push("XX".to_owned());
        let (body, _) = app
            .graphql(&query, json!({ "filter": { "country": over } }))
            .await;
        assert_refused(&body, "filter.country", "at most 251");
        // Repeats are folded: 500 copies of one country are one country.
        let (body, _) = app
            .graphql(&query, json!({ "filter": { "country": vec!["SE"; 500] } }))
            .await;
        data(&body);
    }
    for (list, filter_type, field, max) in [
        ("caseStudies", "CaseStudyFilter", "theme", 100),
        ("projects", "ProjectFilter", "theme", 100),
        ("actors", "ActorFilter", "scheme", 100),
    ] {
        let query = list_query(list, filter_type);
        let (body, _) = app
            .graphql(&query, json!({ "filter": { field: different("x", max) } }))
            .await;
        assert_eq!(data(&body)[list]["totalCount"], 0, "{body}");
        let (body, _) = app
            .graphql(
                &query,
                json!({ "filter": { field: different("x", max + 1) } }),
            )
            .await;
        assert_refused(&body, &format!("filter.{field}"), &format!("at most {max}"));
    }
    // A vocabulary value repeated 500 times folds to one.
    for (query, repeated) in [
        (
            "query($values: [ActorKind!]) { actors(filter: { kind: $values }) { totalCount } }",
            "COMPANY",
        ),
        (
            "query($values: [ChangeEntityType!]) { changes(types: $values, first: 1) { pageInfo { hasNextPage } } }",
            "ACTOR",
        ),
    ] {
        let (body, _) = app
            .graphql(query, json!({ "values": vec![repeated; 500] }))
            .await;
        data(&body);
    }

    // The search filter, bounded in the search crate.
    app.wait_indexed().await;
    let search = "query($filter: SearchFilter, $types: [SearchType!]) {
        search(query: \"\", filter: $filter, types: $types) { totalCount } }";
    let (body, _) = app
        .graphql(
            search,
            json!({ "filter": { "country": vec!["SE"; 500] }, "types": vec!["ACTOR"; 500] }),
        )
        .await;
    assert!(
        data(&body)["search"]["totalCount"].as_u64().unwrap() > 0,
        "{body}"
    );
    let over_countries = different("C", 252);
    let searches = [
        (
            json!({ "country": over_countries }),
            "filter.country",
            "at most 251",
        ),
        (
            json!({ "theme": different("t", 101) }),
            "filter.theme",
            "at most 100",
        ),
        (
            json!({ "lang": different("l", 9) }),
            "filter.lang",
            "at most 8",
        ),
    ];
    for (filter, field, reason) in searches {
        let (body, _) = app.graphql(search, json!({ "filter": filter })).await;
        assert_refused(&body, field, reason);
    }
    still_answers(app).await;
}

backend_test!(lists_over_their_maxima_name_the_field_and_the_maximum);

async fn write_lists_over_their_maxima_name_the_field_and_the_maximum(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let identifiers = |count: usize| -> Vec<Value> {
        different("scheme", count)
            .into_iter()
            .map(|scheme| json!({ "scheme": scheme, "value": "1" }))
            .collect()
    };
    let mut input = actor_input("Mange Id AS");
    input["identifiers"] = json!(identifiers(51));
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, json!({ "input": input }))
        .await;
    assert_refused(&body, "identifiers", "at most 50");
    input["identifiers"] = json!(identifiers(50));
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, json!({ "input": input }))
        .await;
    data(&body);

    let mut texts: Vec<Value> = ["sv", "nb", "nn", "da", "nl", "en", "de", "fi", "xx"]
        .iter()
        .map(|lang| json!({ "lang": lang, "text": "tekst" }))
        .collect();
    input = actor_input("Mange Språk AS");
    input["description"] = json!(texts);
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, json!({ "input": input }))
        .await;
    assert_refused(&body, "description", "at most 8");
    texts.pop();
    input["description"] = json!(texts);
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, json!({ "input": input }))
        .await;
    data(&body);

    let create_project =
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }";
    let project = |themes: Vec<String>| json!({ "input": { "name": "Tema", "status": "ONGOING", "originalLang": "nb", "themes": themes } });
    let (body, _) = app
        .graphql_as(&editor, create_project, project(different("tema", 101)))
        .await;
    assert_refused(&body, "themes", "at most 100");
    // At the maximum the list is checked against the vocabulary instead.
    let (body, _) = app
        .graphql_as(&editor, create_project, project(different("tema", 100)))
        .await;
    assert_refused(&body, "themes", "there is no theme");
    // Repeats are folded.
    let (body, _) = app
        .graphql_as(
            &editor,
            create_project,
            project(vec!["industrial-symbiosis".to_owned(); 500]),
        )
        .await;
    data(&body);
    still_answers(app).await;
}

backend_test!(write_lists_over_their_maxima_name_the_field_and_the_maximum);

/// Runs `request` from [`CLIENTS`] tasks released together by a barrier; returns the
/// bodies in task order.
async fn all_at_once<F, Fut>(request: F) -> Vec<Value>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Value> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let barrier = Arc::clone(&barrier);
        let call = request(client);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            call.await
        }));
    }
    let mut bodies = Vec::new();
    for task in tasks {
        bodies.push(task.await.expect("client task"));
    }
    bodies
}

/// A request to send from a client task.
fn send(
    app: &TestApp,
    key: &str,
    query: &'static str,
    variables: Value,
) -> impl std::future::Future<Output = Value> + Send + 'static {
    let client = app.client.clone();
    let url = format!("{}/graphql", app.base_url);
    let authorization = format!("Bearer {key}");
    async move {
        client
            .post(url)
            .header("authorization", authorization)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request is sent")
            .json::<Value>()
            .await
            .expect("JSON response")
    }
}

async fn actors_with_identifier(app: &TestApp, value: &str) -> Vec<external_identifier::Model> {
    external_identifier::Entity::find()
        .filter(external_identifier::Column::Scheme.eq("NO-BRC"))
        .filter(external_identifier::Column::Value.eq(value))
        .all(&app.db)
        .await
        .unwrap()
}

async fn concurrent_calls_with_one_idempotency_key_replay_one_answer(app: &TestApp) {
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let items = json!([
        upsert_item("920000001", "Samtidig Fisk AS"),
        upsert_item("920000002", "Samtidig Tang AS"),
    ]);
    let variables = json!({ "scheme": "NO-BRC", "items": items, "key": "sync-race" });
    let changes_before = change_log::Entity::find().count(&app.db).await.unwrap();
    let bodies = all_at_once(|_| send(app, &partner, UPSERT, variables.clone())).await;
    let results: Vec<&Value> = bodies
        .iter()
        .map(|body| &data(body)["upsertActors"])
        .collect();
    let written: Vec<&&Value> = results
        .iter()
        .filter(|result| result["replayed"] == false)
        .collect();
    assert_eq!(
        written.len(),
        1,
        "one call writes, the others replay: {results:#?}"
    );
    for result in &results {
        assert_eq!(result["created"], 2, "{result:#}");
        assert_eq!(result["items"], written[0]["items"], "the same answer");
    }
    for value in ["920000001", "920000002"] {
        assert_eq!(actors_with_identifier(app, value).await.len(), 1);
    }
    let changes_after = change_log::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(changes_after - changes_before, 2, "the write happened once");
    still_answers(app).await;
}

backend_test!(concurrent_calls_with_one_idempotency_key_replay_one_answer);

async fn concurrent_upserts_of_one_external_id_make_one_actor(app: &TestApp) {
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let bodies = all_at_once(|client| {
        // Different keys (or none): nothing to replay, each call writes or finds the actor.
        let key = (client % 2 == 0).then(|| format!("client-{client}"));
        let variables = json!({
            "scheme": "NO-BRC", "items": [upsert_item("930000001", "Kappløp AS")], "key": key,
        });
        send(app, &partner, UPSERT, variables)
    })
    .await;
    let mut statuses: Vec<String> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for body in &bodies {
        let item = &data(body)["upsertActors"]["items"][0];
        statuses.push(item["status"].as_str().unwrap().to_owned());
        ids.insert(item["id"].to_string());
    }
    statuses.sort();
    let mut expected = vec!["CREATED".to_owned()];
    expected.extend(vec!["UNCHANGED".to_owned(); CLIENTS - 1]);
    assert_eq!(statuses, expected, "as if the calls ran one after another");
    assert_eq!(ids.len(), 1, "every call names the same actor: {ids:?}");
    assert_eq!(actors_with_identifier(app, "930000001").await.len(), 1);
    still_answers(app).await;
}

backend_test!(concurrent_upserts_of_one_external_id_make_one_actor);

/// Asserts that exactly one of the concurrent creates in `bodies` succeeded and every other
/// one was refused on `field` with `reason`.
fn one_created_the_rest_refused(bodies: &[Value], field: &str, reason: &str) {
    let created = bodies
        .iter()
        .filter(|body| body.get("errors").is_none())
        .count();
    assert_eq!(created, 1, "{bodies:#?}");
    for body in bodies.iter().filter(|body| body.get("errors").is_some()) {
        assert_refused(body, field, reason);
    }
}

async fn concurrent_creates_of_one_id_or_slug_give_one_actor(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let id = uuid::Uuid::new_v4().to_string();
    let bodies = all_at_once(|client| {
        let mut input = actor_input(&format!("Samme Id {client}"));
        input["id"] = json!(id);
        send(app, &editor, CREATE_ACTOR, json!({ "input": input }))
    })
    .await;
    one_created_the_rest_refused(&bodies, "id", "exists already");

    let bodies = all_at_once(|client| {
        let mut input = actor_input(&format!("Samme Slug {client}"));
        input["slug"] = json!("samme-slug");
        send(app, &editor, CREATE_ACTOR, json!({ "input": input }))
    })
    .await;
    one_created_the_rest_refused(&bodies, "slug", "is taken");

    // One name, slugs made from it: each create gets a slug of its own.
    let bodies = all_at_once(|_| {
        send(
            app,
            &editor,
            CREATE_ACTOR,
            json!({ "input": actor_input("Samme Navn AS") }),
        )
    })
    .await;
    let slugs: std::collections::HashSet<String> = bodies
        .iter()
        .map(|body| {
            data(body)["createActor"]["slug"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(slugs.len(), CLIENTS, "{slugs:?}");
    let named = actor::Entity::find()
        .filter(actor::Column::Name.eq("Samme Navn AS"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(named as usize, CLIENTS);
    still_answers(app).await;
}

backend_test!(concurrent_creates_of_one_id_or_slug_give_one_actor);

async fn partner_delete_of_a_mixed_scheme_actor_is_forbidden(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let partner = app.create_key("brreg", Role::Partner, Some("NO-BRC")).await;
    let mut input = actor_input("Blandet AS");
    input["identifiers"] = json!([
        { "scheme": "NO-BRC", "value": "940000001" },
        { "scheme": "wikidata", "value": "Q940000001" },
    ]);
    let (body, _) = app
        .graphql_as(&editor, CREATE_ACTOR, json!({ "input": input }))
        .await;
    let mixed = data(&body)["createActor"]["id"].clone();
    let delete = "mutation($id: ID!) { deleteActor(id: $id, expectedVersion: 1) { id } }";
    let (body, status) = app
        .graphql_as(&partner, delete, json!({ "id": mixed }))
        .await;
    assert_eq!(first_error_code(&body), "FORBIDDEN", "{body:#}");
    assert_eq!(status, 403);
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("wikidata"), "{message}");
    let (body, _) = app
        .graphql(
            "query($id: ID!) { actor(id: $id) { identifiers { scheme value } } }",
            json!({ "id": mixed }),
        )
        .await;
    assert_eq!(
        data(&body)["actor"]["identifiers"].as_array().map(Vec::len),
        Some(2),
        "the actor and both identifiers are intact: {body}"
    );

    // An actor identified under the partner's scheme alone is the partner's to delete.
    let mut input = actor_input("Eget AS");
    input["identifiers"] = json!([{ "scheme": "NO-BRC", "value": "940000002" }]);
    let (body, _) = app
        .graphql_as(&partner, CREATE_ACTOR, json!({ "input": input }))
        .await;
    let own = data(&body)["createActor"]["id"].clone();
    let (body, _) = app.graphql_as(&partner, delete, json!({ "id": own })).await;
    data(&body);
    still_answers(app).await;
}

backend_test!(partner_delete_of_a_mixed_scheme_actor_is_forbidden);
