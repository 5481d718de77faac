//! The Kairos domain: identifiers, validated input types, and the time rules.
//!
//! Everything here is pure: no I/O, no async, no clock reads (the current instant is always
//! passed in). Input from the outside world becomes one of these types through a single
//! `parse` / `TryFrom` / `Deserialize` at the edge; past that edge nothing can hold an invalid
//! value, so the store and the server never re-check.

#![forbid(unsafe_code)]

pub mod booking;
pub mod clock;
pub mod event_type;
pub mod ids;
pub mod notification;
pub mod schedule;
pub mod settings;
pub mod slots;
pub mod text;
pub mod zone;

mod error;
#[cfg(feature = "openapi")]
mod openapi;

pub use error::ParseError;
