//! EU project fields: the NUTS region of case studies and actors (`nuts_code`, the most
//! specific code known, matched by prefix so that a region finds its sub-regions), the kind
//! of programme a funding comes from (`programme_kind`, a closed vocabulary beside the free
//! `programme` name), and a project's total budget and EU contribution, each an amount
//! with its currency.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::statements::{drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

const NUTS: &str = "nuts_code";
const BUDGET: [&str; 4] = [
    "total_budget_amount",
    "total_budget_currency",
    "eu_contribution_amount",
    "eu_contribution_currency",
];

/// Every column this migration adds, by table; one per statement, as SQLite adds them.
fn columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("case_study", string_len_null(NUTS, 8)),
        ("actor", string_len_null(NUTS, 8)),
        ("funding", string_len_null("programme_kind", 32)),
        ("project", double_null(BUDGET[0])),
        ("project", string_len_null(BUDGET[1], 3)),
        ("project", double_null(BUDGET[2])),
        ("project", string_len_null(BUDGET[3], 3)),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, mut column) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for table in ["case_study", "actor"] {
            manager.create_index(index(table, &[NUTS])).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["case_study", "actor"] {
            manager.drop_index(drop_index(table, &[NUTS])).await?;
        }
        for (table, column) in columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Alias::new(column.get_column_name()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
