//! Indexes that serve each list order whole: (sort key, id), the order every page is read in.
//! With an index on the sort key alone, SQLite sorted the ties by id in a temporary B-tree
//! for every page, which opened and sized a page cache each time.

use sea_orm_migration::prelude::*;

use crate::statements::{drop_index, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, sort column) of every list order kept in an index; the year order sorts by an
/// expression (unknown years as 0) and its lists are short once filtered.
const ORDERS: &[(&str, &str)] = &[
    ("case_study", "name_folded"),
    ("case_study", "updated_at"),
    ("project", "name_folded"),
    ("project", "updated_at"),
    ("actor", "name_folded"),
    ("actor", "updated_at"),
    ("funder", "name_folded"),
    ("funder", "updated_at"),
];

/// Single-column indexes of migration 1 that the new ones make redundant.
const REPLACED: &[(&str, &str)] = &[
    ("case_study", "name_folded"),
    ("project", "name_folded"),
    ("actor", "name_folded"),
    ("actor", "updated_at"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in ORDERS {
            manager.create_index(index(table, &[column, "id"])).await?;
        }
        for (table, column) in REPLACED {
            manager.drop_index(drop_index(table, &[column])).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in REPLACED {
            manager.create_index(index(table, &[column])).await?;
        }
        for (table, column) in ORDERS {
            manager
                .drop_index(drop_index(table, &[column, "id"]))
                .await?;
        }
        Ok(())
    }
}
