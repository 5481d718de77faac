//! The outbox worker (docs/architecture.md, "The outbox"): delivers due messages, retries with exponential backoff, and
//! gives up after a configured number of attempts, leaving the message marked failed.
//!
//! Any number of workers, in any number of processes, may share one database: each pass claims
//! a small batch with a lease ([`Store::claim_outbox`]), so no message is held by two workers,
//! and a worker that dies leaves its claims to be taken again when the lease runs out. On
//! shutdown a worker stops between two messages and hands back the claims it has not started
//! on, so a restart neither loses nor repeats a message. The one window left is a crash after
//! the mail server accepted a message and before the outcome was recorded: that message goes
//! out again after the lease, with the same Message-ID, so receivers can tell it is the same.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use jiff::SignedDuration;
use kairos_core::clock::Clock;
use kairos_core::ids::TenantId;
use kairos_core::notification::{Audience, NotificationKind};
use kairos_store::{ClaimedMessage, Delivery, Store, StoreError};
use serde::Deserialize;
use tokio::sync::Notify;

use crate::message::{Mailbox, MessageId, compose};
use crate::notification::Notification;
use crate::template::TemplateOverride;
use crate::transport::Mailer;

/// How a worker behaves.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The sender of every message.
    pub from: Mailbox,
    /// The right-hand side of Message-IDs (`<outbox-id@domain>`).
    pub message_domain: String,
    /// Attempts before a message is marked failed.
    pub max_attempts: u32,
    /// The wait before the first retry; each later one doubles it.
    pub retry_base: Duration,
    /// The longest wait between two attempts.
    pub retry_max: Duration,
    /// How long a claim holds a message; longer than one delivery can take.
    pub lease: Duration,
    /// How often to look for due messages when nothing wakes the worker.
    pub poll: Duration,
    /// Messages claimed per round trip.
    pub batch: u32,
}

/// What the worker has done since it started (for `/metrics`).
#[derive(Debug, Default)]
pub struct WorkerStats {
    pub sent: AtomicU64,
    pub retried: AtomicU64,
    pub failed: AtomicU64,
    /// Claims lost to another worker after a lease ran out (the message was finished elsewhere).
    pub lost_claims: AtomicU64,
    /// Passes that ended with a store error.
    pub store_errors: AtomicU64,
}

/// Delivers the outbox. Cheap to clone; clones share their stats and wake signal.
#[derive(Debug, Clone)]
pub struct OutboxWorker {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    config: Arc<WorkerConfig>,
    wake: Arc<Notify>,
    stats: Arc<WorkerStats>,
}

