//! The console's settings pages: a host's profile (name, email, time zone, avatar) and booking
//! settings (buffers, notice, window, limits, default duration), saved together (this module);
//! the account's password ([`password`]); the tenant's notification wording
//! ([`notifications`]).

mod notifications;
pub(super) mod password;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kairos_core::ParseError;
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, WindowDays,
};
use kairos_core::text::{DisplayName, EmailAddress};
use kairos_core::zone::TimeZoneName;
use kairos_store::User;

use super::availability::{ZoneOption, zone_options};
use super::form::{Failure, FormErrors, message_of};
use super::host::{Host, resolve_for_page, resolve_for_write};
use crate::app::hosts::{self, HostChanges, avatar_url};
use crate::pages::admin::{
    Console, ConsoleForm, ConsoleLayout, Section, done, notice_code, with_status,
};
use crate::pages::{PageError, render};
use crate::state::AppState;

const PATH: &str = "/admin/scheduling/settings";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(save))
        .merge(notifications::router())
        .merge(password::router())
}

/// A number input of the booking settings, with its range.
pub struct NumberField {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub hint: &'static str,
    pub value: String,
    pub min: i32,
    pub max: i32,
    /// Blank means "no limit".
    pub optional: bool,
}

/// The form's values as shown (stored values, or what was typed).
pub struct SettingsForm {
    pub display_name: String,
    pub email: String,
    pub timezone: String,
    pub avatar_url: String,
    pub numbers: Vec<NumberField>,
}

impl SettingsForm {
    fn of(user: &User) -> Self {
        let s = &user.settings;
        let limit = |l: Option<BookingLimit>| l.map(|l| l.to_string()).unwrap_or_default();
        Self {
            display_name: user.display_name.to_string(),
            email: user.email.to_string(),
            timezone: user.timezone.to_string(),
            avatar_url: user.avatar_url.clone().unwrap_or_default(),
            numbers: number_fields([
                s.default_duration.to_string(),
                s.minimum_notice_hours.to_string(),
                s.booking_window_days.to_string(),
                s.buffer_before_mins.to_string(),
                s.buffer_after_mins.to_string(),
                limit(s.daily_limit),
                limit(s.weekly_limit),
            ]),
        }
    }

    fn zones(&self) -> Vec<ZoneOption> {
        zone_options(&self.timezone)
    }
}

/// The number inputs, in the form's order, with `values`.
fn number_fields(values: [String; 7]) -> Vec<NumberField> {
    let [duration, notice, window, before, after, daily, weekly] = values;
    vec![
        NumberField {
            id: "default_duration",
            label: "Default meeting length",
            unit: "minutes",
            hint: "How long your meetings usually last.",
            value: duration,
            min: DurationMinutes::MIN,
            max: DurationMinutes::MAX,
            optional: false,
        },
        NumberField {
            id: "minimum_notice_hours",
            label: "Minimum notice",
            unit: "hours",
            hint: "How long before a meeting it can still be booked.",
            value: notice,
            min: NoticeHours::MIN,
            max: NoticeHours::MAX,
            optional: false,
        },
        NumberField {
            id: "booking_window_days",
            label: "Booking window",
            unit: "days",
            hint: "How far ahead invitees may book.",
            value: window,
            min: WindowDays::MIN,
            max: WindowDays::MAX,
            optional: false,
        },
        NumberField {
            id: "buffer_before_mins",
            label: "Buffer before meetings",
            unit: "minutes",
            hint: "Kept free before each meeting.",
            value: before,
            min: BufferMinutes::MIN,
            max: BufferMinutes::MAX,
            optional: false,
        },
        NumberField {
            id: "buffer_after_mins",
            label: "Buffer after meetings",
            unit: "minutes",
            hint: "Kept free after each meeting.",
            value: after,
            min: BufferMinutes::MIN,
            max: BufferMinutes::MAX,
            optional: false,
        },
        NumberField {
            id: "daily_limit",
            label: "Most meetings a day",
            unit: "meetings",
            hint: "Leave empty for no limit.",
            value: daily,
            min: BookingLimit::MIN,
            max: BookingLimit::MAX,
            optional: true,
        },
        NumberField {
            id: "weekly_limit",
            label: "Most meetings a week",
            unit: "meetings",
            hint: "Leave empty for no limit.",
            value: weekly,
            min: BookingLimit::MIN,
            max: BookingLimit::MAX,
            optional: true,
        },
    ]
}

#[derive(Template)]
#[template(path = "admin/settings/profile.html")]
struct SettingsPage {
    layout: ConsoleLayout,
    host: Host,
    own: bool,
    manages_tenant: bool,
    form: SettingsForm,
    errors: FormErrors,
}

