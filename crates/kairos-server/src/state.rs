//! What every handler can reach.

use std::sync::Arc;

use kairos_core::clock::Clock;
use kairos_store::{SnapshotCache, Store};

use crate::settings::ServeSettings;

/// Shared, cheap-to-clone application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<ServeSettings>,
    /// The Origin check and rate limit of public writes (see [`crate::abuse`]).
    pub abuse: crate::abuse::AbuseGuard,
    /// Rung after each booking change, so the worker sends confirmations without waiting for
    /// its next poll.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// What this process's outbox worker has done (for `/metrics`).
    pub outbox_stats: Arc<kairos_notify::worker::WorkerStats>,
    /// Schedule snapshots for slot listings, served only while the host's schedule version is
    /// unchanged (see [`SnapshotCache`]).
    pub snapshots: Arc<SnapshotCache>,
    /// Request latencies and booking outcomes of this process (for `/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// How many schedule snapshots a server keeps for slot listings (one per host and span asked
/// for; a month's snapshot of a busy host is a few tens of kilobytes).
pub const SNAPSHOT_CACHE_ENTRIES: usize = 1024;

impl AppState {
    /// State for a server on `store`.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: ServeSettings,
        abuse: crate::abuse::AbuseGuard,
    ) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            abuse,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            outbox_stats: Arc::default(),
            snapshots: Arc::new(SnapshotCache::new(SNAPSHOT_CACHE_ENTRIES)),
            metrics: Arc::default(),
        }
    }

    /// Wakes this process's outbox worker: a booking change just queued messages.
    pub fn notify_outbox(&self) {
        self.outbox_wake.notify_one();
    }
}
