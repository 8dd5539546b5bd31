//! Tails the change log into the search index, and says how far behind it is.
//!
//! The indexer task owns the one index writer. It applies changes in batches and commits each
//! batch with the last applied sequence and the database's identity in the commit payload,
//! so after a crash (even `kill -9`) it resumes from the last commit and the index ends equal
//! to the database. An index that is new, was written with another schema version, or was
//! set aside by [`crate::index_folder`] is rebuilt from the database first.
//!
//! Invariant: the database is the source of truth; the index can always be rebuilt
//! (`symbios reindex`, which builds a new index beside the old one and swaps it in).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use symbios_entity::vocabulary::{ChangeOp, EntityType};
use symbios_search::{Document, OpenOutcome, SearchIndex, Writer};
use tokio::sync::{Notify, watch};
use tracing::Instrument;
use uuid::Uuid;

use crate::index_folder;
use crate::service::search_documents::{self, SEARCHABLE, kind_of};
use crate::service::{self, change_log, database_identity};

/// Changes applied per commit.
const BATCH: u64 = 500;
/// How often the change log is polled when nothing wakes the indexer.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Pause after a failed batch before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How recently the indexer must have reached the end of the change log for a small lag to
/// count as caught up: two polls, so that one late poll does not flip readiness.
const CAUGHT_UP_WITHIN: Duration = POLL_INTERVAL.saturating_mul(2);
/// The largest lag that counts as caught up when the indexer reached the end of the log
/// within [`CAUGHT_UP_WITHIN`]: one batch, which its next step absorbs.
const CAUGHT_UP_LAG: i64 = BATCH as i64;

/// Why the index could not be opened or written.
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    /// The search crate failed.
    #[error(transparent)]
    Search(#[from] symbios_search::Error),
    /// Reading the database failed.
    #[error(transparent)]
    Service(#[from] service::Error),
    /// A blocking task panicked or was cancelled.
    #[error("indexing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The writer lock was poisoned by a panic in an earlier batch.
    #[error("index writer is unusable after an earlier failure")]
    Poisoned,
    /// A writer (another `serve` or `reindex` on the same folder) holds the index.
    #[error("the search index at {path} is in use by another symbios process; stop it first")]
    InUse {
        /// The index folder.
        path: String,
    },
    /// An index folder could not be moved, created or removed.
    #[error("failed to {action} {path}: {source}")]
    Folder {
        /// What was being done, e.g. `move aside`.
        action: &'static str,
        /// The folder.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
}

/// What the indexer has done, shared with readiness checks and the GraphQL schema.
#[derive(Debug)]
pub struct IndexerStatus {
    applied_seq: AtomicI64,
    /// Milliseconds after `started` at which the indexer last applied everything in the
    /// change log; 0 while it never did.
    reached_end_at_ms: AtomicU64,
    started: Instant,
}

impl Default for IndexerStatus {
    fn default() -> Self {
        Self {
            applied_seq: AtomicI64::new(0),
            reached_end_at_ms: AtomicU64::new(0),
            started: Instant::now(),
        }
    }
}

/// How far the index is behind the database at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// The last change-log sequence applied to the index.
    pub last_applied_seq: i64,
    /// The newest change-log sequence in the database.
    pub last_change_seq: i64,
    /// Changes not yet searchable.
    pub lag: i64,
    /// Whether the index counts as caught up now (see [`IndexerStatus::readiness`]).
    pub ready: bool,
}

impl IndexerStatus {
    /// The last change-log sequence applied and committed.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::Acquire)
    }

    /// How far the index is behind the database now, and whether that counts as caught up:
    /// when nothing is pending, or when the indexer applied everything it found in the log
    /// within the last two polls and what is pending fits in one batch (so steady small
    /// writes do not make readiness flap, while a bulk of changes, or a lag that grows
    /// faster than the indexer applies it, reads as not ready).
    pub async fn readiness(
        &self,
        db: &impl sea_orm::ConnectionTrait,
    ) -> Result<Readiness, service::Error> {
        // The applied sequence first: read after the newest one, it could pass it.
        let last_applied_seq = self.applied_seq();
        let last_change_seq = change_log::last_seq(db).await?;
        let lag = (last_change_seq - last_applied_seq).max(0);
        Ok(Readiness {
            last_applied_seq,
            last_change_seq,
            lag,
            ready: is_caught_up(lag, self.since_end_reached()),
        })
    }

    /// How long ago the indexer last applied everything in the change log.
    fn since_end_reached(&self) -> Option<Duration> {
        match self.reached_end_at_ms.load(Ordering::Acquire) {
            0 => None,
            at_ms => {
                let elapsed_ms = u64::try_from(self.started.elapsed().as_millis()).ok()?;
                Some(Duration::from_millis(elapsed_ms.saturating_sub(at_ms)))
            }
        }
    }

    fn record_applied(&self, seq: i64) {
        self.applied_seq.store(seq, Ordering::Release);
    }

    fn record_end_reached(&self) {
        let at_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        // 0 means "never"; the first millisecond counts as 1.
        self.reached_end_at_ms
            .store(at_ms.max(1), Ordering::Release);
    }
}