impl SettingsPage {
    fn page_path(&self) -> &'static str {
        PATH
    }

    fn action(&self) -> String {
        format!("{PATH}{}", self.host.query)
    }
}

fn layout(console: &Console, query: Option<&str>) -> ConsoleLayout {
    console
        .layout("Settings", Section::Settings)
        .with_notice(notice_code(query).as_deref())
}

async fn show(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let host = match resolve_for_page(
        &state,
        &console,
        Section::Settings,
        "Settings",
        PATH,
        query.as_deref(),
    )
    .await?
    {
        Ok(host) => host,
        Err(picker_page) => return Ok(picker_page),
    };
    let page = SettingsPage {
        layout: layout(&console, query.as_deref()),
        own: host.query.is_empty(),
        manages_tenant: console.manages_tenant(),
        form: SettingsForm::of(&host.user),
        host,
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

/// A required whole number in a bounded setting.
fn number<T>(
    form: &ConsoleForm,
    id: &'static str,
    errors: &mut FormErrors,
    make: impl FnOnce(i64) -> Result<T, ParseError>,
) -> Option<T> {
    let Some(text) = form.text(id) else {
        errors.add(id, "Enter a number.");
        return None;
    };
    let Ok(value) = text.parse::<i64>() else {
        errors.add(id, "Enter a whole number, such as 15.");
        return None;
    };
    make(value).map_err(|e| errors.add(id, e.message())).ok()
}

/// An optional limit: blank is no limit.
fn limit(
    form: &ConsoleForm,
    id: &'static str,
    errors: &mut FormErrors,
) -> Option<Option<BookingLimit>> {
    if form.text(id).is_none() {
        return Some(None);
    }
    number(form, id, errors, BookingLimit::new).map(Some)
}

async fn save(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = console.form(&body)?;
    let host = resolve_for_write(&state, &console, Section::Settings, query.as_deref()).await?;
    let mut errors = FormErrors::default();
    let text = |name: &str| form.value(name).unwrap_or_default().trim().to_owned();

    let display_name = DisplayName::parse(&text("display_name"))
        .map_err(|e| errors.add("display_name", e.message()))
        .ok();
    let email = EmailAddress::parse(&text("email"))
        .map_err(|e| errors.add("email", e.message()))
        .ok();
    let timezone = TimeZoneName::parse(&text("timezone"))
        .map_err(|e| errors.add("timezone", e.message()))
        .ok();
    let avatar = avatar_url(Some(text("avatar_url")))
        .map_err(|e| errors.add("avatar_url", message_of(e)))
        .ok();
    let duration = number(&form, "default_duration", &mut errors, DurationMinutes::new);
    let notice = number(&form, "minimum_notice_hours", &mut errors, NoticeHours::new);
    let window = number(&form, "booking_window_days", &mut errors, WindowDays::new);
    let before = number(&form, "buffer_before_mins", &mut errors, BufferMinutes::new);
    let after = number(&form, "buffer_after_mins", &mut errors, BufferMinutes::new);
    let daily = limit(&form, "daily_limit", &mut errors);
    let weekly = limit(&form, "weekly_limit", &mut errors);

    let valid = (|| {
        let settings = HostSettings {
            minimum_notice_hours: notice?,
            booking_window_days: window?,
            buffer_before_mins: before?,
            buffer_after_mins: after?,
            daily_limit: daily?,
            weekly_limit: weekly?,
            default_duration: duration?,
        };
        Some((display_name?, email?, timezone?, avatar?, settings))
    })();
    let (Some((display_name, email, timezone, avatar, settings)), true) =
        (valid, errors.is_empty())
    else {
        let shown = SettingsForm {
            display_name: text("display_name"),
            email: text("email"),
            timezone: text("timezone"),
            avatar_url: text("avatar_url"),
            numbers: number_fields([
                text("default_duration"),
                text("minimum_notice_hours"),
                text("booking_window_days"),
                text("buffer_before_mins"),
                text("buffer_after_mins"),
                text("daily_limit"),
                text("weekly_limit"),
            ]),
        };
        let page = SettingsPage {
            layout: console.layout("Settings", Section::Settings),
            own: host.query.is_empty(),
            manages_tenant: console.manages_tenant(),
            form: shown,
            host,
            errors,
        };
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page)?,
        ));
    };
    let changes = HostChanges {
        display_name: Some(display_name),
        email: Some(email),
        timezone: Some(timezone),
        avatar_url: Some(avatar),
        settings: Some(settings),
        ..HostChanges::default()
    };
    hosts::update(&state, &console.caller, host.user.id, changes)
        .await
        .map_err(PageError)?;
    Ok(done(&format!("{PATH}{}", host.query), "saved"))
}
