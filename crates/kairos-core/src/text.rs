//! Validated text: slugs, usernames, email addresses and display names.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Implements the string plumbing shared by every validated text type: serde through
/// `TryFrom<String>`, `Display`, `AsRef<str>` and `as_str`.
macro_rules! text_type {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(value: String) -> Result<Self, ParseError> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn parse_slug_like(value: &str, what: &str) -> Result<String, ParseError> {
    let valid_chars = value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if value.is_empty() || value.len() > 64 || !valid_chars {
        return Err(ParseError::new(format!(
            "{what} must be 1 to 64 characters of lowercase letters, digits and hyphens, got {value:?}"
        )));
    }
    if value.starts_with('-') || value.ends_with('-') {
        return Err(ParseError::new(format!(
            "{what} must not start or end with a hyphen, got {value:?}"
        )));
    }
    Ok(value.to_owned())
}

/// A URL slug (tenant or event type): 1–64 of `a-z`, `0-9`, `-`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, naming the rule on failure.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        parse_slug_like(value, "a slug").map(Self)
    }
}
text_type!(Slug);

/// A host's username in booking URLs; the same alphabet as [`Slug`], unique per tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Parses a username, naming the rule on failure.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        parse_slug_like(value, "a username").map(Self)
    }
}
text_type!(Username);

/// An email address, trimmed and with its domain lowercased. The check is deliberately
/// structural (one `@`, a non-empty local part, a dotted domain, no spaces or control
/// characters, at most 254 bytes): delivery is the only real proof.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an email address, naming the rule on failure.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let value = value.trim();
        let invalid = || ParseError::new(format!("not a valid email address: {value:?}"));
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }
}
text_type!(EmailAddress);

/// A person's or thing's display name: trimmed, 1–200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a display name, naming the rule on failure.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let value = value.trim();
        let length = value.chars().count();
        if length == 0 || length > 200 {
            return Err(ParseError::new(format!(
                "must be 1 to 200 characters, got {length}"
            )));
        }
        if value.chars().any(char::is_control) {
            return Err(ParseError::new("must not contain control characters"));
        }
        Ok(Self(value.to_owned()))
    }
}
text_type!(DisplayName);

/// Free text such as a description, a reason or notes: at most 5,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LongText(String);

impl LongText {
    /// Longest accepted text, in characters.
    pub const MAX_CHARS: usize = 5_000;

    /// Parses free text, naming the rule on failure.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let length = value.chars().count();
        if length > Self::MAX_CHARS {
            return Err(ParseError::new(format!(
                "must be at most {} characters, got {length}",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(value.to_owned()))
    }
}
text_type!(LongText);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_lowercase_digits_and_inner_hyphens() {
        assert!(Slug::parse("intro-call-30").is_ok());
        assert!(Slug::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn slugs_reject_everything_else() {
        for bad in [
            "",
            "Intro",
            "intro call",
            "intro_call",
            "-intro",
            "intro-",
            "é",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Slug::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn usernames_follow_the_slug_rule() {
        assert!(Username::parse("ada").is_ok());
        assert!(Username::parse("Ada").is_err());
    }

    #[test]
    fn email_addresses_are_trimmed_and_domain_lowercased() {
        let email = EmailAddress::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace@example.com");
    }

    #[test]
    fn malformed_email_addresses_are_rejected() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@exa..mple.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(201)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn deserializing_runs_the_same_rules() {
        let error = serde_json::from_str::<Slug>("\"Bad Slug\"").unwrap_err();
        assert!(error.to_string().contains("lowercase"));
    }
}
