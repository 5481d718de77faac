//! Request extractors that turn bad input into an [`ApiError`] naming the field: JSON bodies
//! (unknown fields refused, size capped) and query strings.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::app::AppError;

/// A JSON body deserialised into `T`. Errors name the JSON path of the offending field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// Turns a path from serde_path_to_error (`weeklySchedule.monday[0]`; it already ends in the name
/// of an unknown field) and a serde message into a field name, adding the name of a missing field.
fn field_of(path: &serde_path_to_error::Path, message: &str) -> String {
    let mut field = path.to_string();
    if field == "." {
        field.clear();
    }
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some((name, _)) = rest.split_once('`')
    {
        if field.is_empty() {
            return name.to_owned();
        }
        return format!("{field}.{name}");
    }
    field
}

/// Strips serde_json's " at line L column C" suffix, which means nothing to an API client.
fn clean_message(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(index) => &message[..index],
        None => message,
    }
}

/// Deserialises JSON text, mapping syntax errors to 400 and rule violations to 422.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        let message = clean_message(&inner.to_string()).to_owned();
        let field = field_of(error.path(), &message);
        if inner.is_data() {
            let field = if field.is_empty() {
                "body".to_owned()
            } else {
                field
            };
            ApiError::from(AppError::validation(field, message))
        } else {
            ApiError::from(AppError::BadRequest {
                message: format!("the body is not valid JSON: {message}"),
                field: None,
            })
        }
    })?;
    deserializer.end().map_err(|_| {
        ApiError::from(AppError::BadRequest {
            message: "the body has trailing characters after the JSON value".to_owned(),
            field: None,
        })
    })?;
    Ok(value)
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                let mime = value.split(';').next().unwrap_or_default().trim();
                mime.eq_ignore_ascii_case("application/json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = request
            .extensions()
            .get::<BodyLimit>()
            .map_or(usize::MAX, |limit| limit.0);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(limit))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The configured body limit, put into request extensions so the error can state it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Query parameters deserialised into `T`; errors name the parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let message = error.inner().to_string();
                let field = field_of(error.path(), &message);
                ApiError::from(AppError::BadRequest {
                    message: format!("invalid query string: {message}"),
                    field: (!field.is_empty()).then_some(field),
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        slug: kairos_core::text::Slug,
        weekly_schedule: Option<kairos_core::schedule::WeeklySchedule>,
    }

    fn field(error: ApiError) -> Option<String> {
        match error {
            ApiError::App(AppError::Validation { field, .. }) => Some(field),
            ApiError::App(AppError::BadRequest { field, .. }) => field,
            _ => None,
        }
    }

    #[test]
    fn rule_violations_name_the_json_path() {
        let error = parse_json::<Body>(br#"{"slug":"Bad"}"#).unwrap_err();
        assert_eq!(field(error).as_deref(), Some("slug"));
        let error = parse_json::<Body>(
            br#"{"slug":"ok","weeklySchedule":{"monday":[{"start":"10:00","end":"09:00"}]}}"#,
        )
        .unwrap_err();
        assert_eq!(field(error).as_deref(), Some("weeklySchedule.monday[0]"));
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let error = parse_json::<Body>(br#"{"slug":"ok","colour":"red"}"#).unwrap_err();
        assert_eq!(field(error).as_deref(), Some("colour"));
        let error = parse_json::<Body>(br#"{}"#).unwrap_err();
        assert_eq!(field(error).as_deref(), Some("slug"));
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        let error = parse_json::<Body>(br#"{"slug": "#).unwrap_err();
        assert!(matches!(error, ApiError::App(AppError::BadRequest { .. })));
    }
}

/// A path parameter parsed with `FromStr` (ids, dates); errors are 400s naming the parameter.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection| {
                ApiError::from(AppError::bad_request(
                    "id",
                    format!("invalid path parameter: {}", rejection.body_text()),
                ))
            })
    }
}
