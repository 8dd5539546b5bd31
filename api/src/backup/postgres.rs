//! PostgreSQL: `pg_dump --format=custom` (one snapshot of the whole database, records and
//! change log together, while servers go on writing) and `pg_restore`, run as
//! docs/operations.md shows. A password in the URL is handed to them in `PGPASSWORD`, so it
//! never shows in the process list.

use std::path::{Path, PathBuf};
use std::process::Command;

use sea_orm::{
    AccessMode, ConnectionTrait, Database, DbBackend, IsolationLevel, Statement, TransactionTrait,
};

use super::{BackupError, Contents, check, partial_name, publish_checked};

/// Runs `pg_dump` of `url` into `target` (which must not exist), then has `pg_restore --list`
/// read the archive back.
pub async fn backup(url: &str, target: &Path) -> Result<Contents, BackupError> {
    let pg_dump = tool("pg_dump")?;
    let pg_restore = tool("pg_restore")?;
    let (bare_url, password) = split_password(url);
    // The counts are read in the snapshot `pg_dump` dumps (exported from this transaction),
    // so they say exactly what the archive holds.
    let db = Database::connect(url).await?;
    let snapshot = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let exported = snapshot
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_export_snapshot()",
        ))
        .await?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?
        .ok_or_else(|| sea_orm::DbErr::Custom("pg_export_snapshot() gave no row".to_owned()))?;
    let partial = partial_name(target, "partial");
    let shown = target.display().to_string();
    let dumped = async {
        let mut dump = Command::new(pg_dump);
        dump.arg("--format=custom")
            .arg(format!("--snapshot={exported}"))
            .arg("--file")
            .arg(&partial)
            .arg("--dbname")
            .arg(&bare_url);
        run("pg_dump", dump, password.as_deref()).await?;
        let entries = list(&pg_restore, &partial).await?;
        if !entries.contains("TABLE DATA public seaql_migrations") {
            return Err(BackupError::NotSymbios {
                path: bare_url.clone(),
                reason: "the dump has no `seaql_migrations` table".to_owned(),
            });
        }
        let bytes = std::fs::metadata(&partial)
            .map_err(BackupError::io("read", &partial))?
            .len();
        check::contents(&snapshot, &shown, bytes).await
    }
    .await;
    snapshot.commit().await.ok();
    db.close().await.ok();
    publish_checked(&partial, target, dumped)
}

/// Restores the archive `backup` into the database of `url` with `pg_restore --clean
/// --if-exists --single-transaction`, after `pg_restore --list` read it.
pub async fn restore(backup: &Path, url: &str) -> Result<Contents, BackupError> {
    let pg_restore = tool("pg_restore")?;
    let entries = list(&pg_restore, backup)
        .await
        .map_err(|error| match error {
            BackupError::ToolFailed { stderr, .. } => BackupError::NotSymbios {
                path: backup.display().to_string(),
                reason: format!("`pg_restore --list` cannot read it: {stderr}"),
            },
            other => other,
        })?;
    if !entries.contains("TABLE DATA public seaql_migrations") {
        return Err(BackupError::NotSymbios {
            path: backup.display().to_string(),
            reason: "the archive has no `seaql_migrations` table".to_owned(),
        });
    }
    let (url, password) = split_password(url);
    let mut restore = Command::new(pg_restore);
    restore
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
        ])
        .arg("--dbname")
        .arg(&url)
        .arg(backup);
    run("pg_restore", restore, password.as_deref()).await?;
    let bytes = std::fs::metadata(backup)
        .map_err(BackupError::io("read", backup))?
        .len();
    let db = Database::connect(with_password(&url, password.as_deref())).await?;
    let contents = check::contents(&db, backup.display().to_string().as_str(), bytes).await;
    db.close().await.ok();
    contents
}

/// The table of contents of the archive `file` (fails when it is not a custom-format dump).
async fn list(pg_restore: &Path, file: &Path) -> Result<String, BackupError> {
    let mut command = Command::new(pg_restore);
    command.arg("--list").arg(file);
    run("pg_restore", command, None).await
}

/// Runs `command`, returning its standard output.
async fn run(
    tool: &'static str,
    mut command: Command,
    password: Option<&str>,
) -> Result<String, BackupError> {
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await?
        .map_err(|source| BackupError::Io {
            action: "run",
            path: tool.to_owned(),
            source,
        })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(BackupError::ToolFailed {
            tool,
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

/// The executable `name` on PATH.
fn tool(name: &'static str) -> Result<PathBuf, BackupError> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|folder| folder.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or(BackupError::ToolMissing { tool: name })
}

/// `url` without its password, and the password.
fn split_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => match parsed.password().map(str::to_owned) {
            Some(password) => {
                // Cannot fail on a URL that has a password (it has a host).
                parsed.set_password(None).ok();
                let password = url::form_urlencoded::parse(format!("p={password}").as_bytes())
                    .next()
                    .map_or(password, |(_, decoded)| decoded.into_owned());
                (parsed.to_string(), Some(password))
            }
            None => (url.to_owned(), None),
        },
        Err(_) => (url.to_owned(), None),
    }
}

/// `url` without its password, to show.
pub fn without_password(url: &str) -> String {
    split_password(url).0
}

/// `url` with `password` put back, for our own connection.
fn with_password(url: &str, password: Option<&str>) -> String {
    match (password, url::Url::parse(url)) {
        (Some(password), Ok(mut parsed)) => {
            parsed.set_password(Some(password)).ok();
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_comes_back() {
        let (url, password) = split_password("postgres://app:s%40cret@db.example:5432/symbios");
        assert_eq!(url, "postgres://app@db.example:5432/symbios");
        assert_eq!(password.as_deref(), Some("s@cret"));
        assert_eq!(
            with_password(&url, password.as_deref()),
            "postgres://app:s%40cret@db.example:5432/symbios"
        );
        let (url, password) = split_password("postgres://postgres@127.0.0.1/test");
        assert_eq!(url, "postgres://postgres@127.0.0.1/test");
        assert_eq!(password, None);
    }
}
