//! The administrator's accounts: creating office accounts, and deactivating and reactivating
//! accounts.

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::config::PublicUrl;
use crate::db::{DbConn, write_tx};
use crate::domain::{Email, Lang, PersonName, Role};
use crate::mail::{self, Notice, Recipient};
use crate::models;
use crate::models::id::UserId;
use crate::models::user::{self, NewUser, User};
use crate::services::Error;
use crate::services::accounts::issue_setup_link;

/// An office account, as the administrator's form gave it.
pub struct NewOfficeAccount<'a> {
    pub name: &'a PersonName,
    pub email: &'a Email,
    pub role: Role,
}

/// What creating an office account did.
pub enum Created {
    /// The account, and the one-time link with which its owner sets a password.
    Done { user: User, link: String },
    /// An account has the address (perhaps added a moment ago); nothing changed.
    EmailTaken,
}

/// Creates an office account without a password, issues its setup link valid for `hours`,
/// mails it to the owner (in `language`, the administrator's), and records it.
pub fn create_office_account(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    admin: &User,
    new: NewOfficeAccount<'_>,
    hours: u32,
    language: Lang,
    address: Option<String>,
) -> Result<Created, Error> {
    let admin = Actor::user(admin);
    write_tx(conn, |c| {
        // Checked inside the write transaction, so two administrators adding the same address
        // at once get a message, not an error.
        if user::email_taken(c, new.email)? {
            return Ok(Created::EmailTaken);
        }
        let row = NewUser {
            email: new.email,
            name: new.name,
            role: new.role,
            password_hash: None,
            language: None,
            // The administrator vouches for the address; the link proves it anyway.
            email_verified: false,
        };
        let user = user::insert(c, row)?;
        let link = issue_setup_link(c, public_url, Some(user.id), hours)?;
        let to = Recipient {
            email: &user.email,
            name: &user.name,
            lang: language,
        };
        let notice = Notice::AccountInvitation {
            link: &link,
            hours,
            role: new.role,
        };
        mail::queue(
            c,
            public_url,
            &format!("account-invitation:{}", user.id.0),
            &to,
            &notice,
        )?;
        audit::record(
            c,
            Event {
                actor: &admin,
                action: "admin.user_created",
                object: Some(("user", user.id.0.to_string())),
                details: json!({"role": new.role.as_str(), "email": user.email}),
                address,
            },
        )?;
        Ok(Created::Done { user, link })
    })
}

/// Deactivates an account, which ends every session of it at once, or reactivates it; and
/// records it. `NotFound` if there is no such account.
pub fn set_active(
    conn: &mut DbConn,
    admin: &User,
    id: UserId,
    active: bool,
    address: Option<String>,
) -> Result<(), Error> {
    let admin = Actor::user(admin);
    write_tx(conn, |c| {
        if user::set_active(c, id, active)? == 0 {
            return Err(Error::NotFound);
        }
        if !active {
            models::session::delete_for_user(c, id, None)?;
        }
        audit::record(
            c,
            Event {
                actor: &admin,
                action: if active {
                    "admin.user_activated"
                } else {
                    "admin.user_deactivated"
                },
                object: Some(("user", id.0.to_string())),
                details: json!({}),
                address,
            },
        )?;
        Ok(())
    })
}
