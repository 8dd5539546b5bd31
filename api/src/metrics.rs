//! Prometheus metrics: the process-wide recorder, the names we record, and the rendering for
//! `/metrics`. Recording goes through the `metrics` facade (`counter!`, `histogram!`), so the
//! code that measures knows nothing of Prometheus.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// GraphQL requests, by operation name and outcome.
pub const REQUESTS: &str = "symbios_graphql_requests_total";
/// GraphQL request latency in seconds, by operation type.
pub const REQUEST_SECONDS: &str = "symbios_graphql_request_duration_seconds";
/// Search latency in seconds (the index lookup alone).
pub const SEARCH_SECONDS: &str = "symbios_search_duration_seconds";
/// Requests refused by the rate limiter.
pub const RATE_LIMITED: &str = "symbios_rate_limited_total";
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

/// Operation names kept as label values; later ones count as `other`, so a client that
/// invents names cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

/// The recorder, installed on first use (once per process: tests run several servers).
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::warn!(error = %error, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// The operation name as a label value: names of letters, digits and `_` up to 64
/// characters, the first 200 of them; `anonymous` and `other` otherwise.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name else {
        return "anonymous".to_owned();
    };
    let well_formed = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !well_formed {
        return "other".to_owned();
    }
    let Ok(mut seen) = SEEN.get_or_init(|| Mutex::new(HashSet::new())).lock() else {
        return "other".to_owned();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_bounded() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("CaseStudyPage")), "CaseStudyPage");
        assert_eq!(operation_label(Some("drop table;")), "other");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "other");
    }
}
