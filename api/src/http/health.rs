//! Liveness and readiness probes, and the metrics: answers of the moment, never cached.

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use crate::indexer::Search;

/// Probes and metrics describe this moment: no cache may keep them.
const NO_STORE: (actix_web::http::header::HeaderName, &str) =
    (CACHE_CONTROL, super::caching::NO_STORE);

/// The process is up and serving HTTP.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(NO_STORE)
        .json(serde_json::json!({ "status": "ok" }))
}

/// The process can answer queries: the database responds and the search index is caught up
/// now (see [`crate::indexer::IndexerStatus::readiness`]: nothing pending, or at most one
/// batch pending while the indexer keeps reaching the end of the change log). 503 otherwise.
pub async fn readyz(db: web::Data<DatabaseConnection>, search: web::Data<Search>) -> HttpResponse {
    let readiness = match db.ping().await {
        Ok(()) => search.status.readiness(db.get_ref()).await,
        Err(error) => Err(error.into()),
    };
    match readiness {
        Ok(readiness) => {
            let documents = search
                .index
                .state()
                .map(|state| state.documents)
                .unwrap_or_default();
            let body = serde_json::json!({
                "status": if readiness.ready { "ready" } else { "indexing" },
                "database": "ok",
                "index": {
                    "lastAppliedSeq": readiness.last_applied_seq,
                    "lastChangeSeq": readiness.last_change_seq,
                    "lag": readiness.lag,
                    "documents": documents,
                },
            });
            if readiness.ready {
                HttpResponse::Ok().insert_header(NO_STORE).json(body)
            } else {
                HttpResponse::ServiceUnavailable()
                    .insert_header(NO_STORE)
                    .json(body)
            }
        }
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed: database did not answer");
            HttpResponse::ServiceUnavailable()
                .insert_header(NO_STORE)
                .json(serde_json::json!({
                    "status": "unavailable",
                    "database": "unreachable",
                }))
        }
    }
}

/// `GET /metrics`: Prometheus text. Gauges (index lag and size, pool use) are read now;
/// counters and histograms are kept as requests come.
pub async fn metrics(db: web::Data<DatabaseConnection>, search: web::Data<Search>) -> HttpResponse {
    let Some(handle) = crate::metrics::handle() else {
        return HttpResponse::ServiceUnavailable()
            .insert_header(NO_STORE)
            .body("metrics are not available");
    };
    if let Ok(readiness) = search.status.readiness(db.get_ref()).await {
        metrics::gauge!(crate::metrics::INDEX_LAG).set(readiness.lag as f64);
    }
    if let Ok(state) = search.index.state() {
        metrics::gauge!(crate::metrics::INDEX_DOCUMENTS).set(state.documents as f64);
    }
    let (size, idle) = crate::db::pool_use(db.get_ref());
    metrics::gauge!(crate::metrics::POOL_CONNECTIONS).set(f64::from(size));
    metrics::gauge!(crate::metrics::POOL_IDLE).set(idle as f64);
    HttpResponse::Ok()
        .insert_header(NO_STORE)
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}
