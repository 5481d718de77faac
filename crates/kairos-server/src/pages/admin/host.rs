//! Which host an availability or settings page is about, and the picker owners and admins
//! switch hosts with.

use askama::Template;
use kairos_core::ids::UserId;
use kairos_store::User;

use super::form::Failure;
use super::{Console, ConsoleLayout, Section};
use crate::app::{AppError, hosts};
use crate::pages::PageError;
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

/// Resolves `?host=` with the application's rules: a member may name only their own profile
/// (403), an id that is not a host of this tenant is a 404.
pub async fn resolve(
    state: &AppState,
    console: &Console,
    section: Section,
    query: Option<&str>,
) -> Result<Target, Failure> {
    let own = console.caller.own_host();
    let named = match host_param(query) {
        Some(raw) => Some(
            raw.parse::<UserId>()
                .map_err(|_| PageError(AppError::NotFound("host")))?,
        ),
        None => None,
    };
    let picker = |selected: Option<UserId>| async move {
        if !console.manages_tenant() {
            return Ok::<_, Failure>(Vec::new());
        }
        let hosts = hosts::choices(state, &console.caller)
            .await
            .map_err(PageError)?;
        Ok(hosts
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
    let user = match (&console.host, named) {
        (Some(host), None) => host.clone(),
        _ => match hosts::chosen(state, &console.caller, named).await {
            Ok(Some(user)) => user,
            Ok(None) => return Ok(Target::Choose(picker(None).await?)),
            Err(error @ AppError::Forbidden(_)) => {
                return Err(Failure::of(console, section, error));
            }
            Err(error) => return Err(Failure::Page(PageError(error))),
        },
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
        Target::Choose(_) => Err(Failure::Page(PageError(AppError::bad_request(
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
#[template(path = "admin/choose_host.html")]
pub struct ChooseHostPage {
    pub layout: ConsoleLayout,
    pub heading: &'static str,
    pub action: &'static str,
    pub picker: Vec<HostOption>,
}
