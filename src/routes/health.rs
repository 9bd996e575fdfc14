use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::db;
use crate::web::AppState;

/// `{"status":"ok","db":"ok"}`, or 503 when the database cannot be read.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let (pool, url) = (state.pool.clone(), state.settings.database());
    let checked = web::block(move || db::healthy(&pool, &url?)).await;
    match checked {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ok", "db": "ok"})),
        Ok(Err(e)) => {
            tracing::error!(error = ?e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable", "db": "unavailable"}))
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: blocking pool failed");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable", "db": "unknown"}))
        }
    }
}
