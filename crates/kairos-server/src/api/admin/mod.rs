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
// Rules the console's availability and settings pages share with these handlers.
pub(crate) use availability::iso_date;
pub(crate) use blocked_dates::{blocked_period, remove_blocked_date};
pub(crate) use notifications::{
    TemplateView, parse_audience, parse_kind, reset_template, save_template, template_views,
};
pub(crate) use users::avatar_url;

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
