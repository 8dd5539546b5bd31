//! `symbios backup` and `symbios restore`: a consistent copy of the database, taken while a
//! server runs, and putting one back in place.
//!
//! SQLite ([`sqlite`]): `VACUUM INTO` copies the database in one read transaction, so the
//! copy holds the records and the change log of one moment while the server goes on
//! writing; the copy is checked ([`check`]) before it takes its final name. A restore copies
//! the backup the same way into the data folder, checks that copy and renames it over the
//! database, keeping the database it replaces beside it. PostgreSQL ([`postgres`]) runs
//! `pg_dump` and `pg_restore` (docs/operations.md shows the commands).
//!
//! After a restore the search index in `index_dir` is judged against the restored database
//! the way `serve` judges it ([`crate::index_folder`]): kept when it fits, otherwise moved
//! aside now, and rebuilt by the indexer at the next start.
//!
//! Invariant: a partial or unchecked copy never carries the name asked for, and an existing
//! file is never overwritten by a backup.

pub mod check;
pub mod postgres;
pub mod sqlite;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use symbios_service::inventory::Inventory;
use uuid::Uuid;

use crate::config::Settings;
use crate::index_folder::{self, DatabaseMark, Fit};
use crate::indexer::IndexerError;

/// Where operators read how to back up and restore.
pub const OPERATIONS_DOC: &str = "docs/operations.md";

/// Why a backup or a restore did not happen. Nothing was changed when one is returned, but
/// for the removal of a partial copy.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup's target exists; a backup never overwrites.
    #[error("{path} already exists; a backup never overwrites a file: choose a new name")]
    Exists {
        /// The target.
        path: String,
    },
    /// The file to restore (or the folder to back up into) cannot be used.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The folder the backup is to be written in cannot be used.
    #[error("cannot write into {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The configured SQLite database does not exist (nothing to back up).
    #[error("there is no database at {path} (is `data_dir` or `database_url` right?)")]
    NoDatabase {
        /// The database file looked for.
        path: String,
    },
    /// The file is not a Symbios database (or not a database at all).
    #[error("{path} is not a Symbios database: {reason}")]
    NotSymbios {
        /// The file.
        path: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// SQLite's integrity check found damage.
    #[error("{path} is damaged (PRAGMA integrity_check): {problems}")]
    Damaged {
        /// The file.
        path: String,
        /// The first problems SQLite reported.
        problems: String,
    },
    /// The copy was written by a newer Symbios (it has migrations this one does not know).
    #[error(
        "{path} was migrated by a newer Symbios (unknown migrations: {unknown}); restore it with that version"
    )]
    NewerSchema {
        /// The file.
        path: String,
        /// The migrations this executable does not have.
        unknown: String,
    },
    /// A server (or a reindex) holds the search index of this data folder.
    #[error(
        "a symbios server (or reindex) is running on this data folder (it holds the search index at {index}); stop it before restoring"
    )]
    ServerRunning {
        /// The index folder.
        index: String,
    },
    /// Another process has the SQLite database open.
    #[error(
        "{path} is open in another process (a symbios server with another index folder, an import, a reindex …); stop it before restoring"
    )]
    DatabaseInUse {
        /// The database file.
        path: String,
    },
    /// A file operation failed.
    #[error("failed to {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// A PostgreSQL client tool is not installed.
    #[error(
        "`{tool}` was not found on PATH; install the PostgreSQL client tools (Debian: postgresql-client) or run the commands in {OPERATIONS_DOC} by hand"
    )]
    ToolMissing {
        /// `pg_dump` or `pg_restore`.
        tool: &'static str,
    },
    /// A PostgreSQL client tool failed.
    #[error("`{tool}` failed ({status}): {stderr}")]
    ToolFailed {
        /// `pg_dump` or `pg_restore`.
        tool: &'static str,
        /// Its exit status.
        status: String,
        /// What it wrote to standard error.
        stderr: String,
    },
    /// The database refused a statement.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Reading the restored database failed.
    #[error(transparent)]
    Service(#[from] symbios_service::Error),
    /// Judging the search index failed.
    #[error(transparent)]
    Index(#[from] IndexerError),
    /// A blocking task failed.
    #[error("task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl BackupError {
    /// [`BackupError::Io`] for `map_err`.
    pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.display().to_string();
        move |source| BackupError::Io {
            action,
            path,
            source,
        }
    }
}

/// What a checked copy holds.
#[derive(Debug, Clone)]
pub struct Contents {
    /// The database's identity (`None`: a backup from before identities, migrated later).
    pub identity: Option<Uuid>,
    /// Rows per record type and the newest change (`None` when the schema is older than this
    /// executable's and the counts need the migrations first).
    pub inventory: Option<Inventory>,
    /// Migrations this executable has that the copy has not applied yet (`serve` and
    /// `migrate up` apply them).
    pub pending_migrations: Vec<String>,
    /// The copy's size in bytes.
    pub bytes: u64,
}

/// A backup taken.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The file written.
    pub path: PathBuf,
    /// What it holds.
    pub contents: Contents,
    /// How long it took.
    pub elapsed: Duration,
}

/// What a restore did with the search index.
#[derive(Debug, Clone)]
pub enum IndexAfterRestore {
    /// Judged against the restored database.
    Judged(Fit),
    /// Not judged: the restored database needs migrations first; the next `serve` migrates it
    /// and then judges the index.
    AfterMigrations,
}

/// A restore done.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The database restored into (a file, or a URL without its password).
    pub database: String,
    /// What the restored database holds.
    pub contents: Contents,
    /// Where the database it replaced was kept (SQLite; `None` when there was none).
    pub previous: Option<PathBuf>,
    /// The search index's fate.
    pub index: IndexAfterRestore,
    /// How long it took.
    pub elapsed: Duration,
}

