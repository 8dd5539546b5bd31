//! The database's identity: a single row (`slot = 1`) with a random id chosen when the
//! database was created. Search-index commits record it to tell databases apart.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "database_identity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub slot: i32,
    pub id: Uuid,
    pub created_at: DateTimeUtc,
}

without_relations!();
