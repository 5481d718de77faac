//! Which host a page is about, and the picker owners and admins switch hosts with.

use askama::Template;
use kairos_core::ids::UserId;
use kairos_store::{PageRequest, User, UserFilter};

use super::Failure;
use crate::error::ApiError;
use crate::pages::PageError;
use crate::pages::admin::{Console, ConsoleLayout, Section};
use crate::state::AppState;

/// The host a page is about.
#[derive(Debug, Clone)]
pub struct Host {
    pub user: User,
    /// `?host=<id>` when the page is about another host than the account's own, else empty:
    /// appended to every link and form action of the page.
    pub query: String,
    /// The hosts an owner or admin may switch to (empty for members).
    pub picker: Vec<HostOption>,
}

/// One host in the picker.
#[derive(Debug, Clone)]
pub struct HostOption {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// Whom a request is about: a host, or nobody yet (an owner or admin without a host profile
/// of their own who named none).
#[derive(Debug)]
pub enum Target {
    Host(Box<Host>),
    Choose(Vec<HostOption>),
}

/// The `host` parameter of a query string, if any.
fn host_param(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "host")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// Resolves `?host=` with the API's rules: a member may name only their own profile (403),
/// an id that is not a host of this tenant is a 404.
pub async fn resolve(
    state: &AppState,
    console: &Console,
    section: Section,
    query: Option<&str>,
) -> Result<Target, Failure> {
    let tenant = console.principal().tenant_id;
    let own = console.principal().user_id;
    let named = match host_param(query) {
        Some(raw) => Some(
            raw.parse::<UserId>()
                .map_err(|_| PageError(ApiError::NotFound("host")))?,
        ),
        None => None,
    };
    let picker = |selected: Option<UserId>| async move {
        if !console.manages_tenant() {
            return Ok::<_, Failure>(Vec::new());
        }
        let hosts = state
            .store
            .list_users(
                tenant,
                UserFilter {
                    only: None,
                    active_only: false,
                },
                PageRequest::new(PageRequest::MAX_LIMIT, 0),
            )
            .await
            .map_err(|e| PageError(ApiError::from(e)))?;
        Ok(hosts
            .items
            .into_iter()
            .map(|user| HostOption {
                selected: Some(user.id) == selected,
                label: if user.is_active {
                    format!("{} ({})", user.display_name, user.username)
                } else {
                    format!("{} ({}, inactive)", user.display_name, user.username)
                },
                id: user.id.to_string(),
            })
            .collect())
    };
    let Some(id) = named.or(own) else {
        return Ok(Target::Choose(picker(None).await?));
    };
    console
        .admin
        .require_manage(id)
        .map_err(|e| Failure::of(console, section, e))?;
    let user = match (&console.host, named) {
        (Some(host), None) => host.clone(),
        _ => state
            .store
            .user(tenant, id)
            .await
            .map_err(|e| PageError(ApiError::from_store("host")(e)))?,
    };
    let query = if Some(user.id) == own {
        String::new()
    } else {
        format!("?host={}", user.id)
    };
    Ok(Target::Host(Box::new(Host {
        picker: picker(Some(user.id)).await?,
        user,
        query,
    })))
}

/// Like [`resolve`] for a form POST, which needs a host.
pub async fn resolve_for_write(
    state: &AppState,
    console: &Console,
    section: Section,
    query: Option<&str>,
) -> Result<Host, Failure> {
    match resolve(state, console, section, query).await? {
        Target::Host(host) => Ok(*host),
        Target::Choose(_) => Err(Failure::Page(PageError(ApiError::bad_request(
            "host",
            "choose a host first",
        )))),
    }
}

/// Like [`resolve`] for a page GET: the host, or (`Err`) the rendered picker page for an owner or
/// admin without a host profile who named none.
pub async fn resolve_for_page(
    state: &AppState,
    console: &Console,
    section: Section,
    heading: &'static str,
    action: &'static str,
    query: Option<&str>,
) -> Result<Result<Host, axum::response::Response>, Failure> {
    use axum::response::IntoResponse;
    match resolve(state, console, section, query).await? {
        Target::Host(host) => Ok(Ok(*host)),
        Target::Choose(picker) => {
            let page = ChooseHostPage {
                layout: console
                    .layout(heading, section)
                    .with_notice(crate::pages::admin::notice_code(query).as_deref()),
                heading,
                action,
                picker,
            };
            Ok(Err(crate::pages::render(&page)?.into_response()))
        }
    }
}

/// The page an owner or admin without a host profile sees until they pick a host.
#[derive(Template)]
#[template(path = "admin/hours/choose_host.html")]
pub struct ChooseHostPage {
    pub layout: ConsoleLayout,
    pub heading: &'static str,
    pub action: &'static str,
    pub picker: Vec<HostOption>,
}
