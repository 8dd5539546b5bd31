//! Writes and partner sync: API keys, the audit log, idempotency records of bulk upserts, the
//! change-log retention horizon and the partner's source version on external identifiers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; `down` drops them in reverse.
const TABLES: &[&str] = &["api_key", "audit_log", "idempotency_record", "sync_state"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("api_key")
                    .col(pk_uuid("id"))
                    .col(string_len("name", 100))
                    .col(string_len("role", 16))
                    .col(string_len_null("scheme", 32))
                    .col(string_len("prefix", 24))
                    .col(string_len_uniq("secret_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid_null("api_key_id"))
                    .col(string_len("principal", 100))
                    .col(string_len("operation", 64))
                    .col(string_len("entity_type", 32))
                    .col(uuid("entity_id"))
                    .col(integer_null("old_version"))
                    .col(integer_null("new_version"))
                    .col(string_len_null("request_id", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_log_entity_id")
                    .table("audit_log")
                    .col("entity_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("idempotency_record")
                    .col(uuid("api_key_id"))
                    .col(string_len("idempotency_key", 200))
                    .col(string_len("request_hash", 64))
                    .col(text("response"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("api_key_id").col("idempotency_key"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("sync_state")
                    .col(string_len("name", 64).primary_key())
                    .col(big_integer("value"))
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table("external_identifier")
                    .add_column(big_integer_null("source_version"))
                    .to_owned(),
            )
            .await?;
        // Texts are read by record id alone (search documents, batched loads); the primary
        // key starts with the record type, so it cannot serve those reads.
        manager
            .create_index(
                Index::create()
                    .name("ix_localized_text_entity_id")
                    .table("localized_text")
                    .col("entity_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_localized_text_entity_id")
                    .table("localized_text")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("external_identifier")
                    .drop_column("source_version")
                    .to_owned(),
            )
            .await?;
        for table in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(*table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
