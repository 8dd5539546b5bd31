//! Settings: built-in defaults, then an optional TOML file, then `SYMBIOS_*` environment
//! variables, then command-line flags. Validated once at start; a bad value names its key.
//!
//! Invariant: no other module reads the environment.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// The configuration file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "symbios.toml";

/// Highest `limits.max_recursive_depth` accepted. The parser and validator recurse once per
/// level of nesting; a worker's stack holds well over this many levels (it overflowed near
/// 1,600 levels of brackets before the text was scanned), so no setting can crash it.
pub const MAX_RECURSIVE_DEPTH_CEILING: usize = 256;

/// Environment variables with this prefix that belong to the test harness, not to the server.
const IGNORED_ENV_PREFIX: &str = "test_";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Everything `symbios` can be configured with. Every key has a default, so a bare
/// `symbios serve` runs the embedded setup: SQLite and index under `./data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Folder for the SQLite database (and later the search index).
    pub data_dir: PathBuf,
    /// Folder of the search index; when absent, `<data_dir>/index`. Each replica keeps its own.
    pub index_dir: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…`; when absent, `sqlite://<data_dir>/symbios.db`.
    pub database_url: Option<String>,
    /// Most database connections the pool opens. On PostgreSQL the server's reads have a
    /// second pool of this size (`db::read_connection`).
    pub database_max_connections: u32,
    /// Address the HTTP server binds to.
    pub bind: String,
    /// A `tracing` filter such as `info` or `symbios=debug,sqlx=warn`.
    pub log: String,
    /// `pretty` or `json`.
    pub log_format: LogFormat,
    /// Load the bundled dataset when the database holds no records.
    pub seed_on_empty: bool,
    /// Web origins (`https://portal.example.org`) whose pages may call the API from the
    /// browser (CORS); empty: same-origin pages only.
    pub cors_allowed_origins: Vec<String>,
    /// Addresses or networks (`10.0.0.5`, `10.0.0.0/8`) of reverse proxies whose
    /// `X-Forwarded-For` names the client; empty: the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
    /// How long the change log keeps changes for feed readers, in hours; a reader whose
    /// cursor is older gets `RESYNC_REQUIRED`.
    pub change_retention_hours: u64,
    /// How often old changes are pruned, in seconds.
    pub prune_interval_secs: u64,
    /// On PostgreSQL, wake subscribers with `LISTEN/NOTIFY` when any replica commits (else
    /// they learn of other replicas' writes at the next poll).
    pub changes_listen: bool,
    /// How often the change log is polled for commits the signal may have missed, in
    /// milliseconds.
    pub changes_poll_ms: u64,
    /// How long the shared loader waits for more keys before it reads a batch, in
    /// microseconds: concurrent requests' keys of the same kind that arrive within it share
    /// one statement; each nested level of a request waits it once. At most
    /// [`MAX_LOADER_WINDOW_US`]; unset, [`Settings::loader_window`] chooses by backend.
    pub loader_window_us: Option<u64>,
    /// On SQLite, the batched loads and record lists read on the request's own thread
    /// through a small pool of read-only connections, instead of through sqlx's worker
    /// thread per statement (`symbios_service::direct_read`).
    pub sqlite_direct_reads: bool,
    /// Limits on GraphQL requests (`[limits]` in the file, `SYMBIOS_LIMITS__…` in the env).
    pub limits: Limits,
    /// How answers may be cached (`[http]` in the file, `SYMBIOS_HTTP__…` in the env).
    pub http: Http,
    /// What `/metrics` reports (`[metrics]` in the file, `SYMBIOS_METRICS__…` in the env).
    pub metrics: Metrics,
    /// Which GraphQL documents may run (`[trusted_documents]` in the file,
    /// `SYMBIOS_TRUSTED_DOCUMENTS__…` in the env).
    pub trusted_documents: TrustedDocuments,
    /// Delivery of webhooks (`[webhooks]` in the file, `SYMBIOS_WEBHOOKS__…` in the env).
    pub webhooks: Webhooks,
    /// The query planner (`[planner]` in the file, `SYMBIOS_PLANNER__…` in the env).
    pub planner: Planner,
}

