//! The one error of the application layer. Every application function returns
//! `Result<_, AppError>`; the JSON face maps it to `{"error": {"code", "message", "field"}}`
//! ([`crate::api::error`]) and the HTML face to an error page ([`crate::pages::PageError`]),
//! both with the status [`AppError::status`] names.

use axum::http::StatusCode;
use kairos_store::{StoreError, Unique};

/// What went wrong, in the terms of the request that asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: a value of the request is malformed (a query parameter, a path segment).
    #[error("{message}")]
    BadRequest {
        message: String,
        field: Option<String>,
    },
    /// 422: well-formed, but a value breaks a rule.
    #[error("{message}")]
    Validation { message: String, field: String },
    /// 422: several values of one form break rules, each named (a console form shows them all
    /// at once; the JSON face reports the first).
    #[error("{}", .0.first().map_or("", |(_, message)| message))]
    Invalid(Problems),
    /// 401: no valid credential.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 403: the caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing of this kind with this id in the caller's tenant.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 410: the thing existed but is no longer offered (an archived event type).
    #[error("{0}")]
    Gone(&'static str),
    /// 409: the request conflicts with stored state.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// 429: this client sent too many requests; retry after this many seconds.
    #[error("too many requests; retry in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// 500: a bug or an unavailable dependency. Faces say nothing more; the cause is logged.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Result of an application call.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A 422 naming the field and the rule.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A 400 naming the parameter.
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadRequest {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// An internal error from anything that prints.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string().into())
    }

    /// Maps a store error, naming what was not found.
    pub fn from_store(what: &'static str) -> impl FnOnce(StoreError) -> AppError {
        move |error| match error {
            StoreError::NotFound => AppError::NotFound(what),
            StoreError::Conflict { rule, message } => AppError::Conflict {
                code: "conflict",
                message,
                field: Some(unique_field(rule).to_owned()),
            },
            other => AppError::Internal(Box::new(other)),
        }
    }

    /// The status both faces answer with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation { .. } | Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Gone(_) => StatusCode::GONE,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Validation { .. } | Self::Invalid(_) => "validation_failed",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Gone(_) => "gone",
            Self::Conflict { code, .. } => code,
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Internal(_) => "internal",
        }
    }

    /// The input at fault (the API's camelCase name), when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::BadRequest { field, .. } | Self::Conflict { field, .. } => field.as_deref(),
            Self::Validation { field, .. } => Some(field),
            Self::Invalid(problems) => problems.first().map(|(field, _)| field),
            _ => None,
        }
    }
}

/// The input a broken uniqueness rule of the store is about, as the API names it.
fn unique_field(rule: Unique) -> &'static str {
    match rule {
        Unique::TenantSlug | Unique::EventTypeSlug => "slug",
        Unique::Username => "username",
        Unique::AccountHostProfile => "accountId",
        Unique::AccountEmail => "email",
        Unique::OverlappingBooking => "startTime",
        Unique::Other => "id",
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::from_store("resource")(error)
    }
}

/// The problems of a form, each under the input it is about, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    /// Records a problem with `field` (the first one per field wins).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if !self.0.iter().any(|(known, _)| *known == field) {
            self.0.push((field, message.into()));
        }
    }

    /// The first problem.
    pub fn first(&self) -> Option<(&str, &str)> {
        self.0
            .first()
            .map(|(field, message)| (field.as_str(), message.as_str()))
    }

    /// Every problem: field and message.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(field, message)| (field.as_str(), message.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when there is no problem, else the 422 listing them.
    pub fn into_result(self) -> AppResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}
