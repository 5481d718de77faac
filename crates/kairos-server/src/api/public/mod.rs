//! `/api/public/scheduling/{tenantSlug}/…`: what invitees use, without credentials
//! ([`crate::app::directory`] and [`crate::app::booking`] hold the rules).

mod bookings;
mod directory;
mod slots;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The public API routes, to nest under `/api/public/scheduling/{tenantSlug}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(directory::router())
        .merge(slots::router())
        .merge(bookings::router())
}
