//! `/healthz` (the process answers), `/readyz` (the database answers too) and `/metrics`
//! (Prometheus text format).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::api::error::ApiError;
use crate::app::status;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if status::database_ready(&state).await {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
        )
    }
}

/// Prometheus text format: the outbox's messages by state over the whole database (shared by
/// every process), this process's deliveries, request latencies by route and booking outcomes.
async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    use std::fmt::Write;
    use std::sync::atomic::Ordering;

    let counts = status::outbox_counts(&state).await?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP kairos_outbox_messages Notification messages in the outbox, by state.\n# TYPE kairos_outbox_messages gauge"
    );
    for status in ["pending", "sent", "failed", "cancelled"] {
        let n = counts.by_status.get(status).copied().unwrap_or(0);
        let _ = writeln!(out, "kairos_outbox_messages{{status=\"{status}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP kairos_outbox_due Pending messages whose time has come (the delivery backlog).\n# TYPE kairos_outbox_due gauge\nkairos_outbox_due {}",
        counts.due
    );
    let stats = &state.outbox_stats;
    let _ = writeln!(
        out,
        "# HELP kairos_outbox_deliveries_total Delivery attempts finished by this process, by outcome.\n# TYPE kairos_outbox_deliveries_total counter"
    );
    for (outcome, counter) in [
        ("sent", &stats.sent),
        ("retried", &stats.retried),
        ("failed", &stats.failed),
        ("lost_claim", &stats.lost_claims),
    ] {
        let _ = writeln!(
            out,
            "kairos_outbox_deliveries_total{{outcome=\"{outcome}\"}} {}",
            counter.load(Ordering::Relaxed)
        );
    }
    state.metrics.write(&mut out);
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    ))
}
