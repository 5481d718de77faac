//! The external services some tests need, and what a test does when one is missing.
//!
//! A test that needs PostgreSQL, Redis, an SMTP sink or Chromium asks here. When the service is
//! there, it gets what it needs to reach it. When it is not, the test skips — it prints
//! `skipped: <what> …` and returns — so `cargo test --workspace` on a laptop with nothing
//! installed still passes. With `KAIROS_TEST_REQUIRE_ALL=1` (CI sets it) a missing service
//! fails the test instead, naming what is missing and how to provide it, so CI can never pass
//! by skipping.
//!
//! Used only as a dev-dependency.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The variable that turns a skip into a failure.
pub const REQUIRE_ALL: &str = "KAIROS_TEST_REQUIRE_ALL";

/// The variable naming the PostgreSQL server of the tests.
pub const DATABASE_URL: &str = "KAIROS_TEST_DATABASE_URL";

/// The variable naming the Redis server of the tests.
pub const REDIS_URL: &str = "KAIROS_TEST_REDIS_URL";

/// Whether a missing service fails the test (`KAIROS_TEST_REQUIRE_ALL=1`).
pub fn required() -> bool {
    std::env::var(REQUIRE_ALL).is_ok_and(|value| value.trim() == "1")
}

/// Reports a missing service: with [`REQUIRE_ALL`] set, panics naming it and how to provide
/// it; otherwise prints that the test was skipped. The caller returns afterwards.
///
/// # Panics
///
/// When [`required`] is true: that is the point.
pub fn missing(what: &str, how: &str) {
    assert!(
        !required(),
        "{what} is missing ({how}), and {REQUIRE_ALL}=1 forbids skipping"
    );
    eprintln!("skipped: {what} is missing ({how})");
}

/// The value of the URL variable `variable`, or `None` after [`missing`] reports `what` (with
/// an `example` value).
pub fn url(variable: &str, what: &str, example: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => Some(value),
        _ => {
            missing(what, &format!("set {variable}, e.g. {example}"));
            None
        }
    }
}

/// The base URL of the tests' PostgreSQL server ([`DATABASE_URL`]); tests create databases of
/// their own on it.
pub fn postgres_url() -> Option<String> {
    url(
        DATABASE_URL,
        "PostgreSQL",
        "postgres://root@127.0.0.1:5432/test",
    )
}

/// The URL of the tests' Redis server ([`REDIS_URL`]).
pub fn redis_url() -> Option<String> {
    url(REDIS_URL, "Redis", "redis://127.0.0.1:6379")
}

/// Whether Python's `aiosmtpd` (the tests' SMTP sink) can be started; reports it missing when
/// not.
pub fn aiosmtpd() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        missing("aiosmtpd", "python3 -m pip install aiosmtpd");
    }
    found
}

/// The chromedriver to drive headless Chromium with: `KAIROS_CHROMEDRIVER`, else Debian's
/// `/usr/bin/chromedriver`; reported missing when neither exists.
pub fn chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("KAIROS_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    if path.exists() {
        Some(path)
    } else {
        missing(
            "chromedriver",
            "apt-get install chromium chromium-driver, or set KAIROS_CHROMEDRIVER",
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_that_is_set_is_used() {
        // PATH is set wherever tests run.
        assert!(url("PATH", "a PATH", "/usr/bin").is_some());
    }
}
