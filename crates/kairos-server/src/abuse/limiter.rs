//! The [`RateLimiter`] trait, its [`Quota`] and the in-process implementation.
//!
//! Both implementations run the generic cell rate algorithm (GCRA): a key may send `limit`
//! requests at once, and its budget refills by one every `period / limit` (6 s for 10 a minute).
//! So no key ever gets more than `limit` requests through in a burst, nor more than `limit` per
//! `period` on average, and a refused request is told exactly how long until one more would pass.
//! A key's whole state is one instant (its "theoretical arrival time"); once that instant is in
//! the past the key is idle and its state can be dropped without changing any answer.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;

/// How many requests a key may make per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    limit: u32,
    period: Duration,
}

impl Quota {
    /// `limit` requests a minute; 0 turns limiting off.
    pub fn per_minute(limit: u32) -> Self {
        Self {
            limit,
            period: Duration::from_secs(60),
        }
    }

    /// `limit` requests per `period`; 0 turns limiting off. `None` when the period is zero or so
    /// short that the budget would refill faster than once a millisecond.
    pub fn new(limit: u32, period: Duration) -> Option<Self> {
        let quota = Self { limit, period };
        if period.is_zero() || (limit > 0 && quota.interval() < Duration::from_millis(1)) {
            return None;
        }
        Some(quota)
    }

    /// The number of requests allowed at once and per period; 0 means no limit.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The period the limit applies to.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Whether limiting is turned off (a limit of 0).
    pub fn is_off(&self) -> bool {
        self.limit == 0
    }

    /// How often the budget grows by one request.
    pub(crate) fn interval(&self) -> Duration {
        self.period / self.limit.max(1)
    }
}

/// The answer for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The request was counted and may proceed.
    Allowed,
    /// The key has spent its budget; one more request will pass after `retry_after`.
    Limited {
        /// How long until the next request of this key would be allowed.
        retry_after: Duration,
    },
}

impl Decision {
    /// For `Limited`, the wait in whole seconds rounded up and at least 1, as `Retry-After`
    /// wants it.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Allowed => None,
            Self::Limited { retry_after } => {
                let whole = retry_after.as_secs();
                let rounded = if retry_after.subsec_nanos() > 0 {
                    whole.saturating_add(1)
                } else {
                    whole
                };
                Some(rounded.max(1))
            }
        }
    }
}

/// Why a limiter could not decide. Callers fail open: the request proceeds and the error is
/// logged, so a broken rate-limit store never takes the booking path down.
#[derive(Debug, thiserror::Error)]
pub enum RateLimitError {
    /// The shared store answered with an error, or the connection to it failed.
    #[error("the rate-limit store failed: {0}")]
    Store(String),
    /// The shared store did not answer in time.
    #[error("the rate-limit store did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
    /// The shared store failed a moment ago and is left alone for a while, so an outage does not
    /// slow every request down.
    #[error("the rate-limit store failed a moment ago; not asking it again yet")]
    Resting,
}

/// Counts requests per key against a [`Quota`].
///
/// `acquire` both checks and counts, atomically: of any number of concurrent calls for one key,
/// at most the remaining budget are allowed.
#[async_trait]
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Counts one request of `key` and says whether it may proceed.
    async fn acquire(&self, key: &str) -> Result<Decision, RateLimitError>;
}

/// How many keys the in-process limiter tracks at most, unless told otherwise.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// Below this many keys the in-process limiter does not bother sweeping idle ones.
const MIN_SWEEP_THRESHOLD: usize = 1024;

/// A rate limiter in this process's memory: limits hold per process only.
///
/// Memory is bounded: idle keys are swept away as new keys arrive (amortised, never a full scan
/// per request), and at most `max_keys` are tracked. When that many keys are all active, at
/// least the tenth of them closest to idle are forgotten, which hands those keys a fresh budget early: the
/// smallest possible gift to a client rotating through many addresses.
pub struct InMemoryRateLimiter {
    quota: Quota,
    max_keys: usize,
    clock: Arc<dyn Fn() -> Instant + Send + Sync>,
    state: Mutex<Keys>,
}

#[derive(Debug)]
struct Keys {
    /// Each key's theoretical arrival time: the budget is full again at this instant.
    arrival: HashMap<String, Instant>,
    /// Sweep idle keys when a new key arrives and this many are tracked.
    sweep_threshold: usize,
}

