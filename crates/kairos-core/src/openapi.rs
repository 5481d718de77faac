//! OpenAPI schemas for the domain types (feature `openapi`), so the API document states the
//! same rules the parsers enforce: patterns, lengths and ranges.

use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::schedule::{DayWindows, TimeWindow, WallTime};
use crate::settings::{BookingLimit, BufferMinutes, DurationMinutes, NoticeHours, WindowDays};
use crate::text::{DisplayName, EmailAddress, LongText, Slug, Username};
use crate::zone::TimeZoneName;

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

macro_rules! schema {
    ($name:ty, $build:expr) => {
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let builder: ObjectBuilder = $build;
                RefOr::T(Schema::Object(builder.build()))
            }
        }
        impl ToSchema for $name {}
    };
}

macro_rules! bounded_schema {
    ($name:ty, $description:literal) => {
        schema!(
            $name,
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .minimum(Some(<$name>::MIN))
                .maximum(Some(<$name>::MAX))
                .description(Some($description))
        );
    };
}

const SLUG_PATTERN: &str = "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$";

schema!(
    Slug,
    string("Lowercase letters, digits and hyphens; 1–64 characters.")
        .pattern(Some(SLUG_PATTERN))
        .min_length(Some(1))
        .max_length(Some(64))
);
schema!(
    Username,
    string("Lowercase letters, digits and hyphens; 1–64 characters; unique per tenant.")
        .pattern(Some(SLUG_PATTERN))
        .min_length(Some(1))
        .max_length(Some(64))
);
schema!(
    EmailAddress,
    string("An email address.")
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(254))
);
schema!(
    DisplayName,
    string("A name; 1–200 characters.")
        .min_length(Some(1))
        .max_length(Some(200))
);
schema!(
    LongText,
    string("Free text; at most 5,000 characters.").max_length(Some(LongText::MAX_CHARS))
);
schema!(
    TimeZoneName,
    string("An IANA time zone name such as Europe/London.").examples(["Europe/London"])
);
schema!(
    WallTime,
    string("A wall-clock time HH:MM, 00:00–24:00 (24:00 only as an end).")
        .pattern(Some("^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"))
);

impl PartialSchema for TimeWindow {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(
                "A wall-clock window [start, end) within one day; start < end.",
            ))
            .property("start", WallTime::schema())
            .property("end", WallTime::schema())
            .required("start")
            .required("end")
            .build()
            .into()
    }
}
impl ToSchema for TimeWindow {}

impl PartialSchema for DayWindows {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(TimeWindow::schema())
            .max_items(Some(DayWindows::MAX))
            .description(Some("A day's windows; they may touch but not overlap."))
            .build()
            .into()
    }
}
impl ToSchema for DayWindows {}

bounded_schema!(DurationMinutes, "Minutes, 5–720.");
bounded_schema!(BufferMinutes, "Minutes, 0–480.");
bounded_schema!(NoticeHours, "Hours, 0–8760.");
bounded_schema!(WindowDays, "Days, 1–730.");
bounded_schema!(BookingLimit, "Bookings, 1–1000.");

impl PartialSchema for crate::event_type::CustomQuestions {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(crate::event_type::CustomQuestion::schema())
            .max_items(Some(crate::event_type::CustomQuestions::MAX))
            .description(Some("Booking form questions; ids unique."))
            .build()
            .into()
    }
}
impl ToSchema for crate::event_type::CustomQuestions {}

macro_rules! id_schema {
    ($($name:ident),+) => {$(
        schema!(
            crate::ids::$name,
            string("A UUID.").format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        );
    )+};
}
id_schema!(
    TenantId,
    AccountId,
    UserId,
    EventTypeId,
    BlockedDateId,
    BookingId,
    ApiTokenId,
    ChangeId,
    OutboxId
);
