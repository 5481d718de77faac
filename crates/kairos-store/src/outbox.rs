//! The notification outbox (docs/architecture.md, "The outbox"): messages written in the same
//! transaction as the booking change they announce, delivered later by a worker that claims them
//! with a lease.
//!
//! A message's life: `pending` → claimed (a lease: `claim` and `locked_until` set, `attempts`
//! raised) → `sent`, or back to `pending` with a later `next_attempt_at` (a retry), or `failed`
//! (given up; an admin may retry it). Pending reminders of a booking become `cancelled` when the
//! booking is cancelled or moved. A claim whose lease ran out (its worker died) is claimed again,
//! so nothing is lost; a worker finishing a claim it no longer holds changes nothing, so a
//! message is marked sent once.

use std::collections::BTreeMap;

use jiff::Timestamp;
use kairos_core::ParseError;
use kairos_core::event_type::ReminderTiming;
use kairos_core::ids::{BookingId, OutboxId, TenantId};
use kairos_core::notification::{Audience, NotificationKind};
use serde::Serialize;
use uuid::Uuid;

use crate::Booking;

/// Where a message stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for its time or for a worker (possibly after failed attempts).
    Pending,
    /// Delivered.
    Sent,
    /// Given up after the last attempt, or refused for good by the mail server.
    Failed,
    /// Dropped before it went out (a reminder of a booking that was cancelled or moved).
    Cancelled,
}

impl OutboxStatus {
    /// The stored and JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        match value {
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            "failed" => Ok(Self::Failed),
            "cancelled" => Ok(Self::Cancelled),
            other => Err(ParseError::new(format!(
                "unknown outbox status {other:?}: use pending, sent, failed or cancelled"
            ))),
        }
    }
}

/// A message to queue with a booking change.
#[derive(Debug, Clone)]
pub struct NewOutboxMessage {
    pub kind: NotificationKind,
    pub audience: Audience,
    /// Which reminder this is (reminders only). A booking holds each (audience, timing)
    /// reminder at most once.
    pub reminder: Option<ReminderTiming>,
    /// The recipient's address, for admins reading the outbox.
    pub recipient: String,
    /// Not delivered before this instant.
    pub send_at: Timestamp,
    /// Everything the notifier needs to render the message, opaque to the store.
    pub payload: serde_json::Value,
}

/// How a booking-changing transaction asks the caller for the messages announcing the change,
/// given the booking as written (new ids, UID and SEQUENCE included). They are inserted in the
/// same transaction.
pub type OutboxFor<'a> = dyn Fn(&Booking) -> Vec<NewOutboxMessage> + Send + Sync + 'a;

/// A queued message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: OutboxId,
    pub tenant_id: TenantId,
    pub booking_id: BookingId,
    pub kind: NotificationKind,
    pub audience: Audience,
    pub reminder: Option<ReminderTiming>,
    pub recipient: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub send_at: Timestamp,
    pub status: OutboxStatus,
    /// Delivery attempts so far (claims, including one in progress).
    pub attempts: u32,
    /// When the next attempt may start (pending messages).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub next_attempt_at: Timestamp,
    /// What went wrong last time, if anything did.
    pub last_error: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub sent_at: Option<Timestamp>,
    #[serde(skip)]
    pub payload: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}

/// A message a worker holds a lease on.
#[derive(Debug, Clone)]
pub struct ClaimedMessage {
    pub message: OutboxMessage,
    /// The lease's id; only its holder can finish the message.
    pub claim: Uuid,
}

/// What came of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The mail server took the message.
    Sent,
    /// Try again at `at`.
    Retry { at: Timestamp, error: String },
    /// Give up; the message stays, marked failed.
    Failed { error: String },
    /// Not attempted after all (the worker is stopping): back to the queue as it was, the
    /// attempt not counted.
    Released,
}

/// What finishing a claim writes to the message's row; the same for every backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedRow<'a> {
    pub status: OutboxStatus,
    /// The new due time (a retry); `None` keeps the old one.
    pub next_attempt_at: Option<Timestamp>,
    /// The new `last_error`; `None` keeps the old one.
    pub error: Option<&'a str>,
    pub sent_at: Option<Timestamp>,
    /// Taken off `attempts`: 1 for a released claim, which was never attempted.
    pub refund: i32,
}

impl Delivery {
    /// The row update recording this outcome at `at`.
    pub fn row(&self, at: Timestamp) -> FinishedRow<'_> {
        let (status, next_attempt_at, error, sent_at) = match self {
            Self::Sent => (OutboxStatus::Sent, None, None, Some(at)),
            Self::Retry { at: next, error } => (
                OutboxStatus::Pending,
                Some(*next),
                Some(error.as_str()),
                None,
            ),
            Self::Failed { error } => (OutboxStatus::Failed, None, Some(error.as_str()), None),
            Self::Released => (OutboxStatus::Pending, None, None, None),
        };
        FinishedRow {
            status,
            next_attempt_at,
            error,
            sent_at,
            refund: i32::from(*self == Self::Released),
        }
    }
}

impl OutboxMessage {
    /// Refuses a retry of a message that has not failed (`message_not_failed`).
    pub fn ensure_retryable(&self) -> Result<(), crate::StoreError> {
        if self.status == OutboxStatus::Failed {
            return Ok(());
        }
        Err(crate::StoreError::rejected(
            "message_not_failed",
            format!(
                "only a failed message can be retried; this one is {}",
                self.status.as_str()
            ),
        ))
    }
}

/// How many messages are in each state, over all tenants (for `/metrics`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub by_status: BTreeMap<&'static str, u64>,
    /// Pending messages already due.
    pub due: u64,
}

impl OutboxCounts {
    /// The counts from the `GROUP BY status` rows a backend read.
    pub fn from_rows(
        rows: impl IntoIterator<Item = crate::StoreResult<crate::decode::StatusCount>>,
    ) -> crate::StoreResult<Self> {
        let mut counts = Self::default();
        for row in rows {
            let crate::decode::StatusCount { status, count, due } = row?;
            let status = OutboxStatus::parse(&status)
                .map_err(|e| crate::StoreError::corrupt("status", e))?;
            let count = u64::try_from(count).map_err(|e| crate::StoreError::corrupt("n", e))?;
            let due = u64::try_from(due).map_err(|e| crate::StoreError::corrupt("due", e))?;
            *counts.by_status.entry(status.as_str()).or_default() += count;
            counts.due += due;
        }
        Ok(counts)
    }
}

/// A tenant's own wording for one notification type and audience; `None` keeps the built-in
/// default.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationTemplate {
    pub kind: NotificationKind,
    pub audience: Audience,
    pub subject: Option<String>,
    pub body: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}
