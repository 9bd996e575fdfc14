//! One-shot messages shown on the page after a redirect. The cookie holds only a key from
//! this list, so nobody can make the site say anything else.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest};

pub const COOKIE: &str = "ipdesk_flash";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flash {
    Registered,
    SignedIn,
    SignInRequired,
    SessionEnded,
    PasswordChanged,
    SetupComplete,
    UserDeactivated,
    UserActivated,
    EmailVerified,
    VerificationSent,
    VerificationRecentlySent,
    PasswordReset,
    NoticeRequeued,
    CaseFiled,
    DraftSaved,
    DraftDeleted,
    CaseCorrected,
    NoteAdded,
    ActionDone,
    InvitationAccepted,
    RightCited,
    RightUncited,
    RightSaved,
    ExhibitsFiled,
    VisibilityChanged,
    AuditIntact,
    AuditBroken,
    CalendarRenewed,
    CalendarStopped,
    OfficeKeyRotated,
    TotpAdded,
    TotpRemoved,
    PasskeyAdded,
    PasskeyRenamed,
    PasskeyRemoved,
    FactorsReset,
    RecoveryCodeUsed,
}

#[derive(Clone, Copy, Debug)]
pub struct FlashChange(pub Flash);

impl Flash {
    pub const ALL: [Flash; 37] = [
        Flash::Registered,
        Flash::SignedIn,
        Flash::SignInRequired,
        Flash::SessionEnded,
        Flash::PasswordChanged,
        Flash::SetupComplete,
        Flash::UserDeactivated,
        Flash::UserActivated,
        Flash::EmailVerified,
        Flash::VerificationSent,
        Flash::VerificationRecentlySent,
        Flash::PasswordReset,
        Flash::NoticeRequeued,
        Flash::CaseFiled,
        Flash::DraftSaved,
        Flash::DraftDeleted,
        Flash::CaseCorrected,
        Flash::NoteAdded,
        Flash::ActionDone,
        Flash::InvitationAccepted,
        Flash::RightCited,
        Flash::RightUncited,
        Flash::RightSaved,
        Flash::ExhibitsFiled,
        Flash::VisibilityChanged,
        Flash::AuditIntact,
        Flash::AuditBroken,
        Flash::CalendarRenewed,
        Flash::CalendarStopped,
        Flash::OfficeKeyRotated,
        Flash::TotpAdded,
        Flash::TotpRemoved,
        Flash::PasskeyAdded,
        Flash::PasskeyRenamed,
        Flash::PasskeyRemoved,
        Flash::FactorsReset,
        Flash::RecoveryCodeUsed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Flash::Registered => "flash-registered",
            Flash::SignedIn => "flash-signed-in",
            Flash::SignInRequired => "flash-sign-in-required",
            Flash::SessionEnded => "flash-session-ended",
            Flash::PasswordChanged => "flash-password-changed",
            Flash::SetupComplete => "flash-setup-complete",
            Flash::UserDeactivated => "flash-user-deactivated",
            Flash::UserActivated => "flash-user-activated",
            Flash::EmailVerified => "flash-email-verified",
            Flash::VerificationSent => "flash-verification-sent",
            Flash::VerificationRecentlySent => "flash-verification-recently-sent",
            Flash::PasswordReset => "flash-password-reset",
            Flash::NoticeRequeued => "flash-notice-requeued",
            Flash::CaseFiled => "flash-case-filed",
            Flash::DraftSaved => "flash-draft-saved",
            Flash::DraftDeleted => "flash-draft-deleted",
            Flash::CaseCorrected => "flash-case-corrected",
            Flash::NoteAdded => "flash-note-added",
            Flash::ActionDone => "flash-action-done",
            Flash::InvitationAccepted => "flash-invitation-accepted",
            Flash::RightCited => "flash-right-cited",
            Flash::RightUncited => "flash-right-uncited",
            Flash::RightSaved => "flash-right-saved",
            Flash::ExhibitsFiled => "flash-exhibits-filed",
            Flash::VisibilityChanged => "flash-visibility-changed",
            Flash::AuditIntact => "flash-audit-intact",
            Flash::AuditBroken => "flash-audit-broken",
            Flash::CalendarRenewed => "flash-calendar-renewed",
            Flash::CalendarStopped => "flash-calendar-stopped",
            Flash::OfficeKeyRotated => "flash-office-key-rotated",
            Flash::TotpAdded => "flash-totp-added",
            Flash::TotpRemoved => "flash-totp-removed",
            Flash::PasskeyAdded => "flash-passkey-added",
            Flash::PasskeyRenamed => "flash-passkey-renamed",
            Flash::PasskeyRemoved => "flash-passkey-removed",
            Flash::FactorsReset => "flash-factors-reset",
            Flash::RecoveryCodeUsed => "flash-recovery-code-used",
        }
    }

    /// The class of the message box: it says how to read the message, not what happened.
    pub fn level(self) -> &'static str {
        match self {
            Flash::SignInRequired
            | Flash::SessionEnded
            | Flash::VerificationRecentlySent
            | Flash::RecoveryCodeUsed => "warning",
            _ => "success",
        }
    }

    pub fn from_key(key: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.key() == key)
    }
}

pub fn set(req: &HttpRequest, flash: Flash) {
    req.extensions_mut().insert(FlashChange(flash));
}

pub fn cookie(value: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, value.to_owned())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}
