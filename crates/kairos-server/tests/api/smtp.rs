//! A real SMTP server for the notification tests: Python's aiosmtpd (from PyPI), storing what
//! it receives in a Maildir; and the delivered messages read back with independent parsers
//! (`mail-parser` for MIME, `ical` for the calendar part).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};

/// Whether aiosmtpd can be started here; when not, tests skip (or fail under
/// `KAIROS_TEST_REQUIRE_ALL=1`).
pub fn available() -> bool {
    kairos_test_services::aiosmtpd()
}

/// A free TCP port on loopback (nothing listens on it when this returns).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// An aiosmtpd process on `port`, keeping mail under `dir`; stopped when dropped.
pub struct SmtpSink {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
    /// How long the server takes over each message before it accepts it.
    delay_ms: u64,
}

/// An aiosmtpd handler that stores into a Maildir like `aiosmtpd.handlers.Mailbox`, after a
/// delay: a slow mail server, so a test can stop a sender in the middle of its queue.
const SLOW_HANDLER: &str = r#"
import asyncio, mailbox

class SlowMaildir:
    def __init__(self, path, delay_ms):
        self.box = mailbox.Maildir(path, create=True)
        self.delay = int(delay_ms) / 1000

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.box.add(envelope.original_content)
        return "250 OK"
"#;

impl SmtpSink {
    /// A sink on a fresh port with a fresh Maildir, listening when this returns.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("kairos-smtp-{}", uuid::Uuid::new_v4()));
        let mut sink = Self {
            child: None,
            port: free_port(),
            dir,
            delay_ms: 0,
        };
        sink.resume();
        sink
    }

    /// A sink that takes `delay_ms` over each message before accepting it.
    #[allow(
        dead_code,
        reason = "used by tests/processes.rs, which shares this module"
    )]
    pub fn start_slow(delay_ms: u64) -> Self {
        let dir = std::env::temp_dir().join(format!("kairos-smtp-{}", uuid::Uuid::new_v4()));
        let mut sink = Self {
            child: None,
            port: free_port(),
            dir,
            delay_ms,
        };
        sink.resume();
        sink
    }

    /// A sink that will listen on `port` once [`SmtpSink::resume`] is called (nothing listens
    /// there until then: the "SMTP is down" case).
    pub fn stopped_on(port: u16) -> Self {
        let dir = std::env::temp_dir().join(format!("kairos-smtp-{}", uuid::Uuid::new_v4()));
        Self {
            child: None,
            port,
            dir,
            delay_ms: 0,
        }
    }

    /// Starts (or restarts) the server and waits until it listens.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "already running");
        let mut command = Command::new("python3");
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port));
        if self.delay_ms == 0 {
            command
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(&self.dir);
        } else {
            let modules = self.dir.with_extension("handler");
            std::fs::create_dir_all(&modules).expect("handler directory");
            std::fs::write(modules.join("kairos_slow_sink.py"), SLOW_HANDLER).expect("handler");
            command
                .env("PYTHONPATH", &modules)
                .args(["-c", "kairos_slow_sink.SlowMaildir"])
                .arg(&self.dir)
                .arg(self.delay_ms.to_string());
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts");
        for _ in 0..200 {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok() {
                self.child = Some(child);
                return;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("aiosmtpd exited with {status} before listening");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("aiosmtpd did not listen on port {} within 10 s", self.port);
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Email> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.join("new"))
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .map(|raw| Email::parse(&raw))
            .collect()
    }

    /// Waits (up to 20 s) until at least `count` messages arrived; returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Email> {
        for _ in 0..400 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let got = self.messages();
        panic!(
            "expected {count} messages, got {}: {:#?}",
            got.len(),
            got.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_dir_all(self.dir.with_extension("handler"));
    }
}

/// One delivered email, as an independent parser reads it.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// The `method` parameter of the `text/calendar` part.
    pub calendar_method: String,
    /// The calendar part's properties (first VEVENT and the VCALENDAR), by name.
    pub calendar: std::collections::HashMap<String, String>,
    /// Whether an `.ics` attachment came along.
    pub has_ics_attachment: bool,
}

impl Email {
    /// Reads a raw message (as delivered, or as an `.eml` file).
    pub fn parse(raw: &[u8]) -> Self {
        let message = MessageParser::default().parse(raw).expect("a MIME message");
        let to = message
            .to()
            .and_then(|to| to.first())
            .and_then(|address| address.address())
            .unwrap_or_default()
            .to_owned();
        let mut calendar_text = String::new();
        let mut calendar_method = String::new();
        let mut has_ics_attachment = false;
        for part in &message.parts {
            let Some(content_type) = part.content_type() else {
                continue;
            };
            let full = format!(
                "{}/{}",
                content_type.ctype(),
                content_type.subtype().unwrap_or_default()
            );
            if full == "text/calendar" {
                calendar_method = content_type
                    .attribute("method")
                    .unwrap_or_default()
                    .to_owned();
                calendar_text = String::from_utf8_lossy(part.contents()).into_owned();
            }
            if full == "application/ics" || part.attachment_name() == Some("invite.ics") {
                has_ics_attachment = true;
            }
        }
        Self {
            to,
            subject: message.subject().unwrap_or_default().to_owned(),
            message_id: message.message_id().unwrap_or_default().to_owned(),
            text: message.body_text(0).unwrap_or_default().into_owned(),
            html: message.body_html(0).unwrap_or_default().into_owned(),
            calendar_method,
            calendar: parse_calendar(&calendar_text),
            has_ics_attachment,
        }
    }

    /// The first `http…` link in the text part that contains `needle`.
    pub fn link(&self, needle: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .map(|word| word.trim_matches(|c: char| c == '<' || c == '>' || c == '(' || c == ')'))
            .find(|word| word.starts_with("http") && word.contains(needle))
            .map(str::to_owned)
    }
}

/// Parses a calendar with the `ical` crate; property names to values (VEVENT over VCALENDAR).
fn parse_calendar(text: &str) -> std::collections::HashMap<String, String> {
    let mut found = std::collections::HashMap::new();
    if text.is_empty() {
        return found;
    }
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser
        .next()
        .expect("one calendar")
        .expect("a calendar the ical crate accepts");
    for property in &calendar.properties {
        found.insert(
            property.name.clone(),
            property.value.clone().unwrap_or_default(),
        );
    }
    let event = calendar.events.first().expect("one event");
    for property in &event.properties {
        let value = property.value.clone().unwrap_or_default();
        if property.name == "ATTENDEE" || property.name == "ORGANIZER" {
            found.insert(property.name.clone(), value.to_lowercase());
        } else {
            found.insert(property.name.clone(), value);
        }
    }
    found
}
