//! Initiatives: the walk-through record type of `docs/adding-a-record-type.md`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::statements::{create, drop_tables, index, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = vec![
            pk_uuid("id"),
            string_len_uniq("slug", 120),
            string_len("name", 300),
            string_len("name_folded", 300),
            string_len("country", 2),
            string_len("original_lang", 8),
            integer("version").default(1).to_owned(),
            timestamp_with_time_zone("created_at"),
            timestamp_with_time_zone("updated_at"),
        ];
        let indexes = vec![
            index("initiative", &["name_folded"]),
            index("initiative", &["updated_at"]),
        ];
        create(manager, table("initiative", columns, &[]), indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["initiative"]).await
    }
}
