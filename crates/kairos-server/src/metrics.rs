//! This process's request and booking metrics for `/metrics` (Prometheus text format).
//!
//! Requests are counted per route *template* (`/api/public/scheduling/{tenantSlug}/…`, never
//! the concrete path, so ids and slugs cannot blow up the label set), method and status class,
//! into a latency histogram with fixed buckets. Booking outcomes are plain counters.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// One series: how many requests fell at or under each bucket bound, their count and total time.
#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_secs: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (bound, bucket) in BUCKETS.iter().zip(self.buckets.iter_mut()) {
            if secs <= *bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum_secs += secs;
    }
}

/// The labels of a request series.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SeriesKey {
    route: String,
    method: String,
    /// `2xx`, `3xx`, `4xx` or `5xx`.
    status: &'static str,
}

/// Booking outcomes counted by this process.
#[derive(Debug, Default)]
pub struct BookingCounters {
    pub created: AtomicU64,
    pub rescheduled: AtomicU64,
    pub cancelled: AtomicU64,
    /// Requests refused because the time was taken or not offered (409 `slot_unavailable`).
    pub refused: AtomicU64,
}

/// What `/metrics` reports about this process.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<SeriesKey, Histogram>>,
    pub bookings: BookingCounters,
}

fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    /// Records one request.
    pub fn observe(&self, route: &str, method: &str, status: u16, secs: f64) {
        let key = SeriesKey {
            route: route.to_owned(),
            method: method.to_owned(),
            status: status_class(status),
        };
        // A poisoned lock only means another request panicked mid-update; counts stay usable.
        let mut requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        requests.entry(key).or_default().observe(secs);
    }

    /// Appends the request histograms and booking counters in Prometheus text format.
    pub fn write(&self, out: &mut String) {
        let series: Vec<(SeriesKey, Histogram)> = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(key, histogram)| (key.clone(), histogram.clone()))
            .collect();
        let _ = writeln!(
            out,
            "# HELP kairos_http_request_duration_seconds Time to answer a request, by route template, method and status class.\n# TYPE kairos_http_request_duration_seconds histogram"
        );
        for (key, histogram) in &series {
            let labels = format!(
                "route=\"{}\",method=\"{}\",status=\"{}\"",
                escape_label(&key.route),
                key.method,
                key.status
            );
            for (bound, n) in BUCKETS.iter().zip(histogram.buckets) {
                let _ = writeln!(
                    out,
                    "kairos_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "kairos_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\nkairos_http_request_duration_seconds_sum{{{labels}}} {}\nkairos_http_request_duration_seconds_count{{{labels}}} {}",
                histogram.count, histogram.sum_secs, histogram.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP kairos_bookings_total Booking outcomes in this process.\n# TYPE kairos_bookings_total counter"
        );
        let counters = &self.bookings;
        for (outcome, counter) in [
            ("created", &counters.created),
            ("rescheduled", &counters.rescheduled),
            ("cancelled", &counters.cancelled),
            ("refused", &counters.refused),
        ] {
            let _ = writeln!(
                out,
                "kairos_bookings_total{{outcome=\"{outcome}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
    }
}

fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Route middleware: times each matched request under its route template.
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    metrics.observe(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_fall_into_every_bucket_at_or_above_their_time() {
        let metrics = Metrics::default();
        metrics.observe("/a/{id}", "GET", 200, 0.003);
        metrics.observe("/a/{id}", "GET", 204, 0.2);
        metrics.observe("/a/{id}", "GET", 404, 0.0001);
        let mut out = String::new();
        metrics.write(&mut out);
        let ok = "route=\"/a/{id}\",method=\"GET\",status=\"2xx\"";
        assert!(out.contains(&format!(
            "kairos_http_request_duration_seconds_bucket{{{ok},le=\"0.0025\"}} 0"
        )));
        assert!(out.contains(&format!(
            "kairos_http_request_duration_seconds_bucket{{{ok},le=\"0.005\"}} 1"
        )));
        assert!(out.contains(&format!(
            "kairos_http_request_duration_seconds_bucket{{{ok},le=\"0.25\"}} 2"
        )));
        assert!(out.contains(&format!(
            "kairos_http_request_duration_seconds_count{{{ok}}} 2"
        )));
        assert!(out.contains("status=\"4xx\",le=\"0.0005\"} 1"));
        assert!(out.contains("kairos_bookings_total{outcome=\"created\"} 0"));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape_label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
