//! Protection of the public write routes (docs/architecture.md, "Abuse"): an Origin check
//! against cross-site request forgery, then a rate limit per client IP.
//!
//! Apply [`guard_public_writes`] to the public router with
//! `axum::middleware::from_fn_with_state(guard, abuse::guard_public_writes)`, where `guard` is an
//! [`AbuseGuard`] built once at start-up by
//! [`ServeSettings::abuse_guard`](crate::settings::ServeSettings::abuse_guard).
//!
//! What is guaranteed, for every request with a method that is not safe (anything but `GET`,
//! `HEAD`, `OPTIONS` and `TRACE`; safe requests pass untouched and are never counted):
//! - A request whose `Origin` (or, without one, `Referer`) names another origin than the
//!   configured public URL is refused with 403 `forbidden` before it is counted.
//! - Each client address gets `KAIROS_RATE_LIMIT_PER_MINUTE` requests at once (10 by default),
//!   refilled one every minute / limit; past that the answer is 429 `rate_limited` with a
//!   `Retry-After` of whole seconds (at least 1) after which one more request will pass. 0 turns
//!   the limit off.
//! - The client address is the socket peer; `X-Forwarded-For` is read only when the peer is in
//!   `KAIROS_TRUSTED_PROXIES` (see [`client_ip`]). IPv6 clients are counted per /64.
//! - Limits are per process, or shared by every process when `KAIROS_REDIS_URL` is set.
//! - **The limit fails open**: when Redis cannot answer (down, slow beyond
//!   [`RedisRateLimiter::CALL_TIMEOUT`]), the request proceeds unlimited and a warning is
//!   logged, so a Redis outage never turns bookings into errors. Redis must be reachable when the
//!   server starts, though, so a wrong URL is caught at once.

mod limiter;
mod network;
mod origin;
mod redis_limiter;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use self::limiter::{
    DEFAULT_MAX_KEYS, Decision, InMemoryRateLimiter, Quota, RateLimitError, RateLimiter,
};
pub use self::network::{IpNetwork, IpNetworkError, client_ip, rate_limit_key};
pub use self::origin::{Origin, OriginError, is_allowed_origin};
pub use self::redis_limiter::RedisRateLimiter;

use crate::app::AppError;

/// Where the rate limits of public writes live in Redis by default (`KAIROS_REDIS_KEY_PREFIX`).
pub const REDIS_KEY_PREFIX: &str = "kairos:rate-limit:public-write:";

/// What [`guard_public_writes`] needs: the limiter, the trusted proxies and the public origin.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct AbuseGuard {
    limiter: Arc<dyn RateLimiter>,
    trusted_proxies: Arc<[IpNetwork]>,
    public_origin: Arc<Origin>,
}

impl AbuseGuard {
    /// A guard from its parts.
    pub fn new(
        limiter: Arc<dyn RateLimiter>,
        trusted_proxies: Vec<IpNetwork>,
        public_origin: Origin,
    ) -> Self {
        Self {
            limiter,
            trusted_proxies: trusted_proxies.into(),
            public_origin: Arc::new(public_origin),
        }
    }

    /// The origin public writes must come from.
    pub fn public_origin(&self) -> &Origin {
        &self.public_origin
    }
}

/// Middleware for the public routes: for every request with an unsafe method, the Origin check
/// and then the rate limit described in the [module docs](self); safe methods pass untouched.
///
/// Needs the socket peer: serve with `into_make_service_with_connect_info::<SocketAddr>()` (or,
/// in tests, add `MockConnectInfo`). Without it, writes answer 500, since a limit that cannot
/// tell clients apart is a wiring bug.
pub async fn guard_public_writes(
    State(guard): State<AbuseGuard>,
    request: Request,
    next: Next,
) -> Response {
    match admit(&guard, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => crate::api::error::ApiError::from(refusal).into_response(),
    }
}

/// The check behind [`guard_public_writes`], for middleware that answers refusals in another
/// form (the booking pages answer HTML): the request back when it may proceed, or why not
/// (403 `Forbidden`, 429 `TooManyRequests`, or 500 when the peer address is unknown).
pub async fn admit(guard: &AbuseGuard, request: Request) -> Result<Request, AppError> {
    if request.method().is_safe() {
        return Ok(request);
    }
    check_origin(guard, &request)?;
    rate_limit(guard, request).await
}

/// The message of a write refused by the Origin check.
pub const CROSS_ORIGIN_REFUSED: &str = "cross-origin request refused";

/// The Origin check alone: refuses (403) an unsafe request whose `Origin` (or, without one,
/// `Referer`) is not the public origin. Safe methods pass.
pub fn check_origin(guard: &AbuseGuard, request: &Request) -> Result<(), AppError> {
    if request.method().is_safe() || is_allowed_origin(request.headers(), &guard.public_origin) {
        return Ok(());
    }
    let headers = request.headers();
    tracing::debug!(
        origin = ?headers.get(header::ORIGIN),
        referer = ?headers.get(header::REFERER),
        "refused a cross-origin write"
    );
    Err(AppError::Forbidden(CROSS_ORIGIN_REFUSED.to_owned()))
}

/// The per-client rate limit alone (whatever the method): the request back while the client
/// is under its limit, 429 once it is over.
pub async fn rate_limit(guard: &AbuseGuard, request: Request) -> Result<Request, AppError> {
    let (mut parts, body) = request.into_parts();
    let peer = match ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, &()).await {
        Ok(ConnectInfo(peer)) => peer,
        Err(_) => {
            return Err(AppError::Internal(
                "the peer address is unknown: serve with into_make_service_with_connect_info"
                    .into(),
            ));
        }
    };
    let request = Request::from_parts(parts, body);
    let client = client_ip(peer.ip(), request.headers(), &guard.trusted_proxies);
    match guard.limiter.acquire(&rate_limit_key(client)).await {
        Ok(Decision::Allowed) => Ok(request),
        Ok(limited) => {
            let retry_after_secs = limited.retry_after_secs().unwrap_or(1);
            tracing::debug!(%client, retry_after_secs, "rate limited a public write");
            Err(AppError::TooManyRequests { retry_after_secs })
        }
        Err(RateLimitError::Resting) => {
            tracing::debug!(%client, "rate limiter resting; letting the request through");
            Ok(request)
        }
        Err(error) => {
            tracing::warn!(%error, %client, "rate limiter unavailable; letting the request through");
            Ok(request)
        }
    }
}
