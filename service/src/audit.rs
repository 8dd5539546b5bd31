//! Reading the audit log (writing happens with each change, in [`super::write`]).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use symbios_entity::audit_log;
use uuid::Uuid;

use super::Error;

/// Most entries in one page.
pub const MAX_PAGE: u64 = 500;

/// Audit entries, newest first: of one record when `entity_id` is given, with ids below
/// `before` when given.
pub async fn list(
    db: &impl ConnectionTrait,
    entity_id: Option<Uuid>,
    before: Option<i64>,
    first: u64,
) -> Result<Vec<audit_log::Model>, Error> {
    let mut select = audit_log::Entity::find();
    if let Some(entity_id) = entity_id {
        select = select.filter(audit_log::Column::EntityId.eq(entity_id));
    }
    if let Some(before) = before {
        select = select.filter(audit_log::Column::Id.lt(before));
    }
    Ok(select
        .order_by_desc(audit_log::Column::Id)
        .limit(first.clamp(1, MAX_PAGE))
        .all(db)
        .await?)
}
