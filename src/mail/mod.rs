//! Notifications (DESIGN §7): what is said (messages), how it is queued (the outbox, in the
//! transaction of the event), and how it leaves (the worker and its transport).

pub mod messages;
pub mod transport;
pub mod worker;

use crate::auth::token;
use crate::config::PublicUrl;
use crate::db::DbConn;
use crate::domain::Lang;
use crate::models::id::CaseId;
use crate::models::user::User;
use crate::models::{self, outbox::NewOutboxRow};

pub use messages::Notice;

pub use transport::Mailer;

/// Why a notice could not be queued.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("rendering the notice failed")]
    Render(#[from] askama::Error),
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

/// Who a notice goes to, and in which language.
pub struct Recipient<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub lang: Lang,
}

impl<'a> Recipient<'a> {
    /// An account, in the language it chose (the default language if it chose none).
    pub fn account(user: &'a User) -> Recipient<'a> {
        Recipient {
            email: &user.email,
            name: &user.name,
            lang: user.language.unwrap_or_default(),
        }
    }
}

/// Renders the notice in the recipient's language and queues it in the caller's transaction.
/// `event` names the event that causes it; the same (event, recipient, kind) queues once.
pub fn queue(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    event: &str,
    to: &Recipient<'_>,
    notice: &Notice<'_>,
) -> Result<bool, QueueError> {
    queue_row(conn, public_url, event, to, notice, None, None)
}

/// A link into a case that is one recipient's own (`/n/{token}`), so the case can show when
/// the notice was first opened: proof of notice.
pub struct TrackedLink {
    pub url: String,
    case_id: CaseId,
    token_hash: String,
}

pub fn tracked_link(public_url: &PublicUrl, case_id: CaseId) -> TrackedLink {
    let token = token::generate();
    TrackedLink {
        url: public_url.page(&format!("/n/{token}")),
        case_id,
        token_hash: token::hash(&token),
    }
}

/// A tracked link whose token is one the caller already made (an invitation's own), at `path`.
pub fn tracked_token_link(public_url: &PublicUrl, case_id: CaseId, path: &str, token: &str) -> TrackedLink {
    TrackedLink {
        url: public_url.page(path),
        case_id,
        token_hash: token::hash(token),
    }
}

/// Like [`queue`], for a notice about a case whose link is `link`, with an iCalendar
/// invitation attached when there is one (a session scheduled).
pub fn queue_tracked(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    event: &str,
    to: &Recipient<'_>,
    notice: &Notice<'_>,
    link: &TrackedLink,
    calendar: Option<&str>,
) -> Result<bool, QueueError> {
    queue_row(
        conn,
        public_url,
        event,
        to,
        notice,
        Some((link.case_id, &link.token_hash)),
        calendar,
    )
}

fn queue_row(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    event: &str,
    to: &Recipient<'_>,
    notice: &Notice<'_>,
    tracked: Option<(CaseId, &str)>,
    calendar: Option<&str>,
) -> Result<bool, QueueError> {
    let rendered = notice.render(to, public_url)?;
    let host = public_url.url().host_str().unwrap_or("ipdesk.invalid");
    // Stable across retries: a resent copy is recognisably the same message.
    let message_id = format!("<{}@{host}>", uuid::Uuid::new_v4());
    let now = models::now();
    // Names are parsed without control characters, but the mail boundary does not rely on it:
    // a line break in a display name must never reach a header.
    let name: String = to
        .name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let row = NewOutboxRow {
        event_key: event,
        recipient: to.email,
        kind: notice.kind().as_str(),
        recipient_name: name.trim(),
        language: to.lang.code(),
        message_id: &message_id,
        subject: &rendered.subject,
        body_text: &rendered.text,
        body_html: &rendered.html,
        status: crate::domain::NoticeStatus::Pending.as_str(),
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
        case_id: tracked.map(|t| t.0),
        link_token_hash: tracked.map(|t| t.1),
        calendar,
    };
    Ok(models::outbox::insert(conn, &row)?)
}
