//! Two `kairos serve` processes sharing one PostgreSQL: the booking guarantee holds across
//! processes (the lock and the exclusion constraint live in the database, not in memory).
//! Skipped without `KAIROS_TEST_DATABASE_URL` (failed under `KAIROS_TEST_REQUIRE_ALL=1`).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Database {
    admin_url: String,
    name: String,
    url: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(&self.admin_url)
            .args([
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn database() -> Option<Database> {
    let admin_url = kairos_test_services::postgres_url()?;
    use sqlx::Connection;
    let name = format!("kairos_procs_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create database");
    let url = format!(
        "{}/{name}",
        admin_url.rsplit_once('/').expect("database path").0
    );
    Some(Database {
        admin_url,
        name,
        url,
    })
}

fn kairos(url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kairos"));
    command
        .env("KAIROS_DATABASE_URL", url)
        .env("KAIROS_DEMO", "false")
        .env("KAIROS_RATE_LIMIT_PER_MINUTE", "0")
        .env("KAIROS_OUTBOX_WORKER", "false")
        .env_remove("KAIROS_REDIS_URL")
        .env("RUST_LOG", "warn");
    command
}

async fn serve(url: &str, extra_env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut command = kairos(url);
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let child = command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn kairos serve");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("{}/readyz", server.base)).send().await
            && response.status().is_success()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("kairos serve did not become ready");
}

fn create_tenant(url: &str) -> String {
    let output = kairos(url)
        .args([
            "tenant",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-email",
            "owner@acme.example",
        ])
        .output()
        .expect("kairos tenant create");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_slice(&output.stdout).expect("json");
    created["apiToken"].as_str().expect("token").to_owned()
}

async fn prepare_host(client: &reqwest::Client, base: &str, token: &str) -> (Value, Value) {
    let admin = |path: &str| format!("{base}/api/admin/scheduling{path}");
    let day = json!([{ "start": "00:00", "end": "24:00" }]);
    let put = client
        .put(admin("/availability"))
        .bearer_auth(token)
        .json(&json!({ "timezone": "UTC", "weeklySchedule": {
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day, "saturday": day, "sunday": day }}))
        .send()
        .await
        .expect("availability");
    assert!(put.status().is_success());
    let settings = client
        .put(admin("/settings"))
        .bearer_auth(token)
        .json(&json!({ "minimumNoticeHours": 0, "bookingWindowDays": 30, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 }))
        .send()
        .await
        .expect("settings");
    assert!(settings.status().is_success());
    let mut types = Vec::new();
    for (slug, duration) in [("short", 30), ("long", 60)] {
        let created: Value = client
            .post(admin("/event-types"))
            .bearer_auth(token)
            .json(&json!({ "name": slug, "slug": slug, "duration": duration, "slotInterval": 15 }))
            .send()
            .await
            .expect("event type")
            .json()
            .await
            .expect("json");
        types.push(created);
    }
    let long = types.pop().expect("long");
    let short = types.pop().expect("short");
    (short, long)
}

fn tomorrow_at(hour: i8, minute: i8) -> String {
    // Read once per run, so a run that crosses midnight still books on one date.
    static TOMORROW: std::sync::OnceLock<jiff::civil::Date> = std::sync::OnceLock::new();
    let tomorrow = *TOMORROW.get_or_init(|| {
        #[allow(clippy::disallowed_methods)]
        let today = jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        today.tomorrow().expect("date")
    });
    tomorrow
        .at(hour, minute, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .expect("instant")
        .timestamp()
        .to_string()
}

async fn post_all(client: &reqwest::Client, requests: Vec<(String, Value)>) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(url, body)| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task").expect("request"));
    }
    statuses
}

fn booking(event_type: &Value, start: &str) -> Value {
    json!({ "eventTypeId": event_type["id"], "startTime": start,
            "invitee": { "name": "Ivy", "email": "ivy@example.com", "timezone": "UTC" } })
}

#[tokio::test]
async fn two_processes_on_one_postgres_never_double_book() {
    let Some(database) = database().await else {
        return;
    };
    let token = create_tenant(&database.url);
    let first = serve(&database.url, &[]).await;
    let second = serve(&database.url, &[]).await;
    let client = reqwest::Client::new();
    let (short, long) = prepare_host(&client, &first.base, &token).await;
    let bookings = |server: &Server| format!("{}/api/public/scheduling/acme/bookings", server.base);

    let same_slot: Vec<_> = (0..40)
        .map(|i| {
            let server = if i % 2 == 0 { &first } else { &second };
            (bookings(server), booking(&short, &tomorrow_at(10, 0)))
        })
        .collect();
    let statuses = post_all(&client, same_slot).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        39,
        "{statuses:?}"
    );

    let mut mixed = Vec::new();
    for step in 0..8i8 {
        let start = tomorrow_at(12 + step / 4, (step % 4) * 15);
        mixed.push((bookings(&first), booking(&short, &start)));
        mixed.push((bookings(&second), booking(&long, &start)));
    }
    let statuses = post_all(&client, mixed).await;
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let list: Value = client
        .get(format!(
            "{}/api/admin/scheduling/bookings?status=confirmed&limit=200",
            second.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let mut intervals: Vec<(jiff::Timestamp, jiff::Timestamp)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| {
            (
                b["startTime"]
                    .as_str()
                    .expect("start")
                    .parse()
                    .expect("instant"),
                b["endTime"]
                    .as_str()
                    .expect("end")
                    .parse()
                    .expect("instant"),
            )
        })
        .collect();
    intervals.sort();
    assert!(intervals.len() >= 2);
    for pair in intervals.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "overlapping confirmed bookings: {pair:?}"
        );
    }
}

