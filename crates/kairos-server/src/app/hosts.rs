//! Host profiles (the spec's scheduling users) and their booking settings. Owners and admins
//! create hosts and manage any; a member reads and changes only their own profile and may not
//! switch it on or off.

use kairos_core::ids::{AccountId, UserId};
use kairos_core::settings::HostSettings;
use kairos_core::text::{DisplayName, EmailAddress, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::{NewUser, Page, PageRequest, User, UserFilter, UserUpdate};

use super::{AppError, AppResult, Caller};
use crate::state::AppState;

/// Usernames the booking pages use as path segments (`/book/{tenant}/booking/…`), which a
/// host's page could never be reached under.
pub const RESERVED_USERNAMES: [&str; 3] = ["booking", "cancel", "reschedule"];

/// Refuses a username the booking pages reserve (a 422 naming `username`).
pub fn check_username(username: &Username) -> AppResult<()> {
    if RESERVED_USERNAMES.contains(&username.as_str()) {
        return Err(AppError::validation(
            "username",
            format!("{username:?} is reserved for the booking pages; choose another username"),
        ));
    }
    Ok(())
}

/// Checks an avatar URL: blank means none; otherwise an http(s) URL of at most 2000 characters
/// without spaces. A 422 names `avatarUrl`.
pub fn avatar_url(value: Option<String>) -> AppResult<Option<String>> {
    let Some(url) = value.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 2000 || url.chars().any(char::is_whitespace) {
        return Err(AppError::validation(
            "avatarUrl",
            "an avatar URL must be an http(s) URL of at most 2000 characters",
        ));
    }
    Ok(Some(url))
}

/// One page of host profiles, oldest first (a member sees only their own).
pub async fn list(state: &AppState, caller: &Caller, page: PageRequest) -> AppResult<Page<User>> {
    let filter = UserFilter {
        only: if caller.manages_tenant() {
            None
        } else {
            Some(caller.own_host().unwrap_or_default())
        },
        active_only: false,
    };
    Ok(state
        .store
        .list_users(caller.tenant(), filter, page)
        .await?)
}

/// Every host the caller may pick in a form: the tenant's for owners and admins, a member's
/// own profile (if any) otherwise.
pub async fn choices(state: &AppState, caller: &Caller) -> AppResult<Vec<User>> {
    if !caller.manages_tenant() {
        return Ok(match caller.own_host() {
            Some(own) => vec![state.store.user(caller.tenant(), own).await?],
            None => Vec::new(),
        });
    }
    let page = state
        .store
        .list_users(
            caller.tenant(),
            UserFilter::default(),
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?;
    Ok(page.items)
}

/// The host a console page is about: the one named, else the caller's own profile; `None` when
/// there is neither. A member naming another host is a 403; an id that is no host of the
/// tenant a 404.
pub async fn chosen(
    state: &AppState,
    caller: &Caller,
    named: Option<UserId>,
) -> AppResult<Option<User>> {
    let Some(id) = named.or(caller.own_host()) else {
        return Ok(None);
    };
    caller.require_manage(id)?;
    state
        .store
        .user(caller.tenant(), id)
        .await
        .map(Some)
        .map_err(AppError::from_store("host"))
}

/// A new host profile, its fields checked.
#[derive(Debug)]
pub struct NewHost {
    pub username: Username,
    pub display_name: DisplayName,
    pub email: EmailAddress,
    /// Defaults to `America/New_York` (the spec's default).
    pub timezone: Option<TimeZoneName>,
    pub avatar_url: Option<String>,
    /// An existing login account to link.
    pub account_id: Option<AccountId>,
    /// The spec's defaults when absent.
    pub settings: Option<HostSettings>,
}

/// Creates a host profile (owners and admins): a linked account must exist, the username may
/// not be reserved, the avatar URL must be one.
pub async fn create(state: &AppState, caller: &Caller, host: NewHost) -> AppResult<User> {
    caller.require_tenant_manager()?;
    let tenant = caller.tenant();
    if let Some(account) = host.account_id {
        state
            .store
            .account(tenant, account)
            .await
            .map_err(AppError::from_store("account"))?;
    }
    check_username(&host.username)?;
    let timezone = match host.timezone {
        Some(zone) => zone,
        None => TimeZoneName::parse("America/New_York").map_err(AppError::internal)?,
    };
    state
        .store
        .create_user(
            tenant,
            caller.actor(),
            NewUser {
                account_id: host.account_id,
                username: host.username,
                display_name: host.display_name,
                email: host.email,
                timezone,
                avatar_url: avatar_url(host.avatar_url)?,
                settings: host.settings.unwrap_or_default(),
            },
        )
        .await
        .map_err(AppError::from_store("user"))
}

/// A host profile the caller may manage.
pub async fn get(state: &AppState, caller: &Caller, id: UserId) -> AppResult<User> {
    let user = state
        .store
        .user(caller.tenant(), id)
        .await
        .map_err(AppError::from_store("user"))?;
    caller.require_manage(user.id)?;
    Ok(user)
}

/// Changes to a host profile; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct HostChanges {
    pub username: Option<Username>,
    pub display_name: Option<DisplayName>,
    pub email: Option<EmailAddress>,
    pub timezone: Option<TimeZoneName>,
    /// `Some(None)` removes the avatar; a URL is checked like [`avatar_url`].
    pub avatar_url: Option<Option<String>>,
    /// Only owners and admins may change this.
    pub is_active: Option<bool>,
    pub settings: Option<HostSettings>,
}

/// Changes a host profile the caller may manage.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: UserId,
    changes: HostChanges,
) -> AppResult<User> {
    let current = get(state, caller, id).await?;
    if changes.is_active.is_some() {
        caller.require_tenant_manager()?;
    }
    let mut update = UserUpdate::from(current);
    if let Some(username) = changes.username {
        check_username(&username)?;
        update.username = username;
    }
    if let Some(name) = changes.display_name {
        update.display_name = name;
    }
    if let Some(email) = changes.email {
        update.email = email;
    }
    if let Some(zone) = changes.timezone {
        update.timezone = zone;
    }
    if let Some(avatar) = changes.avatar_url {
        update.avatar_url = avatar_url(avatar)?;
    }
    if let Some(active) = changes.is_active {
        update.is_active = active;
    }
    if let Some(settings) = changes.settings {
        update.settings = settings;
    }
    state
        .store
        .update_user(caller.tenant(), caller.actor(), id, update)
        .await
        .map_err(AppError::from_store("user"))
}

/// The booking settings of a host (default: the caller's own).
pub async fn settings(
    state: &AppState,
    caller: &Caller,
    user: Option<UserId>,
) -> AppResult<HostSettings> {
    let user = caller.target_user(user)?;
    let user = state
        .store
        .user(caller.tenant(), user)
        .await
        .map_err(AppError::from_store("user"))?;
    Ok(user.settings)
}

/// Replaces the booking settings of a host (default: the caller's own).
pub async fn put_settings(
    state: &AppState,
    caller: &Caller,
    user: Option<UserId>,
    settings: HostSettings,
) -> AppResult<HostSettings> {
    let user = caller.target_user(user)?;
    let saved = update(
        state,
        caller,
        user,
        HostChanges {
            settings: Some(settings),
            ..HostChanges::default()
        },
    )
    .await?;
    Ok(saved.settings)
}
