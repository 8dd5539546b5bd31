//! An API key: only the SHA-256 of the secret is stored; `prefix` is the start of the key,
//! shown in listings so that a key can be recognised without revealing it.

use sea_orm::entity::prelude::*;

use crate::vocabulary::Role;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// The identifier scheme a partner key may write under.
    pub scheme: Option<String>,
    pub prefix: String,
    #[sea_orm(unique)]
    pub secret_hash: String,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// When the key was last accepted, to the minute (`None`: never).
    pub last_used_at: Option<DateTimeUtc>,
}

without_relations!();
