//! Row ids, one type per table, so that a case's id cannot be passed where a user's is meant.
//! Each is the table's BIGINT key, read and written as such on both backends.

use std::fmt;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;
use serde::Serialize;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, AsExpression, FromSqlRow, Serialize)]
        #[diesel(sql_type = BigInt)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl<DB> FromSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }

        impl<DB> ToSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        /// As it appears in addresses and forms.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

ids! {
    UserId;
    CaseId;
    PartyId;
    NoteId;
    /// A rights' link to a case (`case_rights`).
    CitationId;
    RightId;
    ExhibitId;
    CustodyId;
    BundleId;
    /// An entry in a case's history (`case_events`).
    EventId;
    DeadlineId;
    /// A mediation session, not a sign-in session.
    MediationSessionId;
    ProposalId;
    InvitationId;
    OutboxId;
    AuditId;
    /// A sign-in session.
    SessionId;
    SetupTokenId;
    EmailTokenId;
    /// One generation of the office's signing key.
    OfficeKeyId;
    PasskeyId;
}
