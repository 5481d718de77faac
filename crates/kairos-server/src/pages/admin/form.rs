//! What every console form shares: the submitted fields ([`ConsoleForm`]), the problems shown
//! next to their inputs ([`FormErrors`]), and the refusal shown inside the console
//! ([`Failure`]).
//!
//! Forms parse their fields straight into the domain types of `kairos-core` and check
//! everything before any application call, so one submit shows every problem; a refused form
//! is shown again with status 422, its values kept and each message next to its field.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Console, ConsoleLayout, Section};
use crate::app::{AppError, Problems};
use crate::pages::error::sentence;
use crate::pages::{PageError, render};

/// A submitted console form (for [`Console::form`], its CSRF token already checked).
#[derive(Debug, Clone, Default)]
pub struct ConsoleForm {
    fields: Vec<(String, String)>,
}

impl ConsoleForm {
    /// Reads a urlencoded body without any check: only for the forms posted without a session
    /// (sign-in, password reset). Every other form goes through [`Console::form`].
    pub fn parse(body: &[u8]) -> Self {
        Self {
            fields: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of a field.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of a field, trimmed; `None` when missing or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.value(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Every value of a repeated field, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.value(name).is_some()
    }

    /// Every field, in order (the CSRF token included).
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }
}

/// One problem of a submitted form: the input it is about and what to do.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub input_id: String,
    pub message: String,
}

/// The problems of a submitted form, by input id, in the order the form shows them.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// Records a problem with `input_id` (the first one per input wins).
    pub fn add(&mut self, input_id: impl Into<String>, message: impl AsRef<str>) {
        let input_id = input_id.into();
        if self.get(&input_id).is_none() {
            self.0.push(FieldError {
                input_id,
                message: sentence(message.as_ref()),
            });
        }
    }

    /// The problems the application found, under inputs named like its fields.
    pub fn of(problems: &Problems) -> Self {
        let mut errors = Self::default();
        for (field, message) in problems.iter() {
            errors.add(field, message);
        }
        errors
    }

    /// The message for an input, if it has one.
    pub fn get(&self, input_id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|error| error.input_id == input_id)
            .map(|error| error.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn list(&self) -> &[FieldError] {
        &self.0
    }
}

/// The message of a rule the application refused a value by (other errors as they print).
pub fn message_of(error: AppError) -> String {
    match error {
        AppError::Validation { message, .. } => message,
        other => other.to_string(),
    }
}

/// What went wrong on a console page: a page error, or a refusal shown inside the console (a
/// member reaching for another host's page), which keeps the navigation.
#[derive(Debug)]
pub enum Failure {
    Page(PageError),
    Refused(Box<RefusedPage>),
}

impl From<PageError> for Failure {
    fn from(error: PageError) -> Self {
        Failure::Page(error)
    }
}

impl Failure {
    /// `error` as seen from a page of `section`: 403s stay inside the console.
    pub fn of(console: &Console, section: Section, error: AppError) -> Self {
        match error {
            AppError::Forbidden(message) => Failure::Refused(Box::new(RefusedPage {
                layout: console.layout("Not allowed", section),
                message: sentence(&message),
            })),
            other => Failure::Page(PageError(other)),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Page(error) => error.into_response(),
            Failure::Refused(page) => match render(page.as_ref()) {
                Ok(html) => (StatusCode::FORBIDDEN, html).into_response(),
                Err(error) => error.into_response(),
            },
        }
    }
}

/// A 403 inside the console layout.
#[derive(Debug, Template)]
#[template(path = "admin/refused.html")]
pub struct RefusedPage {
    layout: ConsoleLayout,
    message: String,
}
