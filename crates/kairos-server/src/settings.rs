//! Configuration: one typed [`Cli`] (clap with `KAIROS_*` environment variables), parsed once
//! in `main` and passed down. Every setting has a default that works on a laptop.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::abuse::{
    AbuseGuard, InMemoryRateLimiter, IpNetwork, Origin, Quota, RateLimiter, RedisRateLimiter,
};

/// `kairos`: a multi-tenant scheduling and booking server.
#[derive(Debug, Parser)]
#[command(name = "kairos", version, about, long_about = None)]
pub struct Cli {
    /// Database URL: `sqlite://PATH` (embedded, the default) or `postgres://…`.
    #[arg(
        long,
        env = "KAIROS_DATABASE_URL",
        default_value = "sqlite://./data/kairos.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    #[command(flatten)]
    pub serve: ServeSettings,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; nothing means `serve`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and pages (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
}

/// Tenant administration.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant with an owner account; prints JSON with the tenant id, the owner's
    /// scheduling profile id and an API token.
    Create {
        /// URL slug, e.g. `acme`.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. `Acme Inc.`.
        #[arg(long)]
        name: String,
        /// The owner's email address.
        #[arg(long)]
        admin_email: String,
        /// The owner's password for the admin pages (at least 10 characters). Without it the
        /// owner can only use the API token.
        #[arg(long, env = "KAIROS_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
        /// The owner's time zone.
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
}

/// How the server runs.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeSettings {
    /// Address to listen on.
    #[arg(
        long,
        env = "KAIROS_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,

    /// The public base URL, used in links and for the Origin check on public POSTs.
    /// Defaults to `http://` + the bind address.
    #[arg(long, env = "KAIROS_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Do not create the demo tenant on an empty database.
    #[arg(long, global = true)]
    pub no_demo: bool,

    /// Create the demo tenant on an empty database (`KAIROS_DEMO=false` turns it off).
    #[arg(
        long,
        env = "KAIROS_DEMO",
        default_value_t = true,
        hide = true,
        global = true
    )]
    pub demo: bool,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "KAIROS_MAX_BODY_BYTES", default_value_t = 64 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Log format: `human` or `json`.
    #[arg(
        long,
        env = "KAIROS_LOG_FORMAT",
        default_value = "human",
        global = true
    )]
    pub log_format: LogFormat,

    /// Public writes (booking, cancelling, …) allowed per client IP per minute; 0 turns the
    /// limit off.
    #[arg(
        long,
        env = "KAIROS_RATE_LIMIT_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub rate_limit_per_minute: u32,

    /// Comma-separated CIDRs of reverse proxies whose `X-Forwarded-For` is believed, e.g.
    /// `10.0.0.0/8,2001:db8::/32`. Empty: the client IP is always the socket peer.
    #[arg(
        long,
        env = "KAIROS_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<IpNetwork>,

    /// Redis URL (`redis://host:6379`) to share rate limits across server processes. Without it
    /// each process limits on its own. If Redis stops answering, requests are let through.
    #[arg(long, env = "KAIROS_REDIS_URL", global = true, hide_env_values = true)]
    pub redis_url: Option<String>,

    /// Prefix of the rate-limit keys in Redis, so several deployments can share one Redis.
    #[arg(long, env = "KAIROS_REDIS_KEY_PREFIX", default_value = crate::abuse::REDIS_KEY_PREFIX, global = true)]
    pub redis_key_prefix: String,

    #[command(flatten)]
    pub mail: MailSettings,
}

/// How notifications go out (docs/architecture.md, "The outbox").
#[derive(Debug, Clone, clap::Args)]
pub struct MailSettings {
    /// SMTP server host. Without it, emails are written as `.eml` files to `--mail-dir`.
    #[arg(long, env = "KAIROS_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// SMTP port (587 for STARTTLS, 465 for implicit TLS, 25 or a sink's port for none).
    #[arg(long, env = "KAIROS_SMTP_PORT", default_value_t = 587, global = true)]
    pub smtp_port: u16,

