//! An endpoint that receives each change as a signed POST, in change-log order.
//! `cursor` is the change-log position delivered up to; `entity_types` lists the change-log
//! entity types it receives, comma-separated (empty: all).

use sea_orm::entity::prelude::*;

/// Whether the endpoint receives deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum WebhookState {
    /// Deliveries go out.
    #[sea_orm(string_value = "active")]
    Active,
    /// An admin paused it; changes wait in the log.
    #[sea_orm(string_value = "paused")]
    Paused,
    /// Stopped by itself (`failure` says why) until an admin resumes it.
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    pub entity_types: String,
    pub secret: String,
    pub state: WebhookState,
    #[sea_orm(column_type = "Text", nullable)]
    pub failure: Option<String>,
    pub cursor: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
