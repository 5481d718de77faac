//! A small load generator for a running Kairos server (see `scripts/load.sh`).
//!
//! It prepares the tenant's owner as a host with weekday hours 09:00–12:30 and 13:30–17:00 UTC
//! and a 30-minute event type, then measures
//! 1. booking POSTs over distinct slots, spread over the next two years in a scattered order
//!    (bookings/s, latency percentiles), and
//! 2. slots GETs for a 30-day range with those bookings on the calendar (req/s, p50, p99),
//!
//! each with `--connections` concurrent clients for `--seconds`. Only loopback targets. With
//! `--server-pid`, each phase also reports the server's CPU time (user + system, from
//! `/proc/<pid>/stat`) per request: the figure to compare changes by, since it does not depend
//! on how busy the shared machine is.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};

#[derive(Debug, Parser)]
struct Args {
    /// Server base URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// An owner API token of the tenant.
    #[arg(long)]
    token: String,
    /// The tenant slug.
    #[arg(long)]
    tenant: String,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds per phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Hosts to spread the load over (the first is the tenant's owner; the others are created).
    #[arg(long, default_value_t = 1)]
    hosts: usize,
    /// The server's process id, to report its CPU time per request (Linux).
    #[arg(long)]
    server_pid: Option<u32>,
}

/// The CPU time (user + system) a process has used so far, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_second = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    Some(ticks as f64 / per_second)
}

/// A host prepared for the run.
#[derive(Debug)]
struct Host {
    username: String,
    slug: String,
    event_type_id: String,
}