#[tokio::test]
async fn two_processes_share_one_rate_limit_through_redis() {
    let Some(redis_url) = kairos_test_services::redis_url() else {
        return;
    };
    let Some(database) = database().await else {
        return;
    };
    create_tenant(&database.url);
    let prefix = format!("kairos-test:{}:", uuid::Uuid::new_v4().simple());
    let env = [
        ("KAIROS_RATE_LIMIT_PER_MINUTE", "10"),
        ("KAIROS_REDIS_URL", redis_url.as_str()),
        ("KAIROS_REDIS_KEY_PREFIX", prefix.as_str()),
    ];
    let first = serve(&database.url, &env).await;
    let second = serve(&database.url, &env).await;
    let client = reqwest::Client::new();

    let foreign = client
        .post(format!(
            "{}/api/public/scheduling/acme/bookings",
            first.base
        ))
        .header("origin", "https://evil.example")
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status().as_u16(), 403);

    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..16 {
        let server = if i % 2 == 0 { &first } else { &second };
        let response = client
            .post(format!(
                "{}/api/public/scheduling/acme/bookings",
                server.base
            ))
            .json(&json!({}))
            .send()
            .await
            .expect("request");
        if response.status().as_u16() == 429 {
            retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
        }
        statuses.push(response.status().as_u16());
    }
    // The refused cross-origin request above spent no budget: ten requests pass (and fail
    // validation), whichever process they reach; the rest are limited on both.
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        6,
        "{statuses:?}"
    );
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    let seconds: u64 = retry_after
        .expect("Retry-After")
        .parse()
        .expect("integer seconds");
    assert!(seconds >= 1);

    let redis = redis::Client::open(redis_url.as_str()).expect("redis client");
    let mut connection = redis
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut connection)
        .await
        .expect("keys");
    assert!(!keys.is_empty(), "the budget lives in Redis");
    let _: () = redis::cmd("DEL")
        .arg(&keys)
        .query_async(&mut connection)
        .await
        .expect("del");
}

#[path = "api/smtp.rs"]
#[allow(dead_code)]
mod smtp;

/// A counter from a server's /metrics.
async fn metric(client: &reqwest::Client, server: &Server, line_start: &str) -> u64 {
    let text = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find_map(|line| line.strip_prefix(line_start))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {line_start} in\n{text}"))
}

#[tokio::test]
async fn two_workers_on_one_postgres_deliver_each_message_once() {
    let Some(database) = database().await else {
        return;
    };
    if !smtp::available() {
        return;
    }
    let sink = smtp::SmtpSink::start();
    let port = sink.port.to_string();
    let env = [
        ("KAIROS_OUTBOX_WORKER", "true"),
        ("KAIROS_SMTP_HOST", "127.0.0.1"),
        ("KAIROS_SMTP_PORT", port.as_str()),
        ("KAIROS_SMTP_SECURITY", "none"),
        ("KAIROS_MAIL_FROM", "Acme <bookings@acme.example>"),
        ("KAIROS_OUTBOX_POLL_MS", "20"),
    ];
    let token = create_tenant(&database.url);
    let first = serve(&database.url, &env).await;
    let second = serve(&database.url, &env).await;
    let client = reqwest::Client::new();
    prepare_host(&client, &first.base, &token).await;
    let event_type: Value = client
        .post(format!("{}/api/admin/scheduling/event-types", first.base))
        .bearer_auth(&token)
        .json(&json!({ "name": "Call", "slug": "call", "duration": 30,
                       "reminderSettings": { "enabled": false, "reminders": [] } }))
        .send()
        .await
        .expect("event type")
        .json()
        .await
        .expect("json");
    let bookings = 30;
    let requests: Vec<_> = (0..bookings)
        .map(|i: i8| {
            let server = if i % 2 == 0 { &first } else { &second };
            (
                format!("{}/api/public/scheduling/acme/bookings", server.base),
                booking(&event_type, &tomorrow_at(i / 2, (i % 2) * 30)),
            )
        })
        .collect();
    let statuses = post_all(&client, requests).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    let expected = usize::try_from(bookings).expect("count") * 2;
    let emails = sink.wait_for(expected).await;
    // Give a duplicate the time to show up, should there be one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let emails = if sink.messages().len() > emails.len() {
        sink.messages()
    } else {
        emails
    };
    let mut ids: Vec<&str> = emails.iter().map(|e| e.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(emails.len(), expected, "every message once");
    assert_eq!(ids.len(), expected, "no Message-ID twice");

    let sent_line = "kairos_outbox_deliveries_total{outcome=\"sent\"}";
    let by_first = metric(&client, &first, sent_line).await;
    let by_second = metric(&client, &second, sent_line).await;
    assert_eq!(
        usize::try_from(by_first + by_second).expect("count"),
        expected
    );
    assert!(
        by_first > 0 && by_second > 0,
        "both processes shared the work: {by_first} + {by_second}"
    );
    let lost = "kairos_outbox_deliveries_total{outcome=\"lost_claim\"}";
    assert_eq!(
        metric(&client, &first, lost).await + metric(&client, &second, lost).await,
        0
    );
    assert_eq!(
        metric(&client, &first, "kairos_outbox_messages{status=\"sent\"}").await,
        u64::try_from(expected).expect("count")
    );
}

