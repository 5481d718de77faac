//! Page errors: the [`AppError`] of the application layer, answered as an HTML page with the
//! same status (and `Retry-After` on 429) instead of JSON.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::Layout;
use crate::app::AppError;

/// An error answered as an HTML page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub AppError);

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    heading: &'a str,
    message: String,
}

impl PageError {
    fn heading(&self) -> &'static str {
        match &self.0 {
            AppError::NotFound(_) => "Page not found",
            AppError::Gone(_) => "No longer available",
            AppError::TooManyRequests { .. } => "Too many requests",
            AppError::Forbidden(_) => "Request refused",
            AppError::Conflict { .. } => "That did not work",
            AppError::BadRequest { .. } | AppError::Validation { .. } | AppError::Invalid(_) => {
                "Something in the request is wrong"
            }
            _ => "Something went wrong",
        }
    }

    fn message(&self) -> String {
        match &self.0 {
            AppError::NotFound(what) => {
                format!("We could not find this {what}. Check the link you followed.")
            }
            AppError::TooManyRequests { retry_after_secs } => format!(
                "You sent several requests in a short time. Please wait {retry_after_secs} seconds and try again."
            ),
            AppError::Forbidden(reason) if reason == crate::abuse::CROSS_ORIGIN_REFUSED => {
                "This form was sent from another site, so it was refused.".to_owned()
            }
            AppError::Forbidden(reason) => sentence(reason),
            AppError::Internal(_) => {
                "An error on our side stopped this page. Please try again in a moment.".to_owned()
            }
            other => sentence(&other.to_string()),
        }
    }
}

/// A message as a sentence: trimmed, the first letter upper-cased, ending with a full stop.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let AppError::Internal(source) = &self.0 {
            tracing::error!(error = %source, "internal error on a page");
        }
        let heading = self.heading();
        let page = ErrorPage {
            layout: Layout::new(heading, "Kairos", "/".to_owned()),
            heading,
            message: self.message(),
        };
        let body = page.render().unwrap_or_else(|_| heading.to_owned());
        let mut response = (status, Html(body)).into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self.0 {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        response
    }
}
