//! Kairos notifications: the emails a booking change sends, from snapshot to SMTP.
//!
//! The pipeline, one module per step:
//!
//! 1. [`notification`]: the server snapshots everything one email needs into a
//!    [`Notification`](notification::Notification) (one per recipient) and stores it as JSON
//!    in its outbox, in the same transaction as the booking change.
//! 2. [`template`]: the worker renders it, with the tenant's
//!    [`TemplateOverride`](template::TemplateOverride) if any, into a subject, a plain-text
//!    body and an HTML body; times in the recipient's zone.
//! 3. [`message`]: [`compose`](message::compose) wraps those and an iCalendar object from
//!    [`ics`] into an iMIP (RFC 6047) message with a stable Message-ID.
//! 4. [`transport`]: a [`Mailer`](transport::Mailer) sends it over SMTP or writes it to a
//!    directory, and says whether a failure is worth retrying.
//! 5. [`worker`]: the [`OutboxWorker`](worker::OutboxWorker) claims due outbox rows from the
//!    store, runs steps 2 to 4, and records the outcome: sent, retry later with exponential
//!    backoff, or failed.
//!
//! Steps 1 to 3 are pure: no I/O, no clock (the current instant is passed in), so the same
//! outbox row always makes the same message apart from what `now` stamps. The outbox table and
//! its claims live in the store; the server builds the snapshots and runs the worker.
//!
//! Emails about a console account rather than a booking (the password-reset link) are in
//! [`account`]; the server sends them at once, outside the outbox.

#![forbid(unsafe_code)]

pub mod account;
pub mod ics;
pub mod message;
pub mod notification;
pub mod template;
pub mod transport;
pub mod worker;