/// How webhook deliveries are sent and retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Webhooks {
    /// Networks (`10.0.0.0/8`, `127.0.0.1`) webhooks may be sent to although they are
    /// loopback, private, link-local or otherwise special; empty: public addresses only.
    pub allow_networks: Vec<String>,
    /// First retry delay, in milliseconds; each retry doubles it (with full jitter).
    pub retry_base_ms: u64,
    /// Longest delay between two attempts, in milliseconds.
    pub retry_cap_ms: u64,
    /// Longest one attempt may take (connect, send, answer), in milliseconds.
    pub request_timeout_ms: u64,
    /// How long a delivery is retried before it is dead-lettered, in seconds.
    pub dead_letter_after_secs: u64,
    /// How often the worker looks for changes when no write on this replica woke it, in
    /// milliseconds (writes through other replicas or the command line).
    pub poll_interval_ms: u64,
}

impl Default for Webhooks {
    fn default() -> Self {
        Self {
            allow_networks: Vec::new(),
            retry_base_ms: 1_000,
            retry_cap_ms: 3_600_000,
            request_timeout_ms: 10_000,
            dead_letter_after_secs: 3 * 24 * 3600,
            poll_interval_ms: 1_000,
        }
    }
}

/// The query planner, which answers plain nested reads itself (`graphql::planner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Planner {
    /// Answer the queries it can plan (false: async-graphql answers every request). On by
    /// default: it answers the peers' nested query with 42 % less server CPU than the loader
    /// path (`docs/benchmarks.md`, issue 17).
    pub enabled: bool,
}

impl Default for Planner {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// Longest `loader_window_us` accepted: a tenth of a second, already a long wait per level.
pub const MAX_LOADER_WINDOW_US: u64 = 100_000;

/// The loader's window when SQLite reads run on the request's thread: a batch costs so
/// little that waiting longer for company costs more than it saves (the peers' nested query
/// at 250 µs: 1.6× the requests per second of 1 ms for the same CPU per request; shorter
/// windows add CPU; docs/benchmarks.md).
const DIRECT_READS_LOADER_WINDOW_US: u64 = 250;

/// The loader's window otherwise: a batch on PostgreSQL costs a round trip and the
/// database's own CPU, so sharing it among more requests pays (250 µs gave no more requests
/// per second there and 1.6× the database's CPU per request).
const LOADER_WINDOW_US: u64 = 1_000;

/// Longest `http.cache_max_age_seconds` accepted: a day. Cached answers are not purged when
/// data changes, so a longer lifetime would serve stale records for longer than anyone means.
pub const MAX_CACHE_MAX_AGE_SECONDS: u32 = 86_400;

/// Most names `metrics.operation_names` may hold: each is a label value kept for good.
pub const MAX_CONFIGURED_OPERATION_NAMES: usize = 1_000;

/// HTTP caching of GraphQL answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Http {
    /// `max-age` of a successful anonymous `GET /graphql` answer, in seconds (0: caches
    /// revalidate every time, with the `ETag`).
    pub cache_max_age_seconds: u32,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            cache_max_age_seconds: 60,
        }
    }
}

/// What the metrics report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Metrics {
    /// GraphQL operation names counted under their own label value, besides the explorer's;
    /// any other name counts as `other`.
    pub operation_names: Vec<String>,
}

/// Trusted documents: when on, anonymous callers may run only the documents of a manifest
/// (the explorer's, and those added with `symbios documents add`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrustedDocuments {
    /// Lock anonymous callers to the trusted documents.
    pub enabled: bool,
    /// Whether callers with an API key may run other documents too (when `enabled`).
    pub keys: KeyDocuments,
}

/// What callers with an API key may run when trusted documents are on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyDocuments {
    /// Any document (a partner's own tools, GraphiQL with a key).
    #[default]
    Free,
    /// Only the trusted documents, like anonymous callers.
    Locked,
}