    /// SMTP transport security: `starttls` (required), `tls` (implicit, port 465) or `none`.
    #[arg(
        long,
        env = "KAIROS_SMTP_SECURITY",
        default_value = "starttls",
        global = true
    )]
    pub smtp_security: SmtpSecurity,

    /// SMTP user name (with `--smtp-password`).
    #[arg(long, env = "KAIROS_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,

    /// SMTP password.
    #[arg(
        long,
        env = "KAIROS_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,

    /// Seconds one SMTP delivery may take before it counts as failed (and is retried).
    #[arg(
        long,
        env = "KAIROS_SMTP_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub smtp_timeout_secs: u64,

    /// The sender of every email, e.g. `Acme Scheduling <bookings@acme.example>`. Defaults to
    /// `notifications@` + the public URL's host.
    #[arg(long, env = "KAIROS_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,

    /// Where emails are written as `.eml` files when no SMTP host is set.
    #[arg(
        long,
        env = "KAIROS_MAIL_DIR",
        default_value = "./data/mail",
        global = true
    )]
    pub mail_dir: std::path::PathBuf,

    /// Run the outbox worker in this process (`false` for processes that only serve HTTP).
    #[arg(
        long,
        env = "KAIROS_OUTBOX_WORKER",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub outbox_worker: bool,

    /// Delivery attempts before a message is marked failed.
    #[arg(
        long,
        env = "KAIROS_OUTBOX_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub outbox_max_attempts: u32,

    /// Seconds before the first retry; each later retry waits twice as long as the one before.
    #[arg(
        long,
        env = "KAIROS_OUTBOX_RETRY_SECS",
        default_value_t = 30,
        global = true
    )]
    pub outbox_retry_secs: u64,

    /// The longest wait between two retries, in seconds.
    #[arg(
        long,
        env = "KAIROS_OUTBOX_RETRY_MAX_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub outbox_retry_max_secs: u64,

    /// How often the worker looks for due messages, in milliseconds (new bookings wake it at
    /// once).
    #[arg(
        long,
        env = "KAIROS_OUTBOX_POLL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub outbox_poll_ms: u64,
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpSecurity {
    /// Plain SMTP (a local relay or a test sink).
    None,
    /// STARTTLS, required.
    Starttls,
    /// Implicit TLS from the first byte (SMTPS, port 465).
    Tls,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_host: None,
            smtp_port: 587,
            smtp_security: SmtpSecurity::Starttls,
            smtp_username: None,
            smtp_password: None,
            smtp_timeout_secs: 30,
            mail_from: None,
            mail_dir: std::path::PathBuf::from("./data/mail"),
            outbox_worker: true,
            outbox_max_attempts: 8,
            outbox_retry_secs: 30,
            outbox_retry_max_secs: 3600,
            outbox_poll_ms: 1000,
        }
    }
}

impl ServeSettings {
    /// Whether to seed the demo tenant into an empty database.
    pub fn seeds_demo(&self) -> bool {
        self.demo && !self.no_demo
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The rate limiter of public writes these settings ask for: Redis when `KAIROS_REDIS_URL`
    /// is set (connecting now), the in-process limiter otherwise, and one that never limits
    /// when the limit is 0.
    pub async fn rate_limiter(&self) -> anyhow::Result<Arc<dyn RateLimiter>> {
        let quota = Quota::per_minute(self.rate_limit_per_minute);
        if quota.is_off() {
            tracing::info!(
                "rate limiting of public writes is off (KAIROS_RATE_LIMIT_PER_MINUTE=0)"
            );
            return Ok(Arc::new(InMemoryRateLimiter::new(quota)));
        }
        match &self.redis_url {
            Some(url) => {
                let limiter = RedisRateLimiter::connect(url, quota, &self.redis_key_prefix)
                    .await
                    .context("connecting the rate limiter to KAIROS_REDIS_URL")?;
                tracing::info!(
                    per_minute = quota.limit(),
                    "public writes are rate limited in Redis"
                );
                Ok(Arc::new(limiter))
            }
            None => Ok(Arc::new(InMemoryRateLimiter::new(quota))),
        }
    }

    /// The guard of public writes these settings describe (see [`Self::rate_limiter`]); fails
    /// when the public URL has no origin or Redis is configured but unreachable.
    pub async fn abuse_guard(&self) -> anyhow::Result<AbuseGuard> {
        let public_origin = Origin::parse(&self.public_url())
            .context("KAIROS_PUBLIC_URL is needed for the Origin check")?;
        let limiter = self.rate_limiter().await?;
        Ok(AbuseGuard::new(
            limiter,
            self.trusted_proxies.clone(),
            public_origin,
        ))
    }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line.
    Json,
}

impl Default for ServeSettings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            no_demo: false,
            demo: true,
            max_body_bytes: 64 * 1024,
            log_format: LogFormat::Human,
            rate_limit_per_minute: 10,
            trusted_proxies: Vec::new(),
            redis_url: None,
            redis_key_prefix: crate::abuse::REDIS_KEY_PREFIX.to_owned(),
            mail: MailSettings::default(),
        }
    }
}
