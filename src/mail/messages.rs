//! The notices and their templates: a subject, a plain-text body and an HTML body, in the
//! recipient's language. Links are built from the configured public URL by the caller.

use crate::config::PublicUrl;
use askama::Template;

use super::Recipient;
use chrono::NaiveDate;

use crate::domain::workflow::{Action, DeadlineKind};
use crate::domain::{Lang, NoticeKind, Role};
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
    /// A second factor was added, removed or reset on the account: `change` is the message
    /// key saying which, `detail` a passkey's name.
    SecurityChanged {
        change: &'a str,
        detail: &'a str,
    },
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
    /// To those concerned: an action was taken on a case (DESIGN §7's workflow events).
    CaseUpdate {
        case_no: &'a str,
        title: &'a str,
        action: Action,
        /// What the actor wrote (what is missing, the proposal, the reason), if the
        /// recipient may read it.
        detail: &'a str,
        link: &'a str,
    },
    /// To the other side: exhibits were filed that they may see (service, DESIGN §7).
    ExhibitFiled {
        case_no: &'a str,
        title: &'a str,
        /// The exhibits, one per line: number and title.
        detail: &'a str,
        link: &'a str,
    },
    /// To a respondent: a complaint names you; reply through this single-use link.
    RespondentInvitation {
        case_no: &'a str,
        title: &'a str,
        complainant: &'a str,
        due: NaiveDate,
        link: &'a str,
        /// Their language is not known: the notice is in Korean and in English.
        bilingual: bool,
    },
    /// A deadline is near, or due today.
    DeadlineReminder {
        case_no: &'a str,
        title: &'a str,
        kind: DeadlineKind,
        due: NaiveDate,
        link: &'a str,
    },
}

impl Notice<'_> {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::VerifyEmail { .. } => NoticeKind::VerifyEmail,
            Notice::PasswordReset { .. } => NoticeKind::PasswordReset,
            Notice::PasswordChanged => NoticeKind::PasswordChanged,
            Notice::SecurityChanged { .. } => NoticeKind::SecurityChanged,
            Notice::AccountInvitation { .. } => NoticeKind::AccountInvitation,
            Notice::FilingReceipt { .. } => NoticeKind::FilingReceipt,
            Notice::NewCase { .. } => NoticeKind::NewCase,
            Notice::CaseUpdate { .. } => NoticeKind::CaseUpdate,
            Notice::ExhibitFiled { .. } => NoticeKind::ExhibitFiled,
            Notice::RespondentInvitation { .. } => NoticeKind::RespondentInvitation,
            Notice::DeadlineReminder { .. } => NoticeKind::DeadlineReminder,
        }
    }
}

