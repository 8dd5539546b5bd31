//! One change sent to one webhook. The id is sent with every attempt (`Symbios-Delivery`) so
//! that receivers can drop a delivery they already have.

use sea_orm::entity::prelude::*;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DeliveryState {
    /// Not yet accepted; tried again at `next_attempt_at`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// The endpoint answered 2xx.
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// Given up on after the dead-letter time; `last_error` says why.
    #[sea_orm(string_value = "dead")]
    Dead,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub seq: i64,
    pub attempts: i32,
    pub retry_since: DateTimeUtc,
    pub next_attempt_at: DateTimeUtc,
    pub last_status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub state: DeliveryState,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

without_relations!();