/// Limits on what one GraphQL request may ask for; each is checked before execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest request body, in bytes (413 above it).
    pub max_body_bytes: usize,
    /// Deepest selection nesting.
    pub max_depth: usize,
    /// Highest complexity: every field counts 1, list fields multiply their selection by
    /// their page size (`first`/`last`) or by 10 for relation lists.
    pub max_complexity: usize,
    /// Most fields (and fragment spreads) the validator visits, with every fragment expanded
    /// where it is spread: refused before validation, which expands fragments.
    pub max_fields: usize,
    /// Most aliased fields in a document (alias bombs).
    pub max_aliases: usize,
    /// Most directives on one field.
    pub max_directives: usize,
    /// Deepest nesting of any kind in the document: braces, brackets and parentheses in
    /// its text (checked before parsing), fragments spreading fragments, and the nesting of
    /// `variables`.
    pub max_recursive_depth: usize,
    /// Most tokens in the document, counted before it is parsed.
    pub max_tokens: usize,
    /// Answer `__schema`/`__type` introspection.
    pub introspection: bool,
    /// Suggest field names in validation errors ("did you mean …").
    pub suggestions: bool,
    /// Longest a query may run, in milliseconds, before it is abandoned with `TIMEOUT`
    /// (mutations always run to their commit or rollback).
    pub request_timeout_ms: u64,
    /// Longest a client may take to send a request body, in milliseconds (408 after it).
    pub body_timeout_ms: u64,
    /// Requests per second each client address may send without a key (0: no limit).
    pub anonymous_per_second: u32,
    /// Requests an anonymous client may send at once above that rate.
    pub anonymous_burst: u32,
    /// Requests per second each API key may send (0: no limit).
    pub key_per_second: u32,
    /// Requests a key may send at once above that rate.
    pub key_burst: u32,
    /// Automatic persisted queries kept in memory (Apollo's `persistedQuery` extension).
    pub persisted_queries: usize,
    /// Syntax trees of recent query texts kept, so that a repeated query is not parsed
    /// again (0: parse every request).
    pub parsed_documents: usize,
    /// Most subscriptions open at once per API key (over every connection and transport).
    pub subscriptions_per_key: usize,
    /// Most subscriptions open at once per client address without a key.
    pub subscriptions_per_address: usize,
    /// Most subscriptions on one WebSocket connection.
    pub subscriptions_per_connection: usize,
    /// Messages waiting to be written to one subscription connection; when the client reads
    /// too slowly for longer than `slow_consumer_ms` with the buffer full, it is disconnected
    /// (and resumes from its last cursor).
    pub subscription_buffer: usize,
    /// How long a write to a subscriber may wait for the client to read, in milliseconds.
    pub slow_consumer_ms: u64,
    /// Interval of heartbeats on subscription connections (WebSocket pings, SSE comment
    /// lines), in milliseconds; a WebSocket client silent for two intervals is disconnected.
    pub heartbeat_ms: u64,
    /// How long a WebSocket client may take to send `connection_init`, in milliseconds.
    pub connection_init_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            max_depth: 16,
            max_complexity: 40_000,
            max_fields: 1_000,
            max_aliases: 15,
            max_directives: 10,
            max_recursive_depth: 20,
            max_tokens: 1_000,
            introspection: true,
            suggestions: true,
            request_timeout_ms: 30_000,
            body_timeout_ms: 10_000,
            anonymous_per_second: 50,
            anonymous_burst: 200,
            key_per_second: 200,
            key_burst: 1000,
            persisted_queries: 10_000,
            parsed_documents: 1_000,
            subscriptions_per_key: 100,
            subscriptions_per_address: 20,
            subscriptions_per_connection: 20,
            subscription_buffer: 64,
            slow_consumer_ms: 10_000,
            heartbeat_ms: 15_000,
            connection_init_timeout_ms: 10_000,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            index_dir: None,
            database_url: None,
            database_max_connections: 10,
            bind: "127.0.0.1:8080".to_owned(),
            log: "info,sqlx=warn,sea_orm=warn".to_owned(),
            log_format: LogFormat::Pretty,
            seed_on_empty: true,
            cors_allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            change_retention_hours: 24 * 90,
            prune_interval_secs: 3600,
            changes_listen: true,
            changes_poll_ms: 5_000,
            loader_window_us: None,
            sqlite_direct_reads: true,
            limits: Limits::default(),
            http: Http::default(),
            metrics: Metrics::default(),
            trusted_documents: TrustedDocuments::default(),
            webhooks: Webhooks::default(),
            planner: Planner::default(),
        }
    }
}

