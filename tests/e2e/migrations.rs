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
