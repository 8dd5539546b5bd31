//! Indexes that serve each list order whole: (sort key, id), the order every page is read in.
//! With an index on the sort key alone, SQLite sorted the ties by id in a temporary B-tree
//! for every page, which opened and sized a page cache each time.

use sea_orm_migration::prelude::*;

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

fn ordered_index(table: &str, column: &str) -> IndexCreateStatement {
    Index::create()
        .name(format!("ix_{table}_{column}_id"))
        .table(Alias::new(table))
        .col(Alias::new(column))
        .col(Alias::new("id"))
        .to_owned()
}

fn single_index(table: &str, column: &str) -> IndexCreateStatement {
    Index::create()
        .name(format!("ix_{table}_{column}"))
        .table(Alias::new(table))
        .col(Alias::new(column))
        .to_owned()
}

fn drop_index(name: String, table: &str) -> IndexDropStatement {
    Index::drop().name(name).table(Alias::new(table)).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in ORDERS {
            manager.create_index(ordered_index(table, column)).await?;
        }
        for (table, column) in REPLACED {
            manager
                .drop_index(drop_index(format!("ix_{table}_{column}"), table))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in REPLACED {
            manager.create_index(single_index(table, column)).await?;
        }
        for (table, column) in ORDERS {
            manager
                .drop_index(drop_index(format!("ix_{table}_{column}_id"), table))
                .await?;
        }
        Ok(())
    }
}
