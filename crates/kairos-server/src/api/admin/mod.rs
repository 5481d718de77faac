//! `/api/admin/scheduling/…`: one module per resource, each exposing `router()`.

pub(crate) mod analytics;
mod availability;
mod blocked_dates;
pub(crate) mod bookings;
mod changelog;
pub(crate) mod event_types;
pub(crate) mod notifications;
mod settings;
mod tokens;
mod users;

use utoipa_axum::router::OpenApiRouter;

pub use tokens::NO_PASSWORD;

use crate::state::AppState;

/// The admin API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(users::router())
        .merge(bookings::router())
        .merge(analytics::router())
        .merge(event_types::router())
        .merge(availability::router())
        .merge(blocked_dates::router())
        .merge(settings::router())
        .merge(changelog::router())
        .merge(tokens::router())
        .merge(notifications::router())
}
