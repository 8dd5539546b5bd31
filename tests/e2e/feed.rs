//! The change feed: order, paging, tombstones, retention, concurrent writers, and two
//! replicas sharing one PostgreSQL database.

use std::collections::BTreeSet;
use std::time::Duration;

use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use symbios_entity::change_log;
use symbios_entity::vocabulary::Role;

use crate::backend_test;
use crate::common::{
    Described, TestApp, create_company, data, first_error_code, poll_until, post_graphql,
    spawn_replica,
};

const FEED: &str = "query($after: String, $first: Int!) {
    changes(after: $after, first: $first) {
        edges { cursor node { seq entityType id op version entity { __typename } } }
        pageInfo { hasNextPage endCursor }
    }
}";

/// Reads the feed from `after` to its current end; returns the changes and the end cursor.
async fn read_all(
    app: &TestApp,
    mut after: Option<String>,
    first: i64,
) -> (Vec<Value>, Option<String>) {
    let mut nodes = Vec::new();
    loop {
        let (body, _) = app
            .graphql(FEED, json!({ "after": after, "first": first }))
            .await;
        let page = data(&body)["changes"].clone();
        for edge in page["edges"].as_array().unwrap() {
            nodes.push(edge["node"].clone());
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        if page["pageInfo"]["hasNextPage"] != true {
            return (nodes, after);
        }
    }
}

fn seqs(nodes: &[Value]) -> Vec<i64> {
    nodes
        .iter()
        .map(|node| node["seq"].as_i64().unwrap())
        .collect()
}

async fn logged_seqs(app: &TestApp) -> Vec<i64> {
    change_log::Entity::find()
        .order_by_asc(change_log::Column::Seq)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.seq)
        .collect()
}