/// Stops a server the way a service manager does (SIGTERM) and waits for it to exit.
fn terminate(mut server: Server) -> std::process::ExitStatus {
    let pid = server.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    for _ in 0..200 {
        if let Ok(Some(status)) = server.child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("kairos serve did not stop within 10 s of SIGTERM");
}

async fn outbox_rows(database: &Database, condition: &str) -> i64 {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(&database.url)
        .await
        .expect("connect");
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM scheduling_outbox WHERE {condition}"
    )))
    .fetch_one(&mut connection)
    .await
    .expect("count")
}

#[tokio::test]
async fn a_restart_in_the_middle_of_sending_neither_loses_nor_repeats() {
    let Some(database) = database().await else {
        return;
    };
    if !smtp::available() {
        return;
    }
    // A mail server that takes 300 ms per message: 40 messages take 12 s to send.
    let sink = smtp::SmtpSink::start_slow(300);
    let port = sink.port.to_string();
    let env = [
        ("KAIROS_OUTBOX_WORKER", "true"),
        ("KAIROS_SMTP_HOST", "127.0.0.1"),
        ("KAIROS_SMTP_PORT", port.as_str()),
        ("KAIROS_SMTP_SECURITY", "none"),
        ("KAIROS_MAIL_FROM", "Acme <bookings@acme.example>"),
        ("KAIROS_OUTBOX_POLL_MS", "20"),
    ];
    let token = create_tenant(&database.url);
    let first = serve(&database.url, &env).await;
    let client = reqwest::Client::new();
    prepare_host(&client, &first.base, &token).await;
    let event_type: Value = client
        .post(format!("{}/api/admin/scheduling/event-types", first.base))
        .bearer_auth(&token)
        .json(&json!({ "name": "Call", "slug": "call", "duration": 30,
                       "reminderSettings": { "enabled": false, "reminders": [] } }))
        .send()
        .await
        .expect("event type")
        .json()
        .await
        .expect("json");
    let requests: Vec<_> = (0..20i8)
        .map(|i| {
            (
                format!("{}/api/public/scheduling/acme/bookings", first.base),
                booking(&event_type, &tomorrow_at(i / 2, (i % 2) * 30)),
            )
        })
        .collect();
    let statuses = post_all(&client, requests).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    // Stop the server while it is sending.
    sink.wait_for(3).await;
    let status = terminate(first);
    assert!(status.success(), "a clean exit on SIGTERM: {status:?}");
    let delivered = sink.messages().len();
    assert!(delivered < 40, "stopped in the middle: {delivered} sent");
    let sent = outbox_rows(&database, "status = 'sent'").await;
    assert_eq!(
        usize::try_from(sent).expect("count"),
        delivered,
        "every message the server accepted is recorded as sent, and no other"
    );
    assert_eq!(
        outbox_rows(&database, "locked_until IS NOT NULL").await,
        0,
        "no claim is left behind"
    );
    assert_eq!(
        outbox_rows(&database, "status = 'pending' AND attempts > 0").await,
        0,
        "the messages handed back count no attempt"
    );

    // A restart finishes the queue: every message once.
    let _second = serve(&database.url, &env).await;
    let emails = sink.wait_for(40).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let emails = if sink.messages().len() > emails.len() {
        sink.messages()
    } else {
        emails
    };
    let mut ids: Vec<&str> = emails.iter().map(|e| e.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(emails.len(), 40);
    assert_eq!(ids.len(), 40, "no message twice");
}
