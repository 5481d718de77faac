//! Emails about a console account rather than a booking: today, the password-reset link.
//!
//! They are sent at once by the server (not through the booking outbox): a reset link is only
//! useful in the next minutes, and a person who gets nothing asks again. Such a message is a
//! plain `multipart/alternative` of text and HTML, with no calendar part, written in the same
//! layout and with the same escaping as the booking emails.

use jiff::Timestamp;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart};

use crate::message::{ComposeError, MessageId, headers, single_line};
use crate::template::{Fragment, RenderedEmail, render_lines_only};

/// The password-reset email of one console account.
#[derive(Debug, Clone, Copy)]
pub struct PasswordResetEmail<'a> {
    /// The tenant's name, heading the email.
    pub tenant_name: &'a str,
    /// The workspace (the tenant's slug), which the sign-in form asks for.
    pub workspace: &'a str,
    /// The account's address, which the email is sent to.
    pub email: &'a str,
    /// The link that opens the "choose a new password" page; it carries the secret.
    pub link: &'a str,
    /// How long the link works, in minutes.
    pub valid_minutes: u32,
}

impl PasswordResetEmail<'_> {
    /// The subject and the two bodies. Every value is escaped in the HTML body; the link is a
    /// link there only when it is an `http(s)` URL.
    pub fn render(&self) -> RenderedEmail {
        let text = |value: String| Fragment::Text(value);
        let link = if self.link.starts_with("https://") || self.link.starts_with("http://") {
            Fragment::Link(self.link.to_owned())
        } else {
            Fragment::Text(self.link.to_owned())
        };
        let minutes = match self.valid_minutes {
            1 => "1 minute".to_owned(),
            n => format!("{n} minutes"),
        };
        let lines = vec![
            vec![text(format!(
                "Someone asked to reset the password of the scheduling console account {} in \
                 the workspace \u{201c}{}\u{201d}.",
                single_line(self.email),
                single_line(self.workspace)
            ))],
            Vec::new(),
            vec![text(format!(
                "To choose a new password, open this link within {minutes}:"
            ))],
            vec![link],
            Vec::new(),
            vec![text(
                "The link works once. Choosing a new password signs the account out everywhere."
                    .to_owned(),
            )],
            Vec::new(),
            vec![text(
                "If you did not ask for this, ignore this email: the password stays as it is."
                    .to_owned(),
            )],
        ];
        let subject = format!("Reset your password for {}", single_line(self.tenant_name));
        render_lines_only(self.tenant_name, &subject, &lines)
    }
}

/// Builds a message of text and HTML (no calendar) for `to`.
pub fn compose(
    rendered: RenderedEmail,
    to: Mailbox,
    from: &Mailbox,
    message_id: &MessageId,
    now: Timestamp,
) -> Result<Message, ComposeError> {
    headers(from, to, rendered.subject, message_id, now)?
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(rendered.text))
                .singlepart(SinglePart::html(rendered.html)),
        )
        .map_err(|error| ComposeError::Build(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(link: &str) -> PasswordResetEmail<'_> {
        PasswordResetEmail {
            tenant_name: "Acme <Co>",
            workspace: "acme",
            email: "owner@acme.test",
            link,
            valid_minutes: 60,
        }
    }

    #[test]
    fn the_reset_email_carries_the_link_and_says_how_long_it_works() {
        let rendered = email("https://kairos.test/admin/scheduling/reset/abc").render();
        assert_eq!(rendered.subject, "Reset your password for Acme <Co>");
        assert!(rendered.text.contains("owner@acme.test"));
        assert!(
            rendered
                .text
                .contains("within 60 minutes:\nhttps://kairos.test/admin/scheduling/reset/abc\n")
        );
        assert!(rendered.text.contains("ignore this email"));
        assert!(
            rendered
                .html
                .contains("<a href=\"https://kairos.test/admin/scheduling/reset/abc\"")
        );
        assert!(
            rendered.html.contains("Acme &lt;Co&gt;"),
            "the name is escaped"
        );
        assert!(!rendered.html.contains("Acme <Co>"));
    }

    #[test]
    fn a_link_that_is_not_http_stays_text() {
        let rendered = email("javascript:alert(1)").render();
        assert!(!rendered.html.contains("href=\"javascript"));
    }

    #[test]
    fn the_message_has_text_and_html_and_no_calendar() {
        let rendered = email("https://kairos.test/r/abc").render();
        let message = compose(
            rendered,
            "owner@acme.test".parse().expect("mailbox"),
            &"Kairos <notifications@kairos.test>"
                .parse()
                .expect("mailbox"),
            &MessageId::parse("<reset-1@kairos.test>").expect("id"),
            Timestamp::from_second(2_000_000_000).expect("instant"),
        )
        .expect("message");
        let raw = String::from_utf8(message.formatted()).expect("utf-8");
        assert!(raw.contains("Message-ID: <reset-1@kairos.test>"));
        assert!(raw.contains("Auto-Submitted: auto-generated"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/html"));
        assert!(!raw.contains("text/calendar"));
    }
}
