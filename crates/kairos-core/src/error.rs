/// Why a value from outside could not become a domain type.
///
/// The message says what the rule is, so it can be shown to the person who sent the value;
/// the caller adds which field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    message: String,
}

impl ParseError {
    /// A parse error with a message that states the broken rule.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The human-readable rule that was broken.
    pub fn message(&self) -> &str {
        &self.message
    }
}
