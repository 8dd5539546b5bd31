//! Writes and partner sync: API keys, the audit log, idempotency records of bulk upserts, the
//! change-log retention horizon and the partner's source version on external identifiers.

use sea_orm_migration::{prelude::*, schema::*};

use crate::statements::{create, drop_index, drop_tables, index, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; `down` drops them in reverse.
const TABLES: &[&str] = &["api_key", "audit_log", "idempotency_record", "sync_state"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let api_key = table(
            "api_key",
            vec![
                pk_uuid("id"),
                string_len("name", 100),
                string_len("role", 16),
                string_len_null("scheme", 32),
                string_len("prefix", 24),
                string_len_uniq("secret_hash", 64),
                timestamp_with_time_zone("created_at"),
                timestamp_with_time_zone_null("revoked_at"),
            ],
            &[],
        );
        create(manager, api_key, vec![]).await?;
        let audit_log = table(
            "audit_log",
            vec![
                big_pk_auto("id"),
                timestamp_with_time_zone("at"),
                uuid_null("api_key_id"),
                string_len("principal", 100),
                string_len("operation", 64),
                string_len("entity_type", 32),
                uuid("entity_id"),
                integer_null("old_version"),
                integer_null("new_version"),
                string_len_null("request_id", 64),
            ],
            &[],
        );
        create(manager, audit_log, vec![index("audit_log", &["entity_id"])]).await?;
        let mut idempotency_record = table(
            "idempotency_record",
            vec![
                uuid("api_key_id"),
                string_len("idempotency_key", 200),
                string_len("request_hash", 64),
                text("response"),
                timestamp_with_time_zone("created_at"),
            ],
            &[],
        );
        idempotency_record.primary_key(Index::create().col("api_key_id").col("idempotency_key"));
        create(manager, idempotency_record, vec![]).await?;
        let sync_state = table(
            "sync_state",
            vec![
                string_len("name", 64).primary_key().to_owned(),
                big_integer("value"),
            ],
            &[],
        );
        create(manager, sync_state, vec![]).await?;

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
            .create_index(index("localized_text", &["entity_id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(drop_index("localized_text", &["entity_id"]))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("external_identifier")
                    .drop_column("source_version")
                    .to_owned(),
            )
            .await?;
        drop_tables(manager, TABLES).await
    }
}
