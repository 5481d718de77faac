//! `/event-types`: the meeting templates hosts offer.
//!
//! The handlers are thin: the request bodies ([`CreateEventType`], [`UpdateEventType`]) carry
//! every rule through their domain types, and [`create`], [`update`], [`delete`], [`archive`]
//! and [`restore`] hold the permission checks and store calls. The console's event type pages
//! submit the same bodies to the same functions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::event_type::{CustomQuestions, EventColor, Location, ReminderSettings};
use kairos_core::ids::{EventTypeId, UserId};
use kairos_core::settings::{DurationMinutes, SettingOverrides};
use kairos_core::text::{DisplayName, LongText, Slug};
use kairos_store::{
    Actor, ArchivedFilter, DeleteOutcome, EventType, EventTypeFields, EventTypeFilter, Page,
    PageRequest,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{PageQuery, nullable};
use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
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
    pub(crate) fn into_fields(self) -> (Option<UserId>, EventTypeFields) {
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
    pub(crate) fn apply(self, fields: &mut EventTypeFields) {
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

/// An event type the caller may manage (404 when missing, 403 when another host's and the
/// caller is a member).
pub(crate) async fn load(
    state: &AppState,
    admin: &Admin,
    id: EventTypeId,
) -> Result<EventType, ApiError> {
    let event_type = state
        .store
        .event_type(admin.0.tenant_id, id)
        .await
        .map_err(ApiError::from_store("event type"))?;
    admin.require_manage(event_type.user_id)?;
    Ok(event_type)
}

/// Lists event types, newest first: owners and admins see every host's (or `user`'s), members
/// only their own.
pub(crate) async fn list(
    state: &AppState,
    admin: &Admin,
    user: Option<UserId>,
    archived: ArchivedFilter,
    page: PageRequest,
) -> Result<Page<EventType>, ApiError> {
    let user = if admin.0.role.manages_tenant() {
        user
    } else {
        Some(admin.target_user(user)?)
    };
    let filter = EventTypeFilter {
        user,
        archived,
        bookable_only: false,
    };
    Ok(state
        .store
        .list_event_types(admin.0.tenant_id, filter, page)
        .await?)
}

/// Creates an event type for `user` (default: the caller's own profile; members only for
/// themselves). A taken slug is a conflict on `slug`.
pub(crate) async fn create(
    state: &AppState,
    admin: &Admin,
    user: Option<UserId>,
    fields: EventTypeFields,
) -> Result<EventType, ApiError> {
    let user = admin.target_user(user)?;
    state
        .store
        .create_event_type(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            fields,
            user,
        )
        .await
        .map_err(ApiError::from_store("user"))
}

/// Replaces the fields of an event type the caller has [`load`]ed.
pub(crate) async fn update(
    state: &AppState,
    admin: &Admin,
    id: EventTypeId,
    fields: EventTypeFields,
) -> Result<EventType, ApiError> {
    state
        .store
        .update_event_type(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            id,
            fields,
        )
        .await
        .map_err(ApiError::from_store("event type"))
}

/// Deletes an event type, or archives it when bookings refer to it.
pub(crate) async fn delete(
    state: &AppState,
    admin: &Admin,
    id: EventTypeId,
) -> Result<DeleteOutcome, ApiError> {
    load(state, admin, id).await?;
    state
        .store
        .delete_event_type(admin.0.tenant_id, Actor::account(admin.0.account_id), id)
        .await
        .map_err(ApiError::from_store("event type"))
}

/// Archives an event type (a no-op when it already is).
pub(crate) async fn archive(
    state: &AppState,
    admin: &Admin,
    id: EventTypeId,
) -> Result<EventType, ApiError> {
    load(state, admin, id).await?;
    state
        .store
        .archive_event_type(admin.0.tenant_id, Actor::account(admin.0.account_id), id)
        .await
        .map_err(ApiError::from_store("event type"))
}

/// Brings an archived event type back.
pub(crate) async fn restore(
    state: &AppState,
    admin: &Admin,
    id: EventTypeId,
) -> Result<EventType, ApiError> {
    load(state, admin, id).await?;
    state
        .store
        .restore_event_type(admin.0.tenant_id, Actor::account(admin.0.account_id), id)
        .await
        .map_err(ApiError::from_store("event type"))
}

/// List event types.
#[utoipa::path(get, path = "/event-types", tag = "event types", params(ListQuery),
    responses((status = 200, body = Page<EventType>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_event_types(
    State(state): State<AppState>,
    admin: Admin,
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
    list(&state, &admin, query.user_id, archived, page)
        .await
        .map(Json)
}

/// Create an event type.
#[utoipa::path(post, path = "/event-types", tag = "event types", request_body = CreateEventType,
    responses((status = 201, body = EventType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_event_type(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(body): ApiJson<CreateEventType>,
) -> Result<(StatusCode, Json<EventType>), ApiError> {
    let (user, fields) = body.into_fields();
    let created = create(&state, &admin, user, fields).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Read one event type (archived ones too).
#[utoipa::path(get, path = "/event-types/{id}", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_event_type(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<EventType>, ApiError> {
    load(&state, &admin, id).await.map(Json)
}

/// Change an event type.
#[utoipa::path(put, path = "/event-types/{id}", tag = "event types", params(("id" = EventTypeId, Path)),
    request_body = UpdateEventType,
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_event_type(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<EventTypeId>,
    ApiJson(body): ApiJson<UpdateEventType>,
) -> Result<Json<EventType>, ApiError> {
    let mut fields = load(&state, &admin, id).await?.fields;
    body.apply(&mut fields);
    let updated = update(&state, &admin, id, fields).await?;
    Ok(Json(updated))
}

/// Delete an event type; one that has bookings is archived instead.
#[utoipa::path(delete, path = "/event-types/{id}", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = DeleteResult), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_event_type(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<DeleteResult>, ApiError> {
    let outcome = delete(&state, &admin, id).await?;
    Ok(Json(DeleteResult { outcome }))
}

/// Archive an event type: it keeps its bookings but is no longer offered.
#[utoipa::path(post, path = "/event-types/{id}/archive", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn archive_event_type(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<EventType>, ApiError> {
    let archived = archive(&state, &admin, id).await?;
    Ok(Json(archived))
}

/// Restore an archived event type.
#[utoipa::path(post, path = "/event-types/{id}/restore", tag = "event types", params(("id" = EventTypeId, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn restore_event_type(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<EventTypeId>,
) -> Result<Json<EventType>, ApiError> {
    let restored = restore(&state, &admin, id).await?;
    Ok(Json(restored))
}