async fn feed_pages_in_order_with_tombstones(app: &TestApp) {
    let (nodes, end) = read_all(app, None, 37).await;
    assert_eq!(
        seqs(&nodes),
        logged_seqs(app).await,
        "every change once, in order"
    );
    assert!(
        nodes
            .iter()
            .all(|node| node["op"] == "UPSERT" && !node["entity"].is_null())
    );

    // Polling from the end with nothing new keeps the cursor.
    let (body, _) = app
        .graphql(FEED, json!({ "after": end, "first": 10 }))
        .await;
    assert_eq!(data(&body)["changes"]["edges"], json!([]));
    assert_eq!(
        data(&body)["changes"]["pageInfo"]["endCursor"].as_str(),
        end.as_deref()
    );

    let editor = app.create_key("editor", Role::Editor, None).await;
    let (body, _) = app
        .graphql_as(&editor, "mutation { createActor(input: {name: \"Flyktig AS\", kind: COMPANY, country: \"NO\", originalLang: \"nb\"}) { id } }", json!({}))
        .await;
    let id = data(&body)["createActor"]["id"].clone();
    app.graphql_as(
        &editor,
        "mutation($id: ID!) { deleteActor(id: $id, expectedVersion: 1) { id } }",
        json!({ "id": id }),
    )
    .await;
    let (new, _) = read_all(app, end, 10).await;
    let summary: Vec<(Value, Value, Value, bool)> = new
        .iter()
        .map(|node| {
            (
                node["id"].clone(),
                node["op"].clone(),
                node["version"].clone(),
                node["entity"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (id.clone(), json!("UPSERT"), json!(1), true),
            (id, json!("DELETE"), json!(1), true),
        ],
        "the deleted record has no entity, the delete is a tombstone"
    );

    // Types filter the feed; bad cursors are refused.
    let (body, _) = app
        .graphql(
            "{ changes(first: 1000, types: [CASE_STUDY]) { edges { node { entityType } } } }",
            json!({}),
        )
        .await;
    let edges = data(&body)["changes"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 5);
    let (body, _) = app
        .graphql(FEED, json!({ "after": "bm90LWEtY3Vyc29y", "first": 1 }))
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "after");
}
backend_test!(feed_pages_in_order_with_tombstones);

async fn cursors_older_than_retention_need_a_resync(app: &TestApp) {
    let (first_page, _) = {
        let (body, _) = app.graphql(FEED, json!({ "first": 1 })).await;
        let page = data(&body)["changes"].clone();
        (page["edges"][0]["cursor"].as_str().unwrap().to_owned(), ())
    };
    // Prune everything older than a second from now (the newest change is always kept).
    let pruned = symbios::service::change_log::prune(
        &app.db,
        chrono::Utc::now() + chrono::TimeDelta::seconds(1),
    )
    .await
    .unwrap();
    assert!(pruned > 0);
    let (body, _) = app
        .graphql(FEED, json!({ "after": first_page, "first": 10 }))
        .await;
    assert_eq!(first_error_code(&body), "RESYNC_REQUIRED", "{body}");
    // Starting without a cursor reads what is kept.
    let (nodes, _) = read_all(app, None, 100).await;
    assert_eq!(seqs(&nodes), logged_seqs(app).await);
    assert_eq!(nodes.len(), 1);
}
backend_test!(cursors_older_than_retention_need_a_resync);

const WRITERS: usize = 8;
const WRITES_PER_WRITER: usize = 15;

/// Eight writers create and update actors at once while a reader follows the feed. The reader
/// must see every committed change exactly once: on PostgreSQL, transactions take sequence
/// numbers in one order and commit in another, which a naive `seq > last` reader would skip.
async fn concurrent_writers_never_skip_a_change(app: &TestApp) {
    let editor = app.create_key("editor", Role::Editor, None).await;
    let (_, start) = read_all(app, None, 1000).await;
    let start_max = logged_seqs(app).await.last().copied().unwrap_or_default();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    let reader = {
        let app_url = app.base_url.clone();
        let done = std::sync::Arc::clone(&done);
        let client = app.client.clone();
        let mut after = start.clone();
        tokio::spawn(async move {
            let mut seen: Vec<i64> = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::Acquire);
                let body = post_graphql(
                    &client,
                    &format!("{app_url}/graphql"),
                    None,
                    &json!({ "query": FEED, "variables": { "after": after, "first": 50 } }),
                )
                .await;
                let page = &body["data"]["changes"];
                for edge in page["edges"].as_array().unwrap() {
                    seen.push(edge["node"]["seq"].as_i64().unwrap());
                }
                after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
                if finished && page["pageInfo"]["hasNextPage"] != true {
                    return seen;
                }
            }
        })
    };

    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let client = app.client.clone();
        let url = format!("{}/graphql", app.base_url);
        let key = editor.clone();
        writers.push(tokio::spawn(async move {
            let mut acknowledged = 0;
            for n in 0..WRITES_PER_WRITER {
                let name = format!("Writer {writer} actor {n}");
                let said = Described("SE", "sv", "Samtidig skrivning");
                create_company(&client, &url, &key, name, said).await;
                acknowledged += 1;
            }
            acknowledged
        }));
    }
    let mut acknowledged = 0;
    for writer in writers {
        acknowledged += writer.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    let seen = reader.await.unwrap();

    let all_new: Vec<i64> = logged_seqs(app)
        .await
        .into_iter()
        .filter(|seq| *seq > start_max)
        .collect();
    assert_eq!(acknowledged, WRITERS * WRITES_PER_WRITER);
    assert_eq!(
        seen.len(),
        acknowledged,
        "one change per acknowledged write"
    );
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no change twice");
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "in order");
    assert_eq!(
        seen, all_new,
        "the follower saw exactly the committed changes"
    );
}
backend_test!(concurrent_writers_never_skip_a_change);

