//! Configuration: one typed [`Cli`] (clap with `KAIROS_*` environment variables), parsed once
//! in `main` and passed down. Every setting has a default that works on a laptop.

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

use crate::abuse::IpNetwork;

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
        }
    }
}
