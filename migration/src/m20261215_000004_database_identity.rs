//! The database's identity: one row with a random id, written when the database is created
//! (or upgraded to this migration). Each search-index commit records it, so that an index
//! kept beside a replaced or restored database is recognised as another database's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "database_identity";
/// The one row's key: the table holds a single row, `slot = 1`.
const SLOT: i32 = 1;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(
                        integer("slot")
                            .primary_key()
                            .check(Expr::col("slot").eq(SLOT)),
                    )
                    .col(uuid("id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        let insert = Query::insert()
            .into_table(TABLE)
            .columns(["slot", "id", "created_at"])
            .values([
                SLOT.into(),
                uuid::Uuid::new_v4().into(),
                chrono::Utc::now().into(),
            ])
            .map_err(|error| DbErr::Migration(format!("database identity row: {error}")))?
            .to_owned();
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TABLE).if_exists().to_owned())
            .await
    }
}
