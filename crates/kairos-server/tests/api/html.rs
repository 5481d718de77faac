//! Pages as a test reads them: status, headers and HTML with character references decoded, and
//! a browser-like client that does not follow redirects.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};

/// A page: status, headers and HTML.
pub struct Page {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "page: {}", self.html);
        self
    }

    #[track_caller]
    pub fn expect_html(self, status: u16) -> Self {
        let page = self.expect(status);
        let content_type = page.headers[CONTENT_TYPE].to_str().unwrap_or_default();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        assert!(page.html.starts_with("<!doctype html>"), "{}", page.html);
        page
    }

    /// Asserts that the page's HTML, with its character references decoded, holds `text`.
    #[track_caller]
    pub fn contains(&self, text: &str) -> &Self {
        let decoded = unescape(&self.html);
        assert!(decoded.contains(text), "{text:?} missing from: {decoded}");
        self
    }

    /// The `Location` of a 303, as a path.
    #[track_caller]
    pub fn see_other(&self, address: &str) -> String {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "page: {}", self.html);
        let location = self.headers[LOCATION].to_str().expect("location");
        location
            .strip_prefix(address)
            .unwrap_or(location)
            .to_owned()
    }

    /// The first `href` that starts with `prefix`, unescaped.
    #[track_caller]
    pub fn link(&self, prefix: &str) -> String {
        let html = unescape(&self.html);
        let needle = format!("href=\"{prefix}");
        let start = html
            .find(&needle)
            .unwrap_or_else(|| panic!("no link to {prefix} in: {html}"))
            + 6;
        let end = start + html[start..].find('"').expect("closing quote");
        html[start..end].to_owned()
    }
}

/// Decodes the character references a template writes (`&#38;`, `&amp;`, `&#34;`, …).
pub fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(index) = rest.find('&') {
        out.push_str(&rest[..index]);
        rest = &rest[index..];
        let Some(end) = rest.find(';').filter(|end| *end <= 8) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Posts a form as a browser without cookies does: urlencoded, with an `Origin`.
pub async fn post_form(address: &str, path: &str, fields: &[(&str, &str)], origin: &str) -> Page {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = browser()
        .post(format!("{address}{path}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ORIGIN, origin)
        .body(body)
        .send()
        .await
        .expect("request");
    read(response).await
}

pub async fn read(response: reqwest::Response) -> Page {
    Page {
        status: response.status(),
        headers: response.headers().clone(),
        html: response.text().await.expect("body"),
    }
}
