//! Trusted documents: the GraphQL documents a portal registered with `symbios documents add`
//! (from its GraphQL Code Generator or Relay manifest). Kept in the database so that every
//! replica trusts the same documents.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "trusted_document";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(string("id").primary_key())
                    .col(text("text"))
                    // Finds a document sent as text, whatever id its manifest gave it.
                    .col(string("text_sha256"))
                    .col(string("source"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("trusted_document_text_sha256")
                    .table(TABLE)
                    .col("text_sha256")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TABLE).if_exists().to_owned())
            .await
    }
}