/// Takes a backup of the configured database into `path`, which must not exist.
pub async fn backup(settings: &Settings, path: &Path) -> Result<BackupReport, BackupError> {
    let started = std::time::Instant::now();
    refuse_existing(path)?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match std::fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => {
            return Err(BackupError::Folder {
                path: folder.display().to_string(),
                source: std::io::Error::other("it is not a folder"),
            });
        }
        Err(source) => {
            return Err(BackupError::Folder {
                path: folder.display().to_string(),
                source,
            });
        }
    }
    let contents = if settings.uses_sqlite() {
        sqlite::backup(&sqlite::database_file(settings)?, path).await?
    } else {
        postgres::backup(&settings.effective_database_url(), path).await?
    };
    Ok(BackupReport {
        path: path.to_path_buf(),
        contents,
        elapsed: started.elapsed(),
    })
}

/// Puts the backup in `path` in the place of the configured database, then judges the search
/// index against it. Refused while a server runs on this data folder.
pub async fn restore(settings: &Settings, path: &Path) -> Result<RestoreReport, BackupError> {
    let started = std::time::Instant::now();
    let metadata = std::fs::metadata(path).map_err(|source| BackupError::Unreadable {
        path: path.display().to_string(),
        source,
    })?;
    if !metadata.is_file() {
        return Err(BackupError::Unreadable {
            path: path.display().to_string(),
            source: std::io::Error::other("it is not a file"),
        });
    }
    let index = settings.effective_index_dir();
    refuse_running_server(&index).await?;
    let (database, contents, previous) = if settings.uses_sqlite() {
        let file = sqlite::database_file(settings)?;
        let (contents, previous) = sqlite::restore(path, &file).await?;
        (file.display().to_string(), contents, previous)
    } else {
        let url = settings.effective_database_url();
        let contents = postgres::restore(path, &url).await?;
        (postgres::without_password(&url), contents, None)
    };
    let index = if contents.pending_migrations.is_empty() {
        let (db, _) = crate::db::connect(settings)
            .await
            .map_err(|error| match error {
                crate::db::DbSetupError::Database(error) => BackupError::Database(error),
                crate::db::DbSetupError::DirectReads(error) => BackupError::Database(error.into()),
                crate::db::DbSetupError::DataDir { path, source } => BackupError::Io {
                    action: "create",
                    path,
                    source,
                },
            })?;
        let judged = judge_index(&db, &index).await;
        db.close().await.ok();
        IndexAfterRestore::Judged(judged?)
    } else {
        IndexAfterRestore::AfterMigrations
    };
    Ok(RestoreReport {
        database,
        contents,
        previous,
        index,
        elapsed: started.elapsed(),
    })
}

/// Judges the index in `folder` against `db` as `serve` does (keeping it or setting it aside).
async fn judge_index(db: &DatabaseConnection, folder: &Path) -> Result<Fit, BackupError> {
    let mark = DatabaseMark::read(db).await?;
    let (index, _, fit) = index_folder::open_judged(folder, db, &mark).await?;
    drop(index);
    Ok(fit)
}

fn refuse_existing(path: &Path) -> Result<(), BackupError> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Err(BackupError::Exists {
            path: path.display().to_string(),
        }),
        // Its folder is checked next, with a clearer message.
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(())
        }
        Err(source) => Err(BackupError::Unreadable {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// `serve` and `reindex` hold the index writer's lock for as long as they run: the same test
/// `reindex` uses.
async fn refuse_running_server(index: &Path) -> Result<(), BackupError> {
    let folder = index.to_path_buf();
    let in_use = tokio::task::spawn_blocking(move || symbios_search::folder_in_use(&folder))
        .await?
        .map_err(IndexerError::from)?;
    if in_use {
        return Err(BackupError::ServerRunning {
            index: index.display().to_string(),
        });
    }
    Ok(())
}

/// A name beside `target` for the copy being written, unique to this process.
pub(crate) fn partial_name(target: &Path, label: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "backup".into(), |name| name.to_string_lossy());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    target.with_file_name(format!(".{name}.{label}-{stamp}-{}", std::process::id()))
}

/// Publishes the copy `partial` as `target` when its check passed (see [`publish`]), or
/// removes it when the copy or its check failed.
pub(crate) fn publish_checked(
    partial: &Path,
    target: &Path,
    checked: Result<Contents, BackupError>,
) -> Result<Contents, BackupError> {
    match checked {
        Ok(contents) => {
            publish(partial, target)?;
            Ok(contents)
        }
        Err(error) => {
            std::fs::remove_file(partial).ok();
            Err(error)
        }
    }
}

/// Gives the finished copy `partial` the name `target` without ever replacing a file there
/// (a hard link fails when the name is taken), then removes `partial`.
pub(crate) fn publish(partial: &Path, target: &Path) -> Result<(), BackupError> {
    match std::fs::hard_link(partial, target) {
        Ok(()) => {
            std::fs::remove_file(partial).map_err(BackupError::io("remove", partial))?;
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(partial).ok();
            return Err(BackupError::Exists {
                path: target.display().to_string(),
            });
        }
        // A file system without hard links: check again, then rename.
        Err(_) => {
            refuse_existing(target)?;
            std::fs::rename(partial, target).map_err(BackupError::io("rename", partial))?;
        }
    }
    sync_parent(target)
}

/// Makes a new name in `path`'s folder durable.
pub(crate) fn sync_parent(path: &Path) -> Result<(), BackupError> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)
        .and_then(|folder| folder.sync_all())
        .map_err(BackupError::io("sync the folder", parent))
}
