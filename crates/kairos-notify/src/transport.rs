//! Sending composed messages: over SMTP, or into a directory of `.eml` files.
//!
//! [`Mailer`] is what the outbox worker holds; [`SendError`] tells it whether to retry.
//! Every mailer takes the message's envelope (sender and recipients) from its headers.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends one message.
#[async_trait]
pub trait Mailer: Send + Sync + fmt::Debug {
    /// Hands `message` over for delivery. `Ok` means the next hop took responsibility for it
    /// (the SMTP server accepted it, the file is on disk).
    async fn send(&self, message: &Message) -> Result<(), SendError>;
}

/// Why a message was not sent, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Retrying will not help: the server refused this message or a recipient for good (a
    /// 5xx reply), or the message cannot be sent as it is. Give up soon and record why.
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// It may work later: the server could not be reached or timed out, replied 4xx, or
    /// refused our credentials or TLS setup (an operator can fix those without touching
    /// the message). Retry with backoff.
    #[error("transient failure: {0}")]
    Transient(String),
}

impl SendError {
    /// Whether the failure is [`SendError::Permanent`].
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent(_))
    }

    /// Whether the failure is [`SendError::Transient`].
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmtpSecurity {
    /// Plain text. Only for a relay on localhost or a test server.
    None,
    /// Plain connect, then STARTTLS, which the server must offer (usually port 587).
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

/// A user name and password for SMTP AUTH. The password never shows in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpCredentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for SmtpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpCredentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Where and how to reach the SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// The server's host name; with TLS, the name its certificate must carry.
    pub host: String,
    /// The port: 587 for STARTTLS, 465 for implicit TLS, 25 or a local port for none.
    pub port: u16,
    /// How the connection is secured.
    pub security: SmtpSecurity,
    /// Credentials for AUTH, if the server wants them. With [`SmtpSecurity::None`] they
    /// cross the network in clear text.
    pub credentials: Option<SmtpCredentials>,
    /// The longest one send may take, connecting included; past it the send fails as
    /// transient. (The server may still have taken the message: the stable Message-ID lets
    /// receivers spot the copy a retry then sends.)
    pub timeout: Duration,
    /// The name this client gives in EHLO; your service's public host name. `None` sends
    /// `localhost`, which some servers refuse.
    pub hello_name: Option<String>,
}

/// Sends over SMTP with lettre; one connection per message.
///
/// TLS is rustls with the Mozilla root certificates built in (`webpki-roots`); the system
/// store is not read.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    settings: SmtpSettings,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Why [`SmtpMailer::new`] refused its settings.
#[derive(Debug, thiserror::Error)]
#[error("invalid SMTP settings: {0}")]
pub struct SmtpSettingsError(String);

