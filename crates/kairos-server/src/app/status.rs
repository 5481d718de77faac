//! What the operations endpoints report: whether the database answers, and the outbox's
//! messages by state over every tenant.

use kairos_store::OutboxCounts;

use super::AppResult;
use crate::state::AppState;

/// Whether the database answers; the reason is logged when it does not.
pub async fn database_ready(state: &AppState) -> bool {
    match state.store.ping().await {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(%error, "database not ready");
            false
        }
    }
}

/// How many outbox messages are in each state, and how many are due now.
pub async fn outbox_counts(state: &AppState) -> AppResult<OutboxCounts> {
    Ok(state.store.outbox_counts(state.clock.now()).await?)
}
