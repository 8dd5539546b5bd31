//! Resource names of flows as localized text (field `resource` of `localized_text`), with the
//! language the name was written in (`resource_lang`) and the names of every language folded
//! for `resourceFlows(filter: { resourceContains })` and the resource order
//! (`resource_folded`, filled by the application: folding needs Unicode tables SQL lacks).
//! Existing names become the original text in the flow's `original_lang`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::statements::{drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "resource_flow";
const LANG: &str = "resource_lang";
const FOLDED: &str = "resource_folded";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in [
            string_len(LANG, 8).default("").to_owned(),
            text(FOLDED).default("").to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(TABLE)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(TABLE)
                    .value(Alias::new(LANG), Expr::col(Alias::new("original_lang")))
                    .to_owned(),
            )
            .await?;
        let names = Query::select()
            .expr(Expr::val("resource_flow"))
            .column(Alias::new("id"))
            .expr(Expr::val("resource"))
            .column(Alias::new("original_lang"))
            .column(Alias::new("resource"))
            .expr(Expr::val(true))
            .from(TABLE)
            .to_owned();
        let copy = Query::insert()
            .into_table(Alias::new("localized_text"))
            .columns(
                [
                    "entity_type",
                    "entity_id",
                    "field",
                    "lang",
                    "text",
                    "is_original",
                ]
                .map(Alias::new),
            )
            .select_from(names)
            .map_err(|error| DbErr::Migration(error.to_string()))?
            .to_owned();
        manager.exec_stmt(copy).await?;
        manager.create_index(index(TABLE, &[FOLDED, "id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(drop_index(TABLE, &[FOLDED, "id"]))
            .await?;
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Alias::new("localized_text"))
                    .and_where(Expr::col(Alias::new("entity_type")).eq("resource_flow"))
                    .and_where(Expr::col(Alias::new("field")).eq("resource"))
                    .to_owned(),
            )
            .await?;
        for column in [FOLDED, LANG] {
            manager
                .alter_table(Table::alter().table(TABLE).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