/// The readiness rule of [`IndexerStatus::readiness`].
fn is_caught_up(lag: i64, since_end_reached: Option<Duration>) -> bool {
    lag == 0
        || (lag <= CAUGHT_UP_LAG
            && since_end_reached.is_some_and(|since| since <= CAUGHT_UP_WITHIN))
}

/// The search index, the indexer's status and a way to wake it.
#[derive(Debug, Clone)]
pub struct Search {
    /// The index, for searching.
    pub index: SearchIndex,
    /// What the indexer has applied.
    pub status: Arc<IndexerStatus>,
    /// Wakes the indexer after a local write.
    pub wake: Arc<Notify>,
}

type SharedWriter = Arc<Mutex<Writer>>;

/// Runs `work` on the writer in a blocking thread.
async fn with_writer<T: Send + 'static>(
    writer: &SharedWriter,
    work: impl FnOnce(&mut Writer) -> Result<T, symbios_search::Error> + Send + 'static,
) -> Result<T, IndexerError> {
    let writer = Arc::clone(writer);
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let mut guard = writer.lock().map_err(|_| IndexerError::Poisoned)?;
        Ok(work(&mut guard)?)
    })
    .await?
}

/// Replaces the whole index with the database's searchable records; returns the change-log
/// sequence the index now reflects.
#[tracing::instrument(skip_all)]
pub async fn rebuild(db: &DatabaseConnection, writer: &SharedWriter) -> Result<i64, IndexerError> {
    // Read the sequence first: changes committed while we read are replayed afterwards.
    let seq = change_log::last_seq(db).await?;
    let change = change_log::mark_at(db, seq).await?.unwrap_or_default();
    with_writer(writer, |writer| writer.delete_all()).await?;
    let mut documents = 0usize;
    for &entity_type in SEARCHABLE {
        let mut after = None;
        loop {
            let ids = search_documents::ids_after(db, entity_type, after, BATCH).await?;
            let Some(last) = ids.last().copied() else {
                break;
            };
            let batch: Vec<Document> = search_documents::load(db, entity_type, &ids).await?;
            documents += batch.len();
            with_writer(writer, move |writer| {
                batch
                    .iter()
                    .try_for_each(|document| writer.upsert(document))
            })
            .await?;
            after = Some(last);
        }
    }
    with_writer(writer, move |writer| writer.commit(seq, &change)).await?;
    tracing::info!(seq, documents, "search index rebuilt from the database");
    Ok(seq)
}

/// What one step of the indexer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The change log held nothing after the applied sequence.
    Nothing,
    /// Changes up to `last_seq` were applied and committed; `reached_end` when they were all
    /// the log held at the time they were read.
    Applied { last_seq: i64, reached_end: bool },
}

