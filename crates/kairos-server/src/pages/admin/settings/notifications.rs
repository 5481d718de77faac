//! `/admin/scheduling/settings/notifications`: the tenant's wording of the four booking emails
//! for each audience (owners and admins; members get 403, as in the API).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_notify::template::Variable;

use crate::app::AppError;
use crate::app::notifications::{
    TemplateView, parse_audience, parse_kind, reset_template, save_template, template_views,
};
use crate::pages::admin::form::{Failure, FormErrors};
use crate::pages::admin::{Console, ConsoleLayout, Section, done, notice_code, with_status};
use crate::pages::{PageError, render};
use crate::state::AppState;

const PATH: &str = "/admin/scheduling/settings/notifications";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list))
        .route(
            "/admin/scheduling/settings/notifications/{kind}/{audience}",
            get(edit).post(save),
        )
        .route(
            "/admin/scheduling/settings/notifications/{kind}/{audience}/reset",
            post(reset),
        )
}

fn kind_label(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Confirmation => "Booking confirmed",
        NotificationKind::Cancellation => "Booking cancelled",
        NotificationKind::Reschedule => "Booking rescheduled",
        NotificationKind::Reminder => "Reminder before a meeting",
    }
}

fn audience_label(audience: Audience) -> &'static str {
    match audience {
        Audience::Host => "To the host",
        Audience::Invitee => "To the invitee",
    }
}

/// What a variable shows, for the help list.
fn variable_help(variable: Variable) -> &'static str {
    match variable {
        Variable::HostName => "The host’s name.",
        Variable::HostEmail => "The host’s email address.",
        Variable::InviteeName => "The invitee’s name.",
        Variable::InviteeEmail => "The invitee’s email address.",
        Variable::EventTypeName => "The event type, such as “Intro call”.",
        Variable::Duration => "The length, such as “30 minutes”.",
        Variable::StartTime => "When it starts, in the reader’s time zone.",
        Variable::EndTime => "When it ends, in the reader’s time zone.",
        Variable::TimeRange => "Start and end together, with the time zone.",
        Variable::Timezone => "The reader’s time zone name.",
        Variable::Location => "Where the meeting happens.",
        Variable::MeetLink => "The video call link.",
        Variable::CancelLink => "The invitee’s cancel page (invitee emails).",
        Variable::RescheduleLink => "The invitee’s reschedule page (invitee emails).",
        Variable::ManageLink => "The booking in the console (host emails).",
        Variable::CustomResponses => "The invitee’s answers, one “Question: answer” per line.",
        Variable::Notes => "The invitee’s notes.",
        Variable::PreviousStartTime => "For a reschedule: the old start time.",
        Variable::CancelReason => "For a cancellation: the reason given.",
        Variable::TenantName => "Your organisation’s name.",
        Variable::ReminderTiming => "For a reminder: when it starts, such as “in 24 hours”.",
        Variable::Details => {
            "The booking summary: when, where, who, answers and links. Body only; added at the end if left out."
        }
    }
}

/// One email of the list.
pub struct TemplateRow {
    pub kind: &'static str,
    pub audience: &'static str,
    pub href: String,
    pub custom: bool,
    pub updated: Option<String>,
}

impl TemplateRow {
    fn of(view: &TemplateView) -> Self {
        Self {
            kind: kind_label(view.kind),
            audience: audience_label(view.audience),
            href: format!("{PATH}/{}/{}", view.kind.as_str(), view.audience.as_str()),
            custom: is_custom(view),
            updated: view
                .updated_at
                .filter(|_| is_custom(view))
                .map(|at| at.strftime("%-d %b %Y").to_string()),
        }
    }
}

fn is_custom(view: &TemplateView) -> bool {
    view.subject.is_some() || view.body.is_some()
}

#[derive(Template)]
#[template(path = "admin/settings/notifications.html")]
struct ListPage {
    layout: ConsoleLayout,
    rows: Vec<TemplateRow>,
}

/// One variable of the help list.
pub struct VariableHelp {
    pub token: String,
    pub help: &'static str,
}

#[derive(Template)]
#[template(path = "admin/settings/notification_edit.html")]
struct EditPage {
    layout: ConsoleLayout,
    kind_label: &'static str,
    audience_label: &'static str,
    action: String,
    reset_action: String,
    custom: bool,
    subject: String,
    body: String,
    variables: Vec<VariableHelp>,
    errors: FormErrors,
}

/// The list and edit pages are for owners and admins.
fn require_manager(console: &Console) -> Result<(), Failure> {
    console
        .caller
        .require_tenant_manager()
        .map_err(|e| Failure::of(console, Section::Settings, e))
}

/// The kind and audience of a path; anything else is not a page.
fn parse_path(kind: &str, audience: &str) -> Result<(NotificationKind, Audience), Failure> {
    let not_found = |_| Failure::Page(PageError(AppError::NotFound("notification")));
    Ok((
        parse_kind(kind).map_err(not_found)?,
        parse_audience(audience).map_err(not_found)?,
    ))
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    require_manager(&console)?;
    let views = template_views(&state, &console.caller)
        .await
        .map_err(PageError)?;
    let page = ListPage {
        layout: console
            .layout("Notification emails", Section::Settings)
            .with_notice(notice_code(query.as_deref()).as_deref()),
        rows: views.iter().map(TemplateRow::of).collect(),
    };
    Ok(render(&page)?.into_response())
}

