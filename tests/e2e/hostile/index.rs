//! Hostile input: the search index against a database it does not belong to, or damaged on
//! disk. `serve` keeps an index only when it was built from this database, is not ahead of it
//! and reads cleanly; otherwise it moves the folder aside (`index.replaced-…`,
//! `index.broken-…`), starts anyway and rebuilds, so search equals the database again.
//! `/readyz` reports the lag at the time of the call.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use symbios::service::change_log::last_seq;
use symbios::service::dataset::{Records, insert_missing_records};
use symbios::service::text::fold;
use symbios_entity::vocabulary::{EntityType, Role};
use symbios_entity::{
    actor, case_study, change_log, funder, localized_text, project, resource_flow,
};
use uuid::Uuid;

use crate::backend_test;
use crate::common::{
    KeptData, TestApp, company, data, poll_until, restart, restart_with_fresh_database,
};

/// Defines a test that runs `async fn $name(app: TestApp) -> TestApp` (it may stop and
/// restart the app) on SQLite and on PostgreSQL.
macro_rules! restart_test {
    ($name:ident) => {
        backend_test!($name, super::$name);
    };
}

const CREATE_ACTOR: &str =
    "mutation($input: CreateActorInput!) { createActor(input: $input) { id } }";

/// Creates an actor named `name` through the API; returns its id.
async fn create_actor(app: &TestApp, key: &str, name: &str) -> Uuid {
    let input = json!({ "input": {
        "name": name, "kind": "COMPANY", "country": "NO", "originalLang": "nb",
        "description": [{ "lang": "nb", "text": "Komposterer slam fra fiskeoppdrett" }],
    }});
    let (body, _) = app.graphql_as(key, CREATE_ACTOR, input).await;
    data(&body)["createActor"]["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an actor id: {body}"))
}

/// Hits of `query` in the search.
async fn hits(app: &TestApp, query: &str) -> u64 {
    let (body, _) = app
        .graphql(
            "query($q: String!) { search(query: $q, first: 1) { totalCount } }",
            json!({ "q": query }),
        )
        .await;
    data(&body)["search"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("a total count: {body}"))
}

/// Records in the database that the index should hold (and that a search without `types`
/// finds).
async fn searchable_records(db: &impl ConnectionTrait) -> u64 {
    case_study::Entity::find().count(db).await.unwrap()
        + project::Entity::find().count(db).await.unwrap()
        + actor::Entity::find().count(db).await.unwrap()
        + funder::Entity::find().count(db).await.unwrap()
}

/// Documents the index should hold: the records, and the resource flows.
async fn indexed_documents(db: &impl ConnectionTrait) -> u64 {
    searchable_records(db).await + resource_flow::Entity::find().count(db).await.unwrap()
}

async fn readyz(app: &TestApp) -> (u16, Value) {
    let response = app.get("/readyz").await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON readiness"))
}

/// Polls `/readyz` until it says ready with nothing pending (fails after 60 s).
async fn wait_ready(app: &TestApp) -> Value {
    poll_until(
        Duration::from_secs(60),
        Duration::from_millis(20),
        "never ready",
        async || {
            let (status, body) = readyz(app).await;
            if status == 200 && body["status"] == "ready" && body["index"]["lag"] == 0 {
                Ok(body)
            } else {
                Err(format!("{status} {body}"))
            }
        },
    )
    .await
}

/// Asserts that search holds exactly the database's records, and `/readyz` says so.
async fn assert_index_equals_database(app: &TestApp) {
    let readiness = wait_ready(app).await;
    let expected = searchable_records(&app.db).await;
    assert_eq!(
        readiness["index"]["lastAppliedSeq"].as_i64(),
        Some(last_seq(&app.db).await.unwrap()),
        "{readiness}"
    );
    assert_eq!(
        readiness["index"]["documents"].as_u64(),
        Some(indexed_documents(&app.db).await),
        "{readiness}"
    );
    assert_eq!(hits(app, "").await, expected);
    assert!(
        hits(app, "Kalundborg").await > 0,
        "seeded records are found"
    );
}

