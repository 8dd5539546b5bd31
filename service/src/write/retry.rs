//! Writes that lose a race on PostgreSQL run again.
//!
//! A write checks that its unique values are free (an id, a slug, an identifier, an
//! idempotency key) and then inserts them. SQLite runs one writer at a time, so the check
//! holds until the commit. PostgreSQL runs writers concurrently: two transactions can both
//! find a value free, and the second insert then fails with a unique violation once the
//! first commits (or PostgreSQL aborts one of two transactions that wait on each other).
//! Such a write is rolled back and runs again from the start; its checks then see the
//! committed winner and give the answer the caller would have had one call after the other:
//! the existing record is updated or unchanged, a taken id or slug is `BAD_USER_INPUT`
//! naming the field, an idempotency key returns its stored answer.
//!
//! Two races are avoided rather than retried, with advisory locks held to the commit: calls
//! with the same idempotency key run one after the other (`upsert_actors`), and so do
//! creates that make a slug from the same name (`parts::complete_slug`), each then finding
//! the slugs before it taken.
//!
//! Retries take a transaction-scoped advisory lock first, so that they run one at a time:
//! each sees every retry before it committed, and cannot lose to another retry again. Only
//! first attempts, which run concurrently, can still take a value from under a retry; after
//! [`MAX_ATTEMPTS`] the write gives up with [`Error::ConcurrentWrite`], a caller code that
//! says to send the request again.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, RuntimeErr, SqlErr, sqlx};

use sha2::{Digest, Sha256};

use super::Writer;
use crate::Error;

/// Runs of one write at most (the first and two retries).
pub const MAX_ATTEMPTS: u32 = 3;

/// Class of the advisory lock every retry takes, so that retries run one at a time; "symb"
/// in ASCII.
const RETRY_LOCK_CLASS: i32 = 0x7379_6d62;

/// Where a write is in its attempts.
#[derive(Debug)]
pub(crate) struct Attempt {
    number: u32,
}

impl Attempt {
    /// The first run.
    pub(crate) fn first() -> Self {
        Self { number: 1 }
    }

    /// Begins the transaction of this attempt; a retry on PostgreSQL first waits for the
    /// retries before it to commit.
    pub(crate) async fn begin(&self, db: &impl Writer) -> Result<DatabaseTransaction, Error> {
        let txn = db.begin_write().await?;
        if self.number > 1 {
            advisory_lock(&txn, RETRY_LOCK_CLASS, 0).await?;
        }
        Ok(txn)
    }

    /// Commits `txn` with `result`, or rolls it back; `Ok(None)` when the write lost a race
    /// and should run again.
    pub(crate) async fn settle<T>(
        &mut self,
        txn: DatabaseTransaction,
        result: Result<T, Error>,
        what: &'static str,
    ) -> Result<Option<T>, Error> {
        let outcome = match result {
            Ok(value) => txn.commit().await.map(|()| value).map_err(Error::from),
            Err(error) => {
                if is_race(&error) {
                    txn.rollback().await?;
                }
                Err(error)
            }
        };
        match outcome {
            Ok(value) => Ok(Some(value)),
            Err(error) if is_race(&error) => {
                if self.number < MAX_ATTEMPTS {
                    self.number += 1;
                    tracing::debug!(attempt = self.number, error = ?error, "write lost a race; running it again");
                    Ok(None)
                } else {
                    tracing::warn!(error = ?error, "write lost every race; giving up");
                    Err(Error::ConcurrentWrite { entity: what })
                }
            }
            Err(error) => Err(error),
        }
    }
}

/// The key of an advisory lock on a value made of `parts`: 32 bits of their SHA-256. Two
/// values that share them only wait for each other.
pub(crate) fn lock_key(parts: &[&[u8]]) -> i32 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut first = [0_u8; 4];
    first.copy_from_slice(digest.get(..4).unwrap_or(&[0; 4]));
    i32::from_be_bytes(first)
}

/// Takes the advisory lock (`class`, `key`) until `txn` ends, on PostgreSQL; SQLite runs one
/// writer at a time and needs none. The two-key form is a key space apart from the change
/// log's single-key lock.
pub(crate) async fn advisory_lock(
    txn: &DatabaseTransaction,
    class: i32,
    key: i32,
) -> Result<(), Error> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({class}, {key})"))
            .await?;
    }
    Ok(())
}

/// Whether `error` means that a concurrent transaction won: a unique violation, a deadlock
/// or a serialization failure. Only PostgreSQL has such races; on SQLite, where writers run
/// one at a time, a unique violation is a bug and stays internal.
fn is_race(error: &Error) -> bool {
    let Error::Database(error) = error else {
        return false;
    };
    let (DbErr::Exec(RuntimeErr::SqlxError(cause)) | DbErr::Query(RuntimeErr::SqlxError(cause))) =
        error
    else {
        return false;
    };
    let sqlx::Error::Database(database_error) = cause.as_ref() else {
        return false;
    };
    if database_error
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_none()
    {
        return false;
    }
    // 40P01 deadlock_detected, 40001 serialization_failure.
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
        || matches!(database_error.code().as_deref(), Some("40P01" | "40001"))
}
