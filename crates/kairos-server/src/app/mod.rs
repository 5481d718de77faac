//! The application layer: every rule a request needs and every store call it makes, one module
//! per resource. The two faces — [`crate::api`] (JSON) and [`crate::pages`] (HTML) — parse the
//! request into domain types, make one call here and shape the answer; they never call the
//! store and never import each other (docs/architecture.md, "Layers"; the test
//! `tests/layers.rs` checks it).
//!
//! Every function takes the shared [`AppState`](crate::state::AppState) and, for the admin
//! side, the [`Caller`] whose rights it checks itself; it answers an [`AppError`], which each
//! face maps once.

pub mod access;
pub mod analytics;
pub mod availability;
pub mod booking;
pub mod bookings;
pub mod changelog;
pub mod demo;
pub mod directory;
mod error;
pub mod event_types;
pub mod hosts;
pub mod notifications;
pub mod provision;
pub mod status;

pub use access::Caller;
pub use error::{AppError, AppResult, Problems};
