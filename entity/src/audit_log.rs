//! Who changed which record, how, and from which version to which; written in the same
//! transaction as the change.

use sea_orm::entity::prelude::*;

use crate::vocabulary::EntityType;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The key used; `None` for the command line (import).
    pub api_key_id: Option<Uuid>,
    /// The key's name, or `cli:<command>`.
    pub principal: String,
    /// The mutation or command, e.g. `updateActor`.
    pub operation: String,
    pub entity_type: EntityType,
    pub entity_id: Uuid,
    /// `None` for a create.
    pub old_version: Option<i32>,
    /// `None` for a delete.
    pub new_version: Option<i32>,
    pub request_id: Option<String>,
}

without_relations!();