/// A setting that could not be read or is out of range.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or environment could not be parsed into [`Settings`].
    #[error("invalid configuration: {0}")]
    Parse(#[from] Box<figment::Error>),
    /// A value parsed but is not acceptable.
    #[error("invalid configuration: `{key}` {reason}")]
    Invalid {
        /// The configuration key, as written in the file (`SYMBIOS_` + upper case in the env).
        key: &'static str,
        /// Why the value is refused.
        reason: String,
    },
}

/// Command-line values that override every other layer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    /// `--bind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    /// `--data-dir`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    /// The shared loader's window: `loader_window_us` when set; otherwise 250 µs when SQLite
    /// reads run on the request's thread (`direct_reads`) and 1 ms when they do not.
    pub fn loader_window(&self, direct_reads: bool) -> std::time::Duration {
        let default = if direct_reads {
            DIRECT_READS_LOADER_WINDOW_US
        } else {
            LOADER_WINDOW_US
        };
        std::time::Duration::from_micros(self.loader_window_us.unwrap_or(default))
    }

    /// Reads the layers and validates the result. `config_file` is `--config`; without it,
    /// `symbios.toml` in the working directory is read when it exists.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file(DEFAULT_CONFIG_FILE)),
        }
        let settings: Settings = figment
            .merge(Env::prefixed("SYMBIOS_").split("__").filter(|key| {
                !key.as_str()
                    .to_ascii_lowercase()
                    .starts_with(IGNORED_ENV_PREFIX)
            }))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that parse but make no sense.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.bind.parse::<SocketAddr>().is_err() {
            return Err(ConfigError::Invalid {
                key: "bind",
                reason: format!(
                    "must be an IP address and port such as 127.0.0.1:8080, got {:?}",
                    self.bind
                ),
            });
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                key: "database_url",
                reason: "must start with sqlite:, postgres:// or postgresql://".to_owned(),
            });
        }
        if self
            .loader_window_us
            .is_some_and(|window| window > MAX_LOADER_WINDOW_US)
        {
            return Err(ConfigError::Invalid {
                key: "loader_window_us",
                reason: format!("must be at most {MAX_LOADER_WINDOW_US}"),
            });
        }
        for (key, value) in [
            (
                "database_max_connections",
                u64::from(self.database_max_connections),
            ),
            ("change_retention_hours", self.change_retention_hours),
            ("prune_interval_secs", self.prune_interval_secs),
            ("changes_poll_ms", self.changes_poll_ms),
            (
                "limits.subscription_buffer",
                self.limits.subscription_buffer as u64,
            ),
            ("limits.slow_consumer_ms", self.limits.slow_consumer_ms),
            ("limits.heartbeat_ms", self.limits.heartbeat_ms),
            (
                "limits.connection_init_timeout_ms",
                self.limits.connection_init_timeout_ms,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    reason: "must be at least 1".to_owned(),
                });
            }
        }
        for (key, value) in [
            ("limits.max_body_bytes", self.limits.max_body_bytes),
            ("limits.max_depth", self.limits.max_depth),
            ("limits.max_complexity", self.limits.max_complexity),
            ("limits.max_fields", self.limits.max_fields),
            ("limits.max_aliases", self.limits.max_aliases),
            (
                "limits.max_recursive_depth",
                self.limits.max_recursive_depth,
            ),
            ("limits.max_tokens", self.limits.max_tokens),
            ("limits.persisted_queries", self.limits.persisted_queries),
            (
                "limits.request_timeout_ms",
                usize::try_from(self.limits.request_timeout_ms).unwrap_or(usize::MAX),
            ),
            (
                "limits.body_timeout_ms",
                usize::try_from(self.limits.body_timeout_ms).unwrap_or(usize::MAX),
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    reason: "must be at least 1".to_owned(),
                });
            }
        }
        if self.limits.max_recursive_depth > MAX_RECURSIVE_DEPTH_CEILING {
            return Err(ConfigError::Invalid {
                key: "limits.max_recursive_depth",
                reason: format!(
                    "must be at most {MAX_RECURSIVE_DEPTH_CEILING}: the parser recurses once per level"
                ),
            });
        }
        if self.http.cache_max_age_seconds > MAX_CACHE_MAX_AGE_SECONDS {
            return Err(ConfigError::Invalid {
                key: "http.cache_max_age_seconds",
                reason: format!(
                    "must be at most {MAX_CACHE_MAX_AGE_SECONDS} (a day): cached answers are not purged when records change"
                ),
            });
        }
        if self.metrics.operation_names.len() > MAX_CONFIGURED_OPERATION_NAMES {
            return Err(ConfigError::Invalid {
                key: "metrics.operation_names",
                reason: format!(
                    "holds {} names, at most {MAX_CONFIGURED_OPERATION_NAMES} are kept as label values",
                    self.metrics.operation_names.len()
                ),
            });
        }
        if let Some(name) = self
            .metrics
            .operation_names
            .iter()
            .find(|name| !crate::metrics::is_operation_name(name))
        {
            return Err(ConfigError::Invalid {
                key: "metrics.operation_names",
                reason: format!(
                    "{name:?} is not a GraphQL operation name (a letter or `_`, then letters, digits or `_`, at most 64)"
                ),
            });
        }
        for origin in &self.cors_allowed_origins {
            let parsed = url::Url::parse(origin).ok();
            let is_origin = parsed.as_ref().is_some_and(|url| {
                matches!(url.scheme(), "http" | "https")
                    && url.path() == "/"
                    && !origin.ends_with('/')
                    && url.query().is_none()
            });
            if !is_origin {
                return Err(ConfigError::Invalid {
                    key: "cors_allowed_origins",
                    reason: format!(
                        "{origin:?} is not an origin such as https://portal.example.org (scheme, host, optional port, no path)"
                    ),
                });
            }
        }
        for (key, value) in [
            ("webhooks.retry_base_ms", self.webhooks.retry_base_ms),
            ("webhooks.retry_cap_ms", self.webhooks.retry_cap_ms),
            (
                "webhooks.request_timeout_ms",
                self.webhooks.request_timeout_ms,
            ),
            (
                "webhooks.dead_letter_after_secs",
                self.webhooks.dead_letter_after_secs,
            ),
            ("webhooks.poll_interval_ms", self.webhooks.poll_interval_ms),
        ] {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    reason: "must be at least 1".to_owned(),
                });
            }
        }
        if let Some(network) = self
            .webhooks
            .allow_networks
            .iter()
            .find(|network| parse_network(network).is_none())
        {
            return Err(ConfigError::Invalid {
                key: "webhooks.allow_networks",
                reason: format!(
                    "{network:?} is not an IP address or network such as 127.0.0.1 or 10.0.0.0/8"
                ),
            });
        }
        for proxy in &self.trusted_proxies {
            if parse_network(proxy).is_none() {
                return Err(ConfigError::Invalid {
                    key: "trusted_proxies",
                    reason: format!(
                        "{proxy:?} is not an IP address or network such as 10.0.0.5 or 10.0.0.0/8"
                    ),
                });
            }
        }
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&self.log) {
            return Err(ConfigError::Invalid {
                key: "log",
                reason: format!("is not a valid log filter: {error}"),
            });
        }
        Ok(())
    }

    /// The database URL in force: the configured one, else the SQLite file in `data_dir`.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("symbios.db").display()
            ),
        }
    }

    /// The search index folder in force.
    pub fn effective_index_dir(&self) -> PathBuf {
        self.index_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("index"))
    }

    /// The trusted proxies as networks (a bare address is a network of one).
    pub fn trusted_proxy_networks(&self) -> Vec<IpNet> {
        self.trusted_proxies
            .iter()
            .filter_map(|proxy| parse_network(proxy))
            .collect()
    }

    /// The networks webhooks may reach although they are special.
    pub fn webhook_allowed_networks(&self) -> Vec<IpNet> {
        self.webhooks
            .allow_networks
            .iter()
            .filter_map(|network| parse_network(network))
            .collect()
    }

    /// Whether the database in force is SQLite (and so lives in `data_dir`).
    pub fn uses_sqlite(&self) -> bool {
        self.effective_database_url().starts_with("sqlite:")
    }
}

