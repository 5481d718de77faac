//! The JSON face of errors. Every handler returns `Result<_, ApiError>`: an [`AppError`] of the
//! application layer, or one of the two refusals only a JSON body can earn (too large, not
//! JSON). The JSON shape `{"error": {"code", "message", "field"}}` is made only here.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::app::AppError;

/// What went wrong, as an API client sees it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The application's answer, with its own status.
    #[error(transparent)]
    App(#[from] AppError),
    /// 413: the body is larger than allowed.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// 415: the body is not JSON.
    #[error("send the body as application/json")]
    UnsupportedMediaType,
}

impl ApiError {
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::App(error) => error.status(),
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::App(error) => error.code(),
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::App(error) => error.field(),
            _ => None,
        }
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
        if let Self::App(AppError::Internal(source)) = &self {
            tracing::error!(error = %source, "internal error");
        }
        let status = self.status();
        let retry_after = match &self {
            Self::App(AppError::TooManyRequests { retry_after_secs }) => {
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
