//! `/static/…`: the one stylesheet and the one script of the pages, compiled into the binary.
//! Pages link them with a content digest in the query (`/static/kairos.css?v=…`), so browsers
//! may keep them for a year and still get a new version the moment it changes.

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::state::AppState;

const STYLESHEET: &str = include_str!("../../static/kairos.css");
const SCRIPT: &str = include_str!("../../static/kairos.js");

static STYLESHEET_HREF: LazyLock<String> =
    LazyLock::new(|| versioned("/static/kairos.css", STYLESHEET));
static SCRIPT_HREF: LazyLock<String> = LazyLock::new(|| versioned("/static/kairos.js", SCRIPT));

fn versioned(path: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!("{path}?v={}", hex::encode(&digest[..6]))
}

/// The stylesheet's versioned URL.
pub fn stylesheet_href() -> &'static str {
    &STYLESHEET_HREF
}

/// The script's versioned URL.
pub fn script_href() -> &'static str {
    &SCRIPT_HREF
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/static/kairos.css", get(get_stylesheet))
        .route("/static/kairos.js", get(get_script))
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
}

async fn get_stylesheet() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

async fn get_script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}
