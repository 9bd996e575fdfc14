//! What a notice is about: the outbox stores it, the subject's translation key is built from
//! it, and the office's pages name it.

named_values!(
    NoticeKind, "notice-kind" {
        VerifyEmail => "verify_email",
        PasswordReset => "password_reset",
        PasswordChanged => "password_changed",
        SecurityChanged => "security_changed",
        AccountInvitation => "account_invitation",
        FilingReceipt => "filing_receipt",
        NewCase => "new_case",
        CaseUpdate => "case_update",
        ExhibitFiled => "exhibit_filed",
        RespondentInvitation => "respondent_invitation",
        DeadlineReminder => "deadline_reminder",
    }
);

named_values!(
    /// Where a notice is in the outbox: waiting, held by a worker sending it, sent, or given
    /// up on (an administrator may queue it again).
    NoticeStatus, "outbox-status" {
        Pending => "pending",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
    }
);
