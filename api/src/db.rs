//! Database connections: SQLite (the embedded default) or PostgreSQL, migrations, and a
//! statement counter that tests and operators can read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use symbios_migration::{Migrator, MigratorTrait};

use crate::config::Settings;
use crate::service::direct_read::{DirectReadError, ReadConnection, SqliteReads};

/// Counts the SQL statements the pool has executed since start.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A connection could not be opened or the schema could not be migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    /// The data folder for SQLite could not be created.
    #[error("failed to create data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The database refused the connection or a migration.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// The SQLite file could not be opened for direct reads.
    #[error("database error: {0}")]
    DirectReads(#[from] DirectReadError),
}

/// What a pool is opened for: SQLite sizes its page cache and checkpoints by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// The server and short commands: many small reads and writes.
    Serve,
    /// `symbios import`: large transactions, one after another, by one command.
    BulkWrite,
    /// The server's batched loads, lookups and record lists on PostgreSQL: statements of a
    /// few shapes with one array or a few values each, whose plans PostgreSQL may keep.
    Reads,
}

/// SQLite page cache of a bulk-writing connection, in KiB (negative: SQLite reads it as KiB).
///
/// A batch of 5,000 lines dirties tens of thousands of pages (rows, texts, links, audit and
/// change log, each with its indexes, at random places because keys are random UUIDs). With
/// SQLite's default 2 MiB cache they are spilled to the log before the commit and read back
/// when the next row lands on them: the 100,000-case-study import is 1.24× faster with this
/// cache (docs/decisions.md).
const BULK_WRITE_CACHE_KIB: &str = "-1048576";

/// Pages in the write-ahead log before SQLite folds it into the database file during a bulk
/// write (the default is 1,000). A page written by several batches between two checkpoints
/// is copied to the file once.
const BULK_WRITE_AUTOCHECKPOINT_PAGES: &str = "65536";

/// Opens the pool for the configured database, creating the SQLite data folder if needed.
pub async fn connect(
    settings: &Settings,
) -> Result<(DatabaseConnection, Arc<StatementCounter>), DbSetupError> {
    connect_for(settings, Workload::Serve).await
}

/// Opens the pool for `workload`, creating the SQLite data folder if needed.
pub async fn connect_for(
    settings: &Settings,
    workload: Workload,
) -> Result<(DatabaseConnection, Arc<StatementCounter>), DbSetupError> {
    let counter = Arc::new(StatementCounter::default());
    let connection = open_pool(settings, workload, Arc::clone(&counter)).await?;
    Ok((connection, counter))
}

/// Opens a pool for `workload` whose statements `counter` counts.
async fn open_pool(
    settings: &Settings,
    workload: Workload,
    counter: Arc<StatementCounter>,
) -> Result<DatabaseConnection, DbSetupError> {
    if settings.uses_sqlite() && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| DbSetupError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
    }
    let url = settings.effective_database_url();
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(settings.database_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings a connection on every checkout by default: one more round trip to the
        // SQLite worker thread (or the PostgreSQL server) per statement. Pinging only
        // connections idle for a while still catches dropped ones.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |sqlite| {
            let sqlite = sqlite
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                // A committed write survives a power loss: the log is synced at every commit
                // (NORMAL syncs it only at checkpoints, so the last commits could vanish).
                // One fsync per transaction: about 1.5 ms on our disk, a bulk import of 1,000
                // records per transaction barely notices it (docs/decisions.md).
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Reads through a memory map instead of a read call per page into each
                // connection's own cache (address space, not memory; a larger file is read
                // normally past 256 MiB).
                .pragma("mmap_size", "268435456");
            match workload {
                Workload::Serve | Workload::Reads => sqlite,
                Workload::BulkWrite => sqlite
                    .pragma("cache_size", BULK_WRITE_CACHE_KIB)
                    .pragma("wal_autocheckpoint", BULK_WRITE_AUTOCHECKPOINT_PAGES),
            }
        })
        .map_sqlx_postgres_opts(move |postgres| match workload {
            // One plan per statement and connection: planning every run was a quarter of
            // PostgreSQL's CPU per record list. These statements bind one id array
            // (`= ANY($1)`) or a few filter values, never the long `IN` lists below.
            Workload::Reads => postgres,
            // The write paths bind hundreds of values in `IN (…)` on varchar columns. After
            // five runs PostgreSQL may switch a prepared statement to a generic plan that
            // filters every row of the scheme instead of probing the index (600 ms instead of
            // 1 ms for 500 identifiers); planning each run with its values avoids that.
            Workload::Serve | Workload::BulkWrite => {
                postgres.options([("plan_cache_mode", "force_custom_plan")])
            }
        });
    let mut connection = Database::connect(options).await?;
    connection.set_metric_callback(move |_info| {
        counter.0.fetch_add(1, Ordering::Relaxed);
    });
    Ok(connection)
}

