/// What can go wrong in a store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist in this tenant (or at all).
    #[error("not found")]
    NotFound,
    /// A uniqueness or exclusion rule refused the write; `rule` names what collided.
    #[error("{message}")]
    Conflict { rule: Unique, message: String },
    /// A booking rule refused the change (the slot is taken, the booking is cancelled or past…);
    /// `code` is stable and machine-readable, e.g. `slot_unavailable`.
    #[error("{message}")]
    Rejected { code: &'static str, message: String },
    /// Stored data could not be read back into domain types (a bug or a manual edit).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The rule a [`StoreError::Conflict`] broke: what the write collided with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unique {
    /// Another tenant has this slug.
    TenantSlug,
    /// Another host of the tenant has this username.
    Username,
    /// The account already has a host profile.
    AccountHostProfile,
    /// The host already has an event type with this slug (archived ones included).
    EventTypeSlug,
    /// Another account of the tenant has this email address.
    AccountEmail,
    /// The host already has a confirmed booking overlapping this time (PostgreSQL's exclusion
    /// constraint, the last guard behind the booking lock).
    OverlappingBooking,
    /// Any other uniqueness rule (a colliding id).
    Other,
}

impl Unique {
    /// The message a conflict on this rule carries.
    pub const fn message(self) -> &'static str {
        match self {
            Self::TenantSlug | Self::EventTypeSlug => "slug is already taken",
            Self::Username => "username is already taken",
            Self::AccountHostProfile => "accountId is already taken",
            Self::AccountEmail => "email is already taken",
            Self::OverlappingBooking => {
                "the host already has a confirmed booking overlapping this time"
            }
            Self::Other => "id is already taken",
        }
    }
}

impl StoreError {
    /// A conflict on `rule`, with that rule's message.
    pub fn conflict(rule: Unique) -> Self {
        Self::Conflict {
            rule,
            message: rule.message().to_owned(),
        }
    }

    /// A refusal by a booking rule.
    pub fn rejected(code: &'static str, message: impl Into<String>) -> Self {
        Self::Rejected {
            code,
            message: message.into(),
        }
    }

    /// Stored data that does not read back: `column` and what is wrong with it.
    pub fn corrupt(column: &str, error: impl std::fmt::Display) -> Self {
        Self::Corrupt(format!("{column}: {error}"))
    }

    /// Wraps a database driver error.
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Database(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts the API has always answered with (clients and tests compare them).
    #[test]
    fn conflict_messages_keep_their_texts() {
        let cases = [
            (Unique::TenantSlug, "slug is already taken"),
            (Unique::EventTypeSlug, "slug is already taken"),
            (Unique::Username, "username is already taken"),
            (Unique::AccountHostProfile, "accountId is already taken"),
            (Unique::AccountEmail, "email is already taken"),
            (
                Unique::OverlappingBooking,
                "the host already has a confirmed booking overlapping this time",
            ),
            (Unique::Other, "id is already taken"),
        ];
        for (rule, text) in cases {
            assert_eq!(StoreError::conflict(rule).to_string(), text, "{rule:?}");
        }
    }
}
