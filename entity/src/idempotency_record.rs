//! The answer given to a bulk upsert sent with an idempotency key, replayed when the same key
//! sends the same request again.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub api_key_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idempotency_key: String,
    /// SHA-256 of the request, to refuse a reused key with a different payload.
    pub request_hash: String,
    /// The answer, as JSON.
    pub response: String,
    pub created_at: DateTimeUtc,
}

without_relations!();
