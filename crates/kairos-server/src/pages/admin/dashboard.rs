//! The console's start page: the host's booking link, counts, and the next bookings.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use axum::routing::get;
use jiff::Timestamp;
use kairos_core::zone::TimeZoneName;
use kairos_store::Booking;

use super::{Console, ConsoleLayout, Section};
use crate::app::bookings::{self, Overview};
use crate::pages::{PageError, render};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/admin/scheduling", get(dashboard))
}

/// One count on the dashboard, linking to the bookings it counts.
struct Stat {
    value: u64,
    label: &'static str,
    href: String,
}

/// A booking as a row of a console table.
pub struct BookingRow {
    pub href: String,
    pub when: String,
    pub event: String,
    pub invitee: String,
    pub email: String,
    pub host: String,
}

impl BookingRow {
    /// The row for `booking`, its time shown in `zone`.
    pub fn new(booking: &Booking, zone: &TimeZoneName) -> Self {
        Self {
            href: format!("/admin/scheduling/bookings/{}", booking.id),
            when: when(booking.start_time, zone),
            event: booking.event_type_name.clone(),
            invitee: booking.invitee.name.to_string(),
            email: booking.invitee.email.to_string(),
            host: booking.host_name.clone(),
        }
    }
}

/// `Mon 30 Nov 2026, 09:00`: an instant on the wall clock of `zone`.
pub fn when(at: Timestamp, zone: &TimeZoneName) -> String {
    at.to_zoned_datetime(zone.time_zone().clone())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    layout: ConsoleLayout,
    booking_link: Option<String>,
    stats: Vec<Stat>,
    upcoming: Vec<BookingRow>,
    zone: String,
    show_host: bool,
}

/// The zone the console shows times in: the account's own host zone, else UTC.
pub fn console_zone(console: &Console) -> TimeZoneName {
    console
        .host
        .as_ref()
        .map(|host| host.timezone.clone())
        .unwrap_or_else(TimeZoneName::utc)
}

async fn dashboard(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let notice = super::notice_code(query.as_deref());
    // Members see their own bookings; owners and admins the whole tenant's.
    let Overview {
        upcoming_total,
        next_week,
        past_month,
        cancelled,
        upcoming,
    } = bookings::overview(&state, &console.caller).await?;
    let zone = console_zone(&console);
    let booking_link = console.host.as_ref().map(|host| {
        format!(
            "{}/book/{}/{}",
            state.settings.public_url(),
            console.tenant.slug,
            host.username
        )
    });
    let stats = vec![
        Stat {
            value: upcoming_total,
            label: "Upcoming",
            href: "/admin/scheduling/bookings?status=confirmed&when=upcoming".to_owned(),
        },
        Stat {
            value: next_week,
            label: "In the next 7 days",
            href: "/admin/scheduling/bookings?status=confirmed&when=upcoming".to_owned(),
        },
        Stat {
            value: past_month,
            label: "Meetings in the last 30 days",
            href: "/admin/scheduling/bookings?when=past".to_owned(),
        },
        Stat {
            value: cancelled,
            label: "Cancelled (from 30 days ago)",
            href: "/admin/scheduling/bookings?status=cancelled".to_owned(),
        },
    ];
    let page = DashboardPage {
        layout: console
            .layout("Dashboard", Section::Dashboard)
            .with_notice(notice.as_deref()),
        booking_link,
        stats,
        upcoming: upcoming
            .iter()
            .map(|booking| BookingRow::new(booking, &zone))
            .collect(),
        zone: zone.to_string(),
        show_host: console.manages_tenant(),
    };
    render(&page)
}
