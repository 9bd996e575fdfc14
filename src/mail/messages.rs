//! The notices and their templates: a subject, a plain-text body and an HTML body, in the
//! recipient's language. Links are built from the configured public URL by the caller.

use askama::Template;
use url::Url;

use super::Recipient;
use crate::domain::{Lang, Role};
use crate::i18n;

pub enum Notice<'a> {
    /// Confirm the e-mail address given at registration.
    VerifyEmail {
        link: &'a str,
        hours: u32,
    },
    PasswordReset {
        link: &'a str,
        minutes: u32,
    },
    PasswordChanged,
    /// An office account was created; choose a password.
    AccountInvitation {
        link: &'a str,
        hours: u32,
        role: Role,
    },
    /// To the complainant: the complaint was filed under this number.
    FilingReceipt {
        case_no: &'a str,
        title: &'a str,
        link: &'a str,
    },
    /// To intake staff: a new case arrived.
    NewCase {
        case_no: &'a str,
        title: &'a str,
        complainant: &'a str,
        link: &'a str,
    },
}

impl Notice<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::VerifyEmail { .. } => "verify_email",
            Notice::PasswordReset { .. } => "password_reset",
            Notice::PasswordChanged => "password_changed",
            Notice::AccountInvitation { .. } => "account_invitation",
            Notice::FilingReceipt { .. } => "filing_receipt",
            Notice::NewCase { .. } => "new_case",
        }
    }
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What every mail template can use.
pub struct MailCtx<'a> {
    pub lang: Lang,
    pub name: &'a str,
    pub link: &'a str,
    pub hours: u32,
    pub minutes: u32,
    pub role: Option<Role>,
    pub site: &'a str,
    pub case_no: &'a str,
    pub title: &'a str,
    /// The other party named in the notice (the complainant, for intake).
    pub party: &'a str,
}

impl MailCtx<'_> {
    pub fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        i18n::text_with(self.lang, key, &[(name, value.to_string())])
    }

    pub fn role_label(&self) -> String {
        self.role.map(|r| self.t(r.label_key())).unwrap_or_default()
    }
}

macro_rules! mail_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path)]
        struct $name<'a> {
            m: &'a MailCtx<'a>,
        }
    };
}

mail_template!(VerifyText, "email/verify_email.txt");
mail_template!(VerifyHtml, "email/verify_email.html");
mail_template!(ResetText, "email/password_reset.txt");
mail_template!(ResetHtml, "email/password_reset.html");
mail_template!(ChangedText, "email/password_changed.txt");
mail_template!(ChangedHtml, "email/password_changed.html");
mail_template!(InvitationText, "email/account_invitation.txt");
mail_template!(InvitationHtml, "email/account_invitation.html");
mail_template!(ReceiptText, "email/filing_receipt.txt");
mail_template!(ReceiptHtml, "email/filing_receipt.html");
mail_template!(NewCaseText, "email/new_case.txt");
mail_template!(NewCaseHtml, "email/new_case.html");

impl Notice<'_> {
    pub fn render(&self, to: &Recipient<'_>, public_url: &Url) -> askama::Result<Rendered> {
        let (link, hours, minutes, role) = match *self {
            Notice::VerifyEmail { link, hours } => (link, hours, 0, None),
            Notice::PasswordReset { link, minutes } => (link, 0, minutes, None),
            Notice::PasswordChanged => ("", 0, 0, None),
            Notice::AccountInvitation { link, hours, role } => (link, hours, 0, Some(role)),
            Notice::FilingReceipt { link, .. } | Notice::NewCase { link, .. } => (link, 0, 0, None),
        };
        let (case_no, title, party) = match *self {
            Notice::FilingReceipt { case_no, title, .. } => (case_no, title, ""),
            Notice::NewCase {
                case_no,
                title,
                complainant,
                ..
            } => (case_no, title, complainant),
            _ => ("", "", ""),
        };
        let m = MailCtx {
            lang: to.lang,
            name: to.name,
            link,
            hours,
            minutes,
            role,
            site: public_url.as_str(),
            case_no,
            title,
            party,
        };
        let (text, html) = match self {
            Notice::VerifyEmail { .. } => (VerifyText { m: &m }.render()?, VerifyHtml { m: &m }.render()?),
            Notice::PasswordReset { .. } => (ResetText { m: &m }.render()?, ResetHtml { m: &m }.render()?),
            Notice::PasswordChanged => (ChangedText { m: &m }.render()?, ChangedHtml { m: &m }.render()?),
            Notice::AccountInvitation { .. } => (
                InvitationText { m: &m }.render()?,
                InvitationHtml { m: &m }.render()?,
            ),
            Notice::FilingReceipt { .. } => {
                (ReceiptText { m: &m }.render()?, ReceiptHtml { m: &m }.render()?)
            }
            Notice::NewCase { .. } => (NewCaseText { m: &m }.render()?, NewCaseHtml { m: &m }.render()?),
        };
        let subject = m.t1(
            &format!("mail-{}-subject", self.kind().replace('_', "-")),
            "case_no",
            case_no,
        );
        Ok(Rendered { subject, text, html })
    }
}
