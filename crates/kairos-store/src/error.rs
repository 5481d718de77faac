/// What can go wrong in a store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist in this tenant (or at all).
    #[error("not found")]
    NotFound,
    /// A uniqueness or exclusion rule refused the write; `field` names the JSON field at fault.
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
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

impl StoreError {
    /// A conflict on `field`.
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            field,
            message: message.into(),
        }
    }

    /// A refusal by a booking rule.
    pub fn rejected(code: &'static str, message: impl Into<String>) -> Self {
        Self::Rejected {
            code,
            message: message.into(),
        }
    }

    /// Wraps a database driver error.
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Database(Box::new(error))
    }
}
