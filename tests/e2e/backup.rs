//! `symbios backup` taken while a writer runs, restored into a fresh data folder (and, on
//! PostgreSQL, a new database): the new server's records, change log and search agree with
//! each other and with the backup. On PostgreSQL it runs `pg_dump` and `pg_restore`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use symbios::backup::{self, IndexAfterRestore};
use symbios::index_folder::Fit;
use symbios::service::change_log;
use symbios_entity::vocabulary::Role;

use crate::common::{Described, EmptyPlace, TestApp, create_company, data};

/// Acknowledged writes before the backup starts, and after it ends before the writer stops.
const WRITES_AROUND: usize = 5;
/// Record types `node(id:)` finds (the others are relations).
const NODE_TYPES: [&str; 5] = ["CASE_STUDY", "PROJECT", "ACTOR", "FUNDER", "THEME"];
/// Record types search finds.
const SEARCHABLE_TYPES: [&str; 4] = ["CASE_STUDY", "PROJECT", "ACTOR", "FUNDER"];

async fn a_backup_taken_while_writes_run_restores_to_a_server_that_agrees_with_itself(
    app: TestApp,
) -> TestApp {
    let backend = app.backend();
    let editor = app.create_key("backup-writer", Role::Editor, None).await;
    let (written, mut acknowledged) = tokio::sync::watch::channel(0_usize);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, url, stop) = (
            app.client.clone(),
            format!("{}/graphql", app.base_url),
            Arc::clone(&stop),
        );
        tokio::spawn(async move {
            let mut count = 0;
            while !stop.load(Ordering::Acquire) {
                let name = format!("Backup writer actor {count}");
                let said = Described("DK", "da", "Skrevet mens sikkerhedskopien blev taget");
                create_company(&client, &url, &editor, name, said).await;
                count += 1;
                written.send_replace(count);
            }
            count
        })
    };

    // The backup starts after some writes were acknowledged, with the writer still going.
    acknowledged
        .wait_for(|count| *count >= WRITES_AROUND)
        .await
        .expect("writer runs");
    let seq_before = change_log::last_seq(&app.db).await.expect("last change");
    let folder = tempfile::tempdir().expect("backup folder");
    let path = folder.path().join("symbios-backup.db");
    let report = backup::backup(&app.database_settings(), &path)
        .await
        .expect("backup taken");
    // …and the writer went on after it.
    let at_end = *acknowledged.borrow();
    acknowledged
        .wait_for(|count| *count >= at_end + WRITES_AROUND)
        .await
        .expect("writer runs");
    stop.store(true, Ordering::Release);
    let writes = writer.await.expect("writer");
    let inventory = report.contents.inventory.clone().expect("counted");
    let seq_after = change_log::last_seq(&app.db).await.expect("last change");
    assert!(
        inventory.last_seq >= seq_before,
        "the backup holds the writes acknowledged before it started ({} < {seq_before})",
        inventory.last_seq
    );
    assert!(
        inventory.last_seq < seq_after,
        "writes went on past the backup's moment ({} of {writes} writes, server at {seq_after})",
        inventory.last_seq
    );
    assert!(report.contents.pending_migrations.is_empty(), "{report:?}");

    // A backup never overwrites.
    let again = backup::backup(&app.database_settings(), &path).await;
    assert!(
        matches!(again, Err(backup::BackupError::Exists { .. })),
        "{again:?}"
    );
    app.stop().await;

    let place = EmptyPlace::new(backend).await;
    let restored = backup::restore(&place.settings(), &path)
        .await
        .expect("restored");
    assert!(restored.previous.is_none(), "nothing was there to replace");
    assert!(
        matches!(restored.index, IndexAfterRestore::Judged(Fit::Fresh)),
        "no index there yet: built at start ({:?})",
        restored.index
    );
    assert_eq!(restored.contents.inventory.as_ref(), Some(&inventory));
    let server = place.start().await;

    // The change log: every change of the backup, its last one last.
    let changes = all_changes(&server).await;
    assert_eq!(
        changes.last().map(|change| change.seq),
        Some(inventory.last_seq),
        "the feed ends where the backup's log ends"
    );
    let alive = alive_by_type(&changes);
    for (name, rows) in &inventory.records {
        let entity_type = upper_snake(name);
        let in_log = alive.get(entity_type.as_str()).map_or(0, Vec::len);
        assert_eq!(
            in_log as u64, *rows,
            "{name}: the change log says {in_log} exist, the table holds {rows}"
        );
    }
    // Every record the log says exists is served.
    for entity_type in NODE_TYPES {
        for id in alive.get(entity_type).into_iter().flatten() {
            let (body, _) = server
                .graphql(
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(data(&body)["node"]["id"], json!(id), "{entity_type} {id}");
        }
    }

    // Search, once the index is built from the restored database, finds exactly them.
    server.wait_indexed().await;
    let (body, _) = server
        .graphql(
            r#"{ search(query: "", first: 0) { totalCount facets { type { value count } } } searchIndex { lastAppliedSeq } }"#,
            json!({}),
        )
        .await;
    let search = &data(&body)["search"];
    assert_eq!(
        data(&body)["searchIndex"]["lastAppliedSeq"],
        json!(inventory.last_seq)
    );
    let found: HashMap<String, u64> = search["facets"]["type"]
        .as_array()
        .expect("type facet")
        .iter()
        .map(|facet| {
            (
                upper_snake(facet["value"].as_str().expect("value")),
                facet["count"].as_u64().expect("count"),
            )
        })
        .collect();
    let mut searchable = 0;
    for entity_type in SEARCHABLE_TYPES {
        let expected = alive.get(entity_type).map_or(0, Vec::len) as u64;
        searchable += expected;
        assert_eq!(
            found.get(entity_type).copied().unwrap_or(0),
            expected,
            "{entity_type} in search: {found:?}"
        );
    }
    assert_eq!(search["totalCount"], json!(searchable));
    // The last actor the backup holds is found by its name.
    let last_written = inventory_actor_names(&server).await;
    let (body, _) = server
        .graphql(
            "query($q: String!) { search(query: $q, types: [ACTOR]) { totalCount } }",
            json!({ "q": format!("\"{last_written}\"") }),
        )
        .await;
    assert_eq!(
        data(&body)["search"]["totalCount"],
        json!(1),
        "{last_written}"
    );
    server
}
crate::backend_test!(
    a_backup_taken_while_writes_run_restores_to_a_server_that_agrees_with_itself,
    super::a_backup_taken_while_writes_run_restores_to_a_server_that_agrees_with_itself
);