/// The server's reads over `db`: on a SQLite file with `sqlite_direct_reads` on, the hot
/// reads run on the request's thread through read-only connections of their own (each
/// statement counted in `statements`, and interrupted past the request timeout); on
/// PostgreSQL they go through a pool of their own ([`Workload::Reads`], up to
/// `database_max_connections` more connections), whose prepared statements keep their plans.
pub async fn read_connection(
    db: &DatabaseConnection,
    settings: &Settings,
    statements: &Arc<StatementCounter>,
) -> Result<ReadConnection, DbSetupError> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let reads = open_pool(settings, Workload::Reads, Arc::clone(statements)).await?;
        return Ok(ReadConnection::new(reads, None));
    }
    let direct = match SqliteReads::file_of(db) {
        Some(path) if settings.sqlite_direct_reads => {
            let counter = Arc::clone(statements);
            Some(SqliteReads::open(
                &path,
                Duration::from_millis(settings.limits.request_timeout_ms),
                move || {
                    counter.0.fetch_add(1, Ordering::Relaxed);
                },
            )?)
        }
        _ => None,
    };
    Ok(ReadConnection::new(db.clone(), direct))
}

/// Applies every pending migration, then fills what a migration left to the application
/// (the folded resource names of flows, which need Unicode folding SQL lacks).
pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    crate::service::resource_flow::fill_folded_names(db)
        .await
        .map_err(|error| DbErr::Custom(format!("filling the folded resource names: {error}")))?;
    Ok(())
}

/// Rolls back the last `steps` migrations.
pub async fn migrate_down(db: &DatabaseConnection, steps: u32) -> Result<(), DbErr> {
    Migrator::down(db, Some(steps)).await
}

/// Names of the applied and the pending migrations.
pub async fn migration_status(
    db: &DatabaseConnection,
) -> Result<(Vec<String>, Vec<String>), DbErr> {
    let applied = Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    let pending = Migrator::get_pending_migrations(db)
        .await?
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    Ok((applied, pending))
}

/// Folds SQLite's write-ahead log back into the database file and empties it; nothing on
/// PostgreSQL.
///
/// After a bulk write (the seed, an import) the log can hold most of the database, and until
/// the next write resets it every read looks pages up in the log and copies them with a read
/// call instead of through the memory map: about a seventh of the CPU of a nested query.
pub async fn checkpoint_wal(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    Ok(())
}

/// [`checkpoint_wal`] where it is only a speed-up: a failure (a database kept busy by another
/// process) is logged and the caller goes on.
pub async fn checkpoint_wal_or_warn(db: &DatabaseConnection) {
    if let Err(error) = checkpoint_wal(db).await {
        tracing::warn!(%error, "could not fold the write-ahead log into the database file");
    }
}

/// What a bulk write (an import) leaves to do, each only a speed-up (a failure is logged and
/// the caller goes on, every line being committed already): on SQLite the log folded into
/// the database file ([`checkpoint_wal`]); on PostgreSQL fresh planner statistics
/// (`ANALYZE`). Without them PostgreSQL plans a batched read (`entity_id = ANY($1)` with
/// 500 ids) on a table that grew from nothing to millions of rows as a parallel scan of the
/// whole table: after importing 1,000,000 case studies, autovacuum had analysed no table and
/// the indexer read no document in two minutes; `ANALYZE` took 17 s and fixed it.
pub async fn after_bulk_write(db: &DatabaseConnection) {
    checkpoint_wal_or_warn(db).await;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres
        && let Err(error) = db.execute_unprepared("ANALYZE").await
    {
        tracing::warn!(%error, "could not refresh the planner statistics (ANALYZE)");
    }
}

