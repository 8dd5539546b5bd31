//! Tails the change log into the search index.
//!
//! The indexer task owns the one index writer. It applies changes in batches and commits each
//! batch with the last applied sequence in the commit payload, so after a crash (even
//! `kill -9`) it resumes from the last commit and the index ends equal to the database. An
//! index that is new, or was written with another schema version, is rebuilt from the
//! database first.
//!
//! Invariant: the database is the source of truth; the index can always be rebuilt
//! (`symbios reindex`).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use symbios_entity::vocabulary::{ChangeOp, EntityType};
use symbios_search::{Document, OpenOutcome, SearchIndex, Thesaurus, Writer};
use tokio::sync::{Notify, watch};
use tracing::Instrument;
use uuid::Uuid;

use crate::service::search_documents::{self, SEARCHABLE, kind_of};
use crate::service::{self, change_log};

/// Changes applied per commit.
const BATCH: u64 = 500;
/// How often the change log is polled when nothing wakes the indexer.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Pause after a failed batch before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

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
}

/// What the indexer has done, shared with readiness checks and the GraphQL schema.
#[derive(Debug, Default)]
pub struct IndexerStatus {
    applied_seq: AtomicI64,
    caught_up: AtomicBool,
}

impl IndexerStatus {
    /// The last change-log sequence applied and committed.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::Acquire)
    }

    /// Whether the indexer has reached the end of the change log at least once since start.
    pub fn caught_up(&self) -> bool {
        self.caught_up.load(Ordering::Acquire)
    }
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

/// Opens (or creates, or replaces) the index in `folder`.
pub async fn open(folder: &Path) -> Result<(SearchIndex, OpenOutcome), IndexerError> {
    let folder = folder.to_path_buf();
    let opened = tokio::task::spawn_blocking(move || -> Result<_, symbios_search::Error> {
        let thesaurus = Arc::new(Thesaurus::bundled()?);
        SearchIndex::open(&folder, thesaurus)
    })
    .await??;
    Ok(opened)
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
    with_writer(writer, |writer| writer.delete_all()).await?;
    let mut documents = 0usize;
    for entity_type in SEARCHABLE {
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
    with_writer(writer, move |writer| writer.commit(seq)).await?;
    tracing::info!(seq, documents, "search index rebuilt from the database");
    Ok(seq)
}

/// Applies the changes after `applied`, one batch; returns the new last applied sequence, or
/// `None` when there was nothing to apply.
async fn apply_next_batch(
    db: &DatabaseConnection,
    writer: &SharedWriter,
    applied: i64,
) -> Result<Option<i64>, IndexerError> {
    let changes = change_log::after(db, applied, BATCH).await?;
    let Some(last_seq) = changes.last().map(|change| change.seq) else {
        return Ok(None);
    };
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
        writer.commit(last_seq)
    })
    .await?;
    tracing::debug!(
        seq = last_seq,
        documents = count,
        "applied changes to the search index"
    );
    Ok(Some(last_seq))
}

/// Starts the indexer task. It rebuilds the index first when `outcome` says it is new or was
/// replaced, then tails the change log until `shutdown` turns true.
pub fn spawn(
    db: DatabaseConnection,
    search: &Search,
    outcome: OpenOutcome,
    mut shutdown: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, IndexerError> {
    let writer: SharedWriter = Arc::new(Mutex::new(search.index.writer()?));
    let status = Arc::clone(&search.status);
    let wake = Arc::clone(&search.wake);
    let index = search.index.clone();
    let task = async move {
        let mut applied = match index.state() {
            Ok(state) => state.last_seq,
            Err(error) => {
                tracing::error!(error = %error, "failed to read the search index state");
                0
            }
        };
        let mut needs_rebuild = outcome != OpenOutcome::Opened;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let step = if needs_rebuild {
                rebuild(&db, &writer).await.map(Some)
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
                Ok(Some(seq)) => {
                    needs_rebuild = false;
                    applied = seq;
                    status.applied_seq.store(seq, Ordering::Release);
                }
                Ok(None) => {
                    status.applied_seq.store(applied, Ordering::Release);
                    status.caught_up.store(true, Ordering::Release);
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

/// `symbios reindex`: rebuilds the index in `folder` from the database.
pub async fn reindex(db: &DatabaseConnection, folder: &Path) -> Result<(i64, u64), IndexerError> {
    let (index, _) = open(folder).await?;
    let writer: SharedWriter = Arc::new(Mutex::new(index.writer()?));
    let seq = rebuild(db, &writer).await?;
    let documents = index.state()?.documents;
    Ok((seq, documents))
}
