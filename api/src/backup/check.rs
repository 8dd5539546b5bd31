//! Checking a copy before it is trusted: SQLite's integrity check, the migrations table
//! against this executable's migrations, the database identity, and what it holds.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use symbios_migration::{Migrator, MigratorTrait};
use symbios_service::database_identity;
use symbios_service::inventory::Inventory;

use super::{BackupError, Contents};

/// The table sea-orm-migration records applied migrations in.
const MIGRATIONS_TABLE: &str = "seaql_migrations";
/// Problems of `PRAGMA integrity_check` quoted in an error.
const PROBLEMS_SHOWN: usize = 5;

/// Runs SQLite's full integrity check on `db` (the copy at `path`).
pub async fn sqlite_integrity(db: &DatabaseConnection, path: &str) -> Result<(), BackupError> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA integrity_check({PROBLEMS_SHOWN})"),
        ))
        .await
        .map_err(|error| not_symbios(path, &error))?;
    let problems: Vec<String> = rows
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .filter(|line| line != "ok")
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(BackupError::Damaged {
            path: path.to_owned(),
            problems: problems.join("; "),
        })
    }
}

/// Checks that `db` (the copy at `path`, `bytes` long) is a Symbios database this executable
/// can serve, and says what it holds.
pub async fn contents(
    db: &impl ConnectionTrait,
    path: &str,
    bytes: u64,
) -> Result<Contents, BackupError> {
    let applied = applied_migrations(db, path).await?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    let unknown: Vec<&str> = applied
        .iter()
        .filter(|name| !known.contains(name))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(BackupError::NewerSchema {
            path: path.to_owned(),
            unknown: unknown.join(", "),
        });
    }
    let pending_migrations: Vec<String> = known
        .into_iter()
        .filter(|name| !applied.contains(name))
        .collect();
    let (identity, inventory) = if pending_migrations.is_empty() {
        let identity =
            database_identity::stored(db)
                .await?
                .ok_or_else(|| BackupError::NotSymbios {
                    path: path.to_owned(),
                    reason: "it has no database identity (its `database_identity` row was deleted)"
                        .to_owned(),
                })?;
        (Some(identity), Some(Inventory::read(db).await?))
    } else {
        // An older schema: what it lacks comes with the migrations the next `serve` applies.
        (database_identity::stored(db).await.ok().flatten(), None)
    };
    Ok(Contents {
        identity,
        inventory,
        pending_migrations,
        bytes,
    })
}

/// The names of the migrations applied to `db`.
async fn applied_migrations(
    db: &impl ConnectionTrait,
    path: &str,
) -> Result<Vec<String>, BackupError> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT version FROM {MIGRATIONS_TABLE} ORDER BY version"),
        ))
        .await
        .map_err(|error| match error.to_string() {
            text if text.contains(MIGRATIONS_TABLE) => BackupError::NotSymbios {
                path: path.to_owned(),
                reason: format!("it has no `{MIGRATIONS_TABLE}` table"),
            },
            _ => not_symbios(path, &error),
        })?;
    let mut names = Vec::with_capacity(rows.len());
    for row in rows {
        names.push(
            row.try_get_by_index::<String>(0)
                .map_err(|error| not_symbios(path, &error))?,
        );
    }
    if names.is_empty() {
        return Err(BackupError::NotSymbios {
            path: path.to_owned(),
            reason: "no migration was ever applied to it".to_owned(),
        });
    }
    Ok(names)
}

/// The error for a file SQLite cannot read as a database (e.g. "file is not a database").
pub fn not_symbios(path: &str, error: &impl std::fmt::Display) -> BackupError {
    BackupError::NotSymbios {
        path: path.to_owned(),
        reason: database_reason(&error.to_string()),
    }
}

/// SQLite's own words from a driver error ("… (code: 26) file is not a database"), put as
/// the reason a file is refused.
fn database_reason(text: &str) -> String {
    let said = text
        .rsplit_once(") ")
        .filter(|(before, _)| before.contains("(code: "))
        .map_or(text, |(_, said)| said);
    match said {
        "file is not a database" => "it is not an SQLite database file".to_owned(),
        _ => said.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_is_sqlite_s_own_words() {
        let driver =
            "Execution Error: error returned from database: (code: 26) file is not a database";
        assert_eq!(database_reason(driver), "it is not an SQLite database file");
        let other = "Execution Error: error returned from database: (code: 11) database disk image is malformed";
        assert_eq!(database_reason(other), "database disk image is malformed");
        assert_eq!(database_reason("no code here"), "no code here");
    }
}
