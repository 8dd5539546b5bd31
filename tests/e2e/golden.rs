//! What every test starts from, made once per build of this binary: a migrated, seeded and
//! indexed SQLite data folder, and a PostgreSQL template database with the index built from
//! it. A test copies the folder, or creates its database from the template and copies that
//! index, instead of migrating, seeding and indexing from nothing (most of a test's start-up;
//! docs/benchmarks.md).
//!
//! The copies keep the original's database identity, which is what lets the copied index
//! serve them. Tests that need a database of another identity build one from nothing
//! (`common::restart_with_fresh_database`).
//!
//! Both are keyed by the binary (its path, size and modification time), so that a change to a
//! migration or to the seed, which rebuilds the binary, never meets old data. The folders live
//! under Cargo's `target/tmp`; the template is one database per binary path, replaced when
//! the binary changes.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use sha2::Digest;
use symbios::config::Settings;
use tokio::sync::OnceCell;

/// Serialises the building of templates on one PostgreSQL server across test processes.
const TEMPLATE_LOCK: i64 = 0x5359_4d42_494f_5301;

/// The golden SQLite data folder (database file and index).
pub async fn sqlite_folder() -> &'static Path {
    static FOLDER: OnceCell<PathBuf> = OnceCell::const_new();
    FOLDER.get_or_init(build_sqlite_folder).await
}

/// The PostgreSQL template database on the server at `server_url` and the index built from
/// it.
pub struct PostgresTemplate {
    /// The template's name.
    pub name: String,
    /// The index folder built from it.
    pub index: PathBuf,
}

/// The PostgreSQL template for this binary on the server at `server_url`, built if missing
/// or made by another build.
pub async fn postgres_template(server_url: &str) -> &'static PostgresTemplate {
    static TEMPLATE: OnceCell<PostgresTemplate> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| build_postgres_template(server_url))
        .await
}

/// Copies the folder `from` into `to` (created), file by file.
pub fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("list the golden folder") {
        let entry = entry.expect("golden folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a golden file");
        }
    }
}

/// A name for this build of the binary: its path, size and modification time.
fn build_key() -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    let metadata = std::fs::metadata(&exe).expect("the test binary's metadata");
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    short_hash(&format!(
        "{}|{}|{}",
        exe.display(),
        metadata.len(),
        modified.as_nanos()
    ))
}

/// A name for the binary's path, the same across its builds.
fn path_key() -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    short_hash(&exe.display().to_string())
}

fn short_hash(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Where the golden folders live: Cargo's scratch folder for integration tests.
fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("symbios-e2e-golden")
}

/// Builds `folder` with `build` unless another process of this build has: `build` fills a
/// folder of its own, which is then renamed into place (one rename wins; a loser's folder is
/// removed). Folders of other builds are removed.
async fn publish<F, Fut>(folder: &Path, build: F)
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = ()>,
{
    if folder.exists() {
        return;
    }
    let parent = folder.parent().expect("golden folder has a parent");
    std::fs::create_dir_all(parent).expect("create the golden root");
    let building = parent.join(format!("building-{}", uuid::Uuid::new_v4().simple()));
    build(building.clone()).await;
    if std::fs::rename(&building, folder).is_err() {
        // Another process published first; its folder is the same.
        std::fs::remove_dir_all(&building).ok();
    }
}

/// Removes what earlier builds left in the golden root (best effort: a folder another
/// process still copies from is only missed by that process's next build).
fn remove_other_builds(root: &Path, key: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(key) && !name.starts_with("building-") {
            std::fs::remove_dir_all(entry.path()).ok();
        }
    }
}

/// Migrates, seeds and indexes a database in the data folder `folder`, as `App::build`
/// would, and closes it (SQLite then folds its log into the database file).
async fn fill(settings: &Settings) {
    let (db, _) = symbios::db::connect(settings)
        .await
        .expect("connect to the golden database");
    symbios::db::migrate_up(&db).await.expect("migrate");
    symbios::seed::load_if_empty(&db).await.expect("seed");
    symbios::db::checkpoint_wal(&db).await.expect("checkpoint");
    symbios::indexer::reindex(&db, &settings.effective_index_dir())
        .await
        .expect("index");
    db.close().await.expect("close the golden database");
}

async fn build_sqlite_folder() -> PathBuf {
    let key = build_key();
    let root = golden_root();
    remove_other_builds(&root, &key);
    let folder = root.join(format!("{key}-sqlite"));
    publish(&folder, |building| async move {
        fill(&Settings {
            data_dir: building,
            database_max_connections: 1,
            ..Settings::default()
        })
        .await;
    })
    .await;
    folder
}

async fn build_postgres_template(server_url: &str) -> PostgresTemplate {
    let key = build_key();
    let name = format!("symbios_template_{}", path_key());
    remove_other_builds(&golden_root(), &key);
    // The template's identity differs by server, and so does its index.
    let index = golden_root().join(format!("{key}-postgres-{}", short_hash(server_url)));
    let admin = Database::connect(server_url)
        .await
        .expect("connect to PostgreSQL");
    // A transaction-scoped lock: released at commit, or when a crashed process's connection
    // closes.
    let lock = admin.begin().await.expect("begin");
    lock.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({TEMPLATE_LOCK})"))
        .await
        .expect("lock the template");
    let comment = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT shobj_description(oid, 'pg_database') AS marker FROM pg_database \
             WHERE datname = $1",
            [name.clone().into()],
        ))
        .await
        .expect("look for the template");
    let current = comment
        .and_then(|row| row.try_get::<Option<String>>("", "marker").ok())
        .flatten()
        .is_some_and(|marker| marker == key);
    if !(current && index.exists()) {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .expect("drop the old template");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the template");
        let mut url = url::Url::parse(server_url).expect("valid PostgreSQL URL");
        url.set_path(&format!("/{name}"));
        std::fs::remove_dir_all(&index).ok();
        publish(&index, |building| async move {
            fill(&Settings {
                data_dir: building,
                database_url: Some(url.to_string()),
                database_max_connections: 1,
                ..Settings::default()
            })
            .await;
        })
        .await;
        // Marked last: a template whose build was cut short is built again.
        admin
            .execute_unprepared(&format!("COMMENT ON DATABASE {name} IS '{key}'"))
            .await
            .expect("mark the template");
    }
    lock.commit().await.expect("unlock the template");
    admin.close().await.ok();
    PostgresTemplate {
        name,
        index: index.join("index"),
    }
}