/// Applies the changes after `applied`, one batch.
async fn apply_next_batch(
    db: &DatabaseConnection,
    writer: &SharedWriter,
    applied: i64,
) -> Result<Step, IndexerError> {
    let changes = change_log::after(db, applied, BATCH).await?;
    let Some((last_seq, last_change)) = changes
        .last()
        .map(|change| (change.seq, change_log::mark(change)))
    else {
        return Ok(Step::Nothing);
    };
    let reached_end = (changes.len() as u64) < BATCH;
    let mut touched: HashMap<EntityType, BTreeSet<Uuid>> = HashMap::new();
    let mut deleted: BTreeSet<Uuid> = BTreeSet::new();
    for change in &changes {
        if kind_of(change.entity_type).is_none() {
            continue;
        }
        match change.op {
            ChangeOp::Upsert => {
                touched
                    .entry(change.entity_type)
                    .or_default()
                    .insert(change.entity_id);
            }
            ChangeOp::Delete => {
                deleted.insert(change.entity_id);
            }
        }
    }
    // A flow's document carries its case study's country.
    if let Some(case_studies) = touched.get(&EntityType::CaseStudy) {
        let case_studies: Vec<Uuid> = case_studies.iter().copied().collect();
        let flows = service::flow_documents::ids_of_case_studies(db, &case_studies).await?;
        touched
            .entry(EntityType::ResourceFlow)
            .or_default()
            .extend(flows);
    }
    let mut documents = Vec::new();
    let mut missing = deleted;
    for (entity_type, ids) in touched {
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let found: Vec<Document> = search_documents::load(db, entity_type, &ids).await?;
        // A record that was upserted and deleted in the same batch is gone now.
        for id in &ids {
            if !found.iter().any(|document| document.id == *id) {
                missing.insert(*id);
            } else {
                missing.remove(id);
            }
        }
        documents.extend(found);
    }
    let count = documents.len();
    with_writer(writer, move |writer| {
        for id in missing {
            writer.delete(id);
        }
        for document in &documents {
            writer.upsert(document)?;
        }
        writer.commit(last_seq, &last_change)
    })
    .await?;
    tracing::debug!(
        seq = last_seq,
        documents = count,
        "applied changes to the search index"
    );
    Ok(Step::Applied {
        last_seq,
        reached_end,
    })
}

