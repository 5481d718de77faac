//! The protection of public writes, end to end: the middleware in a tiny router served on a
//! random port, the settings that configure it, and the Redis limiter shared by two connections
//! (stand-ins for two server processes). Redis tests run when `KAIROS_TEST_REDIS_URL` is set
//! (e.g. `redis://127.0.0.1:6379`) and are skipped with a message otherwise.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::post;
use clap::Parser;
use kairos_server::abuse::{
    self, AbuseGuard, Decision, InMemoryRateLimiter, IpNetwork, Origin, Quota, RateLimitError,
    RateLimiter, RedisRateLimiter,
};
use kairos_server::settings::{Cli, ServeSettings};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::net::TcpListener;

const PUBLIC_URL: &str = "https://booking.example.com";

fn guard(limiter: Arc<dyn RateLimiter>, trusted: &[&str]) -> AbuseGuard {
    let trusted = trusted.iter().map(|text| text.parse().unwrap()).collect();
    AbuseGuard::new(limiter, trusted, Origin::parse(PUBLIC_URL).unwrap())
}

fn per_minute(limit: u32) -> Arc<dyn RateLimiter> {
    Arc::new(InMemoryRateLimiter::new(Quota::per_minute(limit)))
}

/// Serves a dummy public route behind the guard; answers its base URL.
async fn spawn(guard: AbuseGuard) -> String {
    let app = Router::new()
        .route(
            "/book",
            post(|| async { "booked" })
                .get(|| async { "slots" })
                .delete(|| async { "cancelled" }),
        )
        .layer(from_fn_with_state(guard, abuse::guard_public_writes));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{address}/book")
}