/// `10.0.0.0/8`, `2001:db8::/32`, or a bare address as a network of one.
fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn defaults_are_valid_and_point_at_data_dir() {
        let settings = Settings::default();
        assert!(settings.validate().is_ok());
        assert_eq!(
            settings.effective_database_url(),
            "sqlite://./data/symbios.db?mode=rwc"
        );
    }

    #[test]
    fn bad_bind_names_the_key() {
        let settings = Settings {
            bind: "localhost".to_owned(),
            ..Settings::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`bind`")));
    }

    #[test]
    fn unknown_database_scheme_is_refused() {
        let settings = Settings {
            database_url: Some("mysql://x".to_owned()),
            ..Settings::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`database_url`")));
    }

    #[test]
    fn the_loader_window_is_chosen_by_how_reads_run_unless_set() {
        let unset = Settings::default();
        assert_eq!(unset.loader_window(true), Duration::from_micros(250));
        assert_eq!(unset.loader_window(false), Duration::from_millis(1));
        let set = Settings {
            loader_window_us: Some(40),
            ..Settings::default()
        };
        assert_eq!(set.loader_window(true), Duration::from_micros(40));
        assert_eq!(set.loader_window(false), Duration::from_micros(40));
    }

    #[test]
    fn loader_window_is_bounded() {
        let longest = Settings {
            loader_window_us: Some(MAX_LOADER_WINDOW_US),
            ..Settings::default()
        };
        assert!(longest.validate().is_ok());
        let settings = Settings {
            loader_window_us: Some(MAX_LOADER_WINDOW_US + 1),
            ..Settings::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`loader_window_us`") && m.contains("100000")),);
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API returns its own error type.
    fn test_harness_variables_are_not_settings() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("SYMBIOS_TEST_POSTGRES_URL", "postgres://x");
            jail.set_env("SYMBIOS_BIND", "127.0.0.1:9999");
            let settings = Settings::load(None, &Overrides::default());
            assert_eq!(
                settings.map(|s| s.bind).ok().as_deref(),
                Some("127.0.0.1:9999")
            );
            jail.set_env("SYMBIOS_LIMITS__MAX_DEPTH", "7");
            let nested = Settings::load(None, &Overrides::default());
            assert_eq!(
                nested
                    .map(|s| s.limits.max_depth)
                    .map_err(|e| e.to_string()),
                Ok(7)
            );
            jail.set_env("SYMBIOS_BOGUS", "1");
            assert!(
                Settings::load(None, &Overrides::default()).is_err(),
                "unknown keys are refused"
            );
            Ok(())
        });
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let settings = Settings {
            trusted_proxies: vec!["10.0.0.5".to_owned(), "fd00::/8".to_owned()],
            ..Settings::default()
        };
        assert!(settings.validate().is_ok());
        assert_eq!(settings.trusted_proxy_networks().len(), 2);
        let settings = Settings {
            trusted_proxies: vec!["proxy.example.org".to_owned()],
            ..Settings::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`trusted_proxies`")));
    }

    #[test]
    fn caching_and_metrics_settings_are_checked() {
        let settings = Settings {
            http: Http {
                cache_max_age_seconds: MAX_CACHE_MAX_AGE_SECONDS + 1,
            },
            ..Settings::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`http.cache_max_age_seconds`")));
        let settings = Settings {
            metrics: Metrics {
                operation_names: vec!["CaseStudyPage".to_owned(), "drop table".to_owned()],
            },
            ..Settings::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(
            |m| m.contains("`metrics.operation_names`") && m.contains("\"drop table\"")
        ));
    }

    #[test]
    fn webhook_settings_are_checked() {
        let mut settings = Settings::default();
        settings.webhooks.allow_networks = vec!["127.0.0.1".to_owned(), "10.0.0.0/8".to_owned()];
        assert!(settings.validate().is_ok());
        assert_eq!(settings.webhook_allowed_networks().len(), 2);
        settings.webhooks.allow_networks = vec!["partner.example".to_owned()];
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`webhooks.allow_networks`")));
        settings.webhooks = Webhooks {
            retry_cap_ms: 0,
            ..Webhooks::default()
        };
        let message = settings.validate().err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("`webhooks.retry_cap_ms`")));
    }

    #[test]
    fn bad_log_filter_is_refused() {
        let settings = Settings {
            log: "info,[".to_owned(),
            ..Settings::default()
        };
        assert!(settings.validate().is_err());
    }
}
