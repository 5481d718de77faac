//! The rendered body as plain text and as an HTML document.
//!
//! The HTML follows what mail clients need: a table layout, inline styles only, no external
//! images, fonts or style sheets, a 600 px column that shrinks on small screens. Everything
//! that is not markup written here is escaped.

use super::values::{Details, Fragment, Values};

/// The font stack for every text cell (clients ignore inherited fonts inside tables).
const FONT: &str = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TEXT_COLOR: &str = "#111827";
const MUTED_COLOR: &str = "#6b7280";
const ACCENT_COLOR: &str = "#2563eb";
const BORDER_COLOR: &str = "#e5e7eb";

/// The plain-text body: fragments joined, lines ended with LF. Without `values` (an email
/// about no booking) a [`Fragment::Details`] shows nothing.
pub(crate) fn to_text(lines: &[Vec<Fragment>], values: Option<&Values<'_>>) -> String {
    let mut text = String::new();
    for line in lines {
        for fragment in line {
            match fragment {
                Fragment::Text(value) | Fragment::Link(value) => text.push_str(value),
                Fragment::Details => {
                    if let Some(values) = values {
                        text.push_str(&values.details().to_text());
                    }
                }
            }
        }
        text.push('\n');
    }
    // Lines end where their text ends: an empty value at the end of a line leaves no space.
    text.lines()
        .map(str::trim_end)
        .fold(String::new(), |mut out, line| {
            out.push_str(line);
            out.push('\n');
            out
        })
}

/// A run of inline content within one line of a paragraph.
enum Inline<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// A block of the HTML body.
enum Block<'a> {
    /// Lines shown together, separated by `<br>`.
    Paragraph(Vec<Vec<Inline<'a>>>),
    /// The booking summary card.
    Details,
}

/// Splits the rendered lines into paragraphs (at blank lines, including those inside
/// multi-line values) and detail cards.
fn blocks(lines: &[Vec<Fragment>]) -> Vec<Block<'_>> {
    enum Item<'a> {
        Line(Vec<Inline<'a>>),
        Details,
    }

    let mut items = Vec::new();
    for fragments in lines {
        let mut current = Vec::new();
        for fragment in fragments {
            match fragment {
                Fragment::Text(text) => {
                    let mut parts = text.split('\n');
                    if let Some(first) = parts.next() {
                        current.push(Inline::Text(first));
                    }
                    for part in parts {
                        items.push(Item::Line(std::mem::take(&mut current)));
                        current.push(Inline::Text(part));
                    }
                }
                Fragment::Link(url) => current.push(Inline::Link(url)),
                Fragment::Details => {
                    items.push(Item::Line(std::mem::take(&mut current)));
                    items.push(Item::Details);
                }
            }
        }
        items.push(Item::Line(current));
    }

    let mut blocks = Vec::new();
    let mut paragraph = Vec::new();
    for item in items {
        match item {
            Item::Line(line) if is_blank(&line) => {
                if !paragraph.is_empty() {
                    blocks.push(Block::Paragraph(std::mem::take(&mut paragraph)));
                }
            }
            Item::Line(line) => paragraph.push(line),
            Item::Details => {
                if !paragraph.is_empty() {
                    blocks.push(Block::Paragraph(std::mem::take(&mut paragraph)));
                }
                blocks.push(Block::Details);
            }
        }
    }
    if !paragraph.is_empty() {
        blocks.push(Block::Paragraph(paragraph));
    }
    blocks
}

fn is_blank(line: &[Inline<'_>]) -> bool {
    line.iter().all(|inline| match inline {
        Inline::Text(text) => text.trim().is_empty(),
        Inline::Link(_) => false,
    })
}

/// The HTML document: the layout around the body's paragraphs and the details card. Without
/// `values` (an email about no booking) a [`Fragment::Details`] shows nothing; `tenant` heads
/// the document.
pub(crate) fn to_html(
    lines: &[Vec<Fragment>],
    values: Option<&Values<'_>>,
    tenant: &str,
    subject: &str,
) -> String {
    let mut body = String::new();
    for block in blocks(lines) {
        match block {
            Block::Paragraph(lines) => {
                body.push_str("<p style=\"margin:0 0 16px 0;\">");
                for (index, line) in lines.iter().enumerate() {
                    if index > 0 {
                        body.push_str("<br>");
                    }
                    for inline in line {
                        match inline {
                            Inline::Text(text) => escape_into(&mut body, text),
                            Inline::Link(url) => push_link(&mut body, url),
                        }
                    }
                }
                body.push_str("</p>\n");
            }
            Block::Details => {
                if let Some(values) = values {
                    push_card(&mut body, &values.details());
                }
            }
        }
    }

    let tenant = tenant.trim();
    let mut html = String::with_capacity(body.len() + 2048);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta name=\"x-apple-disable-message-reformatting\">\n<title>");
    escape_into(&mut html, subject);
    html.push_str("</title>\n</head>\n");
    html.push_str(
        "<body style=\"margin:0;padding:0;background-color:#f3f4f6;\
         -webkit-text-size-adjust:100%;\">\n",
    );
    html.push_str(&format!(
        "<table role=\"presentation\" width=\"100%\" cellspacing=\"0\" cellpadding=\"0\" \
         border=\"0\" style=\"background-color:#f3f4f6;\">\n<tr><td align=\"center\" \
         style=\"padding:24px 12px;\">\n<table role=\"presentation\" width=\"100%\" \
         cellspacing=\"0\" cellpadding=\"0\" border=\"0\" style=\"max-width:600px;\
         background-color:#ffffff;border:1px solid {BORDER_COLOR};border-radius:8px;\">\n"
    ));
    if !tenant.is_empty() {
        html.push_str(&format!(
            "<tr><td style=\"padding:20px 32px;border-bottom:1px solid {BORDER_COLOR};\
             font-family:{FONT};font-size:15px;font-weight:bold;color:{TEXT_COLOR};\">"
        ));
        escape_into(&mut html, tenant);
        html.push_str("</td></tr>\n");
    }
    html.push_str(&format!(
        "<tr><td style=\"padding:24px 32px 8px 32px;font-family:{FONT};font-size:16px;\
         line-height:24px;color:{TEXT_COLOR};\">\n"
    ));
    html.push_str(&body);
    html.push_str("</td></tr>\n</table>\n</td></tr>\n</table>\n</body>\n</html>\n");
    html
}

