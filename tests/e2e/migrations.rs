//! Migrations roll back and re-apply cleanly on both databases.

use symbios::db::{migrate_down, migrate_up, migration_status};

use crate::backend_test;
use crate::common::TestApp;

backend_test!(migrations_go_down_and_up_again);
async fn migrations_go_down_and_up_again(app: &TestApp) {
    let db = &app.db;
    let (applied, pending) = migration_status(db).await.unwrap();
    assert!(!applied.is_empty());
    assert!(pending.is_empty());
    migrate_down(db, u32::try_from(applied.len()).unwrap())
        .await
        .unwrap();
    let (applied_after_down, pending_after_down) = migration_status(db).await.unwrap();
    assert!(applied_after_down.is_empty());
    assert_eq!(pending_after_down, applied);
    migrate_up(db).await.unwrap();
    let (applied_again, pending_again) = migration_status(db).await.unwrap();
    assert_eq!(applied_again, applied);
    assert!(pending_again.is_empty());
    let report = symbios::seed::load_bundled(db).await.unwrap();
    assert!(
        report.inserted > 0,
        "the re-created schema takes the dataset again"
    );
}

/// The bundled SQLite carries the compile options of `.cargo/config.toml` (plans that do not
/// depend on bound values, no global allocation mutex), and list pages come straight from an
/// index instead of a temporary B-tree per page (docs/decisions.md, "Where the request CPU
/// went").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_built_and_indexed_for_steady_list_reads() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    let app = crate::common::spawn_app(crate::common::Backend::Sqlite).await;
    for option in ["ENABLE_QPSG", "DEFAULT_MEMSTATUS=0"] {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT sqlite_compileoption_used('{option}') AS used"),
            ))
            .await
            .unwrap()
            .unwrap();
        let used: i32 = row.try_get("", "used").unwrap();
        assert_eq!(
            used, 1,
            "SQLite built without {option}: is LIBSQLITE3_FLAGS set?"
        );
    }
    for (table, key) in [
        ("case_study", "name_folded"),
        ("project", "name_folded"),
        ("actor", "name_folded"),
        ("funder", "name_folded"),
        ("actor", "updated_at"),
        ("case_study", "slug"),
        ("actor", "slug"),
    ] {
        let plan = app
            .db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!(
                    "EXPLAIN QUERY PLAN SELECT * FROM {table} ORDER BY {key} DESC, id DESC LIMIT 21"
                ),
            ))
            .await
            .unwrap();
        let details: Vec<String> = plan
            .iter()
            .map(|row| row.try_get::<String>("", "detail").unwrap())
            .collect();
        assert!(
            details.iter().all(|detail| !detail.contains("TEMP B-TREE")),
            "{table} by {key}: {details:?}"
        );
    }
    app.stop().await;
}
