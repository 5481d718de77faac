//! `/api/public/scheduling/{tenantSlug}/…`: what invitees use, without credentials. The tenant
//! comes from the slug; inactive hosts and inactive or archived event types are not found.

pub(crate) mod bookings;
mod pages;
mod slots;

use kairos_core::text::{Slug, Username};
use kairos_store::{EventType, ScheduleVersion, Tenant, User};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::state::AppState;

/// The public API routes, to nest under `/api/public/scheduling/{tenantSlug}`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(pages::router())
        .merge(slots::router())
        .merge(bookings::router())
}

/// Resolves a tenant slug (404 when malformed or unknown).
pub(crate) async fn tenant(state: &AppState, slug: &str) -> Result<Tenant, ApiError> {
    let slug = Slug::parse(slug).map_err(|_| ApiError::NotFound("tenant"))?;
    state
        .store
        .tenant_by_slug(&slug)
        .await
        .map_err(ApiError::from_store("tenant"))
}

/// Resolves an active host by username.
pub(crate) async fn host(
    state: &AppState,
    tenant: &Tenant,
    username: &str,
) -> Result<User, ApiError> {
    let username = Username::parse(username).map_err(|_| ApiError::NotFound("host"))?;
    let user = state
        .store
        .user_by_username(tenant.id, &username)
        .await
        .map_err(ApiError::from_store("host"))?;
    if !user.is_active {
        return Err(ApiError::NotFound("host"));
    }
    Ok(user)
}

/// Resolves a bookable (active, not archived) event type of a host by slug.
pub(crate) async fn bookable_event_type(
    state: &AppState,
    host: &User,
    slug: &str,
) -> Result<EventType, ApiError> {
    let slug = Slug::parse(slug).map_err(|_| ApiError::NotFound("event type"))?;
    let event_type = state
        .store
        .event_type_by_slug(host.tenant_id, host.id, &slug)
        .await
        .map_err(ApiError::from_store("event type"))?;
    ensure_bookable(&event_type)?;
    Ok(event_type)
}

/// A bookable event type with its active host and tenant, and the host's schedule version.
pub(crate) struct BookablePage {
    pub tenant: Tenant,
    pub host: User,
    pub event_type: EventType,
    pub schedule_version: ScheduleVersion,
}

/// Resolves tenant, active host and bookable event type in one store call, with the same
/// answers as [`tenant`], [`host`] and [`bookable_event_type`] one after the other.
pub(crate) async fn public_event_type(
    state: &AppState,
    tenant_slug: &str,
    username: &str,
    event_slug: &str,
) -> Result<BookablePage, ApiError> {
    let tenant_slug = Slug::parse(tenant_slug).map_err(|_| ApiError::NotFound("tenant"))?;
    let (Ok(username), Ok(event_slug)) = (Username::parse(username), Slug::parse(event_slug))
    else {
        // A malformed username or slug: the step-by-step lookups give the same answer.
        let tenant = tenant(state, tenant_slug.as_str()).await?;
        let host = host(state, &tenant, username).await?;
        return Err(bookable_event_type(state, &host, event_slug)
            .await
            .err()
            .unwrap_or(ApiError::NotFound("event type")));
    };
    let page = state
        .store
        .public_event_type(&tenant_slug, &username, &event_slug)
        .await
        .map_err(ApiError::from_store("tenant"))?;
    let (Some(host), Some(version)) = (page.host, page.schedule_version) else {
        return Err(ApiError::NotFound("host"));
    };
    if !host.is_active {
        return Err(ApiError::NotFound("host"));
    }
    let event_type = page.event_type.ok_or(ApiError::NotFound("event type"))?;
    ensure_bookable(&event_type)?;
    Ok(BookablePage {
        tenant: page.tenant,
        host,
        event_type,
        schedule_version: version,
    })
}

/// Archived or deactivated event types take no bookings.
pub(crate) fn ensure_bookable(event_type: &EventType) -> Result<(), ApiError> {
    if event_type.archived_at.is_some() {
        return Err(ApiError::Gone(
            "this event type has been archived and takes no bookings",
        ));
    }
    if !event_type.fields.is_active {
        return Err(ApiError::NotFound("event type"));
    }
    Ok(())
}
