//! Typed identifiers. Each wraps a UUID (version 7, so ids sort by creation time) and cannot be
//! confused with another kind of id at compile time.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID (as read back from storage).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A tenant: one business with its own hosts, event types and bookings.
    TenantId
);
id_type!(
    /// A login account (email, password, role) inside a tenant.
    AccountId
);
id_type!(
    /// A scheduling profile: a host with a public booking page.
    UserId
);
id_type!(
    /// An event type (a meeting template a host offers).
    EventTypeId
);
id_type!(
    /// A blocked date range of a host.
    BlockedDateId
);
id_type!(
    /// A booking.
    BookingId
);
id_type!(
    /// An API token.
    ApiTokenId
);
id_type!(
    /// A changelog row.
    ChangeId
);
id_type!(
    /// A signed-in browser session of the admin console.
    SessionId
);
id_type!(
    /// A message in the notification outbox.
    OutboxId
);
