//! How mail leaves: SMTP when `SMTP_URL` is set, otherwise `.eml` files in the data folder
//! that a person can open. Built once at start-up.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport as _};

use crate::models::outbox::OutboxRow;

enum Transport {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport, PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// Why a message did not go, and whether trying again may help.
#[derive(Debug)]
pub enum SendError {
    /// 4xx, a time-out, a refused connection: try again later.
    Temporary(String),
    /// 5xx, or a message that can never be sent: park it.
    Permanent(String),
}

impl Mailer {
    /// `smtp_url`: `smtp://[user:pass@]host[:port][?tls=required]` (STARTTLS when asked) or
    /// `smtps://…` (TLS from the start). Without one, files under `mail_dir`.
    pub fn new(smtp_url: Option<&str>, from: Mailbox, mail_dir: PathBuf) -> anyhow::Result<Self> {
        let transport = match smtp_url {
            Some(url) => {
                let smtp = SmtpTransport::from_url(url)
                    .context("invalid SMTP_URL (use smtp://host:port, smtps://… or smtp://…?tls=required)")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Transport::Smtp(Box::new(smtp))
            }
            None => {
                std::fs::create_dir_all(&mail_dir)
                    .with_context(|| format!("cannot create the mail folder {}", mail_dir.display()))?;
                Transport::Files(FileTransport::new(&mail_dir), mail_dir)
            }
        };
        Ok(Self { transport, from })
    }

    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".to_owned(),
            Transport::Files(_, dir) => format!(".eml files in {}", dir.display()),
        }
    }

    fn message(&self, row: &OutboxRow) -> Result<Message, SendError> {
        let address = row
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("invalid recipient address: {e}")))?;
        // Typed headers: lettre encodes names and subjects, so no text can add a header.
        let to = Mailbox::new(Some(row.recipient_name.clone()), address);
        let text = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(row.body_text.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(row.body_html.clone()),
            );
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(row.message_id.clone()));
        let message = match &row.calendar {
            None => builder.multipart(text),
            // The invitation after the text, as a file calendar apps offer to add.
            Some(ics) => builder.multipart(
                MultiPart::mixed().multipart(text).singlepart(
                    Attachment::new("invitation.ics".to_owned()).body(
                        ics.clone(),
                        ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                            .expect("a valid content type"),
                    ),
                ),
            ),
        };
        message.map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }

    /// Sends one queued notice (blocking: call it off the async threads).
    pub fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let message = self.message(row)?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(&message).map(drop).map_err(|e| {
                let text = e.to_string();
                if e.is_permanent() {
                    SendError::Permanent(text)
                } else {
                    SendError::Temporary(text)
                }
            }),
            Transport::Files(files, _) => files
                .send(&message)
                .map(drop)
                .map_err(|e| SendError::Temporary(e.to_string())),
        }
    }
}