/// Connections the pool holds open, and how many of them are idle.
pub fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    // The pool getters panic on the other backend, so ask for the backend first.
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wal_len(settings: &Settings) -> u64 {
        std::fs::metadata(settings.data_dir.join("symbios.db-wal")).map_or(0, |meta| meta.len())
    }

    /// The embedded default's settings, with its data in `folder`.
    fn sqlite_in(folder: &tempfile::TempDir) -> Settings {
        Settings {
            data_dir: folder.path().to_path_buf(),
            database_url: None,
            ..Settings::default()
        }
    }

    #[tokio::test]
    async fn sqlite_syncs_every_commit() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let (db, _) = connect(&sqlite_in(&folder)).await?;
        let level = pragma(&db, "synchronous").await?;
        assert_eq!(level, 2, "synchronous=FULL (0 OFF, 1 NORMAL, 2 FULL)");
        Ok(())
    }

    async fn pragma(
        db: &DatabaseConnection,
        name: &str,
    ) -> Result<i64, Box<dyn std::error::Error>> {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                format!("PRAGMA {name}"),
            ))
            .await?
            .ok_or_else(|| format!("no answer to PRAGMA {name}"))?;
        Ok(row.try_get_by_index(0)?)
    }

    /// A SQLite file in `folder` with the bundled dataset, its statement counter and its
    /// reads.
    async fn bundled_with_reads(
        folder: &tempfile::TempDir,
    ) -> Result<
        (DatabaseConnection, Arc<StatementCounter>, ReadConnection),
        Box<dyn std::error::Error>,
    > {
        let settings = sqlite_in(folder);
        let (db, statements) = connect(&settings).await?;
        migrate_up(&db).await?;
        crate::seed::load_bundled(&db).await?;
        let reads = read_connection(&db, &settings, &statements).await?;
        Ok((db, statements, reads))
    }

    /// Each table the direct reads serve, on the bundled dataset (nulls, dates, numbers,
    /// vocabularies, timestamps), read directly and through sea-orm: the same models.
    #[tokio::test]
    async fn direct_reads_decode_every_table_as_sea_orm_does()
    -> Result<(), Box<dyn std::error::Error>> {
        use crate::service::direct_read::SelectAll;
        use sea_orm::{EntityTrait, Iterable, QueryOrder, QuerySelect, QueryTrait};
        use symbios_entity as entity;
        let folder = tempfile::tempdir()?;
        let (db, statements, reads) = bundled_with_reads(&folder).await?;
        let direct = reads.direct().ok_or("SQLite on a file reads directly")?;
        macro_rules! same_models {
            ($($table:ident),+ $(,)?) => {$({
                // Every column in the order, for one order on tables without an id.
                let select = || {
                    entity::$table::Column::iter().fold(
                        entity::$table::Entity::find(),
                        |select, column| select.order_by_asc(column),
                    )
                };
                let expected = select().all(&db).await?;
                assert!(!expected.is_empty(), "the bundled data has {} rows", stringify!($table));
                let before = statements.get();
                let read = direct
                    .all::<entity::$table::Entity>(&select().build(sea_orm::DbBackend::Sqlite))
                    .ok_or(concat!(stringify!($table), " was left to sea-orm"))??;
                assert_eq!(statements.get(), before + 1, "the statement is counted");
                assert_eq!(read, expected, "{}", stringify!($table));
            })+};
        }
        same_models!(
            case_study,
            actor,
            project,
            funder,
            theme,
            localized_text,
            case_study_actor,
            case_study_project,
            case_study_theme,
            project_theme,
            participation,
            funding,
            resource_flow,
            impact_figure,
            source,
            external_identifier,
        );
        // A select with `.limit()`: its `LIMIT` is bound as an unsigned number.
        let page = entity::case_study::Entity::find()
            .order_by_asc(entity::case_study::Column::Slug)
            .limit(2)
            .build(sea_orm::DbBackend::Sqlite);
        let read = direct
            .all::<entity::case_study::Entity>(&page)
            .ok_or("a page was left to sea-orm")??;
        assert_eq!(read.len(), 2);
        // A page as the lists read it, its limit written into the SQL: directly and through
        // sea-orm, the rows `.limit()` gives.
        let by_slug =
            || entity::case_study::Entity::find().order_by_asc(entity::case_study::Column::Slug);
        let expected = by_slug().limit(3).all(&db).await?;
        assert_eq!(expected.len(), 3);
        assert_eq!(reads.select_first(by_slug(), 3).await?, expected);
        assert_eq!(db.select_first(by_slug(), 3).await?, expected);
        Ok(())
    }

    /// A projected read takes the columns asked for and those without a filler (the
    /// vocabularies), and fills the rest: directly, and through sea-orm's rows (as on
    /// PostgreSQL), the same models.
    #[tokio::test]
    async fn projected_reads_fill_the_columns_they_do_not_read()
    -> Result<(), Box<dyn std::error::Error>> {
        use crate::service::direct_read::{Projection, SelectAll};
        use sea_orm::{EntityTrait, IdenStatic, QueryOrder};
        use symbios_entity::case_study::{Column, Entity, Model};
        let folder = tempfile::tempdir()?;
        let (db, statements, reads) = bundled_with_reads(&folder).await?;
        reads.direct().ok_or("SQLite on a file reads directly")?;
        let by_slug = || Entity::find().order_by_asc(Column::Slug);
        let whole = by_slug().all(&db).await?;
        assert!(whole.len() > 3, "the bundled data has case studies");
        let expected: Vec<Model> = whole
            .iter()
            .take(3)
            .map(|row| Model {
                id: row.id,
                title: row.title.clone(),
                kind: row.kind,
                status: row.status,
                established_year: row.established_year,
                slug: String::new(),
                name_folded: String::new(),
                place: String::new(),
                municipality: None,
                region: None,
                country: String::new(),
                nuts_code: None,
                latitude: None,
                longitude: None,
                original_lang: String::new(),
                version: 0,
                created_at: chrono::DateTime::UNIX_EPOCH,
                updated_at: chrono::DateTime::UNIX_EPOCH,
            })
            .collect();
        let read = [Column::Id, Column::Title, Column::EstablishedYear].map(|c| c.as_str());
        let projection = Projection::only(|column: Column| read.contains(&column.as_str()));
        let before = statements.get();
        let direct = reads.select_first_of(by_slug(), 3, &projection).await?;
        assert_eq!(statements.get(), before + 1, "read directly, and counted");
        assert_eq!(direct, expected);
        assert_eq!(
            db.select_first_of(by_slug(), 3, &projection).await?,
            expected
        );
        // The whole projection reads whole rows.
        let all = reads
            .select_first_of(by_slug(), 3, &Projection::all())
            .await?;
        assert_eq!(all, whole[..3]);
        Ok(())
    }

    /// A statement past its deadline stops with an error instead of holding the request's
    /// thread, and its connection serves the next read.
    #[tokio::test]
    async fn a_direct_read_past_its_deadline_is_interrupted()
    -> Result<(), Box<dyn std::error::Error>> {
        use sea_orm::sea_query::Expr;
        use sea_orm::{EntityTrait, QueryFilter, QueryTrait};
        use symbios_entity::theme;
        let folder = tempfile::tempdir()?;
        let settings = Settings {
            limits: crate::config::Limits {
                request_timeout_ms: 0,
                ..crate::config::Limits::default()
            },
            ..sqlite_in(&folder)
        };
        let (db, statements) = connect(&settings).await?;
        migrate_up(&db).await?;
        // Rows to test the condition on.
        crate::seed::load_bundled(&db).await?;
        let reads = read_connection(&db, &settings, &statements).await?;
        let direct = reads.direct().ok_or("SQLite on a file reads directly")?;
        // Some ten million steps of SQLite's machine before the first row could be tested.
        let endless = Expr::cust(
            "(WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000) \
             SELECT count(*) FROM n) > 0",
        );
        let slow = theme::Entity::find()
            .filter(endless)
            .build(sea_orm::DbBackend::Sqlite);
        let read = direct
            .all::<theme::Entity>(&slow)
            .ok_or("left to sea-orm")?;
        let error = read.err().ok_or("the statement ran to its end")?;
        assert!(error.to_string().contains("interrupt"), "{error}");
        let quick = theme::Entity::find().build(sea_orm::DbBackend::Sqlite);
        let read = direct
            .all::<theme::Entity>(&quick)
            .ok_or("left to sea-orm")?;
        assert!(read.is_ok(), "{read:?}");
        Ok(())
    }

    #[tokio::test]
    async fn a_bulk_write_pool_keeps_its_pages_in_memory() -> Result<(), Box<dyn std::error::Error>>
    {
        let folder = tempfile::tempdir()?;
        let settings = sqlite_in(&folder);
        let (bulk, _) = connect_for(&settings, Workload::BulkWrite).await?;
        assert_eq!(pragma(&bulk, "cache_size").await?, -1_048_576);
        assert_eq!(pragma(&bulk, "wal_autocheckpoint").await?, 65_536);
        assert_eq!(
            pragma(&bulk, "synchronous").await?,
            2,
            "still syncs every commit"
        );
        let (serve, _) = connect(&settings).await?;
        assert_eq!(
            pragma(&serve, "cache_size").await?,
            -2_000,
            "SQLite's default"
        );
        assert_eq!(pragma(&serve, "wal_autocheckpoint").await?, 1_000);
        Ok(())
    }

    #[tokio::test]
    async fn a_checkpoint_empties_the_write_ahead_log() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let settings = sqlite_in(&folder);
        let (db, _) = connect(&settings).await?;
        migrate_up(&db).await?;
        assert!(wal_len(&settings) > 0, "the migrations went to the log");
        checkpoint_wal(&db).await?;
        assert_eq!(wal_len(&settings), 0);
        Ok(())
    }
}
