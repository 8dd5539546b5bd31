//! Reading the audit log (writing happens with each change, in [`super::write`]).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use symbios_entity::audit_log;
use uuid::Uuid;

use super::Error;
use super::page::PageSize;

/// Page sizes of the audit log.
pub const PAGE_SIZE: PageSize = PageSize {
    default: 100,
    max: 500,
};

/// Up to `first` audit entries (at most [`PAGE_SIZE`]`.max`), newest first: of one record
/// when `entity_id` is given, with ids below `before` when given.
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
        .limit(first.min(PAGE_SIZE.max))
        .all(db)
        .await?)
}