/// Weekday hours 09:00–12:30 and 13:30–17:00 UTC, no notice, a 730-day window, a 30-minute
/// event type. Host 0 is the token's own profile; the others are new host profiles.
async fn prepare_host(client: &reqwest::Client, args: &Args, index: usize) -> anyhow::Result<Host> {
    let run = std::process::id();
    let user_id = if index == 0 {
        None
    } else {
        let user = admin(
            client,
            args,
            reqwest::Method::POST,
            "/users",
            json!({
            "username": format!("load-{run}-{index}"), "displayName": format!("Load host {index}"),
            "email": format!("load-{run}-{index}@example.com"), "timezone": "UTC" }),
        )
        .await?;
        Some(user["id"].as_str().unwrap_or_default().to_owned())
    };
    let query = user_id
        .as_ref()
        .map(|id| format!("?userId={id}"))
        .unwrap_or_default();
    let day = json!([{ "start": "09:00", "end": "12:30" }, { "start": "13:30", "end": "17:00" }]);
    admin(
        client,
        args,
        reqwest::Method::PUT,
        &format!("/availability{query}"),
        json!({ "timezone": "UTC", "weeklySchedule": {
        "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day }}),
    )
    .await?;
    admin(client, args, reqwest::Method::PUT, &format!("/settings{query}"), json!({ "minimumNoticeHours": 0,
        "bookingWindowDays": 730, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 })).await?;
    let slug = format!("load-{run}");
    let mut body = json!({ "name": "Load", "slug": slug, "duration": 30 });
    if let Some(id) = &user_id {
        body["userId"] = json!(id);
    }
    let event_type = admin(client, args, reqwest::Method::POST, "/event-types", body).await?;
    let owner = event_type["userId"].as_str().unwrap_or_default().to_owned();
    let user = admin(
        client,
        args,
        reqwest::Method::GET,
        &format!("/users/{owner}"),
        Value::Null,
    )
    .await?;
    Ok(Host {
        username: user["username"].as_str().unwrap_or_default().to_owned(),
        slug,
        event_type_id: event_type["id"].as_str().unwrap_or_default().to_owned(),
    })
}

#[derive(Debug, Default)]
struct Outcome {
    latencies: Vec<Duration>,
    by_status: std::collections::BTreeMap<u16, usize>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Prints a phase's figures; `cpu` is the server's CPU seconds during the phase, if known.
fn report(name: &str, elapsed: Duration, outcome: &mut Outcome, cpu: Option<f64>) {
    outcome.latencies.sort();
    let count = outcome.latencies.len();
    let rate = count as f64 / elapsed.as_secs_f64();
    let cpu = match cpu {
        Some(seconds) if count > 0 => format!(
            "; server CPU {:.0} µs/request ({seconds:.2} s)",
            seconds / count as f64 * 1e6
        ),
        _ => String::new(),
    };
    println!(
        "{name}: {count} requests in {:.1}s = {rate:.0}/s; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; statuses {:?}{cpu}",
        elapsed.as_secs_f64(),
        percentile(&outcome.latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&outcome.latencies, 0.99).as_secs_f64() * 1e3,
        outcome
            .latencies
            .last()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3,
        outcome.by_status,
    );
}

/// The server's CPU seconds since `before` (a [`cpu_seconds`] reading).
fn cpu_since(pid: Option<u32>, before: Option<f64>) -> Option<f64> {
    Some(cpu_seconds(pid?)? - before?)
}

async fn admin(
    client: &reqwest::Client,
    args: &Args,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let response = client
        .request(method, format!("{}/api/admin/scheduling{path}", args.base))
        .bearer_auth(&args.token)
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let value: Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "{path}: {status} {value}");
    Ok(value)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Arc::new(Args::parse());
    anyhow::ensure!(
        args.base.starts_with("http://127.")
            || args.base.starts_with("http://localhost")
            || args.base.starts_with("http://[::1]"),
        "the load generator only targets loopback addresses"
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()?;

    let mut hosts = Vec::new();
    for index in 0..args.hosts.max(1) {
        hosts.push(prepare_host(&client, &args, index).await?);
    }
    let hosts = Arc::new(hosts);

    // Phase 1: bookings over distinct slots of the next 700 days, visited in a scattered order
    // (a stride coprime with the count) so they spread over the whole calendar.
    #[allow(clippy::disallowed_methods)]
    let tomorrow = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .tomorrow()?;
    let mut starts = Vec::new();
    for offset in 0..700 {
        let date = tomorrow.checked_add(jiff::Span::new().days(offset))?;
        if matches!(
            date.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        ) {
            continue;
        }
        for minute in (9 * 60..12 * 60 + 30)
            .chain(13 * 60 + 30..17 * 60)
            .step_by(30)
        {
            let time = jiff::civil::Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0)?;
            starts.push(
                date.to_datetime(time)
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)?
                    .timestamp(),
            );
        }
    }
    let stride = (7919..).find(|s| gcd(*s, starts.len()) == 1).unwrap_or(1);
    let starts = Arc::new(starts);
    let next_slot = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let cpu_before = args.server_pid.and_then(cpu_seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.connections {
        let client = client.clone();
        let args = Arc::clone(&args);
        let next_slot = Arc::clone(&next_slot);
        let hosts = Arc::clone(&hosts);
        let starts = Arc::clone(&starts);
        workers.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            while Instant::now() < deadline {
                let index = next_slot.fetch_add(1, Ordering::Relaxed);
                let host = &hosts[index % hosts.len()];
                let index = index / hosts.len();
                if index >= starts.len() {
                    break;
                }
                let start = starts[(index * stride) % starts.len()];
                let event_type_id = &host.event_type_id;
                let body = json!({ "eventTypeId": event_type_id, "startTime": start.to_string(),
                    "invitee": { "name": "Load Test", "email": "load@example.com", "timezone": "UTC" } });
                let sent = Instant::now();
                let status = match client.post(format!("{}/api/public/scheduling/{}/bookings", args.base, args.tenant)).json(&body).send().await {
                    Ok(response) => response.status().as_u16(),
                    Err(_) => 0,
                };
                outcome.latencies.push(sent.elapsed());
                *outcome.by_status.entry(status).or_default() += 1;
            }
            outcome
        }));
    }
    let mut bookings = Outcome::default();
    for worker in workers {
        let outcome = worker.await?;
        bookings.latencies.extend(outcome.latencies);
        for (status, count) in outcome.by_status {
            *bookings.by_status.entry(status).or_default() += count;
        }
    }
    report(
        "booking POSTs (distinct slots)",
        started.elapsed(),
        &mut bookings,
        cpu_since(args.server_pid, cpu_before),
    );

    // Phase 2: 30-day slot queries, with the bookings above on the calendar.
    let to = tomorrow.checked_add(jiff::Span::new().days(29))?;
    let urls: Arc<Vec<String>> = Arc::new(
        hosts
            .iter()
            .map(|host| {
                format!(
                    "{}/api/public/scheduling/{}/users/{}/{}/slots?from={tomorrow}&to={to}&timezone=Europe/Berlin",
                    args.base, args.tenant, host.username, host.slug
                )
            })
            .collect(),
    );
    let next_query = Arc::new(AtomicUsize::new(0));
    // For a second opinion with a lighter client (scripts/load.sh runs wrk on it).
    println!("slots url: {}", urls[0]);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let cpu_before = args.server_pid.and_then(cpu_seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.connections {
        let client = client.clone();
        let urls = Arc::clone(&urls);
        let next_query = Arc::clone(&next_query);
        workers.push(tokio::spawn(async move {
            let mut outcome = Outcome::default();
            while Instant::now() < deadline {
                let url = &urls[next_query.fetch_add(1, Ordering::Relaxed) % urls.len()];
                let sent = Instant::now();
                let status = match client.get(url).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        status
                    }
                    Err(_) => 0,
                };
                outcome.latencies.push(sent.elapsed());
                *outcome.by_status.entry(status).or_default() += 1;
            }
            outcome
        }));
    }
    let mut slots = Outcome::default();
    for worker in workers {
        let outcome = worker.await?;
        slots.latencies.extend(outcome.latencies);
        for (status, count) in outcome.by_status {
            *slots.by_status.entry(status).or_default() += count;
        }
    }
    report(
        "slots GETs (30-day range)",
        started.elapsed(),
        &mut slots,
        cpu_since(args.server_pid, cpu_before),
    );
    Ok(())
}
