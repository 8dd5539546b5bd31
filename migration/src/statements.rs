//! Builders the migrations share: tables with their foreign keys, indexes named after their
//! columns, and creating or dropping a list of them.
//!
//! Invariant: a change here must not change a statement a shipped migration runs: the schema
//! of a freshly migrated SQLite and PostgreSQL database is compared, dumped, before and after.

use sea_orm_migration::prelude::*;

/// A reference from a column to `id` of another table, and what deleting the referenced row
/// does: (column, table, on delete).
pub(crate) type Reference = (&'static str, &'static str, ForeignKeyAction);

/// The foreign key `fk_<table>_<column>` from `from_table.from_column` to `to_table.id`.
pub(crate) fn foreign_key(
    from_table: &'static str,
    from_column: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_column}"))
        .from(from_table, from_column)
        .to(to_table, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// `name` with `columns` and the foreign keys of `references`, in that order.
pub(crate) fn table(
    name: &'static str,
    columns: Vec<ColumnDef>,
    references: &[Reference],
) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(name);
    for column in columns {
        table.col(column);
    }
    for (column, to_table, on_delete) in references {
        table.foreign_key(&mut foreign_key(name, column, to_table, *on_delete));
    }
    table
}

/// The index `ix_<table>_<columns joined by _>` on `columns` of `table`.
pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    statement
}

/// [`index`], unique.
pub(crate) fn unique_index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    index(table, columns).unique().to_owned()
}

/// Drops the index [`index`] names.
pub(crate) fn drop_index(table: &'static str, columns: &[&'static str]) -> IndexDropStatement {
    Index::drop()
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table)
        .to_owned()
}

/// Creates `table`, then the indexes of `indexes`.
pub(crate) async fn create(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops `tables` (those that exist), last first.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables.iter().rev() {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}
