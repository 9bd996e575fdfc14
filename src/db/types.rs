//! How the domain's closed sets of values are stored: as their text, on both backends. A row
//! is read into the domain type itself, strictly — a stored value the program does not know
//! (a hand edit, a newer release's value read by an older one) fails the read with its name
//! and value, rather than passing for some default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{SingleValue, Text};

use crate::domain::patent_number::RightKind;
use crate::domain::right::RightSource;
use crate::domain::workflow::{DeadlineKind, DeadlineStatus};
use crate::domain::{
    Audience, BundleStatus, CitationRole, CustodyAction, Kind, Lang, NoteVisibility, NoticeKind,
    NoticeStatus, Origin, Role, Side, State, Track, Visibility,
};

/// A value of a closed set that has a stored spelling.
trait Stored: Sized + Copy {
    const NAME: &'static str;
    fn as_stored(self) -> &'static str;
    fn from_stored(s: &str) -> Option<Self>;
}

macro_rules! stored_as_text {
    ($($ty:ident => $name:literal, $to:ident, $from:ident;)+) => {$(
        impl Stored for $ty {
            const NAME: &'static str = $name;
            fn as_stored(self) -> &'static str {
                self.$to()
            }
            fn from_stored(s: &str) -> Option<Self> {
                $ty::$from(s)
            }
        }

        impl<DB> FromSql<Text, DB> for $ty
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                read(String::from_sql(bytes)?)
            }
        }

        impl<DB> ToSql<Text, DB> for $ty
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_stored().to_sql(out)
            }
        }

        impl<DB, ST> Queryable<ST, DB> for $ty
        where
            DB: Backend,
            ST: SingleValue,
            Self: FromSql<ST, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

fn read<T: Stored>(text: String) -> deserialize::Result<T> {
    T::from_stored(&text).ok_or_else(|| format!("unknown {} `{text}` in the database", T::NAME).into())
}

stored_as_text! {
    State => "case state", as_str, parse;
    Track => "track", as_str, parse;
    Kind => "case kind", as_str, parse;
    Origin => "case origin", as_str, parse;
    NoteVisibility => "note visibility", as_str, parse;
    Side => "side", as_str, parse;
    Visibility => "visibility", as_str, parse;
    CustodyAction => "custody action", as_str, parse;
    CitationRole => "citation role", as_str, parse;
    Audience => "bundle audience", as_str, parse;
    BundleStatus => "bundle status", as_str, parse;
    Role => "role", as_str, parse;
    DeadlineKind => "deadline kind", as_str, parse;
    DeadlineStatus => "deadline status", as_str, parse;
    RightKind => "right kind", as_str, parse;
    RightSource => "right source", as_str, parse;
    Lang => "language", code, parse;
    NoticeKind => "notice kind", as_str, parse;
    NoticeStatus => "notice status", as_str, parse;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_reads_back_and_an_unknown_one_is_an_error() {
        for &s in State::ALL {
            assert_eq!(read::<State>(s.as_str().to_owned()).unwrap(), s);
        }
        let err = read::<State>("archived".to_owned()).unwrap_err();
        assert_eq!(err.to_string(), "unknown case state `archived` in the database");
        assert!(read::<Role>("superuser".to_owned()).is_err());
        assert_eq!(read::<Lang>("ko".to_owned()).unwrap(), Lang::Ko);
    }
}
