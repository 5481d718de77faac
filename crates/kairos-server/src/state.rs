//! What every handler can reach.

use std::sync::Arc;

use kairos_core::clock::Clock;
use kairos_store::Store;

use crate::settings::ServeSettings;

/// Shared, cheap-to-clone application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<ServeSettings>,
    /// The Origin check and rate limit of public writes (see [`crate::abuse`]).
    pub abuse: crate::abuse::AbuseGuard,
}
