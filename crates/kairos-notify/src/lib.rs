//! Kairos notifications: what a booking change tells the people involved.
//!
//! [`notification`] holds the snapshot of one email, stored by the server in its outbox and
//! rendered at send time; [`template`] renders it into a subject, a plain-text and an HTML
//! body, with the tenant's overrides; [`ics`] is a small iCalendar (RFC 5545) writer for the
//! invitations, updates and cancellations that go out with booking emails (iTIP, RFC 5546)
//! and for plain `.ics` downloads. All are pure: they format values they are given and do
//! no I/O.

#![forbid(unsafe_code)]

pub mod ics;
pub mod notification;
pub mod template;
