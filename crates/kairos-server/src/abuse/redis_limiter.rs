//! The Redis-backed [`RateLimiter`]: limits hold across every server process that shares one
//! Redis.
//!
//! Guarantees:
//! - Check and count are one Lua script (`gcra.lua`), so concurrent requests from any number of
//!   processes never spend more than the budget. Time is Redis's clock, not the processes'.
//! - Each key holds one value that expires when its budget is full again, so Redis memory
//!   holds only keys active within the last period.
//! - A call never waits longer than [`RedisRateLimiter::CALL_TIMEOUT`]. After a failure the
//!   limiter does not ask Redis again for [`RedisRateLimiter::REST_AFTER_FAILURE`] and answers
//!   an error at once, so an outage costs the booking path at most one timeout per rest.
//!   Callers fail open on errors (see [`super::guard_public_writes`]).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::limiter::{Decision, Quota, RateLimitError, RateLimiter};

/// A [`RateLimiter`] whose state lives in Redis (5 or newer).
pub struct RedisRateLimiter {
    connection: ConnectionManager,
    script: redis::Script,
    quota: Quota,
    prefix: String,
    /// After a failure, Redis is not asked again before this instant.
    resting_until: Mutex<Option<Instant>>,
}

impl fmt::Debug for RedisRateLimiter {
    // The connection is left out: its URL may carry a password.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RedisRateLimiter")
            .field("quota", &self.quota)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// The longest one call may take before the limiter gives up and reports a timeout.
    pub const CALL_TIMEOUT: Duration = Duration::from_millis(500);

    /// How long the limiter leaves Redis alone after a failure.
    pub const REST_AFTER_FAILURE: Duration = Duration::from_secs(1);

    /// Connects to the Redis at `url` (`redis://[:password@]host[:port][/db]`) and limits keys to
    /// `quota`, storing them under `prefix` (e.g. `kairos:rate-limit:`).
    ///
    /// Fails when the URL is malformed or Redis cannot be reached now; once connected, the
    /// connection is re-established in the background whenever it drops.
    pub async fn connect(
        url: &str,
        quota: Quota,
        prefix: impl Into<String>,
    ) -> Result<Self, RateLimitError> {
        let client = redis::Client::open(url)
            .map_err(|error| RateLimitError::Store(format!("invalid Redis URL: {error}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Self::CALL_TIMEOUT))
            .set_response_timeout(Some(Self::CALL_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Self::REST_AFTER_FAILURE);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|error| RateLimitError::Store(format!("cannot reach Redis: {error}")))?;
        Ok(Self {
            connection,
            script: redis::Script::new(include_str!("gcra.lua")),
            quota,
            prefix: prefix.into(),
            resting_until: Mutex::new(None),
        })
    }

    fn resting_until(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.resting_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    async fn run_script(&self, key: &str) -> Result<(i64, i64), RateLimitError> {
        let millis = |duration: Duration| u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        let mut connection = self.connection.clone();
        let mut invocation = self.script.key(format!("{}{key}", self.prefix));
        invocation
            .arg(millis(self.quota.interval()))
            .arg(millis(self.quota.period()));
        let call = invocation.invoke_async::<(i64, i64)>(&mut connection);
        match tokio::time::timeout(Self::CALL_TIMEOUT, call).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(error)) => Err(RateLimitError::Store(error.to_string())),
            Err(_) => Err(RateLimitError::Timeout(Self::CALL_TIMEOUT)),
        }
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn acquire(&self, key: &str) -> Result<Decision, RateLimitError> {
        if self.quota.is_off() {
            return Ok(Decision::Allowed);
        }
        if let Some(until) = *self.resting_until()
            && Instant::now() < until
        {
            return Err(RateLimitError::Resting);
        }
        match self.run_script(key).await {
            Ok((1, _)) => Ok(Decision::Allowed),
            Ok((_, wait_millis)) => Ok(Decision::Limited {
                retry_after: Duration::from_millis(u64::try_from(wait_millis).unwrap_or(0)),
            }),
            Err(error) => {
                *self.resting_until() = Some(Instant::now() + Self::REST_AFTER_FAILURE);
                Err(error)
            }
        }
    }
}
