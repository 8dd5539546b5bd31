//! Trusted documents: the GraphQL documents a portal registered with `symbios documents add`
//! (from its GraphQL Code Generator or Relay manifest). Kept in the database so that every
//! replica trusts the same documents.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::statements::{create, drop_tables, index, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "trusted_document";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = vec![
            string("id").primary_key().to_owned(),
            text("text"),
            // Finds a document sent as text, whatever id its manifest gave it.
            string("text_sha256"),
            string("source"),
            timestamp_with_time_zone("created_at"),
        ];
        let by_text = index(TABLE, &["text_sha256"]);
        create(manager, table(TABLE, columns, &[]), vec![by_text]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[TABLE]).await
    }
}
