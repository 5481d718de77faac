//! The notification outbox of a booking (what went out, what failed, retry), and the tenant's
//! notification wording per type and audience.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::ids::{BookingId, OutboxId};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_notify::template::{TemplateOverride, default_template};
use kairos_store::{Actor, NotificationTemplate, OutboxMessage, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
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
    admin: Admin,
    ApiPath(id): ApiPath<BookingId>,
) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    Ok(Json(booking_messages(&state, &admin, id).await?))
}

/// The messages of a booking the caller may manage, oldest first. The console's booking page
/// calls this too.
pub(crate) async fn booking_messages(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
) -> Result<Vec<OutboxMessage>, ApiError> {
    let tenant = admin.0.tenant_id;
    let booking = state
        .store
        .booking(tenant, id)
        .await
        .map_err(ApiError::from_store("booking"))?;
    admin.require_manage(booking.host_user_id)?;
    state
        .store
        .list_outbox(tenant, id)
        .await
        .map_err(ApiError::from_store("booking"))
}

/// Put a failed message back in the queue: it is sent again at once, with a fresh count of
/// attempts. 409 `message_not_failed` for a message in another state.
#[utoipa::path(post, path = "/bookings/{id}/messages/{messageId}/retry", tag = "notifications",
    params(("id" = BookingId, Path), ("messageId" = OutboxId, Path)),
    responses((status = 200, body = OutboxMessage), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn retry_message(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath((id, message_id)): ApiPath<(BookingId, OutboxId)>,
) -> Result<Json<OutboxMessage>, ApiError> {
    Ok(Json(retry(&state, &admin, id, message_id).await?))
}

/// Puts a failed message of a booking the caller may manage back in the queue (404 for a
/// message of another booking, 409 `message_not_failed` for one that did not fail). The
/// console's Retry button calls this too.
pub(crate) async fn retry(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
    message_id: OutboxId,
) -> Result<OutboxMessage, ApiError> {
    let tenant = admin.0.tenant_id;
    let messages = booking_messages(state, admin, id).await?;
    if !messages.iter().any(|m| m.id == message_id) {
        return Err(ApiError::NotFound("message"));
    }
    let retried = state
        .store
        .retry_outbox(
            tenant,
            Actor::account(admin.0.account_id),
            message_id,
            state.clock.now(),
        )
        .await
        .map_err(|error| match error {
            StoreError::Rejected { code, message } => ApiError::Conflict {
                code,
                message,
                field: None,
            },
            other => ApiError::from_store("message")(other),
        })?;
    state.notify_outbox();
    Ok(retried)
}

/// The wording of one notification type for one audience: the tenant's override, if any, and
/// the built-in default it replaces.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    pub(crate) kind: NotificationKind,
    pub(crate) audience: Audience,
    /// The tenant's subject template; `null` uses the default.
    pub(crate) subject: Option<String>,
    /// The tenant's plain-text body template; `null` uses the default. The HTML part is made
    /// from it.
    pub(crate) body: Option<String>,
    pub(crate) default_subject: &'static str,
    pub(crate) default_body: &'static str,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub(crate) updated_at: Option<jiff::Timestamp>,
}

fn view(
    kind: NotificationKind,
    audience: Audience,
    stored: Option<&NotificationTemplate>,
) -> TemplateView {
    let defaults = default_template(kind, audience);
    TemplateView {
        kind,
        audience,
        subject: stored.and_then(|t| t.subject.clone()),
        body: stored.and_then(|t| t.body.clone()),
        default_subject: defaults.subject,
        default_body: defaults.body,
        updated_at: stored.map(|t| t.updated_at),
    }
}

/// Every notification type and audience with its wording (eight entries). Variables such as
/// `{{inviteeName}}` and `{{startTime}}` are listed in the README.
#[utoipa::path(get, path = "/notification-templates", tag = "notifications",
    responses((status = 200, body = Vec<TemplateView>)),
    security(("bearer" = [])))]
async fn list_templates(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Json<Vec<TemplateView>>, ApiError> {
    Ok(Json(template_views(&state, &admin).await?))
}

/// Every notification type and audience with its wording, in the spec's order of types, host
/// before invitee (the API's list and the console's).
pub(crate) async fn template_views(
    state: &AppState,
    admin: &Admin,
) -> Result<Vec<TemplateView>, ApiError> {
    let stored = state
        .store
        .notification_templates(admin.0.tenant_id)
        .await
        .map_err(ApiError::from_store("templates"))?;
    let views = NotificationKind::ALL
        .into_iter()
        .flat_map(|kind| [(kind, Audience::Host), (kind, Audience::Invitee)])
        .map(|(kind, audience)| {
            let found = stored
                .iter()
                .find(|t| t.kind == kind && t.audience == audience);
            view(kind, audience, found)
        })
        .collect();
    Ok(views)
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

/// A notification type as spelled in a path (400 naming `kind` otherwise).
pub(crate) fn parse_kind(kind: &str) -> Result<NotificationKind, ApiError> {
    NotificationKind::parse(kind).map_err(|e| ApiError::bad_request("kind", e.to_string()))
}

/// An audience as spelled in a path (400 naming `audience` otherwise).
pub(crate) fn parse_audience(audience: &str) -> Result<Audience, ApiError> {
    Audience::parse(audience).map_err(|e| ApiError::bad_request("audience", e.to_string()))
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
    admin: Admin,
    ApiPath((kind, audience)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PutTemplate>,
) -> Result<Json<TemplateView>, ApiError> {
    admin.require_tenant_manager()?;
    let (kind, audience) = (parse_kind(&kind)?, parse_audience(&audience)?);
    let saved = save_template(
        &state,
        &admin,
        kind,
        audience,
        body.subject.as_deref(),
        body.body.as_deref(),
    )
    .await?;
    Ok(Json(saved))
}

/// Checks and stores a tenant's wording for one type and audience (owners and admins only);
/// a blank field keeps the built-in one. A bad template is a 422 naming `subject` or `body`.
pub(crate) async fn save_template(
    state: &AppState,
    admin: &Admin,
    kind: NotificationKind,
    audience: Audience,
    subject: Option<&str>,
    body: Option<&str>,
) -> Result<TemplateView, ApiError> {
    admin.require_tenant_manager()?;
    let parsed = TemplateOverride::parse(subject, body)
        .map_err(|e| ApiError::validation(e.field.as_str(), e.error.to_string()))?;
    let saved = state
        .store
        .put_notification_template(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            kind,
            audience,
            parsed.subject().map(str::to_owned),
            parsed.body().map(str::to_owned),
        )
        .await
        .map_err(ApiError::from_store("template"))?;
    Ok(view(kind, audience, Some(&saved)))
}

/// Go back to the built-in wording. Owners and admins only.
#[utoipa::path(delete, path = "/notification-templates/{kind}/{audience}", tag = "notifications",
    params(("kind" = String, Path), ("audience" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_template(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath((kind, audience)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    admin.require_tenant_manager()?;
    let (kind, audience) = (parse_kind(&kind)?, parse_audience(&audience)?);
    reset_template(&state, &admin, kind, audience).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the tenant's wording for one type and audience (owners and admins only); 404 when
/// it had none.
pub(crate) async fn reset_template(
    state: &AppState,
    admin: &Admin,
    kind: NotificationKind,
    audience: Audience,
) -> Result<(), ApiError> {
    admin.require_tenant_manager()?;
    state
        .store
        .delete_notification_template(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            kind,
            audience,
        )
        .await
        .map_err(ApiError::from_store("template override"))
}
