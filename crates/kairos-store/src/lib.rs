//! The storage boundary of Kairos.
//!
//! [`Store`] is what the server talks to: the sum of one trait per resource ([`TenantStore`],
//! [`AccessStore`], [`HostStore`], [`EventTypeStore`], [`AvailabilityStore`], [`BookingStore`],
//! [`ChangelogStore`], [`OutboxStore`], [`TemplateStore`], and [`HealthStore`] for `ping`),
//! implemented for every type that implements them all. `kairos-store-sqlite` and
//! `kairos-store-postgres` implement each trait in a module of its own; the
//! `kairos-store-conformance` crate holds the tests both must pass so they cannot drift apart.
//! On a `dyn Store` every method resolves as it is; code that calls them on a concrete backend
//! or a generic `S: Store` writes `use kairos_store::prelude::*;`.
//!
//! What else lives here is what both backends share, so that they differ only in their SQL:
//! - the models the traits read and write, and [`StoreError`] with [`Unique`], the rule a
//!   conflict broke;
//! - [`NewChange`]: the changelog row of each operation (entity, action, details), built once;
//! - [`decode`]: reading rows back into models, over a backend's [`decode::Columns`];
//! - [`booking_flow`]: the steps of every booking change, over a backend's
//!   [`booking_flow::BookingTransaction`], with the rules of [`transitions`];
//! - [`packed`]: the JSON arrays a schedule snapshot may be packed into, and
//!   [`SnapshotBounds`], what a snapshot query reads;
//! - [`SnapshotCache`], the outbox's states and delivery outcomes ([`OutboxStatus`],
//!   [`Delivery`]), and [`Page`] assembly.
//!
//! Invariants every implementation keeps:
//! - every method that touches tenant data takes a [`TenantId`](kairos_core::ids::TenantId) and
//!   sees only that tenant's rows;
//! - every change writes its changelog row in the same transaction as the change;
//! - a missing row is [`StoreError::NotFound`], a broken uniqueness rule is
//!   [`StoreError::Conflict`] naming the rule ([`Unique`]), never a generic error.

#![forbid(unsafe_code)]

pub mod booking_flow;
mod changes;
pub mod decode;
mod error;
mod models;
mod outbox;
pub mod packed;
mod snapshot_cache;
mod store;
pub mod transitions;

pub use changes::NewChange;
pub use error::{StoreError, Unique};
pub use models::*;
pub use outbox::*;
pub use snapshot_cache::{SnapshotCache, SnapshotKey};
pub use store::*;

/// Every storage trait, for `use kairos_store::prelude::*;` where methods are called on a
/// [`Store`].
pub mod prelude {
    pub use crate::{
        AccessStore, AvailabilityStore, BookingStore, ChangelogStore, EventTypeStore, HealthStore,
        HostStore, OutboxStore, Store, TemplateStore, TenantStore,
    };
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;
