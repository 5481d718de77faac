//! Kairos notifications: what a booking change tells the people involved.
//!
//! For now this crate holds [`ics`], a small iCalendar (RFC 5545) writer for the invitations,
//! updates and cancellations that go out with booking emails (iTIP, RFC 5546) and for plain
//! `.ics` downloads. It is pure: it formats values it is given and does no I/O. Email rendering,
//! iMIP (RFC 6047) message assembly and the outbox worker will live here too.

#![forbid(unsafe_code)]

pub mod ics;
