//! The database's identity: a random id written when the database was created (migration
//! `m20261215_000004_database_identity`), which every search-index commit records, so that an
//! index is never trusted against a database it was not built from.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use symbios_entity::database_identity;
use uuid::Uuid;

use super::Error;

/// Key of the one row.
const SLOT: i32 = 1;

/// The database's identity as stored, without writing one when it is missing (for checking a
/// copy, which must not change).
pub async fn stored(db: &impl ConnectionTrait) -> Result<Option<Uuid>, Error> {
    Ok(database_identity::Entity::find_by_id(SLOT)
        .one(db)
        .await?
        .map(|row| row.id))
}

/// Returns the database's identity. A migrated database always has one; should its row have
/// been deleted by hand, a new identity is written (once, even with replicas starting at the
/// same time), so the database counts as a new one and every index is rebuilt from it.
pub async fn current(db: &impl ConnectionTrait) -> Result<Uuid, Error> {
    if let Some(row) = database_identity::Entity::find_by_id(SLOT).one(db).await? {
        return Ok(row.id);
    }
    let row = database_identity::ActiveModel {
        slot: Set(SLOT),
        id: Set(Uuid::new_v4()),
        created_at: Set(Utc::now()),
    };
    database_identity::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    let row = database_identity::Entity::find_by_id(SLOT)
        .one(db)
        .await?
        .ok_or_else(|| {
            sea_orm::DbErr::RecordNotFound("database_identity row after insert".to_owned())
        })?;
    Ok(row.id)
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use sea_orm::Database;
    use symbios_migration::{Migrator, MigratorTrait};

    use super::*;

    /// A freshly migrated SQLite database in a folder of its own.
    async fn migrated()
    -> Result<(tempfile::TempDir, sea_orm::DatabaseConnection), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            folder.path().join("symbios.db").display()
        );
        let db = Database::connect(url).await?;
        Migrator::up(&db, None).await?;
        Ok((folder, db))
    }

    #[tokio::test]
    async fn a_migrated_database_has_a_stable_identity() -> Result<(), Box<dyn std::error::Error>> {
        let (_folder, db) = migrated().await?;
        let first = current(&db).await?;
        assert_eq!(first.get_version_num(), 4, "a random (v4) id");
        assert_eq!(current(&db).await?, first);
        let (_other_folder, other) = migrated().await?;
        assert_ne!(current(&other).await?, first, "each database gets its own");
        Ok(())
    }

    #[tokio::test]
    async fn a_deleted_identity_is_replaced_by_a_new_one() -> Result<(), Box<dyn std::error::Error>>
    {
        let (_folder, db) = migrated().await?;
        let first = current(&db).await?;
        db.execute_unprepared("DELETE FROM database_identity")
            .await?;
        let second = current(&db).await?;
        assert_ne!(second, first);
        assert_eq!(current(&db).await?, second);
        Ok(())
    }
}
