//! `/api/admin/scheduling/…`: one module per resource, each exposing `router()`.

mod analytics;
mod availability;
mod blocked_dates;
mod bookings;
mod changelog;
mod event_types;
mod notifications;
mod settings;
mod tokens;
mod users;

use utoipa_axum::router::OpenApiRouter;

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
