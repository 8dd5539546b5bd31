//! The change log: one row per committed change, written in the same transaction as the
//! change itself, read by the search indexer and the change feed.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use symbios_entity::change_log;
use symbios_entity::vocabulary::{ChangeOp, EntityType};
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

/// Appends `changes` to the log; call it inside the transaction that makes them.
pub async fn append(
    db: &impl ConnectionTrait,
    changes: &[Change],
    at: DateTime<Utc>,
) -> Result<(), Error> {
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

/// Up to `limit` changes with a sequence number above `after`, oldest first.
pub async fn after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<change_log::Model>, Error> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(change_log::Entity::find()
        .filter(change_log::Column::Seq.gt(after))
        .order_by_asc(change_log::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}