/// The folders set aside beside the index, as `index.<label>-…`.
fn set_aside(data_dir: &Path, label: &str) -> Vec<String> {
    let prefix = format!("index.{label}-");
    std::fs::read_dir(data_dir)
        .expect("list the data folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

restart_test!(a_replaced_database_gets_an_index_of_its_own);
async fn a_replaced_database_gets_an_index_of_its_own(app: TestApp) -> TestApp {
    let key = app.create_key("editor", Role::Editor, None).await;
    // The old database has records the new one will not, and more changes (so its index is
    // ahead of the new database, as in the report).
    for name in [
        "Zyxwolde Kompost AS",
        "Zyxwolde Slam AS",
        "Zyxwolde Fisk AS",
    ] {
        create_actor(&app, &key, name).await;
    }
    app.wait_indexed().await;
    assert_eq!(hits(&app, "Zyxwolde").await, 3);

    let app = restart_with_fresh_database(app.stop_keeping_data().await).await;
    assert_eq!(set_aside(app.data_dir(), "replaced").len(), 1);
    assert_index_equals_database(&app).await;
    assert_eq!(
        hits(&app, "Zyxwolde").await,
        0,
        "the old database's records are gone"
    );
    let key = app.create_key("editor", Role::Editor, None).await;
    create_actor(&app, &key, "Qorbatin Tare AS").await;
    app.wait_indexed().await;
    assert_eq!(
        hits(&app, "Qorbatin").await,
        1,
        "the new database's records are found"
    );
    assert_index_equals_database(&app).await;
    app
}

/// Takes the kept database back to its change `seq`, as restoring an older copy would: the
/// actor `id` written after it is gone, and so are the later changes (the sequence restarts
/// after `seq`). Its identity stays.
async fn restore_older_copy(kept: &KeptData, seq: i64, id: Uuid) {
    let db = kept.connect().await;
    localized_text::Entity::delete_many()
        .filter(localized_text::Column::EntityType.eq(EntityType::Actor))
        .filter(localized_text::Column::EntityId.eq(id))
        .exec(&db)
        .await
        .unwrap();
    actor::Entity::delete_by_id(id).exec(&db).await.unwrap();
    change_log::Entity::delete_many()
        .filter(change_log::Column::Seq.gt(seq))
        .exec(&db)
        .await
        .unwrap();
    let reset = match db.get_database_backend() {
        DbBackend::Postgres => {
            format!("SELECT setval(pg_get_serial_sequence('change_log', 'seq'), {seq})")
        }
        _ => format!("UPDATE sqlite_sequence SET seq = {seq} WHERE name = 'change_log'"),
    };
    db.execute_unprepared(&reset).await.unwrap();
    db.close().await.unwrap();
}

/// Writes an actor after a backup point, stops the app and restores the database to that
/// point: the index is then ahead of it. Returns the kept data, an editor key and the backup
/// point's change.
async fn stop_and_restore_a_backup(app: TestApp) -> (KeptData, String, i64) {
    let key = app.create_key("editor", Role::Editor, None).await;
    let backed_up_at = last_seq(&app.db).await.unwrap();
    let later = create_actor(&app, &key, "Zyxwolde Senere AS").await;
    app.wait_indexed().await;
    let kept = app.stop_keeping_data().await;
    restore_older_copy(&kept, backed_up_at, later).await;
    (kept, key, backed_up_at)
}

restart_test!(an_index_ahead_of_its_database_is_rebuilt);
async fn an_index_ahead_of_its_database_is_rebuilt(app: TestApp) -> TestApp {
    let (kept, key, _) = stop_and_restore_a_backup(app).await;
    let app = restart(kept).await;
    assert_eq!(set_aside(app.data_dir(), "replaced").len(), 1);
    assert_index_equals_database(&app).await;
    assert_eq!(
        hits(&app, "Zyxwolde").await,
        0,
        "the record after the backup is gone"
    );
    // Its change number is taken again: the index must not believe it applied it already.
    create_actor(&app, &key, "Qorbatin Etter AS").await;
    app.wait_indexed().await;
    assert_eq!(hits(&app, "Qorbatin").await, 1);
    app
}

restart_test!(a_restored_database_written_to_before_the_restart_is_detected);
async fn a_restored_database_written_to_before_the_restart_is_detected(app: TestApp) -> TestApp {
    // Restored, then written to (an import while the server was down): the database's change
    // number is the index's again, but it is another change.
    let (kept, _, backed_up_at) = stop_and_restore_a_backup(app).await;
    let db = kept.connect().await;
    insert_missing_records(&db, &bulk_actors("Qorbatin Direkte", 1), Utc::now())
        .await
        .unwrap();
    assert_eq!(last_seq(&db).await.unwrap(), backed_up_at + 1);
    db.close().await.unwrap();

    let app = restart(kept).await;
    assert_eq!(set_aside(app.data_dir(), "replaced").len(), 1);
    assert_index_equals_database(&app).await;
    assert_eq!(hits(&app, "Zyxwolde").await, 0, "the lost record is gone");
    assert_eq!(hits(&app, "Qorbatin").await, 1, "the new one is found");
    app
}

/// Restarts `app` after `damage` was done to its index folder; the server starts, the folder
/// is set aside as broken, and search equals the database.
async fn survives_a_damaged_index(app: TestApp, damage: impl FnOnce(&Path)) -> TestApp {
    app.wait_indexed().await;
    let kept = app.stop_keeping_data().await;
    damage(&kept.index_dir());
    let app = restart(kept).await;
    assert_eq!(set_aside(app.data_dir(), "broken").len(), 1);
    assert_index_equals_database(&app).await;
    app
}

restart_test!(a_garbage_meta_json_is_set_aside);
async fn a_garbage_meta_json_is_set_aside(app: TestApp) -> TestApp {
    const GARBAGE: &str = "{\"segments\": [garbage";
    let app = survives_a_damaged_index(app, |index| {
        std::fs::write(index.join("meta.json"), GARBAGE).unwrap();
    })
    .await;
    // Kept for the operator as it was, not thrown away.
    let broken = set_aside(app.data_dir(), "broken");
    let meta = std::fs::read_to_string(app.data_dir().join(&broken[0]).join("meta.json"));
    assert_eq!(meta.unwrap(), GARBAGE);
    app
}

restart_test!(a_truncated_segment_file_is_set_aside);
async fn a_truncated_segment_file_is_set_aside(app: TestApp) -> TestApp {
    survives_a_damaged_index(app, |index| {
        let largest = std::fs::read_dir(index)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name() != "meta.json")
            .max_by_key(|entry| entry.metadata().map(|meta| meta.len()).unwrap_or_default())
            .expect("a segment file")
            .path();
        let length = std::fs::metadata(&largest).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&largest)
            .and_then(|file| file.set_len(length / 2))
            .unwrap();
    })
    .await
}

