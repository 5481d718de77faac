//! The Origin check against cross-site request forgery on public writes.
//!
//! Guarantees: a request that names where it comes from — an `Origin` header, or without one a
//! `Referer` — passes only when that origin (scheme, host, port) equals the origin of the
//! configured public URL. Anything else that is present, including the opaque origin `null` and
//! text that is not a URL, is refused. A request with neither header (an API client, curl) passes:
//! browsers always send `Origin` on cross-site POSTs, so its absence is no forgery.

use std::fmt;
use std::net::Ipv6Addr;

use axum::http::{HeaderMap, Uri, header};

/// The origin of a URL, `scheme://host[:port]`, normalised the way browsers compare origins:
/// scheme and host in lower case, IPv6 hosts in their canonical text, and the default port of
/// `http` (80) and `https` (443) the same as no port at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

/// Why a text has no [`Origin`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` has no origin: {reason}; write a URL such as https://booking.example.com")]
pub struct OriginError {
    text: String,
    reason: &'static str,
}

impl Origin {
    /// The origin of an absolute URL (`https://Example.com:443/path` → `https://example.com`).
    /// Path, query and fragment are ignored.
    pub fn parse(text: &str) -> Result<Self, OriginError> {
        let error = |reason| OriginError {
            text: text.to_owned(),
            reason,
        };
        let without_fragment = text.split('#').next().unwrap_or_default();
        let uri: Uri = without_fragment
            .parse()
            .map_err(|_| error("it is not a URL"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| error("it has no scheme such as https://"))?
            .to_ascii_lowercase();
        let host = uri
            .host()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| error("it has no host"))?;
        let host = match host
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            Some(inner) => {
                let address: Ipv6Addr = inner
                    .parse()
                    .map_err(|_| error("its IPv6 host is malformed"))?;
                format!("[{address}]")
            }
            None => host.to_ascii_lowercase(),
        };
        let port = uri.port_u16().or_else(|| default_port(&scheme));
        Ok(Self { scheme, host, port })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}://{}", self.scheme, self.host)?;
        match self.port {
            Some(port) if Some(port) != default_port(&self.scheme) => write!(formatter, ":{port}"),
            _ => Ok(()),
        }
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Whether a request may write, judged by its `Origin` header or, without one, its `Referer`:
/// true when neither is present or when every value present has the origin `public`.
pub fn is_allowed_origin(headers: &HeaderMap, public: &Origin) -> bool {
    let claimed = if headers.contains_key(header::ORIGIN) {
        headers.get_all(header::ORIGIN)
    } else {
        headers.get_all(header::REFERER)
    };
    claimed.iter().all(|value| {
        value
            .to_str()
            .ok()
            .and_then(|text| Origin::parse(text.trim()).ok())
            .is_some_and(|origin| origin == *public)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn origin(text: &str) -> Origin {
        Origin::parse(text).unwrap()
    }

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn origins_ignore_case_default_ports_and_paths() {
        let public = origin("https://Booking.Example.com/kairos/");
        assert_eq!(public.to_string(), "https://booking.example.com");
        assert_eq!(origin("HTTPS://booking.example.COM:443"), public);
        assert_eq!(origin("https://booking.example.com/a/b?c=d#e"), public);
        assert_eq!(origin("http://localhost:80"), origin("http://localhost"));
        assert_eq!(
            origin("http://[0:0:0:0:0:0:0:1]:8080"),
            origin("http://[::1]:8080")
        );
        assert_eq!(origin("http://[::1]:8080").to_string(), "http://[::1]:8080");
    }

    #[test]
    fn scheme_host_and_port_each_make_a_different_origin() {
        let public = origin("https://booking.example.com");
        assert_ne!(origin("http://booking.example.com"), public);
        assert_ne!(origin("https://booking.example.com:8443"), public);
        assert_ne!(origin("https://evil.example.com"), public);
        assert_ne!(origin("https://booking.example.com.evil.test"), public);
        assert_ne!(
            origin("http://127.0.0.1:8080"),
            origin("http://127.0.0.1:8081")
        );
    }

    #[test]
    fn texts_without_an_origin_are_errors() {
        for text in [
            "null",
            "",
            "/relative/path",
            "booking.example.com",
            "https://",
        ] {
            let error = Origin::parse(text).unwrap_err().to_string();
            assert!(error.contains("has no origin"), "{text:?}: {error}");
        }
        let error = Origin::parse("http://[::zz]/").unwrap_err().to_string();
        assert!(error.contains("URL") || error.contains("IPv6"), "{error}");
    }

    #[test]
    fn requests_without_origin_or_referer_pass() {
        let public = origin("https://booking.example.com");
        assert!(is_allowed_origin(&HeaderMap::new(), &public));
    }

    #[test]
    fn the_origin_header_must_match() {
        let public = origin("https://booking.example.com");
        let same = headers(&[(header::ORIGIN, "https://booking.example.com")]);
        assert!(is_allowed_origin(&same, &public));
        let foreign = headers(&[(header::ORIGIN, "https://evil.example")]);
        assert!(!is_allowed_origin(&foreign, &public));
        let downgraded = headers(&[(header::ORIGIN, "http://booking.example.com")]);
        assert!(!is_allowed_origin(&downgraded, &public));
    }

    #[test]
    fn the_null_origin_is_refused() {
        let public = origin("https://booking.example.com");
        let opaque = headers(&[(header::ORIGIN, "null")]);
        assert!(!is_allowed_origin(&opaque, &public));
        let empty = headers(&[(header::ORIGIN, "")]);
        assert!(!is_allowed_origin(&empty, &public));
    }

    #[test]
    fn the_referer_counts_only_without_an_origin() {
        let public = origin("https://booking.example.com");
        let same_referer = headers(&[(header::REFERER, "https://booking.example.com/acme/30min")]);
        assert!(is_allowed_origin(&same_referer, &public));
        let foreign_referer = headers(&[(header::REFERER, "https://evil.example/page")]);
        assert!(!is_allowed_origin(&foreign_referer, &public));
        let origin_wins = headers(&[
            (header::ORIGIN, "https://booking.example.com"),
            (header::REFERER, "https://evil.example/page"),
        ]);
        assert!(is_allowed_origin(&origin_wins, &public));
        let origin_refuses = headers(&[
            (header::ORIGIN, "https://evil.example"),
            (header::REFERER, "https://booking.example.com/"),
        ]);
        assert!(!is_allowed_origin(&origin_refuses, &public));
    }

    #[test]
    fn every_origin_line_must_match() {
        let public = origin("https://booking.example.com");
        let mixed = headers(&[
            (header::ORIGIN, "https://booking.example.com"),
            (header::ORIGIN, "https://evil.example"),
        ]);
        assert!(!is_allowed_origin(&mixed, &public));
    }
}
