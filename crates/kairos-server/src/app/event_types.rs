//! Event types: the meeting templates hosts offer. Owners and admins manage every host's; a
//! member only their own (another host's type is a 403, which the console shows as a 404).
//! Every rule of an event type's fields is in its domain types ([`EventTypeFields`]); a taken
//! slug is a conflict on `slug`.

use kairos_core::ids::{EventTypeId, UserId};
use kairos_store::{
    ArchivedFilter, DeleteOutcome, EventType, EventTypeFields, EventTypeFilter, Page, PageRequest,
    User,
};

use super::{AppError, AppResult, Caller};
use crate::state::AppState;

/// An event type the caller may manage (404 when missing, 403 when another host's and the
/// caller is a member).
pub async fn load(state: &AppState, caller: &Caller, id: EventTypeId) -> AppResult<EventType> {
    let event_type = state
        .store
        .event_type(caller.tenant(), id)
        .await
        .map_err(AppError::from_store("event type"))?;
    caller.require_manage(event_type.user_id)?;
    Ok(event_type)
}

/// [`load`], with the type's host (`None` if the profile cannot be read).
pub async fn load_with_host(
    state: &AppState,
    caller: &Caller,
    id: EventTypeId,
) -> AppResult<(EventType, Option<User>)> {
    let event_type = load(state, caller, id).await?;
    let host = state
        .store
        .user(caller.tenant(), event_type.user_id)
        .await
        .ok();
    Ok((event_type, host))
}

/// Lists event types, newest first: owners and admins see every host's (or `user`'s), members
/// only their own.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    user: Option<UserId>,
    archived: ArchivedFilter,
    page: PageRequest,
) -> AppResult<Page<EventType>> {
    let filter = EventTypeFilter {
        user: caller.visible_host(user)?,
        archived,
        bookable_only: false,
    };
    Ok(state
        .store
        .list_event_types(caller.tenant(), filter, page)
        .await?)
}

/// One page of the console's list (live or archived types), with how many there are of each.
#[derive(Debug)]
pub struct Listing {
    pub page: Page<EventType>,
    pub live_total: u64,
    pub archived_total: u64,
}

/// The console's list: one page of live (or archived) types of `user` (any host for owners and
/// admins when `None`), and both totals.
pub async fn listing(
    state: &AppState,
    caller: &Caller,
    user: Option<UserId>,
    archived: bool,
    page: PageRequest,
) -> AppResult<Listing> {
    let count = |filter| list(state, caller, user, filter, PageRequest::new(1, 0));
    let live_total = count(ArchivedFilter::Exclude).await?.total;
    let archived_total = count(ArchivedFilter::Only).await?.total;
    let filter = if archived {
        ArchivedFilter::Only
    } else {
        ArchivedFilter::Exclude
    };
    let page = list(state, caller, user, filter, page).await?;
    Ok(Listing {
        page,
        live_total,
        archived_total,
    })
}

/// Creates an event type for `user` (default: the caller's own profile; members only for
/// themselves). An unknown host is a 404 naming `user`.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    user: Option<UserId>,
    fields: EventTypeFields,
) -> AppResult<EventType> {
    let user = caller.target_user(user)?;
    state
        .store
        .create_event_type(caller.tenant(), caller.actor(), fields, user)
        .await
        .map_err(AppError::from_store("user"))
}

/// Changes an event type the caller may manage: `change` gets its current fields.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: EventTypeId,
    change: impl FnOnce(&mut EventTypeFields),
) -> AppResult<EventType> {
    let mut fields = load(state, caller, id).await?.fields;
    change(&mut fields);
    state
        .store
        .update_event_type(caller.tenant(), caller.actor(), id, fields)
        .await
        .map_err(AppError::from_store("event type"))
}

/// Deletes an event type, or archives it when bookings refer to it.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    id: EventTypeId,
) -> AppResult<DeleteOutcome> {
    load(state, caller, id).await?;
    state
        .store
        .delete_event_type(caller.tenant(), caller.actor(), id)
        .await
        .map_err(AppError::from_store("event type"))
}

/// Archives an event type (a no-op when it already is): it keeps its bookings but is no longer
/// offered.
pub async fn archive(state: &AppState, caller: &Caller, id: EventTypeId) -> AppResult<EventType> {
    load(state, caller, id).await?;
    state
        .store
        .archive_event_type(caller.tenant(), caller.actor(), id)
        .await
        .map_err(AppError::from_store("event type"))
}

/// Brings an archived event type back.
pub async fn restore(state: &AppState, caller: &Caller, id: EventTypeId) -> AppResult<EventType> {
    load(state, caller, id).await?;
    state
        .store
        .restore_event_type(caller.tenant(), caller.actor(), id)
        .await
        .map_err(AppError::from_store("event type"))
}
