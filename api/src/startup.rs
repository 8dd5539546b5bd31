//! One start-up path for `symbios serve` and the tests: bind, connect, migrate, seed an
//! empty database, build the schema and serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::HttpServer;
use actix_web::dev::{Server, ServerHandle};
use sea_orm::DatabaseConnection;

use crate::changes_signal::{self, ChangesSignal};
use crate::config::Settings;
use crate::db::{self, DbSetupError, StatementCounter};
use crate::graphql::build_schema;
use crate::index_folder::{self, DatabaseMark};
use crate::indexer::{self, IndexerError, IndexerStatus, Search};
use crate::seed::{self, SeedError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] DbSetupError),
    /// The bundled dataset could not be loaded into an empty database.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The search index could not be opened.
    #[error("failed to open the search index: {0}")]
    Index(#[from] IndexerError),
    /// The database's identity or newest change could not be read.
    #[error("failed to read the database's identity: {0}")]
    Identity(#[from] crate::service::Error),
    /// The webhooks' HTTP client could not be built (its TLS setup).
    #[error("failed to set up the webhooks' HTTP client: {0}")]
    Webhooks(#[from] reqwest::Error),
    /// The address could not be bound.
    #[error("failed to listen on {address}: {source}")]
    Bind {
        /// The configured address.
        address: String,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// A built, bound server that has not started serving yet.
pub struct App {
    port: u16,
    host: String,
    server: Server,
    db: DatabaseConnection,
    statements: Arc<StatementCounter>,
    search: Search,
    indexer_db: DatabaseConnection,
    indexer: tokio::task::JoinHandle<()>,
    pruner: tokio::task::JoinHandle<()>,
    webhook_worker: tokio::task::JoinHandle<()>,
    webhook_db: DatabaseConnection,
    signal_db: DatabaseConnection,
    /// The reads' own pool, on PostgreSQL ([`db::read_connection`]).
    reads_db: Option<DatabaseConnection>,
    changes_refresher: tokio::task::JoinHandle<()>,
    stop_indexer: tokio::sync::watch::Sender<bool>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// Resolves on Ctrl-C, SIGTERM or SIGQUIT (each starts the graceful shutdown).
async fn shutdown_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut terminate), Ok(mut quit)) =
            (signal(SignalKind::terminate()), signal(SignalKind::quit()))
        else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
            _ = quit.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

impl App {
    /// Binds, then connects, migrates and seeds an empty database (unless disabled).
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        // First, so that an address in use is reported before anything is written (a fresh
        // data folder, database or index).
        let bind_error = |source| StartupError::Bind {
            address: settings.bind.clone(),
            source,
        };
        let listener = TcpListener::bind(&settings.bind).map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        let (db, statements) = db::connect(settings).await?;
        db::migrate_up(&db).await.map_err(DbSetupError::from)?;
        if settings.seed_on_empty
            && let Some(report) = seed::load_if_empty(&db).await?
        {
            tracing::info!(
                inserted = report.inserted,
                "loaded the bundled dataset into the empty database"
            );
        }
        // Reads then go through the memory map rather than the log a bulk write left behind.
        // Only a speed-up: a database busy elsewhere (an import running) must not stop the
        // server from starting.
        db::checkpoint_wal_or_warn(&db).await;
        // An index that is not this database's, or is ahead of it, or cannot be read, is set
        // aside here and rebuilt by the indexer.
        let database = DatabaseMark::read(&db).await?;
        let (index, outcome) =
            index_folder::open(&settings.effective_index_dir(), &db, &database).await?;
        let search = Search {
            index,
            status: Arc::new(IndexerStatus::default()),
            wake: Arc::new(tokio::sync::Notify::new()),
        };
        let (stop_indexer, stop_signal) = tokio::sync::watch::channel(false);
        // The indexer reads through a pool of its own, so that polling the change log never
        // competes with requests for connections (and never shows in request statistics).
        let indexer_settings = Settings {
            database_max_connections: 2,
            ..settings.clone()
        };
        let (indexer_db, _) = db::connect(&indexer_settings).await?;
        let pruner = indexer::spawn_pruner(
            indexer_db.clone(),
            std::time::Duration::from_secs(settings.change_retention_hours.saturating_mul(3600)),
            std::time::Duration::from_secs(settings.prune_interval_secs),
            stop_signal.clone(),
        );
        let webhooks = crate::webhooks::Webhooks::new(
            &settings.webhooks,
            settings.webhook_allowed_networks(),
        )?;
        // Deliveries read and write through a pool of their own too: their polling must not
        // take connections from requests nor count in request statistics.
        let (webhook_db, _) = db::connect(&indexer_settings).await?;
        let webhook_worker = crate::webhooks::spawn(
            webhook_db.clone(),
            webhooks.clone(),
            &settings.webhooks,
            stop_signal.clone(),
        );
        let indexer = indexer::spawn(
            indexer_db.clone(),
            &search,
            outcome,
            database.identity,
            stop_signal,
        )?;
        // The refresher of the change signal holds a `LISTEN` connection: a pool of its own.
        let (signal_db, _) = db::connect(&indexer_settings).await?;
        let changes = ChangesSignal::default();
        let changes_refresher = changes_signal::spawn(
            signal_db.clone(),
            changes.clone(),
            changes_signal::Sources {
                listen: settings.changes_listen,
                poll: std::time::Duration::from_millis(settings.changes_poll_ms),
            },
            stop_indexer.subscribe(),
        )
        .await?;
        // Writes through other replicas reach the webhook worker through the change signal
        // (PostgreSQL `LISTEN/NOTIFY`) instead of its slower poll.
        let mut newest_changes = changes.subscribe();
        let wake_webhooks = webhooks.wake.clone();
        tokio::spawn(async move {
            while newest_changes.changed().await.is_ok() {
                wake_webhooks.notify_one();
            }
        });
        let reads = db::read_connection(&db, settings, &statements).await?;
        let reads_db = (db.get_database_backend() == sea_orm::DbBackend::Postgres)
            .then(|| reads.pool().clone());
        let loader = crate::graphql::loaders::shared_loader(
            reads.clone(),
            settings.loader_window(reads.direct().is_some()),
        );
        let schema = build_schema(
            db.clone(),
            search.clone(),
            webhooks,
            changes.clone(),
            loader.clone(),
            &settings.limits,
        );
        let app_db = db.clone();
        let app_search = search.clone();
        let limits = settings.limits;
        crate::metrics::handle();
        let services = actix_web::web::Data::new(crate::http::HttpServices {
            db: db.clone(),
            rate_limits: crate::http::RateLimits::new(&limits),
            client_address: crate::http::ClientAddress::new(settings.trusted_proxy_networks()),
            persisted: crate::http::PersistedQueries::new(limits.persisted_queries),
            trusted: crate::http::TrustedDocuments::new(settings.trusted_documents),
            parsed: crate::http::ParsedDocuments::new(limits.parsed_documents),
            operation_labels: crate::metrics::OperationLabels::new(
                crate::http::EXPLORER_OPERATION_NAMES
                    .iter()
                    .copied()
                    .chain(settings.metrics.operation_names.iter().map(String::as_str)),
            ),
            http: settings.http,
            planner: crate::graphql::planner::Planner::new(
                settings.planner.enabled,
                &limits,
                reads,
                loader,
                search.index.clone(),
            ),
            subscriptions: crate::http::SubscriptionSlots::new(&limits),
            changes: changes.clone(),
        });
        let origins = settings.cors_allowed_origins.clone();
        let server = HttpServer::new(move || {
            crate::symbios_http_app!(
                schema.clone(),
                app_db.clone(),
                app_search.clone(),
                limits,
                services.clone(),
                &origins
            )
        })
        .listen(listener)
        .map_err(bind_error)?
        // Our own signal handling, so that open subscriptions end (and their clients go to
        // another replica) before the graceful shutdown waits for connections to close.
        .shutdown_signal(async move {
            shutdown_requested().await;
            changes.close();
        })
        .shutdown_timeout(10)
        .run();
        Ok(Self {
            port: local.port(),
            host: local.ip().to_string(),
            server,
            db,
            statements,
            search,
            indexer_db,
            indexer,
            pruner,
            webhook_worker,
            webhook_db,
            signal_db,
            reads_db,
            changes_refresher,
            stop_indexer,
        })
    }

    /// The port the server listens on (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://host:port`.
    pub fn base_url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// The database connection pool.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The counter of SQL statements executed through the pool.
    pub fn statements(&self) -> Arc<StatementCounter> {
        Arc::clone(&self.statements)
    }

    /// The search index and its indexer's status.
    pub fn search(&self) -> &Search {
        &self.search
    }

    /// A handle that stops the server.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the process receives Ctrl-C or SIGTERM (or the handle stops it), letting
    /// requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        // Stop the indexer after the last request; its last commit is durable.
        self.stop_indexer.send_replace(true);
        if let Err(error) = self.indexer.await {
            tracing::error!(error = %error, "the indexer task failed");
        }
        if let Err(error) = self.pruner.await {
            tracing::error!(error = %error, "the pruner task failed");
        }
        if let Err(error) = self.webhook_worker.await {
            tracing::error!(error = %error, "the webhook worker failed");
        }
        if let Err(error) = self.webhook_db.close().await {
            tracing::warn!(error = %error, "closing the webhook worker's database connections failed");
        }
        if let Err(error) = self.changes_refresher.await {
            tracing::error!(error = %error, "the change signal's task failed");
        }
        if let Err(error) = self.signal_db.close().await {
            tracing::warn!(error = %error, "closing the change signal's connections failed");
        }
        if let Some(reads_db) = self.reads_db
            && let Err(error) = reads_db.close().await
        {
            tracing::warn!(error = %error, "closing the reads' database connections failed");
        }
        // Closed here rather than when dropped, so that no connection outlives the call (the
        // database file may be replaced once it returns).
        if let Err(error) = self.indexer_db.close().await {
            tracing::warn!(error = %error, "closing the indexer's database connections failed");
        }
        served
    }
}