impl OutboxWorker {
    /// A worker woken early by `wake` (rung when a booking change queues messages), counting
    /// into `stats`.
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        clock: Arc<dyn Clock>,
        config: WorkerConfig,
        wake: Arc<Notify>,
        stats: Arc<WorkerStats>,
    ) -> Self {
        Self {
            store,
            mailer,
            clock,
            config: Arc::new(config),
            wake,
            stats,
        }
    }

    /// The counters of this worker and its clones.
    pub fn stats(&self) -> Arc<WorkerStats> {
        Arc::clone(&self.stats)
    }

    /// Runs until `shutdown` completes: a pass over everything due, then a wait for the next
    /// poll or wake-up. When `shutdown` fires during a pass, the pass stops after the message
    /// being sent and hands back the rest of its batch.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        let stopping = Arc::new(AtomicBool::new(false));
        let stopped = Arc::new(Notify::new());
        let watcher = {
            let (stopping, stopped) = (Arc::clone(&stopping), Arc::clone(&stopped));
            tokio::spawn(async move {
                shutdown.await;
                stopping.store(true, Ordering::SeqCst);
                stopped.notify_one();
            })
        };
        while !stopping.load(Ordering::SeqCst) {
            if let Err(error) = self.drain(&stopping).await {
                self.stats.store_errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%error, "outbox pass failed; trying again at the next poll");
            }
            if stopping.load(Ordering::SeqCst) {
                break;
            }
            tokio::select! {
                () = stopped.notified() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.config.poll) => {}
            }
        }
        watcher.abort();
    }

    /// Delivers everything due now, batch after batch; returns how many messages it finished.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        self.drain(&AtomicBool::new(false)).await
    }

    async fn drain(&self, stopping: &AtomicBool) -> Result<usize, StoreError> {
        let mut finished = 0;
        loop {
            let now = self.clock.now();
            let lease_until = now
                .checked_add(
                    SignedDuration::try_from(self.config.lease)
                        .unwrap_or(SignedDuration::from_mins(5)),
                )
                .unwrap_or(now);
            let batch = self
                .store
                .claim_outbox(now, lease_until, self.config.batch)
                .await?;
            if batch.is_empty() {
                return Ok(finished);
            }
            let mut overrides = HashMap::new();
            let mut batch = batch.into_iter();
            for claimed in batch.by_ref() {
                let delivery = self.deliver(&claimed, &mut overrides).await;
                self.finish(&claimed, delivery).await?;
                finished += 1;
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
            }
            for claimed in batch {
                // Not started: hand it back without counting the attempt.
                self.store
                    .finish_outbox(&claimed, Delivery::Released, self.clock.now())
                    .await?;
            }
            if stopping.load(Ordering::SeqCst) {
                return Ok(finished);
            }
        }
    }

    async fn finish(&self, claimed: &ClaimedMessage, delivery: Delivery) -> Result<(), StoreError> {
        let counter = match &delivery {
            Delivery::Sent => &self.stats.sent,
            Delivery::Retry { .. } => &self.stats.retried,
            Delivery::Failed { .. } => &self.stats.failed,
            Delivery::Released => return Ok(()),
        };
        let held = self
            .store
            .finish_outbox(claimed, delivery.clone(), self.clock.now())
            .await?;
        if held {
            counter.fetch_add(1, Ordering::Relaxed);
        } else {
            self.stats.lost_claims.fetch_add(1, Ordering::Relaxed);
        }
        let message = &claimed.message;
        match delivery {
            Delivery::Sent => {
                tracing::info!(id = %message.id, kind = message.kind.as_str(), audience = message.audience.as_str(), "notification sent")
            }
            Delivery::Retry { at, error } => {
                tracing::warn!(id = %message.id, attempts = message.attempts, %at, %error, "notification not sent; will retry")
            }
            Delivery::Failed { error } => {
                tracing::error!(id = %message.id, attempts = message.attempts, %error, "notification failed; giving up")
            }
            Delivery::Released => {}
        }
        Ok(())
    }

    /// One attempt at one message.
    async fn deliver(
        &self,
        claimed: &ClaimedMessage,
        overrides: &mut HashMap<(TenantId, NotificationKind, Audience), Option<TemplateOverride>>,
    ) -> Delivery {
        let message = &claimed.message;
        let notification = match Notification::deserialize(&message.payload) {
            Ok(notification) => notification,
            Err(error) => {
                return Delivery::Failed {
                    error: format!("unreadable message payload: {error}"),
                };
            }
        };
        let key = (message.tenant_id, message.kind, message.audience);
        let template = match self.template(key, overrides).await {
            Ok(template) => template,
            Err(error) => {
                return self.retry(message.attempts, format!("reading templates: {error}"));
            }
        };
        let id = match MessageId::parse(&format!("{}@{}", message.id, self.config.message_domain)) {
            Ok(id) => id,
            Err(error) => {
                return Delivery::Failed {
                    error: error.to_string(),
                };
            }
        };
        let email = match compose(
            &notification,
            template.as_ref(),
            &self.config.from,
            &id,
            self.clock.now(),
        ) {
            Ok(email) => email,
            Err(error) => {
                return Delivery::Failed {
                    error: error.to_string(),
                };
            }
        };
        match self.mailer.send(&email).await {
            Ok(()) => Delivery::Sent,
            Err(error) if error.is_permanent() => Delivery::Failed {
                error: error.to_string(),
            },
            Err(error) => self.retry(message.attempts, error.to_string()),
        }
    }

    /// A retry after a transient failure on attempt `attempts`, or the end of trying.
    fn retry(&self, attempts: u32, error: String) -> Delivery {
        if attempts >= self.config.max_attempts {
            return Delivery::Failed {
                error: format!("gave up after {attempts} attempts: {error}"),
            };
        }
        let wait = backoff(self.config.retry_base, self.config.retry_max, attempts);
        let now = self.clock.now();
        let at = SignedDuration::try_from(wait)
            .ok()
            .and_then(|wait| now.checked_add(wait).ok())
            .unwrap_or(now);
        Delivery::Retry { at, error }
    }

    /// The tenant's override for `key`, read once per tenant per batch.
    async fn template(
        &self,
        key: (TenantId, NotificationKind, Audience),
        cache: &mut HashMap<(TenantId, NotificationKind, Audience), Option<TemplateOverride>>,
    ) -> Result<Option<TemplateOverride>, StoreError> {
        if let Some(found) = cache.get(&key) {
            return Ok(found.clone());
        }
        let tenant = key.0;
        let templates = self.store.notification_templates(tenant).await?;
        for kind in NotificationKind::ALL {
            for audience in [Audience::Host, Audience::Invitee] {
                let parsed = templates
                    .iter()
                    .find(|t| t.kind == kind && t.audience == audience)
                    .and_then(|t| {
                        TemplateOverride::parse(t.subject.as_deref(), t.body.as_deref())
                            .map_err(|error| {
                                tracing::warn!(%tenant, kind = kind.as_str(), %error, "stored template no longer parses; using the default");
                            })
                            .ok()
                    });
                cache.insert((tenant, kind, audience), parsed);
            }
        }
        Ok(cache.get(&key).cloned().flatten())
    }
}

/// The wait after attempt `attempts` (1-based): `base`, then doubling, at most `max`.
pub fn backoff(base: Duration, max: Duration, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(32);
    base.checked_mul(1u32 << doublings.min(31))
        .unwrap_or(max)
        .min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(3600);
        let waits: Vec<u64> = (1..=9).map(|n| backoff(base, max, n).as_secs()).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(base, max, 0), base);
        assert_eq!(backoff(base, max, u32::MAX), max);
    }
}
