//! The change feed: every committed change, in commit order, from a position on.
//!
//! Positions are change-log sequence numbers. Appends are ordered so that a change never
//! becomes visible after one with a higher number (see [`super::change_log::append`]), so a
//! reader that continues after the last number it saw never skips a change. Changes older
//! than the retention window are pruned; a reader positioned before the pruned horizon gets
//! [`Error::ResyncRequired`].

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use symbios_entity::change_log;
use symbios_entity::vocabulary::EntityType;
use uuid::Uuid;

use super::page::PageSize;
use super::{Error, change_log as log, limits};

/// Page sizes of the feed: large pages, since a partner syncing reads all of it.
pub const PAGE_SIZE: PageSize = PageSize {
    default: 100,
    max: 1000,
};

/// One page of the feed.
#[derive(Debug, Clone)]
pub struct FeedPage {
    /// The changes, oldest first.
    pub changes: Vec<change_log::Model>,
    /// The position to continue from (the last change's, or the one asked for when there were
    /// none).
    pub end: i64,
    /// Whether more changes follow right away.
    pub has_next: bool,
}

/// Up to `first` changes (at most [`PAGE_SIZE`]`.max`; 0 reads none, but says whether any
/// follow) of `types` (all when empty) after position `after` (from the oldest kept change
/// when `None`).
pub async fn read(
    db: &impl ConnectionTrait,
    after: Option<i64>,
    types: &[EntityType],
    first: u64,
) -> Result<FeedPage, Error> {
    let types = limits::fold_vocabulary("types", types.to_vec())?;
    let pruned_through = log::pruned_through(db).await?;
    let after = match after {
        Some(after) if after < pruned_through => {
            return Err(Error::ResyncRequired { pruned_through });
        }
        Some(after) => after,
        None => pruned_through,
    };
    let first = first.min(PAGE_SIZE.max);
    let mut changes = log::after_of_types(db, after, &types, first + 1).await?;
    let has_next = changes.len() as u64 > first;
    changes.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    let end = changes.last().map_or(after, |change| change.seq);
    Ok(FeedPage {
        changes,
        end,
        has_next,
    })
}

macro_rules! changed_records {
    ($($variant:ident($entity:ident),)+) => {
        /// The current state of a changed record.
        #[derive(Debug, Clone)]
        pub enum ChangedRecord {
            $($variant(symbios_entity::$entity::Model),)+
        }

        /// The current state of the records `changes` name (deleted ones are missing), one
        /// query per record type.
        pub async fn load_records(
            db: &impl ConnectionTrait,
            changes: &[change_log::Model],
        ) -> Result<HashMap<Uuid, ChangedRecord>, Error> {
            let mut ids: HashMap<EntityType, Vec<Uuid>> = HashMap::new();
            for change in changes {
                ids.entry(change.entity_type)
                    .or_default()
                    .push(change.entity_id);
            }
            let mut records = HashMap::new();
            for (entity_type, ids) in ids {
                // No wildcard: a new entity type does not compile until it is in the list.
                match entity_type {
                    $(
                        EntityType::$variant => {
                            let rows = symbios_entity::$entity::Entity::find()
                                .filter(symbios_entity::$entity::Column::Id.is_in(ids))
                                .all(db)
                                .await?;
                            records.extend(
                                rows.into_iter()
                                    .map(|row| (row.id, ChangedRecord::$variant(row))),
                            );
                        }
                    )+
                }
            }
            Ok(records)
        }
    };
}

crate::with_changed_records!(changed_records);
