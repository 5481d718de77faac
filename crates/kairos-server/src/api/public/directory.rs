//! The public directory: a tenant's hosts, a host's event types, one event type.

use axum::Json;
use axum::extract::State;
use kairos_core::event_type::{CustomQuestions, EventColor, LocationType};
use kairos_core::ids::EventTypeId;
use kairos_store::{EventType, User};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::ApiPath;
use crate::app::directory;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_tenant))
        .routes(routes!(get_host))
        .routes(routes!(get_event_type))
}

/// A host as invitees see them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicHost {
    username: String,
    display_name: String,
    avatar_url: Option<String>,
    /// The host's zone (their weekly hours are in it).
    timezone: String,
}

impl From<&User> for PublicHost {
    fn from(user: &User) -> Self {
        Self {
            username: user.username.to_string(),
            display_name: user.display_name.to_string(),
            avatar_url: user.avatar_url.clone(),
            timezone: user.timezone.to_string(),
        }
    }
}

/// Where a meeting happens, as shown before booking: a phone number or meeting link of the
/// host is revealed only in the confirmation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicLocation {
    #[serde(rename = "type")]
    kind: LocationType,
    /// The address (in person) or text (custom); absent for calls and video.
    value: Option<String>,
    display_name: Option<String>,
}

/// An event type as invitees see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicEventType {
    id: EventTypeId,
    name: String,
    slug: String,
    description: Option<String>,
    /// Minutes.
    duration: i32,
    color: EventColor,
    location: PublicLocation,
    custom_questions: CustomQuestions,
}

impl From<&EventType> for PublicEventType {
    fn from(event_type: &EventType) -> Self {
        let fields = &event_type.fields;
        let location = &fields.location;
        let shows_value = matches!(
            location.kind(),
            LocationType::InPerson | LocationType::Custom
        );
        Self {
            id: event_type.id,
            name: fields.name.to_string(),
            slug: fields.slug.to_string(),
            description: fields.description.as_ref().map(ToString::to_string),
            duration: fields.duration.get(),
            color: fields.color,
            location: PublicLocation {
                kind: location.kind(),
                value: location.value().filter(|_| shows_value).map(str::to_owned),
                display_name: location.display_name().map(str::to_owned),
            },
            custom_questions: fields.custom_questions.clone(),
        }
    }
}

/// A tenant's booking landing.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantPage {
    slug: String,
    name: String,
    hosts: Vec<PublicHost>,
}

/// A host's booking page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostPage {
    host: PublicHost,
    event_types: Vec<PublicEventType>,
}

/// An event type's booking page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypePage {
    host: PublicHost,
    event_type: PublicEventType,
}

/// A tenant's active hosts.
#[utoipa::path(get, path = "", tag = "public", params(("tenantSlug" = String, Path)),
    responses((status = 200, body = TenantPage), (status = 404, body = ErrorBody)))]
async fn get_tenant(
    State(state): State<AppState>,
    ApiPath(tenant_slug): ApiPath<String>,
) -> Result<Json<TenantPage>, ApiError> {
    let (tenant, hosts) = directory::tenant_hosts(&state, &tenant_slug).await?;
    Ok(Json(TenantPage {
        slug: tenant.slug.to_string(),
        name: tenant.name.to_string(),
        hosts: hosts.iter().map(PublicHost::from).collect(),
    }))
}

/// A host's profile and bookable event types.
#[utoipa::path(get, path = "/users/{username}", tag = "public",
    params(("tenantSlug" = String, Path), ("username" = String, Path)),
    responses((status = 200, body = HostPage), (status = 404, body = ErrorBody)))]
async fn get_host(
    State(state): State<AppState>,
    ApiPath((tenant_slug, username)): ApiPath<(String, String)>,
) -> Result<Json<HostPage>, ApiError> {
    let (_, host, event_types) = directory::host_page(&state, &tenant_slug, &username).await?;
    Ok(Json(HostPage {
        host: PublicHost::from(&host),
        event_types: event_types.iter().map(PublicEventType::from).collect(),
    }))
}

/// One bookable event type: duration, location, description, questions.
#[utoipa::path(get, path = "/users/{username}/{eventSlug}", tag = "public",
    params(("tenantSlug" = String, Path), ("username" = String, Path), ("eventSlug" = String, Path)),
    responses((status = 200, body = EventTypePage), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn get_event_type(
    State(state): State<AppState>,
    ApiPath((tenant_slug, username, event_slug)): ApiPath<(String, String, String)>,
) -> Result<Json<EventTypePage>, ApiError> {
    let page = directory::bookable_page(&state, &tenant_slug, &username, &event_slug).await?;
    Ok(Json(EventTypePage {
        host: PublicHost::from(&page.host),
        event_type: PublicEventType::from(&page.event_type),
    }))
}