/// Two replicas on one PostgreSQL database: a write through one is readable and searchable
/// through the other, whose indexer tails the shared change log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "SYMBIOS_TEST_POSTGRES_URL is not set")]
async fn two_replicas_share_writes_and_search() {
    let primary = crate::common::spawn_app(crate::common::Backend::Postgres).await;
    let replica = spawn_replica(&primary).await;
    let editor = primary.create_key("editor", Role::Editor, None).await;
    let (body, _) = primary
        .graphql_as(&editor, "mutation { createActor(input: {name: \"Replika Energi AS\", kind: COMPANY, country: \"NO\", originalLang: \"nb\", description: [{lang: \"nb\", text: \"Spillvarme fra datasenter til fiskeoppdrett\"}]}) { id } }", json!({}))
        .await;
    let id = data(&body)["createActor"]["id"].clone();

    // Readable through the other replica at once (same database) ...
    let (body, _) = replica
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Actor { name } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["node"]["name"], "Replika Energi AS");
    // ... and searchable there once its own indexer has applied the change.
    poll_until(
        Duration::from_secs(10),
        Duration::from_millis(50),
        "the replica never indexed the write",
        async || {
            let (body, _) = replica
                .graphql("{ search(query: \"spillvarme datasenter\") { edges { node { entity { ... on Actor { id } } } } } }", json!({}))
                .await;
            if data(&body)["search"]["edges"][0]["node"]["entity"]["id"] == id {
                Ok(())
            } else {
                Err(body.to_string())
            }
        },
    )
    .await;
    // Writes through the replica reach the primary's index too.
    let (body, _) = replica
        .graphql_as(&editor, "mutation($id: ID!) { updateActor(id: $id, expectedVersion: 1, patch: {name: \"Replika Varme AS\"}) { version } }", json!({ "id": id }))
        .await;
    assert_eq!(data(&body)["updateActor"]["version"], 2);
    primary.wait_indexed().await;
    let (body, _) = primary
        .graphql("{ search(query: \"replika varme\") { edges { node { entity { ... on Actor { name } } } } } }", json!({}))
        .await;
    assert_eq!(
        data(&body)["search"]["edges"][0]["node"]["entity"]["name"],
        "Replika Varme AS"
    );
    replica.stop().await;
    primary.stop().await;
}

/// The reason appends are ordered, shown deterministically: a transaction takes sequence
/// number N and is slow to commit while a second one takes N+1 and commits. A feed reader
/// polling in between must not see N+1 (it would continue after it and never see N).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "SYMBIOS_TEST_POSTGRES_URL is not set")]
async fn a_slow_transaction_never_lets_readers_skip_its_change() {
    use sea_orm::TransactionTrait;
    use symbios::service::change_log::{Change, append};
    use symbios_entity::vocabulary::{ChangeOp, EntityType};

    let app = crate::common::spawn_app(crate::common::Backend::Postgres).await;
    let (_, start) = read_all(&app, None, 1000).await;
    let change = |n: u128| Change {
        entity_type: EntityType::Actor,
        entity_id: uuid::Uuid::from_u128(n),
        op: ChangeOp::Upsert,
        version: 1,
    };
    let slow = app.db.begin().await.unwrap();
    append(&slow, &[change(1)], chrono::Utc::now())
        .await
        .unwrap();
    let fast = {
        let db = app.db.clone();
        tokio::spawn(async move {
            let txn = db.begin().await.unwrap();
            append(&txn, &[change(2)], chrono::Utc::now())
                .await
                .unwrap();
            txn.commit().await.unwrap();
        })
    };
    // Wait until the second transaction waits for the append lock the first one holds.
    waiting_for_a_lock(&app).await;
    let (early, _) = read_all(&app, start.clone(), 10).await;
    assert!(
        early.is_empty(),
        "a change became visible before an earlier one: {early:?}"
    );
    slow.commit().await.unwrap();
    fast.await.unwrap();
    let (late, _) = read_all(&app, start, 10).await;
    let ids: Vec<&str> = late
        .iter()
        .map(|node| node["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            uuid::Uuid::from_u128(1).to_string(),
            uuid::Uuid::from_u128(2).to_string()
        ]
    );
    app.stop().await;
}

/// Returns once some transaction waits for an advisory lock (polled with a deadline: the
/// waiting shows only in `pg_locks`).
async fn waiting_for_a_lock(app: &TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    poll_until(
        Duration::from_secs(10),
        Duration::from_millis(5),
        "no transaction ever waited for the lock",
        async || {
            let waiting = app
                .db
                .query_one_raw(Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                ))
                .await
                .unwrap()
                .and_then(|row| row.try_get::<i64>("", "waiting").ok())
                .unwrap_or(0);
            if waiting > 0 { Ok(()) } else { Err("none waiting".to_owned()) }
        },
    )
    .await;
}
