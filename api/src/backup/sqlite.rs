//! SQLite: the backup is `VACUUM INTO`, one read transaction beside the running server (in
//! WAL mode writers go on), so the copy holds records and change log of one moment; the
//! restore copies the backup the same way into the data folder and renames it over the
//! database.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::ConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{BackupError, Contents, check, partial_name, publish_checked, sync_parent};
use crate::config::Settings;

/// The database file of the configured SQLite URL.
pub fn database_file(settings: &Settings) -> Result<PathBuf, BackupError> {
    let options = SqliteConnectOptions::from_str(&settings.effective_database_url())
        .map_err(|error| sea_orm::DbErr::Custom(format!("invalid database_url: {error}")))?;
    Ok(options.get_filename().to_path_buf())
}

/// Copies the running database `source` into `target` (which must not exist) and checks the
/// copy; a copy that fails its check is removed.
pub async fn backup(source: &Path, target: &Path) -> Result<Contents, BackupError> {
    if !source.is_file() {
        return Err(BackupError::NoDatabase {
            path: source.display().to_string(),
        });
    }
    let partial = partial_name(target, "partial");
    let shown = target.display().to_string();
    let copied = async {
        let db = open(source, false)
            .await
            .map_err(|error| check::not_symbios(&source.display().to_string(), &error))?;
        let vacuumed = vacuum_into(&db, &partial).await;
        db.close().await.ok();
        vacuumed?;
        checked(&partial, &shown).await
    }
    .await;
    publish_checked(&partial, target, copied)
}

/// Puts a checked copy of `backup` in the place of `database`; the database it replaces is
/// kept beside it (returned). The caller made sure no server runs on it.
pub async fn restore(
    backup: &Path,
    database: &Path,
) -> Result<(Contents, Option<PathBuf>), BackupError> {
    if let Some(folder) = database
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(BackupError::io("create", folder))?;
    }
    let partial = partial_name(database, "restoring");
    let shown = backup.display().to_string();
    let copied = async {
        let source = open(backup, true)
            .await
            .map_err(|error| check::not_symbios(&shown, &error))?;
        let vacuumed = vacuum_into(&source, &partial).await;
        source.close().await.ok();
        vacuumed.map_err(|error| check::not_symbios(&shown, &error))?;
        checked(&partial, &shown).await
    }
    .await;
    let contents = match copied {
        Ok(contents) => contents,
        Err(error) => {
            std::fs::remove_file(&partial).ok();
            return Err(error);
        }
    };
    if let Err(error) = take_over(database).await {
        std::fs::remove_file(&partial).ok();
        return Err(error);
    }
    let previous = keep_previous(database);
    let previous = match previous {
        Ok(previous) => previous,
        Err(error) => {
            std::fs::remove_file(&partial).ok();
            return Err(error);
        }
    };
    // The old database's log and shared-memory files must not meet the new database: SQLite
    // would read the old pages from them. Its log was folded in by `take_over`.
    for suffix in ["-wal", "-shm"] {
        let stale = sidecar(database, suffix);
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                std::fs::remove_file(&partial).ok();
                return Err(BackupError::Io {
                    action: "remove",
                    path: stale.display().to_string(),
                    source,
                });
            }
        }
    }
    std::fs::rename(&partial, database).map_err(BackupError::io("rename", &partial))?;
    sync_parent(database)?;
    Ok((contents, previous))
}

/// Refuses when another process has `database` open (a server whose index lives elsewhere,
/// an import): it holds a lock that an exclusive one waits for. Then folds the write-ahead log
/// into the database, so that the file kept by [`keep_previous`] is whole. A database that
/// cannot be opened is left to be replaced as it is.
async fn take_over(database: &Path) -> Result<(), BackupError> {
    if !database.is_file() {
        return Ok(());
    }
    let Ok(db) = open_waiting(database, false, TAKE_OVER_WAIT).await else {
        return Ok(());
    };
    let taken = async {
        db.execute_unprepared("PRAGMA locking_mode=EXCLUSIVE")
            .await?;
        db.execute_unprepared("BEGIN EXCLUSIVE").await?;
        db.execute_unprepared("COMMIT").await?;
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map(|_| ())
    }
    .await;
    db.close().await.ok();
    match taken {
        Err(error) if error.to_string().contains("database is locked") => {
            Err(BackupError::DatabaseInUse {
                path: database.display().to_string(),
            })
        }
        // Damaged or unreadable: it is replaced, and kept as it is.
        Ok(()) | Err(_) => Ok(()),
    }
}

/// How long [`take_over`] waits for other processes to let go of the database.
const TAKE_OVER_WAIT: Duration = Duration::from_secs(2);

/// Keeps the database that is about to be replaced as `<name>.replaced-<UTC time>` (a hard
/// link, so nothing is copied), with its write-ahead log when one is left.
fn keep_previous(database: &Path) -> Result<Option<PathBuf>, BackupError> {
    if !database.is_file() {
        return Ok(None);
    }
    let name = database
        .file_name()
        .map_or_else(|| "symbios.db".into(), |name| name.to_string_lossy());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let kept = database.with_file_name(format!("{name}.replaced-{stamp}"));
    if std::fs::hard_link(database, &kept).is_err() {
        std::fs::copy(database, &kept).map_err(BackupError::io("copy", database))?;
    }
    let wal = sidecar(database, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|meta| meta.len() > 0) {
        std::fs::copy(&wal, sidecar(&kept, "-wal")).map_err(BackupError::io("copy", &wal))?;
    }
    Ok(Some(kept))
}

/// Checks the copy in `file` (reported as `shown`) and says what it holds.
async fn checked(file: &Path, shown: &str) -> Result<Contents, BackupError> {
    let bytes = std::fs::metadata(file)
        .map_err(BackupError::io("read", file))?
        .len();
    let db = open(file, false)
        .await
        .map_err(|error| check::not_symbios(shown, &error))?;
    let result = async {
        check::sqlite_integrity(&db, shown).await?;
        check::contents(&db, shown, bytes).await
    }
    .await;
    db.close().await.ok();
    // The check opened the copy; it leaves no log behind (checked copies are moved alone).
    for suffix in ["-wal", "-shm", "-journal"] {
        std::fs::remove_file(sidecar(file, suffix)).ok();
    }
    result
}

/// One connection to an existing file (never created).
async fn open(file: &Path, read_only: bool) -> Result<DatabaseConnection, sea_orm::DbErr> {
    open_waiting(file, read_only, Duration::from_secs(10)).await
}

/// [`open`], waiting at most `busy` for a lock another connection holds.
async fn open_waiting(
    file: &Path,
    read_only: bool,
    busy: Duration,
) -> Result<DatabaseConnection, sea_orm::DbErr> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(busy)
        // Waiting for a lock or copying a large file is expected here, not a slow statement.
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|error| sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(error.into())))?;
    Ok(DatabaseConnection::from(pool))
}

/// `VACUUM INTO`: a consistent, compacted copy of `db` in `target`, made durable (SQLite does
/// not sync it).
async fn vacuum_into(db: &DatabaseConnection, target: &Path) -> Result<(), BackupError> {
    let literal = target.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{literal}'"))
        .await?;
    std::fs::File::open(target)
        .and_then(|file| file.sync_all())
        .map_err(BackupError::io("sync", target))
}

/// `<file><suffix>`, e.g. `symbios.db-wal`.
fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
