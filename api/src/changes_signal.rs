//! The wake-up signal for readers that tail the change log (subscriptions; webhooks later):
//! the newest change this process knows to be committed, overall and per record type.
//!
//! The signal carries sequence numbers only, never change payloads: a reader wakes up, then
//! reads the log after the last number it delivered, so order, exactly-once and changes made
//! by other replicas all come from the log itself. One task per process refreshes the numbers
//! (one small query per wake-up, however many readers wait) when
//! - this process commits a write ([`ChangesSignal::wake`], where the indexer is woken),
//! - PostgreSQL delivers a `NOTIFY` on [`NOTIFY_CHANNEL`] (another replica, or the command
//!   line, committed), over one `LISTEN` connection that is re-opened when it drops,
//! - the poll interval passes, in case a notification was lost (or on SQLite, where another
//!   process, such as `symbios import`, may write).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbBackend};
use symbios_entity::vocabulary::EntityType;
use tokio::sync::{Notify, watch};

use crate::service::change_log;

pub use crate::service::change_log::NOTIFY_CHANNEL;

/// Most changes read per query while catching up.
const REFRESH_BATCH: u64 = 1000;

/// How long to wait before re-opening a `LISTEN` connection that failed.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);

/// The newest committed changes this process has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Newest {
    /// The newest change of any type.
    pub all: i64,
    /// The newest change of each type seen since the process started.
    pub by_type: HashMap<EntityType, i64>,
}

impl Newest {
    /// The newest change of `types` (all types when empty) that this process knows of; older
    /// changes of a type may be missing from it, so use it only to learn that something
    /// newer than a position committed.
    pub fn of_types(&self, types: &[EntityType]) -> i64 {
        if types.is_empty() {
            return self.all;
        }
        types
            .iter()
            .filter_map(|entity_type| self.by_type.get(entity_type).copied())
            .max()
            .unwrap_or(0)
    }
}

/// The signal: cheap to clone, shared by the write path, the refresher and every reader.
#[derive(Debug, Clone)]
pub struct ChangesSignal {
    trigger: Arc<Notify>,
    newest: Arc<watch::Sender<Newest>>,
    /// Turns true when the server begins to shut down: readers end their streams, so that
    /// open subscriptions do not hold the graceful shutdown up.
    closing: Arc<watch::Sender<bool>>,
}

impl Default for ChangesSignal {
    fn default() -> Self {
        Self {
            trigger: Arc::new(Notify::new()),
            newest: Arc::new(watch::channel(Newest::default()).0),
            closing: Arc::new(watch::channel(false).0),
        }
    }
}

impl ChangesSignal {
    /// Tells the refresher that this process committed changes.
    pub fn wake(&self) {
        self.trigger.notify_one();
    }

    /// Ends every reader: the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`ChangesSignal::close`] was called.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static + use<> {
        let mut closing = self.closing.subscribe();
        async move {
            // An error means the sender is gone: closed too.
            let _ = closing.wait_for(|closed| *closed).await;
        }
    }

    /// A receiver of the newest committed changes.
    pub fn subscribe(&self) -> watch::Receiver<Newest> {
        self.newest.subscribe()
    }

    /// Records the changes after `last` that the log holds now; returns the newest number.
    async fn refresh(
        &self,
        db: &DatabaseConnection,
        mut last: i64,
    ) -> Result<i64, crate::service::Error> {
        loop {
            let changes = change_log::after(db, last, REFRESH_BATCH).await?;
            let Some(newest) = changes.last().map(|change| change.seq) else {
                return Ok(last);
            };
            self.newest.send_modify(|known| {
                for change in &changes {
                    known.by_type.insert(change.entity_type, change.seq);
                }
                known.all = known.all.max(newest);
            });
            last = newest;
            if (changes.len() as u64) < REFRESH_BATCH {
                return Ok(last);
            }
        }
    }
}

/// How the refresher learns of commits made elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct Sources {
    /// `LISTEN` on PostgreSQL.
    pub listen: bool,
    /// Refresh at least this often.
    pub poll: Duration,
}

/// Starts the refresher of `signal` over `db` (a pool the requests do not use); it stops
/// when `stop` turns true.
pub async fn spawn(
    db: DatabaseConnection,
    signal: ChangesSignal,
    sources: Sources,
    mut stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, crate::service::Error> {
    let mut last = change_log::last_seq(&db).await?;
    signal.newest.send_modify(|known| known.all = last);
    let listen = sources.listen && db.get_database_backend() == DbBackend::Postgres;
    Ok(tokio::spawn(async move {
        let mut listener = Listener::new(listen);
        let mut poll = tokio::time::interval(sources.poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                () = signal.trigger.notified() => {}
                () = listener.next(&db) => {}
                _ = poll.tick() => {}
            }
            match signal.refresh(&db, last).await {
                Ok(newest) => last = newest,
                Err(error) => tracing::warn!(%error, "reading the newest changes failed"),
            }
        }
    }))
}

/// The `LISTEN` connection, when enabled: [`Listener::next`] returns on each notification,
/// and also after (re)connecting, since changes may have committed while it was down.
struct Listener {
    enabled: bool,
    connection: Option<sea_orm::sqlx::postgres::PgListener>,
    failed: bool,
}

impl Listener {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            connection: None,
            failed: false,
        }
    }

    async fn next(&mut self, db: &DatabaseConnection) {
        if !self.enabled {
            return std::future::pending().await;
        }
        match &mut self.connection {
            Some(connection) => {
                // `Ok(None)`: the connection dropped and sqlx re-opened it; notifications may
                // have been lost meanwhile, so returning (and refreshing) is what is needed.
                if let Err(error) = connection.try_recv().await {
                    tracing::warn!(%error, "the LISTEN connection failed; opening it again");
                    self.connection = None;
                    self.failed = true;
                }
            }
            None => {
                if self.failed {
                    tokio::time::sleep(RELISTEN_AFTER).await;
                }
                let pool = db.get_postgres_connection_pool();
                match sea_orm::sqlx::postgres::PgListener::connect_with(pool).await {
                    Ok(mut connection) => match connection.listen(NOTIFY_CHANNEL).await {
                        Ok(()) => {
                            self.connection = Some(connection);
                            self.failed = false;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "LISTEN failed");
                            self.failed = true;
                        }
                    },
                    Err(error) => {
                        tracing::warn!(%error, "opening the LISTEN connection failed");
                        self.failed = true;
                    }
                }
            }
        }
    }
}
