//! Kairos notifications: what a booking change tells the people involved.
//!
//! [`notification`] holds the snapshot of one email, stored by the server in its outbox and
//! rendered at send time; [`template`] renders it into a subject, a plain-text and an HTML
//! body, with the tenant's overrides; [`message`] wraps those and a calendar object from
//! [`ics`], a small iCalendar (RFC 5545) writer, into an iMIP (RFC 6047) email. All are pure:
//! they format values they are given and do no I/O.

#![forbid(unsafe_code)]

pub mod ics;
pub mod message;
pub mod notification;
pub mod template;
