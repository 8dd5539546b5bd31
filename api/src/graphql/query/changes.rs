//! `changes`: the change feed, and `auditLog` (admin keys only).

use async_graphql::{Context, Enum, ID, Object, SimpleObject, Union};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use symbios_entity::vocabulary;

use crate::error::{ServiceErrorExt as _, ServiceResultExt as _};
use crate::graphql::ids::parse_id;
use crate::graphql::request::Caller;
use crate::service::change_feed::{self, ChangedRecord};
use crate::service::page::{FeedPosition, decode_cursor, encode_cursor};
use crate::service::{access, audit};

/// Declares `ChangeEntityType` and `ChangedEntity` from the service's list of the record types
/// the change log records.
macro_rules! feed_types {
    ($($variant:ident($entity:ident),)+) => {
        /// The kinds of record the change feed reports.
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(remote = "vocabulary::EntityType")]
        pub enum ChangeEntityType {
            $($variant,)+
        }

        /// A changed record as it is now.
        #[derive(Union, Debug, Clone)]
        pub enum ChangedEntity {
            $($variant(crate::graphql::types::$variant),)+
        }

        impl From<ChangedRecord> for ChangedEntity {
            fn from(record: ChangedRecord) -> Self {
                match record {
                    $(ChangedRecord::$variant(row) => ChangedEntity::$variant(crate::graphql::types::$variant::from(row)),)+
                }
            }
        }
    };
}

symbios_service::with_changed_records!(feed_types);

