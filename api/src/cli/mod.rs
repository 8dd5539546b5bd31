//! The command line: `serve | migrate | seed | reindex | schema | apikey | documents | import |
//! export | completions | backup | restore`.
//! Each command loads the settings, does one job and exits with a clear message on failure.

mod backup;
mod documents;
mod keys;
mod transfer;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory, Parser, Subcommand};

use crate::config::{Overrides, Settings};
use crate::seed::Dataset;
use crate::startup::App;
use crate::{db, graphql, indexer, telemetry};

/// The help section of the options every command takes.
const GLOBAL: &str = "Global options";

/// Symbios: GraphQL knowledge base of circular-economy and industrial-symbiosis case studies.
#[derive(Debug, Parser)]
#[command(name = "symbios", version, about)]
struct Cli {
    /// Settings file (TOML); default: ./symbios.toml when it exists.
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL (sqlite://… or postgres://…); overrides SYMBIOS_DATABASE_URL.
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "URL")]
    database_url: Option<String>,
    /// Folder for the SQLite database; overrides SYMBIOS_DATA_DIR.
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate, load the bundled dataset into an empty database, and serve GraphQL over HTTP.
    Serve {
        /// Address to listen on; overrides SYMBIOS_BIND.
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply, roll back or list schema migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Check the bundled dataset and insert the records that are missing.
    Seed {
        /// Only check the dataset; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Build a new search index from the database beside the old one, whatever state that is
    /// in, and swap it in (the old one is kept as `index.replaced-…`); refused while `serve`
    /// runs on this index.
    Reindex,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Create, list or revoke API keys.
    Apikey {
        #[command(subcommand)]
        action: keys::KeyAction,
    },
    /// Trust the GraphQL documents of a portal's manifest (see `trusted_documents` in the
    /// configuration).
    Documents {
        #[command(subcommand)]
        action: documents::DocumentAction,
    },
    /// Import records from an NDJSON file or standard input (one record per line; `--help`
    /// describes a line, with an example per record type); running it again changes nothing.
    Import(transfer::ImportArgs),
    /// Export records as NDJSON (the import format) or CSV.
    Export(transfer::ExportArgs),
    /// Print a completion script for a shell, e.g. `symbios completions bash >
    /// ~/.local/share/bash-completion/completions/symbios`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a consistent copy of the database to PATH while the server runs (SQLite: VACUUM
    /// INTO; PostgreSQL: pg_dump), check it and say what it holds.
    Backup(backup::BackupArgs),
    /// Put a backup in the place of the database (refused while a server runs on this data
    /// folder), and check the search index against it.
    Restore(backup::RestoreArgs),
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the newest migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let bind = match &cli.command {
        Command::Serve { bind } => bind.clone(),
        _ => None,
    };
    let overrides = Overrides {
        bind,
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone(),
    };
    match &cli.command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            return Ok(());
        }
        Command::Completions { shell } => {
            // Into memory first: the generator panics when its writer fails (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "symbios", &mut script);
            std::io::stdout()
                .write_all(&script)
                .context("cannot write the completion script")?;
            return Ok(());
        }
        _ => {}
    }
    let settings = Settings::load(cli.config.as_deref(), &overrides)?;
    telemetry::init(&settings.log, settings.log_format);
    match cli.command {
        Command::Serve { .. } => serve(&settings).await,
        Command::Migrate { action } => migrate(&settings, action).await,
        Command::Seed { check } => seed_command(&settings, check).await,
        Command::Reindex => reindex(&settings).await,
        Command::Schema | Command::Completions { .. } => Ok(()),
        Command::Apikey { action } => keys::run(&settings, action).await,
        Command::Documents { action } => documents::run(&settings, action).await,
        Command::Import(args) => transfer::import(&settings, args).await,
        Command::Export(args) => transfer::export(&settings, args).await,
        Command::Backup(args) => backup::run_backup(&settings, args).await,
        Command::Restore(args) => backup::run_restore(&settings, args).await,
    }
}

async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let app = App::build(settings).await?;
    let url = app.base_url();
    println!("Symbios is serving on {url}");
    println!("  explorer:  {url}/");
    println!("  GraphiQL:  {url}/graphql");
    println!("  schema:    {url}/schema.graphql");
    println!("Stop with Ctrl-C.");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let (connection, _) = db::connect(settings).await?;
    match action {
        MigrateAction::Up => {
            db::migrate_up(&connection).await?;
            println!("migrations applied");
        }
        MigrateAction::Down { steps } => {
            db::migrate_down(&connection, steps).await?;
            println!("rolled back {steps} migration(s)");
        }
        MigrateAction::Status => {
            let (applied, pending) = db::migration_status(&connection).await?;
            for name in applied {
                println!("applied  {name}");
            }
            for name in pending {
                println!("pending  {name}");
            }
        }
    }
    Ok(())
}

async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let folder = settings.effective_index_dir();
    let reindexed = indexer::reindex(&connection, &folder).await?;
    println!(
        "search index at {} rebuilt: {} documents, change log up to {}",
        folder.display(),
        reindexed.documents,
        reindexed.seq
    );
    if let Some(previous) = reindexed.previous {
        println!("the previous index was moved to {}", previous.display());
    }
    Ok(())
}

async fn seed_command(settings: &Settings, check_only: bool) -> anyhow::Result<()> {
    let dataset = Dataset::bundled()?;
    let counts: Vec<String> = dataset
        .counts()
        .into_iter()
        .map(|(record_type, count)| format!("{count} {record_type}"))
        .collect();
    let counts = counts.join(", ");
    if check_only {
        dataset.check().await?;
        println!("dataset is valid: {counts}");
        return Ok(());
    }
    let (connection, _) = db::connect(settings).await?;
    db::migrate_up(&connection).await?;
    let report = dataset.load(&connection).await?;
    println!(
        "seed: {} record(s) inserted, {} already present ({counts} in the dataset)",
        report.inserted, report.existing
    );
    Ok(())
}
