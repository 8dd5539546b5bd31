//! Webhooks: endpoints an admin registered to receive each change as a signed POST, and
//! their deliveries. Kept in the database so that deliveries survive a restart and every
//! replica sees the same endpoints.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::statements::{create, drop_tables, index, table, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const WEBHOOK: &str = "webhook";
const DELIVERY: &str = "webhook_delivery";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let webhook = vec![
            uuid("id").primary_key().to_owned(),
            string_len("url", 2048),
            // Comma-separated change-log entity types; empty: every type.
            string_len("entity_types", 512),
            // Signs every delivery, so it is kept as given; shown once, when created.
            string_len("secret", 256),
            string_len("state", 16),
            // Why the endpoint stopped (a dead-lettered delivery, pruned changes).
            text_null("failure"),
            // The change-log position up to which changes were delivered (or dead-lettered).
            big_integer("cursor"),
            timestamp_with_time_zone("created_at"),
            timestamp_with_time_zone("updated_at"),
        ];
        let delivery = vec![
            uuid("id").primary_key().to_owned(),
            uuid("webhook_id"),
            big_integer("seq"),
            integer("attempts"),
            // Where the dead-letter time counts from: the first attempt, or the resume.
            timestamp_with_time_zone("retry_since"),
            timestamp_with_time_zone("next_attempt_at"),
            integer_null("last_status"),
            text_null("last_error"),
            string_len("state", 16),
            timestamp_with_time_zone("created_at"),
            timestamp_with_time_zone("updated_at"),
        ];
        create(manager, table(WEBHOOK, webhook, &[]), vec![]).await?;
        let references = [("webhook_id", WEBHOOK, ForeignKeyAction::Cascade)];
        create(
            manager,
            table(DELIVERY, delivery, &references),
            vec![
                // One delivery per change and endpoint, also when two workers race.
                unique_index(DELIVERY, &["webhook_id", "seq"]),
                index(DELIVERY, &["webhook_id", "state"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[WEBHOOK, DELIVERY]).await
    }
}
