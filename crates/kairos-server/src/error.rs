//! The one HTTP error type. Every handler returns `Result<_, ApiError>`; the mapping to status
//! codes and the JSON shape `{"error": {"code", "message", "field"}}` lives only here.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kairos_store::{StoreError, Unique};
use serde::Serialize;

/// What went wrong, as the client sees it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed (syntax, a query parameter, a path segment).
    #[error("{message}")]
    BadRequest {
        message: String,
        field: Option<String>,
    },
    /// 422: well-formed, but a value breaks a rule.
    #[error("{message}")]
    Validation { message: String, field: String },
    /// 401: no valid credential.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 403: the credential may not do this.
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
    /// 413: the body is larger than allowed.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// 415: the body is not JSON.
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    /// 429: this client sent too many requests; `Retry-After` says how many seconds to wait.
    #[error("too many requests; retry in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// 500: a bug or an unavailable dependency. The body says nothing more; the cause is logged.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
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

    /// Maps a store error, naming what was not found.
    pub fn from_store(what: &'static str) -> impl FnOnce(StoreError) -> ApiError {
        move |error| match error {
            StoreError::NotFound => ApiError::NotFound(what),
            StoreError::Conflict { rule, message } => ApiError::Conflict {
                code: "conflict",
                message,
                field: Some(conflict_field(rule).to_owned()),
            },
            other => ApiError::Internal(Box::new(other)),
        }
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Gone(_) => StatusCode::GONE,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Validation { .. } => "validation_failed",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Gone(_) => "gone",
            Self::Conflict { code, .. } => code,
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Internal(_) => "internal",
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::BadRequest { field, .. } | Self::Conflict { field, .. } => field.as_deref(),
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// The JSON field a conflict on `rule` is reported on.
fn conflict_field(rule: Unique) -> &'static str {
    match rule {
        Unique::TenantSlug | Unique::EventTypeSlug => "slug",
        Unique::Username => "username",
        Unique::AccountHostProfile => "accountId",
        Unique::AccountEmail => "email",
        Unique::OverlappingBooking => "startTime",
        Unique::Other => "id",
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::from_store("resource")(error)
    }
}

/// The JSON error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// What the error body holds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `validation_failed`, `not_found`, `conflict`.
    code: &'static str,
    /// What is wrong, for a person.
    message: String,
    /// The JSON path of the field or the query parameter at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            tracing::error!(error = %source, "internal error");
        }
        let status = self.status();
        let retry_after = match &self {
            Self::TooManyRequests { retry_after_secs } => {
                Some(HeaderValue::from(*retry_after_secs))
            }
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                field: self.field().map(str::to_owned),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(retry_after) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}