/// `count` actors named `<name> <n>`, to write straight to the database.
fn bulk_actors(name: &str, count: usize) -> Records {
    let now = Utc::now();
    let mut records = Records::default();
    for n in 0..count {
        let name = format!("{name} {n}");
        let slug = fold(&name).replace(' ', "-");
        records
            .actors
            .push(company(Uuid::new_v4(), slug, name, "NO", now));
    }
    records
}

/// Actors written in one transaction straight to the database, as an import would.
const BULK: usize = 3_000;

backend_test!(readiness_says_indexing_while_a_bulk_of_changes_is_pending);
async fn readiness_says_indexing_while_a_bulk_of_changes_is_pending(app: &TestApp) {
    wait_ready(app).await;
    let records = bulk_actors("Bulk company", BULK);
    insert_missing_records(&app.db, &records, Utc::now())
        .await
        .unwrap();

    // The indexer was caught up a moment ago, but thousands of changes are pending now.
    let (status, readiness) = readyz(app).await;
    assert_eq!(status, 503, "{readiness}");
    assert_eq!(readiness["status"], "indexing", "{readiness}");
    let lag = readiness["index"]["lag"].as_i64().unwrap_or_default();
    assert!(lag > 500, "{readiness}");
    let (body, _) = app.graphql("{ searchIndex { lag } }", json!({})).await;
    assert!(
        data(&body)["searchIndex"]["lag"]
            .as_i64()
            .unwrap_or_default()
            > 0,
        "searchIndex agrees: {body}"
    );

    assert_index_equals_database(app).await;
    assert_eq!(hits(app, "\"Bulk company\"").await, BULK as u64);
}
