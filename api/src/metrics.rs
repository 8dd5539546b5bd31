//! Prometheus metrics: the process-wide recorder, the names we record, and the rendering for
//! `/metrics`. Recording goes through the `metrics` facade (`counter!`, `histogram!`), so the
//! code that measures knows nothing of Prometheus.

use std::collections::HashSet;
use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// GraphQL requests, by operation name and outcome.
pub const REQUESTS: &str = "symbios_graphql_requests_total";
/// GraphQL request latency in seconds, by operation type.
pub const REQUEST_SECONDS: &str = "symbios_graphql_request_duration_seconds";
/// Search latency in seconds (the index lookup alone).
pub const SEARCH_SECONDS: &str = "symbios_search_duration_seconds";
/// Requests refused by the rate limiter.
pub const RATE_LIMITED: &str = "symbios_rate_limited_total";
/// Subscribers disconnected for reading too slowly.
pub const SLOW_CONSUMERS: &str = "symbios_subscription_slow_consumers_total";
/// Changes in the log not yet applied to this replica's index.
pub const INDEX_LAG: &str = "symbios_index_lag_changes";
/// Documents in this replica's index.
pub const INDEX_DOCUMENTS: &str = "symbios_index_documents";
/// Open database connections, and how many of them are idle.
pub const POOL_CONNECTIONS: &str = "symbios_db_pool_connections";
/// Idle database connections.
pub const POOL_IDLE: &str = "symbios_db_pool_idle_connections";

/// Latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The recorder, installed on first use (once per process: tests run several servers), with
/// every family described.
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(error = %error, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Every metric family with its `# HELP` text, registered with the recorder when it is
/// installed (a family without a description renders no `# HELP` line).
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        REQUESTS,
        "GraphQL requests that reached execution, by operation (the explorer's and \
         metrics.operation_names; `anonymous` when unnamed, `other` for any other name) and \
         outcome (`ok` or the first error's code)"
    );
    describe_histogram!(
        REQUEST_SECONDS,
        metrics::Unit::Seconds,
        "GraphQL request latency in seconds, by operation type (query or mutation)"
    );
    describe_histogram!(
        SEARCH_SECONDS,
        metrics::Unit::Seconds,
        "Search index lookup latency in seconds"
    );
    describe_counter!(RATE_LIMITED, "Requests refused by the rate limiter (429)");
    describe_gauge!(
        INDEX_LAG,
        "Changes in the change log not yet applied to this replica's search index"
    );
    describe_gauge!(INDEX_DOCUMENTS, "Documents in this replica's search index");
    describe_gauge!(POOL_CONNECTIONS, "Open database connections in the pool");
    describe_gauge!(POOL_IDLE, "Idle database connections in the pool");
}

/// Longest operation name taken as a label value.
const MAX_OPERATION_NAME_LEN: usize = 64;

/// Whether `name` is a GraphQL operation name (`/[_A-Za-z][_0-9A-Za-z]*/`) of at most 64
/// characters.
pub fn is_operation_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let starts_well = bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_');
    starts_well
        && name.len() <= MAX_OPERATION_NAME_LEN
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

/// The operation names counted under their own label value: names the server knows before
/// any request (the explorer's documents, `metrics.operation_names`). Any other name a
/// client sends is `other`, so label values stay a fixed set however many names clients
/// invent.
#[derive(Debug, Clone, Default)]
pub struct OperationLabels {
    known: HashSet<String>,
}

impl OperationLabels {
    /// Labels for `names` (names that are not operation names are left out; the settings
    /// refuse them).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let known = names
            .into_iter()
            .filter(|name| is_operation_name(name))
            .map(str::to_owned)
            .collect();
        Self { known }
    }

    /// The label value of an operation named `name`: the name when it is known,
    /// `anonymous` without a name, `other` otherwise.
    pub fn label(&self, name: Option<&str>) -> String {
        match name {
            None => "anonymous".to_owned(),
            Some(name) if self.known.contains(name) => name.to_owned(),
            Some(_) => "other".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_the_known_names() {
        let labels = OperationLabels::new(["CaseStudyPage", "drop table;"]);
        assert_eq!(labels.label(None), "anonymous");
        assert_eq!(labels.label(Some("CaseStudyPage")), "CaseStudyPage");
        assert_eq!(labels.label(Some("Unknown")), "other");
        assert_eq!(labels.label(Some("drop table;")), "other");
    }

    #[test]
    fn operation_names_follow_the_graphql_grammar() {
        assert!(is_operation_name("_Home2"));
        assert!(!is_operation_name(""));
        assert!(!is_operation_name("2Home"));
        assert!(!is_operation_name("Home page"));
        assert!(!is_operation_name(&"x".repeat(65)));
    }
}