/// Starts the indexer task, whose commits record `database` as their source. It rebuilds the
/// index first when `outcome` says it is new or was replaced, then tails the change log until
/// `shutdown` turns true.
pub fn spawn(
    db: DatabaseConnection,
    search: &Search,
    outcome: OpenOutcome,
    database: Uuid,
    mut shutdown: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, IndexerError> {
    let writer: SharedWriter = Arc::new(Mutex::new(search.index.writer(&database.to_string())?));
    let status = Arc::clone(&search.status);
    let wake = Arc::clone(&search.wake);
    let index = search.index.clone();
    let mut needs_rebuild = outcome != OpenOutcome::Opened;
    let mut applied = if needs_rebuild {
        0
    } else {
        match index.state() {
            Ok(state) => state.last_seq,
            Err(error) => {
                tracing::error!(error = %error, "failed to read the search index state; rebuilding");
                needs_rebuild = true;
                0
            }
        }
    };
    status.record_applied(applied);
    let task = async move {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let step = if needs_rebuild {
                rebuild(&db, &writer).await.map(|seq| Step::Applied {
                    last_seq: seq,
                    // Changes committed while the rebuild read the records come next.
                    reached_end: false,
                })
            } else {
                match change_log::pruned_through(&db).await {
                    // The changes after `applied` were pruned while this replica was away:
                    // only a rebuild can bring the index up to date.
                    Ok(pruned) if applied < pruned => {
                        tracing::warn!(
                            applied,
                            pruned,
                            "the change log was pruned past the index; rebuilding"
                        );
                        needs_rebuild = true;
                        continue;
                    }
                    Ok(_) => apply_next_batch(&db, &writer, applied).await,
                    Err(error) => Err(error.into()),
                }
            };
            match step {
                Ok(Step::Applied {
                    last_seq,
                    reached_end,
                }) => {
                    needs_rebuild = false;
                    applied = last_seq;
                    status.record_applied(last_seq);
                    if reached_end {
                        status.record_end_reached();
                    }
                }
                Ok(Step::Nothing) => {
                    status.record_end_reached();
                    tokio::select! {
                        () = wake.notified() => {}
                        () = tokio::time::sleep(POLL_INTERVAL) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(error) => {
                    tracing::error!(error = %error, seq = applied, "search indexing failed; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(RETRY_AFTER) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
    };
    Ok(tokio::spawn(
        task.instrument(tracing::info_span!("indexer")),
    ))
}

/// Starts the task that prunes changes older than `retention` every `interval`.
pub fn spawn_pruner(
    db: DatabaseConnection,
    retention: Duration,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let task = async move {
        loop {
            let horizon = chrono::TimeDelta::from_std(retention)
                .ok()
                .and_then(|retention| chrono::Utc::now().checked_sub_signed(retention));
            if let Some(horizon) = horizon {
                match change_log::prune(&db, horizon).await {
                    Ok(0) => {}
                    Ok(deleted) => {
                        tracing::info!(deleted, "pruned old changes from the change log")
                    }
                    Err(error) => tracing::error!(error = %error, "pruning the change log failed"),
                }
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    };
    tokio::spawn(task.instrument(tracing::info_span!("pruner")))
}

/// What `symbios reindex` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reindexed {
    /// The change-log sequence the new index reflects.
    pub seq: i64,
    /// Documents in the new index.
    pub documents: u64,
    /// Where the previous index went, if there was one.
    pub previous: Option<PathBuf>,
}

/// `symbios reindex`: builds a new index from the database beside `folder`, whatever state
/// the index in `folder` is in (it is never opened), then sets the old one aside and puts
/// the new one in its place. Refuses while a server or another reindex writes to `folder`.
pub async fn reindex(db: &DatabaseConnection, folder: &Path) -> Result<Reindexed, IndexerError> {
    let identity = database_identity::current(db).await?;
    let building = index_folder::prepare_rebuild_folder(folder).await?;
    let (index, _) = index_folder::open_new(&building).await?;
    let writer: SharedWriter = Arc::new(Mutex::new(index.writer(&identity.to_string())?));
    let seq = rebuild(db, &writer).await?;
    let documents = index.state()?.documents;
    drop(writer);
    drop(index);
    let previous = index_folder::swap_in(&building, folder).await?;
    Ok(Reindexed {
        seq,
        documents,
        previous,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_pending_is_caught_up() {
        assert!(is_caught_up(0, None));
        assert!(is_caught_up(0, Some(Duration::from_secs(3600))));
    }

    #[test]
    fn a_small_lag_is_caught_up_only_while_the_indexer_keeps_reaching_the_end() {
        assert!(is_caught_up(1, Some(Duration::ZERO)));
        assert!(is_caught_up(CAUGHT_UP_LAG, Some(CAUGHT_UP_WITHIN)));
        // It has not reached the end for longer than two polls: stuck, failing or busy.
        assert!(!is_caught_up(
            1,
            Some(CAUGHT_UP_WITHIN + Duration::from_millis(1))
        ));
        // Not since start (a rebuild, or the first batches of a backlog).
        assert!(!is_caught_up(1, None));
    }

    #[test]
    fn a_bulk_of_changes_is_not_caught_up_even_right_after_the_end() {
        assert!(!is_caught_up(CAUGHT_UP_LAG + 1, Some(Duration::ZERO)));
        assert!(!is_caught_up(1_000, Some(Duration::ZERO)));
    }

    #[test]
    fn the_status_remembers_when_the_end_was_reached() {
        let status = IndexerStatus::default();
        assert_eq!(status.since_end_reached(), None);
        status.record_end_reached();
        assert!(
            status
                .since_end_reached()
                .is_some_and(|since| since < CAUGHT_UP_WITHIN)
        );
    }
}