/// One entry of the change feed.
struct Change {
    seq: i64,
    entity_type: String,
    id: String,
    deleted: bool,
}

async fn all_changes(app: &TestApp) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (body, _) = app
            .graphql(
                "query($after: String) { changes(first: 1000, after: $after) { edges { node { seq entityType id op } } pageInfo { endCursor hasNextPage } } }",
                json!({ "after": after }),
            )
            .await;
        let page = &data(&body)["changes"];
        for edge in page["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            changes.push(Change {
                seq: node["seq"].as_i64().expect("seq"),
                entity_type: node["entityType"].as_str().expect("type").to_owned(),
                id: node["id"].as_str().expect("id").to_owned(),
                deleted: node["op"] == "DELETE",
            });
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return changes;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// The ids the change log says exist, by entity type (the last change of each id decides).
fn alive_by_type(changes: &[Change]) -> HashMap<&str, Vec<&str>> {
    let mut last: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for change in changes {
        last.insert((&change.entity_type, &change.id), change.deleted);
    }
    let mut alive: HashMap<&str, Vec<&str>> = HashMap::new();
    for ((entity_type, id), deleted) in last {
        if !deleted {
            alive.entry(entity_type).or_default().push(id);
        }
    }
    alive
}

/// The name of the newest actor written by the test's writer that the restored server holds.
async fn inventory_actor_names(app: &TestApp) -> String {
    let (body, _) = app
        .graphql(
            r#"{ actors(first: 1, filter: { nameContains: "Backup writer actor" }, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { name } } }"#,
            json!({}),
        )
        .await;
    data(&body)["actors"]["nodes"][0]["name"]
        .as_str()
        .expect("a written actor was restored")
        .to_owned()
}

/// `CaseStudy` or `case_study` → `CASE_STUDY`.
fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    for (index, character) in name.chars().enumerate() {
        if character.is_uppercase() && index > 0 && !name.contains('_') {
            out.push('_');
        }
        out.push(character.to_ascii_uppercase());
    }
    out
}

#[test]
fn type_names_meet() {
    assert_eq!(upper_snake("CaseStudy"), "CASE_STUDY");
    assert_eq!(upper_snake("case_study"), "CASE_STUDY");
    assert_eq!(upper_snake("Actor"), "ACTOR");
}
