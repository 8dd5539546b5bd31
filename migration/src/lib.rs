//! Schema migrations of the Symbios knowledge base. The same migrations run on SQLite and
//! PostgreSQL; they are listed in order in [`Migrator`].
//!
//! Invariant: a migration that has shipped never changes the schema it builds; changes come as
//! new migrations. (Its code may share builders with the others, `statements.rs`, as long as
//! the dumped schema of a freshly migrated database stays the same to the letter.)

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_domain;
mod m20261123_000002_writes_and_sync;
mod m20261201_000003_list_order_indexes;
mod m20261215_000004_database_identity;
mod m20261220_000005_api_key_last_used;
mod m20261230_000006_trusted_documents;
mod m20270105_000007_webhooks;
mod m20270110_000008_flow_resource_names;
mod m20270115_000009_eu_project_fields;
mod statements;

/// Runs the Symbios migrations in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_domain::Migration),
            Box::new(m20261123_000002_writes_and_sync::Migration),
            Box::new(m20261201_000003_list_order_indexes::Migration),
            Box::new(m20261215_000004_database_identity::Migration),
            Box::new(m20261220_000005_api_key_last_used::Migration),
            Box::new(m20261230_000006_trusted_documents::Migration),
            Box::new(m20270105_000007_webhooks::Migration),
            Box::new(m20270110_000008_flow_resource_names::Migration),
            Box::new(m20270115_000009_eu_project_fields::Migration),
        ]
    }
}
