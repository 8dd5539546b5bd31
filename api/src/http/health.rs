//! Liveness and readiness probes.

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use crate::indexer::Search;
use crate::service::change_log;

/// The process is up and serving HTTP.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The process can answer queries: the database responds and the search index has caught up
/// with the change log since start.
pub async fn readyz(db: web::Data<DatabaseConnection>, search: web::Data<Search>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => {
            let latest = change_log::last_seq(db.get_ref()).await.unwrap_or_default();
            let applied = search.status.applied_seq();
            let documents = search
                .index
                .state()
                .map(|state| state.documents)
                .unwrap_or_default();
            let ready = search.status.caught_up();
            let body = serde_json::json!({
                "status": if ready { "ready" } else { "indexing" },
                "database": "ok",
                "index": {
                    "lastAppliedSeq": applied,
                    "lag": (latest - applied).max(0),
                    "documents": documents,
                },
            });
            if ready {
                HttpResponse::Ok().json(body)
            } else {
                HttpResponse::ServiceUnavailable().json(body)
            }
        }
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed: database did not answer");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({
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
        return HttpResponse::ServiceUnavailable().body("metrics are not available");
    };
    let applied = search.status.applied_seq();
    if let Ok(latest) = crate::service::change_log::last_seq(db.get_ref()).await {
        metrics::gauge!(crate::metrics::INDEX_LAG).set((latest - applied).max(0) as f64);
    }
    if let Ok(state) = search.index.state() {
        metrics::gauge!(crate::metrics::INDEX_DOCUMENTS).set(state.documents as f64);
    }
    let (size, idle) = crate::db::pool_use(db.get_ref());
    metrics::gauge!(crate::metrics::POOL_CONNECTIONS).set(f64::from(size));
    metrics::gauge!(crate::metrics::POOL_IDLE).set(idle as f64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}
