//! `symbios backup PATH` and `symbios restore PATH`: run [`crate::backup`] and say what the
//! copy holds and what happened to the search index.

use std::path::PathBuf;

use clap::Args;

use crate::backup::{self, Contents, IndexAfterRestore, OPERATIONS_DOC};
use crate::config::Settings;
use crate::index_folder::Fit;

/// `symbios backup`'s arguments.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (SQLite: a database file; PostgreSQL: a `pg_dump --format=custom`
    /// archive); it must not exist.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

/// `symbios restore`'s arguments.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `symbios backup` (or, for PostgreSQL, by `pg_dump --format=custom`).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

/// Takes the backup and prints what it holds.
pub async fn run_backup(settings: &Settings, args: BackupArgs) -> anyhow::Result<()> {
    let report = backup::backup(settings, &args.path).await?;
    println!(
        "backup written to {} in {:.1} s",
        report.path.display(),
        report.elapsed.as_secs_f64()
    );
    print_contents(&report.contents);
    println!("restore it with: symbios restore {}", report.path.display());
    Ok(())
}

/// Restores the backup and prints what it holds and what happens to the search index.
pub async fn run_restore(settings: &Settings, args: RestoreArgs) -> anyhow::Result<()> {
    let report = backup::restore(settings, &args.path).await?;
    println!(
        "restored {} into {} in {:.1} s",
        args.path.display(),
        report.database,
        report.elapsed.as_secs_f64()
    );
    print_contents(&report.contents);
    if let Some(previous) = &report.previous {
        println!(
            "the database it replaced is kept as {} (remove it when no longer needed)",
            previous.display()
        );
    }
    if !report.contents.pending_migrations.is_empty() {
        println!(
            "the backup is older than this version: the next `symbios serve` (or `symbios migrate up`) applies {} migration(s): {}",
            report.contents.pending_migrations.len(),
            report.contents.pending_migrations.join(", ")
        );
    }
    let index = settings.effective_index_dir();
    match &report.index {
        IndexAfterRestore::Judged(Fit::Kept { seq, documents }) => {
            let behind = report
                .contents
                .inventory
                .as_ref()
                .map_or(0, |inventory| inventory.last_seq.saturating_sub(*seq));
            let catching_up = match behind {
                0 => "it is up to date".to_owned(),
                behind => format!("the server applies the {behind} newer change(s) at start"),
            };
            println!(
                "search index at {}: kept ({documents} documents, built from this database up to change {seq}); {catching_up}",
                index.display()
            );
        }
        IndexAfterRestore::Judged(Fit::Fresh) => println!(
            "search index at {}: none yet; it will be built from the database at the next start",
            index.display()
        ),
        IndexAfterRestore::Judged(Fit::SetAside { misfit, moved_to }) => println!(
            "search index at {}: {misfit}; moved to {}, a new one will be built from the database at the next start (run `symbios reindex` to build it now)",
            index.display(),
            moved_to.display()
        ),
        IndexAfterRestore::AfterMigrations => println!(
            "search index at {}: checked against the database at the next start, after the migrations (rebuilt if it does not fit)",
            index.display()
        ),
    }
    Ok(())
}

fn print_contents(contents: &Contents) {
    println!("  size:            {}", size(contents.bytes));
    if let Some(identity) = contents.identity {
        println!("  database id:     {identity}");
    }
    match &contents.inventory {
        Some(inventory) => {
            println!("  last change:     {}", inventory.last_seq);
            let width = inventory
                .records
                .iter()
                .map(|(name, _)| name.len())
                .max()
                .unwrap_or(0);
            println!("  records:         {} in all", inventory.total());
            for (name, rows) in &inventory.records {
                println!("    {name:<width$}  {rows:>8}");
            }
        }
        None => println!("  records:         counted after the migrations (see {OPERATIONS_DOC})"),
    }
}

/// `12.3 MiB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} bytes"),
        _ => format!(
            "{value:.1} {} ({bytes} bytes)",
            UNITS.get(unit).copied().unwrap_or("")
        ),
    }
}
