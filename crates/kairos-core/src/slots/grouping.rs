//! Slots grouped by the invitee's local date, for display.

use jiff::ZonedDateTime;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::Slot;

/// A slot as an invitee sees it: start and end in the invitee's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZonedSlot {
    /// The start, carrying the invitee's zone and offset.
    pub start: ZonedDateTime,
    /// The end, carrying the invitee's zone and offset.
    pub end: ZonedDateTime,
}

/// The slots that start on one local date of the invitee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotDay {
    /// The invitee-local date.
    pub date: Date,
    /// That date's slots, sorted by start.
    pub slots: Vec<ZonedSlot>,
}

/// Groups slots by the local date of their start in `zone`, keeping their order.
///
/// Pass the sorted output of the engine: then the days come out sorted and each date once.
/// The zone changes only how the same instants are grouped and written, never which ones
/// there are. Days without slots are left out.
pub fn group_by_local_date(slots: &[Slot], zone: &TimeZone) -> Vec<SlotDay> {
    let mut days: Vec<SlotDay> = Vec::new();
    for slot in slots {
        let start = slot.start.to_zoned_datetime(zone.clone());
        let end = slot.end.to_zoned_datetime(zone.clone());
        let date = start.date();
        let zoned = ZonedSlot { start, end };
        match days.last_mut() {
            Some(day) if day.date == date => day.slots.push(zoned),
            _ => days.push(SlotDay {
                date,
                slots: vec![zoned],
            }),
        }
    }
    days
}