async fn post_status(url: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = reqwest::Client::new().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn posts_past_the_limit_get_429_with_retry_after() {
    let url = spawn(guard(per_minute(3), &[])).await;
    for _ in 0..3 {
        assert_eq!(post_status(&url, &[]).await, StatusCode::OK);
    }
    let refused = reqwest::Client::new().post(&url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=20).contains(&retry_after),
        "3 a minute refill every 20 s; got {retry_after}"
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"].as_str().unwrap().contains("retry"));
}

#[tokio::test]
async fn other_unsafe_methods_share_the_budget() {
    let url = spawn(guard(per_minute(1), &[])).await;
    assert_eq!(post_status(&url, &[]).await, StatusCode::OK);
    let deleted = reqwest::Client::new().delete(&url).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn gets_are_never_limited() {
    let url = spawn(guard(per_minute(1), &[])).await;
    let client = reqwest::Client::new();
    for _ in 0..20 {
        let reply = client
            .get(&url)
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK);
    }
    assert_eq!(
        post_status(&url, &[]).await,
        StatusCode::OK,
        "GETs spent nothing"
    );
}

#[tokio::test]
async fn a_foreign_origin_is_refused_with_403() {
    let url = spawn(guard(per_minute(10), &[])).await;
    let refused = reqwest::Client::new()
        .post(&url)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    assert_eq!(body["error"]["message"], "cross-origin request refused");
    assert_eq!(
        post_status(&url, &[("referer", "https://evil.example/form")]).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_status(&url, &[("origin", "null")]).await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_public_origin_and_headerless_clients_pass() {
    let url = spawn(guard(per_minute(10), &[])).await;
    assert_eq!(
        post_status(&url, &[("origin", "https://booking.example.com")]).await,
        StatusCode::OK
    );
    assert_eq!(
        post_status(&url, &[("origin", "HTTPS://Booking.Example.com:443")]).await,
        StatusCode::OK
    );
    assert_eq!(
        post_status(
            &url,
            &[("referer", "https://booking.example.com/acme/30min")]
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(post_status(&url, &[]).await, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_clients_get_their_own_budget_only_behind_a_trusted_proxy() {
    let behind_proxy = spawn(guard(per_minute(1), &["127.0.0.0/8"])).await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        let forwarded = [("x-forwarded-for", client)];
        assert_eq!(post_status(&behind_proxy, &forwarded).await, StatusCode::OK);
        assert_eq!(
            post_status(&behind_proxy, &forwarded).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    let untrusted = spawn(guard(per_minute(1), &["10.0.0.0/8"])).await;
    let first = [("x-forwarded-for", "203.0.113.1")];
    let second = [("x-forwarded-for", "203.0.113.2")];
    assert_eq!(post_status(&untrusted, &first).await, StatusCode::OK);
    assert_eq!(
        post_status(&untrusted, &second).await,
        StatusCode::TOO_MANY_REQUESTS,
        "an untrusted peer cannot pick a fresh address"
    );
}

/// A limiter whose store is always down.
#[derive(Debug)]
struct BrokenLimiter;

#[async_trait]
impl RateLimiter for BrokenLimiter {
    async fn acquire(&self, _key: &str) -> Result<Decision, RateLimitError> {
        Err(RateLimitError::Store("connection refused".to_owned()))
    }
}

#[tokio::test]
async fn a_failing_limiter_lets_requests_through() {
    let url = spawn(guard(Arc::new(BrokenLimiter), &[])).await;
    for _ in 0..20 {
        assert_eq!(post_status(&url, &[]).await, StatusCode::OK);
    }
    assert_eq!(
        post_status(&url, &[("origin", "https://evil.example")]).await,
        StatusCode::FORBIDDEN,
        "the Origin check does not depend on the limiter"
    );
}

#[tokio::test]
async fn writes_without_a_known_peer_are_a_wiring_error() {
    let app = Router::new()
        .route("/book", post(|| async { "booked" }))
        .layer(from_fn_with_state(
            guard(per_minute(10), &[]),
            abuse::guard_public_writes,
        ));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{address}/book");
    assert_eq!(
        post_status(&url, &[]).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

#[test]
fn settings_read_the_rate_limit_proxies_and_redis() {
    let defaults = Cli::try_parse_from(["kairos"]).unwrap().serve;
    assert_eq!(defaults.rate_limit_per_minute, 10);
    assert!(defaults.trusted_proxies.is_empty());
    assert_eq!(defaults.redis_url, None);
    assert_eq!(
        ServeSettings::default().rate_limit_per_minute,
        defaults.rate_limit_per_minute
    );

    let cli = Cli::try_parse_from([
        "kairos",
        "--rate-limit-per-minute",
        "0",
        "--trusted-proxies",
        "10.0.0.0/8, 2001:db8::/32",
        "--redis-url",
        "redis://127.0.0.1:6379",
    ])
    .unwrap();
    assert_eq!(cli.serve.rate_limit_per_minute, 0);
    let expected: Vec<IpNetwork> = vec![
        "10.0.0.0/8".parse().unwrap(),
        "2001:db8::/32".parse().unwrap(),
    ];
    assert_eq!(cli.serve.trusted_proxies, expected);
    assert_eq!(
        cli.serve.redis_url.as_deref(),
        Some("redis://127.0.0.1:6379")
    );

    let error = Cli::try_parse_from(["kairos", "--trusted-proxies", "10.0.0.0/33"])
        .unwrap_err()
        .to_string();
    assert!(error.contains("10.0.0.0/33"), "{error}");
    assert!(error.contains("at most 32"), "{error}");
}

#[tokio::test]
async fn the_guard_is_built_from_settings() {
    let settings = ServeSettings {
        public_url: Some("https://Booking.Example.com/".to_owned()),
        ..ServeSettings::default()
    };
    let guard = settings.abuse_guard().await.unwrap();
    assert_eq!(
        guard.public_origin().to_string(),
        "https://booking.example.com"
    );

    let no_origin = ServeSettings {
        public_url: Some("booking.example.com".to_owned()),
        ..ServeSettings::default()
    };
    let error = no_origin.abuse_guard().await.unwrap_err();
    assert!(
        format!("{error:#}").contains("KAIROS_PUBLIC_URL"),
        "{error:#}"
    );

    let unreachable = ServeSettings {
        redis_url: Some("redis://127.0.0.1:1".to_owned()),
        ..ServeSettings::default()
    };
    let error = unreachable.rate_limiter().await.unwrap_err();
    assert!(
        format!("{error:#}").contains("KAIROS_REDIS_URL"),
        "{error:#}"
    );

    let off = ServeSettings {
        rate_limit_per_minute: 0,
        redis_url: Some("redis://127.0.0.1:1".to_owned()),
        ..ServeSettings::default()
    };
    let limiter = off.rate_limiter().await.unwrap();
    for _ in 0..100 {
        assert_eq!(limiter.acquire("key").await.unwrap(), Decision::Allowed);
    }
}

/// The test Redis and a unique key prefix; the keys under it are deleted on drop.
struct RedisFixture {
    url: String,
    prefix: String,
}

impl RedisFixture {
    fn new() -> Option<Self> {
        let url = kairos_test_services::redis_url()?;
        let prefix = format!("kairos-test:{}:", uuid::Uuid::new_v4().simple());
        Some(Self { url, prefix })
    }

    async fn limiter(&self, quota: Quota) -> RedisRateLimiter {
        RedisRateLimiter::connect(&self.url, quota, self.prefix.clone())
            .await
            .unwrap()
    }

    fn keys(&self) -> Vec<String> {
        let mut connection = redis::Client::open(self.url.as_str())
            .unwrap()
            .get_connection()
            .unwrap();
        redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut connection)
            .unwrap()
    }
}

impl Drop for RedisFixture {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut connection) = client.get_connection() else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut connection)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut connection);
        }
    }
}

/// Ten an hour: nothing refills while a test runs.
fn ten_an_hour() -> Quota {
    Quota::new(10, Duration::from_secs(3600)).unwrap()
}

async fn count_allowed(limiter: &RedisRateLimiter, key: &str, attempts: usize) -> usize {
    let mut allowed = 0;
    for _ in 0..attempts {
        if limiter.acquire(key).await.unwrap() == Decision::Allowed {
            allowed += 1;
        }
    }
    allowed
}

#[tokio::test]
async fn two_processes_share_one_redis_budget() {
    let Some(redis) = RedisFixture::new() else {
        return;
    };
    let first = redis.limiter(ten_an_hour()).await;
    let second = redis.limiter(ten_an_hour()).await;
    assert_eq!(count_allowed(&first, "ip4:203.0.113.7", 6).await, 6);
    assert_eq!(count_allowed(&second, "ip4:203.0.113.7", 4).await, 4);
    for limiter in [&first, &second] {
        let refused = limiter.acquire("ip4:203.0.113.7").await.unwrap();
        let wait = refused.retry_after_secs().expect("the 11th is refused");
        assert!(
            (1..=360).contains(&wait),
            "one refills every 360 s; got {wait}"
        );
    }
    assert_eq!(
        count_allowed(&second, "ip4:203.0.113.8", 10).await,
        10,
        "another key has its own budget"
    );
    let keys = redis.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
}

#[tokio::test]
async fn concurrent_requests_across_processes_never_overspend() {
    let Some(redis) = RedisFixture::new() else {
        return;
    };
    let first = Arc::new(redis.limiter(ten_an_hour()).await);
    let second = Arc::new(redis.limiter(ten_an_hour()).await);
    let mut tasks = Vec::new();
    for index in 0..30 {
        let limiter = if index % 2 == 0 {
            Arc::clone(&first)
        } else {
            Arc::clone(&second)
        };
        tasks.push(tokio::spawn(async move {
            limiter.acquire("ip4:198.51.100.1").await.unwrap() == Decision::Allowed
        }));
    }
    let mut allowed = 0;
    for task in tasks {
        if task.await.unwrap() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 10);
}

#[tokio::test]
async fn redis_keys_expire_and_the_budget_recovers() {
    let Some(redis) = RedisFixture::new() else {
        return;
    };
    let limiter = redis
        .limiter(Quota::new(2, Duration::from_millis(400)).unwrap())
        .await;
    assert_eq!(count_allowed(&limiter, "key", 2).await, 2);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        redis.keys().is_empty(),
        "the key expired with its budget full"
    );
    assert_eq!(count_allowed(&limiter, "key", 1).await, 1);
}

#[tokio::test]
async fn a_zero_limit_never_asks_redis() {
    let Some(redis) = RedisFixture::new() else {
        return;
    };
    let limiter = redis.limiter(Quota::per_minute(0)).await;
    assert_eq!(count_allowed(&limiter, "key", 50).await, 50);
    assert!(redis.keys().is_empty());
}

#[tokio::test]
async fn connecting_to_a_missing_redis_fails_clearly() {
    let error = RedisRateLimiter::connect("redis://127.0.0.1:1", Quota::per_minute(10), "x:")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("cannot reach Redis"), "{error}");
    let error = RedisRateLimiter::connect("not a url", Quota::per_minute(10), "x:")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("invalid Redis URL"), "{error}");
}

/// A TCP relay to Redis that can be cut, to lose Redis in the middle of a run.
async fn relay_to(redis_url: &str) -> (String, tokio::task::JoinHandle<()>) {
    let target = redis_url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let relay = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            let target = target.clone();
            connections.spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (format!("redis://{address}"), relay)
}

#[tokio::test]
async fn losing_redis_mid_run_answers_errors_quickly_instead_of_hanging() {
    let Some(redis) = RedisFixture::new() else {
        return;
    };
    let (relay_url, relay) = relay_to(&redis.url).await;
    let limiter = RedisRateLimiter::connect(&relay_url, ten_an_hour(), redis.prefix.clone())
        .await
        .unwrap();
    assert_eq!(count_allowed(&limiter, "key", 1).await, 1);
    relay.abort();
    let _ = relay.await;
    assert!(limiter.acquire("key").await.is_err(), "Redis is gone");
    assert!(
        matches!(limiter.acquire("key").await, Err(RateLimitError::Resting)),
        "right after a failure Redis is left alone"
    );
}
