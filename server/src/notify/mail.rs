//! Mail: built with lettre (every header encoded by it, user text never written raw into a
//! header), sent over SMTP or kept in the local outbox.

use std::time::Duration;

use app::{
    domain::notify::mail::{header_safe, Mail},
    store::notify::outbox::{self, LocalMail},
};
use chrono::Utc;
use lettre::{
    message::{
        header::{Header, HeaderName, HeaderValue},
        Mailbox, MultiPart,
    },
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sqlx::SqlitePool;
use url::Url;

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP server set: mail is kept for the local administrator (/admin/outbox).
    Local,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Transport::Smtp(_) => "Smtp",
            Transport::Local => "Local",
        })
    }
}

/// The mail settings, checked at start-up.
#[derive(Clone, Debug)]
pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
    /// The domain of Message-IDs: our public host.
    pub domain: String,
}

/// Reads `RELEASEDESK_SMTP_URL`: `smtp://` upgrades with STARTTLS when the server offers it
/// (`?tls=required` insists), `smtps://` speaks TLS from the start; credentials in the URL.
pub fn smtp_transport(text: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    // The URL may carry a password: it is never repeated in an error.
    let url = Url::parse(text.trim())
        .map_err(|err| format!("not a URL like smtp://user:pass@host:587 ({err})"))?;
    let host = url
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or("the URL names no host")?
        .to_owned();
    let required = url
        .query_pairs()
        .any(|(key, value)| key == "tls" && value == "required");
    let parameters =
        || TlsParameters::new(host.clone()).map_err(|err| format!("cannot set up TLS: {err}"));
    let (tls, default_port) = match url.scheme() {
        "smtp" if required => (Tls::Required(parameters()?), 587),
        "smtp" => (Tls::Opportunistic(parameters()?), 25),
        "smtps" => (Tls::Wrapper(parameters()?), 465),
        other => return Err(format!("use smtp:// or smtps://, not {other}://")),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
        .port(url.port().unwrap_or(default_port))
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT));
    if !url.username().is_empty() {
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        let password = url.password().map(decode).unwrap_or_default();
        builder = builder.credentials(Credentials::new(decode(url.username()), password));
    }
    Ok(builder.build())
}

/// A mail to send: to whom, what, and the unsubscribe address for its headers.
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    /// The delivery's id: the Message-ID, the same on every attempt.
    pub uid: &'a str,
    pub to: &'a str,
    pub mail: &'a Mail,
    pub unsubscribe: Option<&'a str>,
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(text.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// A link for a header: only a plain http(s) URL with no spaces or angle brackets is put there.
fn header_link(link: &str) -> Option<&str> {
    let plain = (link.starts_with("https://") || link.starts_with("http://"))
        && link
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    plain.then_some(link)
}

impl Mailer {
    /// Builds the message; an address lettre cannot take is refused here, not sent.
    pub fn message(&self, outgoing: &Outgoing<'_>) -> Result<Message, String> {
        let to: Mailbox = outgoing
            .to
            .parse()
            .map_err(|err| format!("cannot send to this address: {err}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(header_safe(&outgoing.mail.subject, 200))
            .message_id(Some(format!("<{}@{}>", outgoing.uid, self.domain)))
            .header(AutoSubmitted);
        if let Some(link) = outgoing.unsubscribe.and_then(header_link) {
            builder = builder
                .header(ListUnsubscribe(link.to_owned()))
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                outgoing.mail.text.clone(),
                outgoing.mail.html.clone(),
            ))
            .map_err(|err| format!("cannot build the mail: {err}"))
    }

    /// Sends one mail, or keeps it in the local outbox.
    pub async fn send(&self, pool: &SqlitePool, outgoing: &Outgoing<'_>) -> Result<(), String> {
        let message = self.message(outgoing)?;
        match &self.transport {
            Transport::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|err| format!("the SMTP server refused or failed: {err}")),
            Transport::Local => {
                let headers = message.headers().to_string().trim_end().to_owned();
                let mail = LocalMail {
                    id: 0,
                    delivery_uid: outgoing.uid.to_owned(),
                    recipient: outgoing.to.to_owned(),
                    subject: header_safe(&outgoing.mail.subject, 200),
                    headers,
                    text_body: outgoing.mail.text.clone(),
                    html_body: outgoing.mail.html.clone(),
                    created_at: Utc::now(),
                };
                outbox::keep_local_mail(pool, &mail)
                    .await
                    .map_err(|err| format!("cannot keep the mail: {err}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer {
            transport: Transport::Local,
            from: "Release Desk <releases@example.org>"
                .parse()
                .expect("a mailbox"),
            domain: "example.org".to_owned(),
        }
    }

    fn mail(subject: &str) -> Mail {
        Mail {
            subject: subject.to_owned(),
            text: "text".to_owned(),
            html: "<p>html</p>".to_owned(),
        }
    }

    #[test]
    fn user_text_never_breaks_a_header() {
        let mail = mail("[acme/orbit] Incident: down\r\nBcc: victim@example.com");
        let outgoing = Outgoing {
            uid: "abc",
            to: "ada@example.com",
            mail: &mail,
            unsubscribe: Some("https://rd.example/subscriptions/unsubscribe/1.0.x"),
        };
        let message = mailer().message(&outgoing).expect("a message");
        let formatted = String::from_utf8(message.formatted()).expect("utf-8");
        assert!(!formatted.contains("\r\nBcc:"), "{formatted}");
        assert!(formatted.contains("Message-ID: <abc@example.org>"));
        assert!(formatted
            .contains("List-Unsubscribe: <https://rd.example/subscriptions/unsubscribe/1.0.x>"));
        assert!(formatted.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }

    #[test]
    fn an_address_with_a_line_break_is_refused() {
        let mail = mail("hello");
        let outgoing = Outgoing {
            uid: "abc",
            to: "ada@example.com\r\nBcc: x@example.com",
            mail: &mail,
            unsubscribe: None,
        };
        assert!(mailer().message(&outgoing).is_err());
    }

    #[test]
    fn only_plain_links_go_into_headers() {
        assert_eq!(
            header_link("https://a.example/x"),
            Some("https://a.example/x")
        );
        assert_eq!(header_link("https://a.example/x>\r\nBcc: y"), None);
        assert_eq!(header_link("javascript:alert(1)"), None);
    }

    #[test]
    fn smtp_urls_are_checked() {
        assert!(smtp_transport("smtp://127.0.0.1:2525").is_ok());
        assert!(smtp_transport("smtps://user:p%40ss@mail.example.org").is_ok());
        assert!(smtp_transport("http://mail.example.org").is_err());
        assert!(smtp_transport("not a url").is_err());
    }
}