/// An `http(s)` URL as a link showing the URL itself.
fn push_link(out: &mut String, url: &str) {
    out.push_str(&format!(
        "<a href=\"{}\" style=\"color:{ACCENT_COLOR};word-break:break-all;\">",
        escape(url)
    ));
    escape_into(out, url);
    out.push_str("</a>");
}

/// The details card: title, rows, then the links as buttons.
fn push_card(out: &mut String, details: &Details) {
    out.push_str(&format!(
        "<table role=\"presentation\" width=\"100%\" cellspacing=\"0\" cellpadding=\"0\" \
         border=\"0\" style=\"margin:0 0 16px 0;background-color:#f9fafb;\
         border:1px solid {BORDER_COLOR};border-radius:6px;\">\n<tr><td style=\"padding:16px 20px;\
         font-family:{FONT};font-size:15px;line-height:22px;color:{TEXT_COLOR};\">\n"
    ));
    out.push_str("<div style=\"font-size:18px;font-weight:bold;margin:0 0 12px 0;\">");
    escape_into(out, &details.title);
    out.push_str(&format!(
        " <span style=\"font-size:14px;font-weight:normal;color:{MUTED_COLOR};\">"
    ));
    escape_into(out, &details.duration);
    out.push_str("</span>");
    if details.cancelled {
        out.push_str(
            " <span style=\"font-size:13px;font-weight:bold;color:#b91c1c;\
             text-transform:uppercase;\">Cancelled</span>",
        );
    }
    out.push_str("</div>\n");
    let rows: Vec<_> = details.rows.iter().filter(|row| row.in_card).collect();
    if !rows.is_empty() {
        out.push_str(
            "<table role=\"presentation\" width=\"100%\" cellspacing=\"0\" cellpadding=\"0\" \
             border=\"0\">\n",
        );
        for row in rows {
            out.push_str(&format!(
                "<tr><td valign=\"top\" style=\"padding:4px 12px 4px 0;width:110px;\
                 font-family:{FONT};font-size:14px;color:{MUTED_COLOR};\">"
            ));
            escape_into(out, &row.label);
            out.push_str(&format!(
                "</td><td valign=\"top\" style=\"padding:4px 0;font-family:{FONT};\
                 font-size:15px;color:{TEXT_COLOR};\">"
            ));
            push_lines(out, &row.value);
            out.push_str("</td></tr>\n");
        }
        out.push_str("</table>\n");
    }
    let (web, other): (Vec<_>, Vec<_>) = details.links.iter().partition(|link| link.is_web());
    if !web.is_empty() {
        out.push_str("<div style=\"margin:16px 0 0 0;\">\n");
        for (index, link) in web.iter().enumerate() {
            let (background, color) = if index == 0 {
                (ACCENT_COLOR, "#ffffff")
            } else {
                ("#ffffff", ACCENT_COLOR)
            };
            out.push_str(&format!(
                "<a href=\"{}\" style=\"display:inline-block;margin:0 8px 8px 0;\
                 padding:10px 18px;border:1px solid {ACCENT_COLOR};border-radius:6px;\
                 background-color:{background};color:{color};font-family:{FONT};\
                 font-size:15px;font-weight:bold;text-decoration:none;\">",
                escape(&link.url)
            ));
            escape_into(out, link.label);
            out.push_str("</a>\n");
        }
        out.push_str("</div>\n");
    }
    for link in other {
        out.push_str("<div style=\"margin:8px 0 0 0;\">");
        escape_into(out, link.label);
        out.push_str(": ");
        escape_into(out, &link.url);
        out.push_str("</div>\n");
    }
    out.push_str("</td></tr>\n</table>\n");
}

/// Text with its line breaks as `<br>`.
fn push_lines(out: &mut String, text: &str) {
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push_str("<br>");
        }
        escape_into(out, line);
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}
