//! `/event-types`: the meeting templates hosts offer.
//!
//! The request bodies ([`CreateEventType`], [`UpdateEventType`]) carry every rule of the fields
//! through their domain types; [`crate::app::event_types`] holds the permission checks and the
//! store calls.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::event_type::{CustomQuestions, EventColor, Location, ReminderSettings};
use kairos_core::ids::{EventTypeId, UserId};
use kairos_core::settings::{DurationMinutes, SettingOverrides};
use kairos_core::text::{DisplayName, LongText, Slug};
use kairos_store::{ArchivedFilter, DeleteOutcome, EventType, EventTypeFields, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::{PageQuery, nullable};
use crate::app::Caller;
use crate::app::event_types;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_event_types, create_event_type))
        .routes(routes!(
            get_event_type,
            update_event_type,
            delete_event_type
        ))
        .routes(routes!(archive_event_type))
        .routes(routes!(restore_event_type))
}

/// Which archived types a list shows.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArchivedParam {
    /// Live types only (default).
    #[default]
    Exclude,
    /// Archived types only.
    Only,
    /// Both.
    Include,
}

/// Filters of the event type list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this host's types (members always see only their own).
    user_id: Option<UserId>,
    /// `exclude` (default), `only` or `include`.
    archived: Option<ArchivedParam>,
    limit: Option<u32>,
    offset: Option<u32>,
}

/// A new event type. Absent fields take the spec's defaults.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateEventType {
    /// The host; defaults to the caller's own profile.
    user_id: Option<UserId>,
    name: DisplayName,
    slug: Slug,
    description: Option<LongText>,
    duration: DurationMinutes,
    /// Step between offered start times; defaults to the duration.
    slot_interval: Option<DurationMinutes>,
    color: Option<EventColor>,
    location: Option<Location>,
    custom_questions: Option<CustomQuestions>,
    reminder_settings: Option<ReminderSettings>,
    setting_overrides: Option<SettingOverrides>,
    is_active: Option<bool>,
}

/// Changes to an event type; absent fields stay as they are, `null` clears nullable ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateEventType {
    name: Option<DisplayName>,
    slug: Option<Slug>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<LongText>)]
    description: Option<Option<LongText>>,
    duration: Option<DurationMinutes>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DurationMinutes>)]
    slot_interval: Option<Option<DurationMinutes>>,
    color: Option<EventColor>,
    location: Option<Location>,
    custom_questions: Option<CustomQuestions>,
    reminder_settings: Option<ReminderSettings>,
    setting_overrides: Option<SettingOverrides>,
    is_active: Option<bool>,
}

/// What a delete did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeleteResult {
    /// `deleted`, or `archived` when bookings refer to the type.
    outcome: DeleteOutcome,
}

impl CreateEventType {
    /// The host asked for (`None`: the caller's own profile) and the new type's fields, absent
    /// ones set to the spec's defaults.
    fn into_fields(self) -> (Option<UserId>, EventTypeFields) {
        let fields = EventTypeFields {
            name: self.name,
            slug: self.slug,
            description: self.description,
            duration: self.duration,
            slot_interval: self.slot_interval,
            color: self.color.unwrap_or_default(),
            location: self.location.unwrap_or_else(Location::google_meet),
            custom_questions: self.custom_questions.unwrap_or_default(),
            reminder_settings: self.reminder_settings.unwrap_or_default(),
            setting_overrides: self.setting_overrides.unwrap_or_default(),
            is_active: self.is_active.unwrap_or(true),
        };
        (self.user_id, fields)
    }
}

impl UpdateEventType {
    /// Applies the changes to an event type's current fields.
    fn apply(self, fields: &mut EventTypeFields) {
        if let Some(name) = self.name {
            fields.name = name;
        }
        if let Some(slug) = self.slug {
            fields.slug = slug;
        }
        if let Some(description) = self.description {
            fields.description = description;
        }
        if let Some(duration) = self.duration {
            fields.duration = duration;
        }
        if let Some(interval) = self.slot_interval {
            fields.slot_interval = interval;
        }
        if let Some(color) = self.color {
            fields.color = color;
        }
        if let Some(location) = self.location {
            fields.location = location;
        }
        if let Some(questions) = self.custom_questions {
            fields.custom_questions = questions;
        }
        if let Some(reminders) = self.reminder_settings {
            fields.reminder_settings = reminders;
        }
        if let Some(overrides) = self.setting_overrides {
            fields.setting_overrides = overrides;
        }
        if let Some(active) = self.is_active {
            fields.is_active = active;
        }
    }
}

/// List event types.
#[utoipa::path(get, path = "/event-types", tag = "event types", params(ListQuery),
    responses((status = 200, body = Page<EventType>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_event_types(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<EventType>>, ApiError> {
    let archived = match query.archived.unwrap_or_default() {
        ArchivedParam::Exclude => ArchivedFilter::Exclude,
        ArchivedParam::Only => ArchivedFilter::Only,
        ArchivedParam::Include => ArchivedFilter::Include,
    };
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    Ok(Json(
        event_types::list(&state, &caller, query.user_id, archived, page).await?,
    ))
}

/// Create an event type.
#[utoipa::path(post, path = "/event-types", tag = "event types", request_body = CreateEventType,
    responses((status = 201, body = EventType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateEventType>,
) -> Result<(StatusCode, Json<EventType>), ApiError> {
    let (user, fields) = body.into_fields();
    let created = event_types::create(&state, &caller, user, fields).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Read one event type (archived ones too).
#[utoipa::path(get, path = "/event-types/{id}", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<EventType>, ApiError> {
    Ok(Json(event_types::load(&state, &caller, id).await?))
}

/// Change an event type.
#[utoipa::path(put, path = "/event-types/{id}", tag = "event types", params(("id" = EventTypeId, Path)),
    request_body = UpdateEventType,
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<EventTypeId>,
    ApiJson(body): ApiJson<UpdateEventType>,
) -> Result<Json<EventType>, ApiError> {
    let updated = event_types::update(&state, &caller, id, |fields| body.apply(fields)).await?;
    Ok(Json(updated))
}

/// Delete an event type; one that has bookings is archived instead.
#[utoipa::path(delete, path = "/event-types/{id}", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = DeleteResult), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<DeleteResult>, ApiError> {
    let outcome = event_types::delete(&state, &caller, id).await?;
    Ok(Json(DeleteResult { outcome }))
}

/// Archive an event type: it keeps its bookings but is no longer offered.
#[utoipa::path(post, path = "/event-types/{id}/archive", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn archive_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<EventType>, ApiError> {
    let archived = event_types::archive(&state, &caller, id).await?;
    Ok(Json(archived))
}

/// Restore an archived event type.
#[utoipa::path(post, path = "/event-types/{id}/restore", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn restore_event_type(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<EventType>, ApiError> {
    let restored = event_types::restore(&state, &caller, id).await?;
    Ok(Json(restored))
}