impl fmt::Debug for InMemoryRateLimiter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("InMemoryRateLimiter")
            .field("quota", &self.quota)
            .field("max_keys", &self.max_keys)
            .field("tracked_keys", &self.tracked_keys())
            .finish_non_exhaustive()
    }
}

impl InMemoryRateLimiter {
    /// A limiter for `quota` tracking at most [`DEFAULT_MAX_KEYS`] keys.
    pub fn new(quota: Quota) -> Self {
        Self {
            quota,
            max_keys: DEFAULT_MAX_KEYS,
            clock: Arc::new(Instant::now),
            state: Mutex::new(Keys {
                arrival: HashMap::new(),
                sweep_threshold: MIN_SWEEP_THRESHOLD,
            }),
        }
    }

    /// The same limiter tracking at most `max_keys` keys (at least 1).
    pub fn with_max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys.max(1);
        self
    }

    /// The same limiter reading time from `clock` (tests).
    #[cfg(test)]
    pub(crate) fn with_clock(
        mut self,
        clock: impl Fn() -> Instant + Send + Sync + 'static,
    ) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How many keys are tracked right now, idle ones not yet swept included.
    pub fn tracked_keys(&self) -> usize {
        self.keys().arrival.len()
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, Keys> {
        // Every update leaves the map consistent, so a panic elsewhere cannot poison its meaning.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The decision for `key` at `now`, counting the request when it is allowed.
    fn decide(&self, key: &str, now: Instant) -> Decision {
        if self.quota.is_off() {
            return Decision::Allowed;
        }
        let mut keys = self.keys();
        let arrival = keys.arrival.get(key).copied().unwrap_or(now).max(now);
        let next_arrival = arrival + self.quota.interval();
        let allowed_from = now + self.quota.period;
        if next_arrival > allowed_from {
            return Decision::Limited {
                retry_after: next_arrival - allowed_from,
            };
        }
        if let Some(stored) = keys.arrival.get_mut(key) {
            *stored = next_arrival;
        } else {
            keys.make_room(now, self.max_keys);
            keys.arrival.insert(key.to_owned(), next_arrival);
        }
        Decision::Allowed
    }
}

impl Keys {
    /// Makes room for one more key: drops idle keys once enough have piled up, then, if still
    /// full, the tenth of the keys closest to idle.
    fn make_room(&mut self, now: Instant, max_keys: usize) {
        let len = self.arrival.len();
        if len >= self.sweep_threshold || len >= max_keys {
            self.arrival.retain(|_, arrival| *arrival > now);
            self.sweep_threshold = (self.arrival.len() * 2).max(MIN_SWEEP_THRESHOLD);
        }
        if self.arrival.len() >= max_keys {
            let mut arrivals: Vec<Instant> = self.arrival.values().copied().collect();
            let evict = (arrivals.len() / 10).max(1);
            let (_, cutoff, _) = arrivals.select_nth_unstable(evict - 1);
            let cutoff = *cutoff;
            self.arrival.retain(|_, arrival| *arrival > cutoff);
        }
    }
}

#[async_trait]
impl RateLimiter for InMemoryRateLimiter {
    async fn acquire(&self, key: &str) -> Result<Decision, RateLimitError> {
        Ok(self.decide(key, (self.clock)()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that moves only when told to.
    #[derive(Clone)]
    struct ManualClock {
        start: Instant,
        elapsed: Arc<Mutex<Duration>>,
    }

    impl ManualClock {
        fn new() -> Self {
            Self {
                start: Instant::now(),
                elapsed: Arc::new(Mutex::new(Duration::ZERO)),
            }
        }

        fn advance(&self, by: Duration) {
            *self.elapsed.lock().unwrap() += by;
        }

        fn reader(&self) -> impl Fn() -> Instant + Send + Sync + 'static {
            let clock = self.clone();
            move || clock.start + *clock.elapsed.lock().unwrap()
        }
    }

    fn limiter(quota: Quota, clock: &ManualClock) -> InMemoryRateLimiter {
        InMemoryRateLimiter::new(quota).with_clock(clock.reader())
    }

    async fn allowed(limiter: &InMemoryRateLimiter, key: &str, count: usize) -> usize {
        let mut allowed = 0;
        for _ in 0..count {
            if limiter.acquire(key).await.unwrap() == Decision::Allowed {
                allowed += 1;
            }
        }
        allowed
    }

    #[tokio::test]
    async fn ten_a_minute_allows_ten_then_says_when_to_retry() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(10), &clock);
        assert_eq!(allowed(&limiter, "ip4:203.0.113.7", 10).await, 10);
        let refused = limiter.acquire("ip4:203.0.113.7").await.unwrap();
        assert_eq!(
            refused,
            Decision::Limited {
                retry_after: Duration::from_secs(6)
            },
            "one request refills every 60 s / 10"
        );
        assert_eq!(refused.retry_after_secs(), Some(6));
        clock.advance(Duration::from_secs(2));
        let later = limiter.acquire("ip4:203.0.113.7").await.unwrap();
        assert_eq!(later.retry_after_secs(), Some(4), "the wait counts down");
    }

    #[tokio::test]
    async fn keys_have_independent_budgets() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(10), &clock);
        assert_eq!(allowed(&limiter, "ip4:192.0.2.1", 11).await, 10);
        assert_eq!(allowed(&limiter, "ip4:192.0.2.2", 11).await, 10);
    }

    #[tokio::test]
    async fn a_limit_of_zero_is_off() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(0), &clock);
        assert!(Quota::per_minute(0).is_off());
        assert_eq!(allowed(&limiter, "ip4:192.0.2.1", 1000).await, 1000);
        assert_eq!(limiter.tracked_keys(), 0);
    }

    #[tokio::test]
    async fn the_budget_refills_over_the_window() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(10), &clock);
        assert_eq!(allowed(&limiter, "key", 10).await, 10);
        clock.advance(Duration::from_millis(5_999));
        assert_eq!(allowed(&limiter, "key", 1).await, 0, "not yet refilled");
        clock.advance(Duration::from_millis(1));
        assert_eq!(
            allowed(&limiter, "key", 2).await,
            1,
            "one refilled after 6 s"
        );
        clock.advance(Duration::from_secs(60));
        assert_eq!(
            allowed(&limiter, "key", 11).await,
            10,
            "full again after a minute"
        );
    }

    #[tokio::test]
    async fn sixty_seconds_never_let_through_more_than_a_burst_and_the_refill() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(10), &clock);
        let mut allowed_total = 0;
        for _ in 0..60 {
            allowed_total += allowed(&limiter, "key", 5).await;
            clock.advance(Duration::from_secs(1));
        }
        assert_eq!(allowed_total, 10 + 9, "a burst of 10, then one per 6 s");
    }

    #[tokio::test]
    async fn real_time_windows_recover() {
        let quota = Quota::new(1, Duration::from_millis(500)).unwrap();
        let limiter = InMemoryRateLimiter::new(quota);
        assert_eq!(allowed(&limiter, "key", 2).await, 1);
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(allowed(&limiter, "key", 1).await, 1);
    }

    #[tokio::test]
    async fn idle_keys_are_swept() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(10), &clock);
        for index in 0..MIN_SWEEP_THRESHOLD {
            allowed(&limiter, &format!("old-{index}"), 1).await;
        }
        assert_eq!(limiter.tracked_keys(), MIN_SWEEP_THRESHOLD);
        clock.advance(Duration::from_secs(7));
        allowed(&limiter, "new", 1).await;
        assert_eq!(limiter.tracked_keys(), 1, "every old key was idle");
    }

    #[tokio::test]
    async fn memory_stays_bounded_and_the_most_idle_keys_go_first() {
        let clock = ManualClock::new();
        let limiter = limiter(Quota::per_minute(10), &clock).with_max_keys(100);
        assert_eq!(allowed(&limiter, "busy", 10).await, 10);
        for index in 0..1000 {
            allowed(&limiter, &format!("passer-by-{index}"), 1).await;
            assert!(limiter.tracked_keys() <= 100);
        }
        assert_eq!(
            allowed(&limiter, "busy", 1).await,
            0,
            "the busy key kept its state"
        );
    }

    #[test]
    fn quotas_refuse_periods_too_short_to_count() {
        assert!(Quota::new(10, Duration::ZERO).is_none());
        assert!(Quota::new(10, Duration::from_millis(5)).is_none());
        assert!(Quota::new(10, Duration::from_millis(10)).is_some());
        assert!(Quota::new(0, Duration::from_nanos(1)).is_some());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let limited = |millis| Decision::Limited {
            retry_after: Duration::from_millis(millis),
        };
        assert_eq!(limited(1).retry_after_secs(), Some(1));
        assert_eq!(limited(0).retry_after_secs(), Some(1));
        assert_eq!(limited(6_000).retry_after_secs(), Some(6));
        assert_eq!(limited(6_001).retry_after_secs(), Some(7));
        assert_eq!(Decision::Allowed.retry_after_secs(), None);
    }
}