fn edit_page(
    console: &Console,
    view: &TemplateView,
    subject: String,
    body: String,
    errors: FormErrors,
) -> EditPage {
    let base = format!("{PATH}/{}/{}", view.kind.as_str(), view.audience.as_str());
    EditPage {
        layout: console.layout(
            format!(
                "{} · {}",
                kind_label(view.kind),
                audience_label(view.audience)
            ),
            Section::Settings,
        ),
        kind_label: kind_label(view.kind),
        audience_label: audience_label(view.audience),
        reset_action: format!("{base}/reset"),
        action: base,
        custom: is_custom(view),
        subject,
        body,
        variables: Variable::ALL
            .into_iter()
            .map(|variable| VariableHelp {
                token: variable.to_string(),
                help: variable_help(variable),
            })
            .collect(),
        errors,
    }
}

async fn current(
    state: &AppState,
    console: &Console,
    kind: NotificationKind,
    audience: Audience,
) -> Result<TemplateView, Failure> {
    template_views(state, &console.caller)
        .await
        .map_err(PageError)?
        .into_iter()
        .find(|view| view.kind == kind && view.audience == audience)
        .ok_or(Failure::Page(PageError(AppError::NotFound("notification"))))
}

async fn edit(
    State(state): State<AppState>,
    console: Console,
    Path((kind, audience)): Path<(String, String)>,
) -> Result<Response, Failure> {
    require_manager(&console)?;
    let (kind, audience) = parse_path(&kind, &audience)?;
    let view = current(&state, &console, kind, audience).await?;
    let subject = view
        .subject
        .clone()
        .unwrap_or_else(|| view.default_subject.to_owned());
    let body = view
        .body
        .clone()
        .unwrap_or_else(|| view.default_body.to_owned());
    let page = edit_page(&console, &view, subject, body, FormErrors::default());
    Ok(render(&page)?.into_response())
}

/// A submitted field, or `None` when it is blank or the built-in text (so an untouched field
/// keeps following the built-in wording).
fn own_wording(submitted: &str, built_in: &str) -> Option<String> {
    let text = submitted.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = text.trim();
    (!trimmed.is_empty() && trimmed != built_in.trim()).then_some(text)
}

async fn save(
    State(state): State<AppState>,
    console: Console,
    Path((kind, audience)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = console.form(&body)?;
    require_manager(&console)?;
    let (kind, audience) = parse_path(&kind, &audience)?;
    let view = current(&state, &console, kind, audience).await?;
    let subject_text = form.value("subject").unwrap_or_default().to_owned();
    let body_text = form.value("body").unwrap_or_default().to_owned();
    let subject = own_wording(&subject_text, view.default_subject);
    let body = own_wording(&body_text, view.default_body);
    if subject.is_none() && body.is_none() {
        // Nothing of its own: the built-in wording, with no override left behind.
        match reset_template(&state, &console.caller, kind, audience).await {
            Ok(()) | Err(AppError::NotFound(_)) => {}
            Err(other) => return Err(Failure::of(&console, Section::Settings, other)),
        }
        return Ok(done(PATH, "template-saved"));
    }
    match save_template(
        &state,
        &console.caller,
        kind,
        audience,
        subject.as_deref(),
        body.as_deref(),
    )
    .await
    {
        Ok(_) => Ok(done(PATH, "template-saved")),
        Err(AppError::Validation { field, message }) => {
            let mut errors = FormErrors::default();
            let input = if field == "subject" {
                "subject"
            } else {
                "body"
            };
            errors.add(input, message);
            let page = edit_page(&console, &view, subject_text, body_text, errors);
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page)?,
            ))
        }
        Err(other) => Err(Failure::of(&console, Section::Settings, other)),
    }
}

async fn reset(
    State(state): State<AppState>,
    console: Console,
    Path((kind, audience)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Failure> {
    console.form(&body)?;
    require_manager(&console)?;
    let (kind, audience) = parse_path(&kind, &audience)?;
    match reset_template(&state, &console.caller, kind, audience).await {
        // Already built-in: the same outcome.
        Ok(()) | Err(AppError::NotFound(_)) => Ok(done(PATH, "template-reset")),
        Err(other) => Err(Failure::of(&console, Section::Settings, other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_or_blank_fields_keep_the_built_in_wording() {
        assert_eq!(own_wording("Hi\r\nthere\r\n", "Hi\nthere\n"), None);
        assert_eq!(own_wording("  ", "Hi"), None);
        assert_eq!(own_wording("Hello\r\n", "Hi"), Some("Hello\n".to_owned()));
    }

    #[test]
    fn every_variable_has_help() {
        for variable in Variable::ALL {
            assert!(!variable_help(variable).is_empty());
        }
    }
}
