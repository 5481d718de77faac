//! The notification outbox of a booking (what went out, what failed, retry), and the tenant's
//! notification wording per type and audience ([`crate::app::notifications`]).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::ids::{BookingId, OutboxId};
use kairos_store::OutboxMessage;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath};
use crate::app::Caller;
use crate::app::notifications::{self, TemplateView, parse_audience, parse_kind};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages))
        .routes(routes!(retry_message))
        .routes(routes!(list_templates))
        .routes(routes!(put_template, delete_template))
}

/// A booking's messages, oldest first: every confirmation, reminder, reschedule and
/// cancellation notice with its state, attempts and last error.
#[utoipa::path(get, path = "/bookings/{id}/messages", tag = "notifications",
    params(("id" = BookingId, Path)),
    responses((status = 200, body = Vec<OutboxMessage>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<BookingId>,
) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    Ok(Json(
        notifications::booking_messages(&state, &caller, id).await?,
    ))
}

/// Put a failed message back in the queue: it is sent again at once, with a fresh count of
/// attempts. 409 `message_not_failed` for a message in another state.
#[utoipa::path(post, path = "/bookings/{id}/messages/{messageId}/retry", tag = "notifications",
    params(("id" = BookingId, Path), ("messageId" = OutboxId, Path)),
    responses((status = 200, body = OutboxMessage), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn retry_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(BookingId, OutboxId)>,
) -> Result<Json<OutboxMessage>, ApiError> {
    Ok(Json(
        notifications::retry(&state, &caller, id, message_id).await?,
    ))
}

/// Every notification type and audience with its wording (eight entries). Variables such as
/// `{{inviteeName}}` and `{{startTime}}` are listed in the README.
#[utoipa::path(get, path = "/notification-templates", tag = "notifications",
    responses((status = 200, body = Vec<TemplateView>)),
    security(("bearer" = [])))]
async fn list_templates(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TemplateView>>, ApiError> {
    Ok(Json(notifications::template_views(&state, &caller).await?))
}

/// A tenant's wording for one notification type and audience.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PutTemplate {
    /// Subject template (one line); omit or leave blank for the default.
    subject: Option<String>,
    /// Plain-text body template; omit or leave blank for the default.
    body: Option<String>,
}

/// Set the wording of one notification type for one audience. Owners and admins only. An
/// unknown `{{variable}}`, unbalanced braces or a subject over one line is a 422 naming the
/// field.
#[utoipa::path(put, path = "/notification-templates/{kind}/{audience}", tag = "notifications",
    params(("kind" = String, Path, example = "booking_confirmation"), ("audience" = String, Path, example = "invitee")),
    request_body = PutTemplate,
    responses((status = 200, body = TemplateView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((kind, audience)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PutTemplate>,
) -> Result<Json<TemplateView>, ApiError> {
    caller.require_tenant_manager()?;
    let (kind, audience) = (parse_kind(&kind)?, parse_audience(&audience)?);
    let saved = notifications::save_template(
        &state,
        &caller,
        kind,
        audience,
        body.subject.as_deref(),
        body.body.as_deref(),
    )
    .await?;
    Ok(Json(saved))
}

/// Go back to the built-in wording. Owners and admins only.
#[utoipa::path(delete, path = "/notification-templates/{kind}/{audience}", tag = "notifications",
    params(("kind" = String, Path), ("audience" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((kind, audience)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.require_tenant_manager()?;
    let (kind, audience) = (parse_kind(&kind)?, parse_audience(&audience)?);
    notifications::reset_template(&state, &caller, kind, audience).await?;
    Ok(StatusCode::NO_CONTENT)
}