impl SmtpMailer {
    /// Prepares a mailer. Nothing connects until the first [`Mailer::send`].
    pub fn new(settings: SmtpSettings) -> Result<Self, SmtpSettingsError> {
        if settings.host.trim().is_empty() {
            return Err(SmtpSettingsError("the host is empty".to_owned()));
        }
        let tls = match settings.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::StartTls => Tls::Required(tls_parameters(&settings.host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(&settings.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some(credentials) = &settings.credentials {
            builder = builder.credentials(Credentials::new(
                credentials.username.clone(),
                credentials.password.clone(),
            ));
        }
        if let Some(name) = &settings.hello_name {
            builder = builder.hello_name(ClientId::Domain(name.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            settings,
        })
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, SmtpSettingsError> {
    TlsParameters::new(host.to_owned())
        .map_err(|error| SmtpSettingsError(format!("TLS for {host:?}: {error}")))
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &Message) -> Result<(), SendError> {
        // lettre's own timeout covers only the connect on tokio; this bounds the whole
        // exchange, so a server that accepts and then says nothing cannot stall the worker.
        let bytes = message.formatted();
        let sending = self.transport.send_raw(message.envelope(), &bytes);
        match tokio::time::timeout(self.settings.timeout, sending).await {
            Ok(Ok(_response)) => Ok(()),
            Ok(Err(error)) => Err(classify(&error)),
            Err(_elapsed) => Err(SendError::Transient(format!(
                "no answer from {}:{} within {:?}",
                self.settings.host, self.settings.port, self.settings.timeout
            ))),
        }
    }
}

/// Reply codes that are 5xx but mean "your credentials or setup", not "this message": an
/// operator fixes them and the message can go then.
const CONFIGURATION_CODES: [&str; 4] = ["530", "534", "535", "538"];

/// Sorts an SMTP error into permanent and transient.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let text = error.to_string();
    if error.is_permanent() {
        let configuration = error
            .status()
            .is_some_and(|code| CONFIGURATION_CODES.contains(&code.to_string().as_str()));
        if configuration {
            SendError::Transient(text)
        } else {
            SendError::Permanent(text)
        }
    } else {
        // 4xx replies, timeouts, refused or dropped connections, TLS and protocol errors.
        SendError::Transient(text)
    }
}

/// Writes each message to `<dir>/<message-id>.eml`: for development, tests and a pickup
/// directory.
///
/// The file appears whole or not at all (written under a temporary name, flushed to disk,
/// then renamed). A message whose file already exists counts as sent, so a retry after a
/// crash does not write it twice. The Message-ID becomes the file name with every character
/// other than ASCII letters, digits, `.`, `-`, `_`, `+`, `=` and `@` written as `%XX`, so
/// two IDs never share a file.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    /// A mailer writing into `dir`, which is created on the first send if missing.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory the messages go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a message with this Message-ID header value (with or without angle
    /// brackets) is written to.
    pub fn path_for(&self, message_id: &str) -> PathBuf {
        self.dir.join(file_name(message_id))
    }
}

/// `<message-id>.eml`, with the brackets dropped and unsafe bytes percent-encoded.
fn file_name(message_id: &str) -> String {
    let id = message_id.trim();
    let id = id
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or(id);
    let mut name = String::with_capacity(id.len() + 4);
    for byte in id.bytes() {
        let safe = byte.is_ascii_alphanumeric() || b".-_+=@".contains(&byte);
        // A leading dot would hide the file and could spell `..`.
        if safe && !(name.is_empty() && byte == b'.') {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    name.push_str(".eml");
    name
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, message: &Message) -> Result<(), SendError> {
        let Some(message_id) = message.headers().get_raw("Message-ID") else {
            return Err(SendError::Permanent(
                "the message has no Message-ID to name its file".to_owned(),
            ));
        };
        let name = file_name(message_id);
        if name.len() > 255 {
            return Err(SendError::Permanent(format!(
                "the Message-ID {message_id:?} is too long for a file name"
            )));
        }
        let dir = self.dir.clone();
        let bytes = message.formatted();
        tokio::task::spawn_blocking(move || write_once(&dir, &name, &bytes))
            .await
            .map_err(|error| SendError::Transient(format!("the writer task failed: {error}")))?
            .map_err(|error| {
                SendError::Transient(format!("writing into {}: {error}", self.dir.display()))
            })
    }
}

/// Writes `bytes` to `dir/name` unless that file exists: into a hidden temporary file,
/// synced, then renamed over.
fn write_once(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(name);
    if path.try_exists()? {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| {
        let mut file = std::fs::File::create_new(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written?;
    // Make the rename itself durable where directories can be synced (not on Windows).
    if let Ok(directory) = std::fs::File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_safe_characters_and_encode_the_rest() {
        assert_eq!(
            file_name("<abc-1.2@mail.example>"),
            "abc-1.2@mail.example.eml"
        );
        assert_eq!(file_name("a/b@c"), "a%2Fb@c.eml");
        assert_eq!(file_name("a_b@c"), "a_b@c.eml");
        assert_eq!(file_name("a%2Fb@c"), "a%252Fb@c.eml");
        assert_eq!(file_name("../x@y"), "%2E.%2Fx@y.eml");
        assert_eq!(file_name("a\\b@c"), "a%5Cb@c.eml");
    }

    #[test]
    fn credentials_hide_the_password() {
        let settings = SmtpSettings {
            host: "smtp.example.com".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            credentials: Some(SmtpCredentials {
                username: "kairos".into(),
                password: "hunter2".into(),
            }),
            timeout: Duration::from_secs(10),
            hello_name: None,
        };
        let shown = format!("{settings:?}");
        assert!(
            shown.contains("kairos") && !shown.contains("hunter2"),
            "{shown}"
        );
        let mailer = SmtpMailer::new(settings).unwrap();
        assert!(!format!("{mailer:?}").contains("hunter2"));
    }

    #[test]
    fn an_empty_host_is_refused() {
        let error = SmtpMailer::new(SmtpSettings {
            host: " ".into(),
            port: 25,
            security: SmtpSecurity::None,
            credentials: None,
            timeout: Duration::from_secs(1),
            hello_name: None,
        })
        .unwrap_err();
        assert!(error.to_string().contains("host"));
    }
}
