//! What invitees may look up without a credential: a tenant by its slug, its active hosts, a
//! host's bookable event types. The tenant comes from the slug; a malformed slug or username is
//! as unknown as a missing one, inactive hosts and inactive event types are not found, and an
//! archived event type is gone (410).

use kairos_core::ids::EventTypeId;
use kairos_core::text::{Slug, Username};
use kairos_store::{
    EventType, EventTypeFilter, PageRequest, ScheduleVersion, Tenant, User, UserFilter,
};

use super::{AppError, AppResult};
use crate::state::AppState;

/// Resolves a tenant slug (404 when malformed or unknown).
pub async fn tenant(state: &AppState, slug: &str) -> AppResult<Tenant> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound("tenant"))?;
    state
        .store
        .tenant_by_slug(&slug)
        .await
        .map_err(AppError::from_store("tenant"))
}

/// Resolves an active host of `tenant` by username.
pub async fn host(state: &AppState, tenant: &Tenant, username: &str) -> AppResult<User> {
    let username = Username::parse(username).map_err(|_| AppError::NotFound("host"))?;
    let user = state
        .store
        .user_by_username(tenant.id, &username)
        .await
        .map_err(AppError::from_store("host"))?;
    if !user.is_active {
        return Err(AppError::NotFound("host"));
    }
    Ok(user)
}

/// Resolves a bookable (active, not archived) event type of a host by slug.
async fn bookable_event_type(state: &AppState, host: &User, slug: &str) -> AppResult<EventType> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound("event type"))?;
    let event_type = state
        .store
        .event_type_by_slug(host.tenant_id, host.id, &slug)
        .await
        .map_err(AppError::from_store("event type"))?;
    ensure_bookable(&event_type)?;
    Ok(event_type)
}

/// Archived or deactivated event types take no bookings.
pub fn ensure_bookable(event_type: &EventType) -> AppResult<()> {
    if event_type.archived_at.is_some() {
        return Err(AppError::Gone(
            "this event type has been archived and takes no bookings",
        ));
    }
    if !event_type.fields.is_active {
        return Err(AppError::NotFound("event type"));
    }
    Ok(())
}

/// A tenant and its active hosts, oldest first.
pub async fn tenant_hosts(state: &AppState, tenant_slug: &str) -> AppResult<(Tenant, Vec<User>)> {
    let tenant = tenant(state, tenant_slug).await?;
    let hosts = state
        .store
        .list_users(
            tenant.id,
            UserFilter {
                only: None,
                active_only: true,
            },
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?;
    Ok((tenant, hosts.items))
}

/// A tenant, one of its active hosts, and that host's bookable event types, newest first.
pub async fn host_page(
    state: &AppState,
    tenant_slug: &str,
    username: &str,
) -> AppResult<(Tenant, User, Vec<EventType>)> {
    let tenant = tenant(state, tenant_slug).await?;
    let host = host(state, &tenant, username).await?;
    let event_types = state
        .store
        .list_event_types(
            tenant.id,
            EventTypeFilter {
                user: Some(host.id),
                bookable_only: true,
                ..EventTypeFilter::default()
            },
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?;
    Ok((tenant, host, event_types.items))
}

/// A bookable event type with its active host and tenant, and the host's schedule version.
#[derive(Debug, Clone)]
pub struct BookablePage {
    pub tenant: Tenant,
    pub host: User,
    pub event_type: EventType,
    pub schedule_version: ScheduleVersion,
}

/// Resolves tenant, active host and bookable event type in one store read, with the same
/// answers as looking up each in turn.
pub async fn bookable_page(
    state: &AppState,
    tenant_slug: &str,
    username: &str,
    event_slug: &str,
) -> AppResult<BookablePage> {
    let tenant_slug = Slug::parse(tenant_slug).map_err(|_| AppError::NotFound("tenant"))?;
    let (Ok(username), Ok(event_slug)) = (Username::parse(username), Slug::parse(event_slug))
    else {
        // A malformed username or slug: the step-by-step lookups give the same answer.
        let tenant = tenant(state, tenant_slug.as_str()).await?;
        let host = host(state, &tenant, username).await?;
        return Err(bookable_event_type(state, &host, event_slug)
            .await
            .err()
            .unwrap_or(AppError::NotFound("event type")));
    };
    let page = state
        .store
        .public_event_type(&tenant_slug, &username, &event_slug)
        .await
        .map_err(AppError::from_store("tenant"))?;
    let (Some(host), Some(version)) = (page.host, page.schedule_version) else {
        return Err(AppError::NotFound("host"));
    };
    if !host.is_active {
        return Err(AppError::NotFound("host"));
    }
    let event_type = page.event_type.ok_or(AppError::NotFound("event type"))?;
    ensure_bookable(&event_type)?;
    Ok(BookablePage {
        tenant: page.tenant,
        host,
        event_type,
        schedule_version: version,
    })
}

/// The target of a booking request, in one store read: the tenant by slug, its bookable event
/// type by id and that type's active host. The schedule version is not needed: bookings read
/// fresh data under the host's lock.
pub async fn booking_target(
    state: &AppState,
    tenant_slug: &str,
    event_type: EventTypeId,
) -> AppResult<(Tenant, User, EventType)> {
    let slug = Slug::parse(tenant_slug).map_err(|_| AppError::NotFound("tenant"))?;
    let target = state
        .store
        .booking_target(&slug, event_type)
        .await
        .map_err(AppError::from_store("tenant"))?;
    let (Some(event_type), Some(host)) = (target.event_type, target.host) else {
        return Err(AppError::NotFound("event type"));
    };
    ensure_bookable(&event_type)?;
    if !host.is_active {
        return Err(AppError::NotFound("host"));
    }
    Ok((target.tenant, host, event_type))
}
