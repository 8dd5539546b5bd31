//! The change log: one row per committed change, written in the same transaction as the
//! change itself, read by the search indexer and the change feed.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use symbios_entity::vocabulary::{ChangeOp, EntityType};
use symbios_entity::{change_log, sync_state};
use uuid::Uuid;

use super::Error;

/// A change to record in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The kind of record.
    pub entity_type: EntityType,
    /// The record.
    pub entity_id: Uuid,
    /// Upsert or delete.
    pub op: ChangeOp,
    /// The record's version after the change.
    pub version: i32,
}

/// Key of the PostgreSQL advisory lock that orders change-log appends (any constant works;
/// this one is "symbios" in ASCII).
const APPEND_LOCK_KEY: i64 = 0x73_79_6d_62_69_6f_73;

/// The PostgreSQL channel a committed append notifies, so that readers tailing the log on
/// every replica wake up (the notification is delivered at commit, and not at all on
/// rollback).
pub const NOTIFY_CHANNEL: &str = "symbios_changes";

/// The `sync_state` row holding the highest sequence number pruned.
const PRUNED_THROUGH: &str = "change_log_pruned_through";

/// Appends `changes` to the log; call it inside the transaction that makes them, as its last
/// statement.
///
/// Readers tail the log by sequence number, so a row must never become visible after a row
/// with a higher number. SQLite has one writer at a time, so that holds there. On PostgreSQL
/// concurrent transactions take numbers in one order and may commit in another; the
/// transaction-scoped advisory lock taken here makes appends (and so the commits that follow
/// them) happen one at a time, in sequence order. The lock is held from the append to the
/// commit only, so the rest of each transaction still runs concurrently.
pub async fn append(
    db: &impl ConnectionTrait,
    changes: &[Change],
    at: DateTime<Utc>,
) -> Result<(), Error> {
    if changes.is_empty() {
        return Ok(());
    }
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY})"))
            .await?;
    }
    // Keep each statement well under SQLite's bound-parameter limit.
    for chunk in changes.chunks(1000) {
        let rows = chunk.iter().map(|change| change_log::ActiveModel {
            entity_type: Set(change.entity_type),
            entity_id: Set(change.entity_id),
            op: Set(change.op),
            version: Set(change.version),
            changed_at: Set(at),
            ..Default::default()
        });
        change_log::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("NOTIFY {NOTIFY_CHANNEL}"))
            .await?;
    }
    Ok(())
}

/// The sequence number of the newest change, 0 when the log is empty.
pub async fn last_seq(db: &impl ConnectionTrait) -> Result<i64, Error> {
    let newest = change_log::Entity::find()
        .order_by_desc(change_log::Column::Seq)
        .limit(1)
        .one(db)
        .await?;
    Ok(newest.map_or(0, |row| row.seq))
}

/// A mark of one change that tells it apart from any other change that took the same sequence
/// number (in a database restored from an older copy and written to since): its record,
/// version and time.
pub fn mark(change: &change_log::Model) -> String {
    format!(
        "{}:{}:{}",
        change.entity_id,
        change.version,
        change.changed_at.timestamp_micros()
    )
}

/// The [`mark`] of the change `seq`, if the log holds it.
pub async fn mark_at(db: &impl ConnectionTrait, seq: i64) -> Result<Option<String>, Error> {
    Ok(change_log::Entity::find_by_id(seq)
        .one(db)
        .await?
        .as_ref()
        .map(mark))
}

/// Up to `limit` changes with a sequence number above `after`, oldest first.
pub async fn after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<change_log::Model>, Error> {
    after_of_types(db, after, &[], limit).await
}

/// Up to `limit` changes of `types` (all types when empty) with a sequence number above
/// `after`, oldest first.
pub async fn after_of_types(
    db: &impl ConnectionTrait,
    after: i64,
    types: &[EntityType],
    limit: u64,
) -> Result<Vec<change_log::Model>, Error> {
    let mut select = change_log::Entity::find().filter(change_log::Column::Seq.gt(after));
    if !types.is_empty() {
        select = select.filter(change_log::Column::EntityType.is_in(types.iter().copied()));
    }
    Ok(select
        .order_by_asc(change_log::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}

/// The highest sequence number pruned from the log (0 when nothing was pruned). A reader whose
/// position is below it has missed changes and must start afresh.
pub async fn pruned_through(db: &impl ConnectionTrait) -> Result<i64, Error> {
    Ok(sync_state::Entity::find_by_id(PRUNED_THROUGH.to_owned())
        .one(db)
        .await?
        .map_or(0, |row| row.value))
}

/// Deletes the changes made before `before`, always keeping the newest one (so that the
/// sequence survives a restart of SQLite's counter), and records how far it pruned; also
/// deletes the stored answers of idempotent calls made before `before`. Returns the number of
/// changes deleted.
pub async fn prune(db: &sea_orm::DatabaseConnection, before: DateTime<Utc>) -> Result<u64, Error> {
    use super::write::Writer;
    let txn = db.begin_write().await?;
    let newest = last_seq(&txn).await?;
    let through: Option<i64> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Seq.max(), "seq")
        .filter(change_log::Column::ChangedAt.lt(before))
        .filter(change_log::Column::Seq.lt(newest))
        .into_tuple::<Option<i64>>()
        .one(&txn)
        .await?
        .flatten();
    // Stored answers to idempotent calls are kept as long as changes are.
    symbios_entity::idempotency_record::Entity::delete_many()
        .filter(symbios_entity::idempotency_record::Column::CreatedAt.lt(before))
        .exec(&txn)
        .await?;
    let Some(through) = through else {
        txn.commit().await?;
        return Ok(0);
    };
    let deleted = change_log::Entity::delete_many()
        .filter(change_log::Column::Seq.lte(through))
        .exec(&txn)
        .await?;
    let previous = pruned_through(&txn).await?;
    let row = sync_state::ActiveModel {
        name: Set(PRUNED_THROUGH.to_owned()),
        value: Set(through.max(previous)),
    };
    sync_state::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(sync_state::Column::Name)
                .update_column(sync_state::Column::Value)
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(deleted.rows_affected)
}
