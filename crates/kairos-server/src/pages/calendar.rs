//! The month calendar of the booking pages: which days have free times (links) and which do not
//! (plain text), the chosen day's times, and the zone picker. Built in Rust so the template only
//! lays it out; the event page and the reschedule page share it.

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};
use kairos_core::slots::{SlotDay, ZonedSlot};
use kairos_core::zone::TimeZoneName;

use super::locale::TimeFormat;

/// A page's URL and the query parameters every link of its calendar keeps (a manage token).
#[derive(Debug, Clone)]
pub struct Links {
    path: String,
    kept: Vec<(&'static str, String)>,
}

impl Links {
    /// Links to `path`, keeping `kept` in every query.
    pub fn new(path: String, kept: Vec<(&'static str, String)>) -> Self {
        Self { path, kept }
    }

    /// The path alone (a form's action).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The parameters every link keeps (hidden fields of a GET form).
    pub fn kept(&self) -> &[(&'static str, String)] {
        &self.kept
    }

    /// `path?kept…&extra…`, URL-encoded.
    pub fn href(&self, extra: &[(&str, &str)]) -> String {
        with_query(
            &self.path,
            self.kept
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .chain(extra.iter().copied()),
        )
    }
}

/// `path?k=v&…`, URL-encoded; the bare path when there is nothing to add.
pub fn with_query<'a>(path: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in pairs {
        query.append_pair(key, value);
        any = true;
    }
    if any {
        format!("{path}?{}", query.finish())
    } else {
        path.to_owned()
    }
}

/// Parses `?month=YYYY-MM` into the first day of that month.
pub fn parse_month(value: &str) -> Option<Date> {
    let (year, month) = value.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, 1).ok()
}

/// Parses `?date=YYYY-MM-DD`.
pub fn parse_date(value: &str) -> Option<Date> {
    value.parse::<Date>().ok().filter(|_| value.len() == 10)
}

fn month_param(first: Date) -> String {
    first.strftime("%Y-%m").to_string()
}

/// One cell of the month grid.
#[derive(Debug, Clone)]
pub struct DayCell {
    /// The day of the month; 0 for the blanks before the first and after the last.
    pub number: i8,
    /// `YYYY-MM-DD`.
    pub iso: String,
    /// Where the day's times are; `None` when it has no free time.
    pub href: Option<String>,
    /// What a screen reader says: the full date and how many times are free.
    pub label: String,
    pub selected: bool,
    pub today: bool,
}

/// A free time, as a link (or the time being moved, marked as such).
#[derive(Debug, Clone)]
pub struct SlotLink {
    pub label: String,
    pub href: String,
    /// The booking being rescheduled starts here.
    pub current: bool,
}

/// The chosen day and its free times.
#[derive(Debug, Clone)]
pub struct SelectedDay {
    pub title: String,
    pub slots: Vec<SlotLink>,
}

/// Everything the calendar template shows.
#[derive(Debug, Clone)]
pub struct CalendarView {
    /// `December 2026`.
    pub title: String,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// `(short, full)` weekday names in the order of the grid's columns.
    pub weekdays: Vec<(&'static str, &'static str)>,
    pub weeks: Vec<Vec<DayCell>>,
    /// The zone times are shown in, and the ones to choose from.
    pub zone: String,
    pub zones: Vec<String>,
    /// The zone form submits here (GET), with these hidden fields.
    pub zone_action: String,
    pub zone_hidden: Vec<(&'static str, String)>,
    pub selected: Option<SelectedDay>,
    /// Whether any day of the month has a free time.
    pub any_free: bool,
    /// Whether times are shown 12-hour (for the page's note).
    pub twelve_hour: bool,
}

/// What a calendar is built from.
#[derive(Debug)]
pub struct CalendarInput<'a> {
    pub links: &'a Links,
    pub zone: &'a TimeZoneName,
    pub time_format: TimeFormat,
    /// Today in the invitee's zone (no month before it is offered).
    pub today: Date,
    /// The first day of the month shown.
    pub month: Date,
    /// The last month that may hold free times.
    pub last_month: Date,
    pub selected: Option<Date>,
    /// The month's free times, by invitee-local date.
    pub days: &'a [SlotDay],
    /// The start of the booking being moved, if any.
    pub current_start: Option<Timestamp>,
}

const WEEKDAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "Mon", "Monday"),
    (Weekday::Tuesday, "Tue", "Tuesday"),
    (Weekday::Wednesday, "Wed", "Wednesday"),
    (Weekday::Thursday, "Thu", "Thursday"),
    (Weekday::Friday, "Fri", "Friday"),
    (Weekday::Saturday, "Sat", "Saturday"),
    (Weekday::Sunday, "Sun", "Sunday"),
];

impl CalendarView {
    /// Lays out `input`'s month; `slot_href` gives each free time's link.
    pub fn build(input: &CalendarInput<'_>, slot_href: impl Fn(&ZonedSlot) -> String) -> Self {
        let zone = input.zone.as_str();
        let first = input.month.first_of_month();
        let start_column = first.weekday().since(input.time_format.week_start());
        let weekdays = (0..7)
            .map(|offset| {
                let day = input.time_format.week_start().wrapping_add(offset);
                let (_, short, full) = WEEKDAYS
                    .iter()
                    .find(|(weekday, _, _)| *weekday == day)
                    .copied()
                    .unwrap_or((day, "", ""));
                (short, full)
            })
            .collect();
        let mut cells: Vec<DayCell> = (0..start_column).map(|_| blank()).collect();
        for number in 1..=first.days_in_month() {
            let Ok(date) = Date::new(first.year(), first.month(), number) else {
                continue;
            };
            let iso = date.to_string();
            let free = input
                .days
                .iter()
                .find(|day| day.date == date)
                .map_or(0, |day| day.slots.len());
            let full_date = input.time_format.date(date);
            let href = (free > 0).then(|| {
                input
                    .links
                    .href(&[("tz", zone), ("month", &month_param(first)), ("date", &iso)])
            });
            let label = match free {
                0 => format!("{full_date}, no free times"),
                1 => format!("{full_date}, 1 free time"),
                n => format!("{full_date}, {n} free times"),
            };
            cells.push(DayCell {
                number,
                iso,
                href,
                label,
                selected: input.selected == Some(date),
                today: date == input.today,
            });
        }
        while !cells.len().is_multiple_of(7) {
            cells.push(blank());
        }
        let weeks = cells.chunks(7).map(<[DayCell]>::to_vec).collect();

        let month_link = |month: Date| {
            input
                .links
                .href(&[("tz", zone), ("month", &month_param(month))])
        };
        let prev = first.checked_sub(1.month()).ok();
        let next = first.checked_add(1.month()).ok();
        let selected = input.selected.filter(|date| date.first_of_month() == first);
        let selected = selected.map(|date| SelectedDay {
            title: input.time_format.date(date),
            slots: input
                .days
                .iter()
                .filter(|day| day.date == date)
                .flat_map(|day| day.slots.iter())
                .map(|slot| SlotLink {
                    label: input.time_format.time(&slot.start),
                    href: slot_href(slot),
                    current: input.current_start == Some(slot.start.timestamp()),
                })
                .collect(),
        });
        let mut zone_hidden: Vec<(&'static str, String)> = input.links.kept().to_vec();
        zone_hidden.push(("month", month_param(first)));
        if let Some(selected) = input.selected {
            zone_hidden.push(("date", selected.to_string()));
        }
        Self {
            title: first.strftime("%B %Y").to_string(),
            prev_href: prev
                .filter(|prev| *prev >= input.today.first_of_month())
                .map(month_link),
            next_href: next
                .filter(|next| *next <= input.last_month)
                .map(month_link),
            weekdays,
            weeks,
            zone: zone.to_owned(),
            zones: zone_names(input.zone),
            zone_action: input.links.path().to_owned(),
            zone_hidden,
            selected,
            any_free: input.days.iter().any(|day| !day.slots.is_empty()),
            twelve_hour: input.time_format == TimeFormat::TwelveHour,
        }
    }
}

fn blank() -> DayCell {
    DayCell {
        number: 0,
        iso: String::new(),
        href: None,
        label: String::new(),
        selected: false,
        today: false,
    }
}

/// The zones of the system database a person would pick (`Area/City` and `UTC`), sorted, with
/// `current` among them even when it is an alias.
pub fn zone_names(current: &TimeZoneName) -> Vec<String> {
    const AREAS: [&str; 10] = [
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
        "Arctic/",
    ];
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .filter(|name| AREAS.iter().any(|area| name.starts_with(area)))
        .collect();
    names.push("UTC".to_owned());
    if !names.iter().any(|name| name == current.as_str()) {
        names.push(current.as_str().to_owned());
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(
        links: &'a Links,
        zone: &'a TimeZoneName,
        time_format: TimeFormat,
    ) -> CalendarInput<'a> {
        CalendarInput {
            links,
            zone,
            time_format,
            today: Date::constant(2026, 12, 10),
            month: Date::constant(2026, 12, 1),
            last_month: Date::constant(2027, 2, 1),
            selected: None,
            days: &[],
            current_start: None,
        }
    }

    #[test]
    fn months_parse_only_as_year_and_two_digit_month() {
        assert_eq!(parse_month("2026-12"), Some(Date::constant(2026, 12, 1)));
        for bad in ["2026-13", "2026-1", "26-12", "2026-12-01", "", "abcd-ef"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_grid_starts_on_the_readers_first_weekday() {
        let links = Links::new("/book/acme/alex/intro".to_owned(), vec![]);
        let zone = TimeZoneName::parse("Europe/London").expect("zone");
        // 1 December 2026 is a Tuesday.
        let monday_first =
            CalendarView::build(&input(&links, &zone, TimeFormat::TwentyFourHour), |_| {
                String::new()
            });
        assert_eq!(monday_first.weekdays[0].1, "Monday");
        assert_eq!(monday_first.weeks[0][0].number, 0);
        assert_eq!(monday_first.weeks[0][1].number, 1);
        let sunday_first =
            CalendarView::build(&input(&links, &zone, TimeFormat::TwelveHour), |_| {
                String::new()
            });
        assert_eq!(sunday_first.weekdays[0].1, "Sunday");
        assert_eq!(sunday_first.weeks[0][2].number, 1);
        assert!(sunday_first.weeks.iter().all(|week| week.len() == 7));
    }

    #[test]
    fn no_month_before_today_nor_after_the_window_is_offered() {
        let links = Links::new("/x".to_owned(), vec![("token", "t".to_owned())]);
        let zone = TimeZoneName::parse("UTC").expect("zone");
        let view = CalendarView::build(&input(&links, &zone, TimeFormat::TwentyFourHour), |_| {
            String::new()
        });
        assert_eq!(view.prev_href, None);
        assert_eq!(
            view.next_href.as_deref(),
            Some("/x?token=t&tz=UTC&month=2027-01")
        );
        let mut last = input(&links, &zone, TimeFormat::TwentyFourHour);
        last.month = Date::constant(2027, 2, 1);
        let view = CalendarView::build(&last, |_| String::new());
        assert_eq!(view.next_href, None);
        assert!(view.prev_href.is_some());
    }

    #[test]
    fn days_without_free_times_are_not_links() {
        let links = Links::new("/x".to_owned(), vec![]);
        let zone = TimeZoneName::parse("UTC").expect("zone");
        let start: jiff::ZonedDateTime = "2026-12-15T09:00:00[UTC]".parse().expect("start");
        let end: jiff::ZonedDateTime = "2026-12-15T09:30:00[UTC]".parse().expect("end");
        let days = [SlotDay {
            date: Date::constant(2026, 12, 15),
            slots: vec![ZonedSlot { start, end }],
        }];
        let mut with_day = input(&links, &zone, TimeFormat::TwentyFourHour);
        with_day.days = &days;
        with_day.selected = Some(Date::constant(2026, 12, 15));
        let view = CalendarView::build(&with_day, |_| "/slot".to_owned());
        let cells: Vec<&DayCell> = view
            .weeks
            .iter()
            .flatten()
            .filter(|c| c.number > 0)
            .collect();
        let linked: Vec<i8> = cells
            .iter()
            .filter(|c| c.href.is_some())
            .map(|c| c.number)
            .collect();
        assert_eq!(linked, vec![15]);
        let selected = view.selected.expect("selected day");
        assert_eq!(selected.slots.len(), 1);
        assert_eq!(selected.slots[0].label, "09:00");
    }
}
