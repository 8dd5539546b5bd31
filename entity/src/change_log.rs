//! One committed change of one record, written in the same transaction as the change.
//! `seq` grows with every row; deletes are tombstones (`op = delete`).

use sea_orm::entity::prelude::*;

use crate::vocabulary::{ChangeOp, EntityType};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    pub op: ChangeOp,
    pub version: i32,
    pub changed_at: DateTimeUtc,
}

without_relations!();