impl<'a> Notice<'a> {
    /// The same notice with another link (each recipient of a case notice has their own).
    pub fn with_link<'b>(&self, link: &'b str) -> Notice<'b>
    where
        'a: 'b,
    {
        match *self {
            Notice::CaseUpdate {
                case_no,
                title,
                action,
                detail,
                ..
            } => Notice::CaseUpdate {
                case_no,
                title,
                action,
                detail,
                link,
            },
            Notice::DeadlineReminder {
                case_no,
                title,
                kind,
                due,
                ..
            } => Notice::DeadlineReminder {
                case_no,
                title,
                kind,
                due,
                link,
            },
            Notice::FilingReceipt { case_no, title, .. } => Notice::FilingReceipt { case_no, title, link },
            Notice::ExhibitFiled {
                case_no,
                title,
                detail,
                ..
            } => Notice::ExhibitFiled {
                case_no,
                title,
                detail,
                link,
            },
            Notice::NewCase {
                case_no,
                title,
                complainant,
                ..
            } => Notice::NewCase {
                case_no,
                title,
                complainant,
                link,
            },
            Notice::RespondentInvitation {
                case_no,
                title,
                complainant,
                due,
                bilingual,
                ..
            } => Notice::RespondentInvitation {
                case_no,
                title,
                complainant,
                due,
                link,
                bilingual,
            },
            Notice::VerifyEmail { hours, .. } => Notice::VerifyEmail { link, hours },
            Notice::PasswordReset { minutes, .. } => Notice::PasswordReset { link, minutes },
            Notice::AccountInvitation { hours, role, .. } => Notice::AccountInvitation { link, hours, role },
            Notice::PasswordChanged => Notice::PasswordChanged,
            Notice::SecurityChanged { change, detail } => Notice::SecurityChanged { change, detail },
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
    /// What happened, in a sentence (workflow notices).
    pub headline: String,
    pub detail: &'a str,
    pub due: String,
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
mail_template!(SecurityText, "email/security_changed.txt");
mail_template!(SecurityHtml, "email/security_changed.html");
mail_template!(InvitationText, "email/account_invitation.txt");
mail_template!(InvitationHtml, "email/account_invitation.html");
mail_template!(ReceiptText, "email/filing_receipt.txt");
mail_template!(ReceiptHtml, "email/filing_receipt.html");
mail_template!(NewCaseText, "email/new_case.txt");
mail_template!(NewCaseHtml, "email/new_case.html");
mail_template!(UpdateText, "email/case_update.txt");
mail_template!(UpdateHtml, "email/case_update.html");
mail_template!(RespondentText, "email/respondent_invitation.txt");
mail_template!(RespondentHtml, "email/respondent_invitation.html");
mail_template!(ReminderText, "email/deadline_reminder.txt");
mail_template!(ReminderHtml, "email/deadline_reminder.html");

impl Notice<'_> {
    pub fn render(&self, to: &Recipient<'_>, public_url: &PublicUrl) -> askama::Result<Rendered> {
        match *self {
            Notice::RespondentInvitation { bilingual: true, .. } => {
                // Korean first (the office's language), then English, in one message.
                let ko = self.render_in(Lang::Ko, to, public_url)?;
                let en = self.render_in(Lang::En, to, public_url)?;
                Ok(Rendered {
                    subject: format!("{} / {}", ko.subject, en.subject),
                    text: format!(
                        "{}\n\n----------------------------------------\n\n{}",
                        ko.text, en.text
                    ),
                    html: format!("{}\n<hr>\n{}", ko.html, en.html),
                })
            }
            _ => self.render_in(to.lang, to, public_url),
        }
    }

    fn render_in(&self, lang: Lang, to: &Recipient<'_>, public_url: &PublicUrl) -> askama::Result<Rendered> {
        let (link, hours, minutes, role) = match *self {
            Notice::VerifyEmail { link, hours } => (link, hours, 0, None),
            Notice::PasswordReset { link, minutes } => (link, 0, minutes, None),
            Notice::PasswordChanged | Notice::SecurityChanged { .. } => ("", 0, 0, None),
            Notice::AccountInvitation { link, hours, role } => (link, hours, 0, Some(role)),
            Notice::FilingReceipt { link, .. }
            | Notice::NewCase { link, .. }
            | Notice::CaseUpdate { link, .. }
            | Notice::ExhibitFiled { link, .. }
            | Notice::RespondentInvitation { link, .. }
            | Notice::DeadlineReminder { link, .. } => (link, 0, 0, None),
        };
        let (case_no, title, party) = match *self {
            Notice::FilingReceipt { case_no, title, .. }
            | Notice::CaseUpdate { case_no, title, .. }
            | Notice::ExhibitFiled { case_no, title, .. }
            | Notice::DeadlineReminder { case_no, title, .. } => (case_no, title, ""),
            Notice::NewCase {
                case_no,
                title,
                complainant,
                ..
            }
            | Notice::RespondentInvitation {
                case_no,
                title,
                complainant,
                ..
            } => (case_no, title, complainant),
            _ => ("", "", ""),
        };
        let t = |key: &str| i18n::text(lang, key);
        let (headline, detail, due) = match *self {
            Notice::CaseUpdate { action, detail, .. } => (
                t(&format!("mail-event-{}", action.as_str())),
                detail,
                String::new(),
            ),
            Notice::ExhibitFiled { detail, .. } => (t("mail-event-exhibit-filed"), detail, String::new()),
            Notice::RespondentInvitation { due, .. } => (String::new(), "", due.to_string()),
            Notice::DeadlineReminder { kind, due, .. } => (t(kind.label_key()), "", due.to_string()),
            Notice::SecurityChanged { change, detail } => (t(change), detail, String::new()),
            _ => (String::new(), "", String::new()),
        };
        let m = MailCtx {
            lang,
            name: to.name,
            link,
            hours,
            minutes,
            role,
            site: public_url.as_str(),
            case_no,
            title,
            party,
            headline,
            detail,
            due,
        };
        let (text, html) = match self {
            Notice::VerifyEmail { .. } => (VerifyText { m: &m }.render()?, VerifyHtml { m: &m }.render()?),
            Notice::PasswordReset { .. } => (ResetText { m: &m }.render()?, ResetHtml { m: &m }.render()?),
            Notice::PasswordChanged => (ChangedText { m: &m }.render()?, ChangedHtml { m: &m }.render()?),
            Notice::SecurityChanged { .. } => {
                (SecurityText { m: &m }.render()?, SecurityHtml { m: &m }.render()?)
            }
            Notice::AccountInvitation { .. } => (
                InvitationText { m: &m }.render()?,
                InvitationHtml { m: &m }.render()?,
            ),
            Notice::FilingReceipt { .. } => {
                (ReceiptText { m: &m }.render()?, ReceiptHtml { m: &m }.render()?)
            }
            Notice::NewCase { .. } => (NewCaseText { m: &m }.render()?, NewCaseHtml { m: &m }.render()?),
            // Service of exhibits reads like any other case update.
            Notice::CaseUpdate { .. } | Notice::ExhibitFiled { .. } => {
                (UpdateText { m: &m }.render()?, UpdateHtml { m: &m }.render()?)
            }
            Notice::RespondentInvitation { .. } => (
                RespondentText { m: &m }.render()?,
                RespondentHtml { m: &m }.render()?,
            ),
            Notice::DeadlineReminder { .. } => {
                (ReminderText { m: &m }.render()?, ReminderHtml { m: &m }.render()?)
            }
        };
        let subject = match self {
            Notice::CaseUpdate { .. } | Notice::ExhibitFiled { .. } => format!("{case_no}: {}", m.headline),
            _ => m.t1(
                &format!("mail-{}-subject", self.kind().as_str().replace('_', "-")),
                "case_no",
                case_no,
            ),
        };
        Ok(Rendered { subject, text, html })
    }
}