/// The change-log types a `types` argument names (none when left out).
pub(crate) fn entity_types(types: Option<Vec<ChangeEntityType>>) -> Vec<vocabulary::EntityType> {
    types
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// What happened to the record.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "vocabulary::ChangeOp")]
pub enum ChangeOp {
    /// Created or changed.
    Upsert,
    /// Deleted (a tombstone: `entity` is null).
    Delete,
}

/// One committed change.
#[derive(SimpleObject, Debug, Clone)]
pub struct Change {
    /// Position in the feed; grows with every change.
    pub seq: i64,
    /// The cursor right after this change: pass it as `after` to continue from here.
    pub cursor: String,
    pub entity_type: ChangeEntityType,
    /// The record's id.
    pub id: ID,
    pub op: ChangeOp,
    /// The record's version after the change (for deletes: the last version).
    pub version: i32,
    /// When the change was committed.
    pub at: DateTime<Utc>,
    /// The record as it is now (it may have changed again since); null when deleted.
    pub entity: Option<ChangedEntity>,
}

/// A change and the cursor right after it.
#[derive(SimpleObject, Debug, Clone)]
pub struct ChangeEdge {
    pub cursor: String,
    pub node: Change,
}

/// Where to continue.
#[derive(SimpleObject, Debug, Clone)]
pub struct ChangePageInfo {
    /// Whether more changes are there right now.
    pub has_next_page: bool,
    /// The cursor to pass as `after` next time; also when the page is empty, so that a
    /// client can keep polling with it.
    pub end_cursor: String,
}

/// A page of the change feed.
#[derive(SimpleObject, Debug, Clone)]
pub struct ChangeConnection {
    pub edges: Vec<ChangeEdge>,
    pub page_info: ChangePageInfo,
}

/// An audit-log entry.
#[derive(SimpleObject, Debug, Clone)]
pub struct AuditEntry {
    /// Position in the audit log; pass as `before` for older entries.
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The key's name, or `cli:<command>`.
    pub principal: String,
    /// The key's id; null for the command line.
    pub api_key_id: Option<ID>,
    /// The mutation or command, e.g. `updateActor`.
    pub operation: String,
    pub entity_type: ChangeEntityType,
    pub entity_id: ID,
    /// Null for creates.
    pub old_version: Option<i32>,
    /// Null for deletes.
    pub new_version: Option<i32>,
    /// The HTTP request id.
    pub request_id: Option<String>,
}

/// The position and record types of the feed's `after` and `types` arguments (shared by the
/// query and the subscription).
pub(crate) fn feed_arguments(
    after: Option<String>,
    types: Option<Vec<ChangeEntityType>>,
) -> async_graphql::Result<(Option<i64>, Vec<vocabulary::EntityType>)> {
    Ok((feed_position(after)?, entity_types(types)))
}

/// The change-log sequence number an `after` cursor of the feed names.
pub(crate) fn feed_position(after: Option<String>) -> async_graphql::Result<Option<i64>> {
    Ok(after
        .as_deref()
        .map(|cursor| decode_cursor::<FeedPosition>("after", cursor))
        .transpose()
        .extend()?
        .map(|position| position.0))
}

/// The GraphQL form of `changes` (read from the log), with the records as they are now when
/// `with_entities` (one query per record type).
pub(crate) async fn changes_of(
    db: &DatabaseConnection,
    changes: Vec<symbios_entity::change_log::Model>,
    with_entities: bool,
) -> Result<Vec<Change>, crate::service::Error> {
    let mut records = if with_entities {
        change_feed::load_records(db, &changes).await?
    } else {
        Default::default()
    };
    Ok(changes
        .into_iter()
        .map(|change| {
            let entity = match change.op {
                vocabulary::ChangeOp::Upsert => {
                    records.remove(&change.entity_id).map(ChangedEntity::from)
                }
                vocabulary::ChangeOp::Delete => None,
            };
            Change {
                seq: change.seq,
                cursor: encode_cursor(&FeedPosition(change.seq)),
                entity_type: change.entity_type.into(),
                id: ID(change.entity_id.to_string()),
                op: change.op.into(),
                version: change.version,
                at: change.changed_at,
                entity,
            }
        })
        .collect())
}

#[derive(Default)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// Every committed change after `after` (from the oldest kept change when left out), in
    /// commit order, each exactly once; deletes are tombstones. Keep the `endCursor` and pass
    /// it as `after` next time. A cursor older than the retention window gets
    /// `RESYNC_REQUIRED`: read the records afresh, then follow the feed without a cursor.
    /// `types` counts a type given twice once.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        #[graphql(default = 100)] first: i32,
        types: Option<Vec<ChangeEntityType>>,
    ) -> async_graphql::Result<ChangeConnection> {
        let first = change_feed::PAGE_SIZE
            .resolve("first", Some(first))
            .extend()?;
        let (after, types) = feed_arguments(after, types)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = change_feed::read(db, after, &types, first)
            .await
            .map_err(|error| error.extend())?;
        let wants_entities = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("entity")
            .exists();
        let edges = changes_of(db, page.changes, wants_entities)
            .await
            .map_err(|error| error.extend())?
            .into_iter()
            .map(|node| ChangeEdge {
                cursor: node.cursor.clone(),
                node,
            })
            .collect();
        Ok(ChangeConnection {
            edges,
            page_info: ChangePageInfo {
                has_next_page: page.has_next,
                end_cursor: encode_cursor(&FeedPosition(page.end)),
            },
        })
    }

    /// Who changed what, newest first (admin keys only): of one record when `entityId` is
    /// given; entries older than `before` when given.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_id: Option<ID>,
        before: Option<i64>,
        #[graphql(default = 100)] first: i32,
    ) -> async_graphql::Result<Vec<AuditEntry>> {
        let first = audit::PAGE_SIZE.resolve("first", Some(first)).extend()?;
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        access::require_admin(caller.principal.as_ref()).map_err(|error| error.extend())?;
        let entity_id = entity_id.map(|id| parse_id("entityId", &id)).transpose()?;
        let db = ctx.data::<DatabaseConnection>()?;
        let entries = audit::list(db, entity_id, before, first)
            .await
            .map_err(|error| error.extend())?;
        Ok(entries
            .into_iter()
            .map(|entry| AuditEntry {
                id: entry.id,
                at: entry.at,
                principal: entry.principal,
                api_key_id: entry.api_key_id.map(|id| ID(id.to_string())),
                operation: entry.operation,
                entity_type: entry.entity_type.into(),
                entity_id: ID(entry.entity_id.to_string()),
                old_version: entry.old_version,
                new_version: entry.new_version,
                request_id: entry.request_id,
            })
            .collect())
    }
}
