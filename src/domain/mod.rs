//! Pure types and rules: no HTTP, no database. Each value is parsed once, at the edge.

/// A closed set of values with their stored spelling and translation key.
macro_rules! named_values {
    ($(#[$meta:meta])* $name:ident, $prefix:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The translation key of the value's name.
            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, "-", $text)),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        /// Written as its stored spelling (audit details, bundle manifests).
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub mod bundle;
pub mod case;
pub mod claims;
pub mod clock;
mod email;
pub mod exhibit;
mod language;
mod name;
pub mod next_step;
mod notice;
pub mod office_time;
mod password;
pub mod patent_number;
pub mod right;
mod role;
mod spreadsheet;
pub mod stats;
pub mod text;
pub mod workflow;

pub use bundle::{Audience, BundleStatus};
pub use case::{CaseNumber, Currency, Kind, NoteVisibility, Origin, PartyKind, PartySize, State, Track};
pub use claims::{Claims, ClaimsError};
pub use email::{Email, EmailError};
pub use exhibit::{
    CustodyAction, Detected, ExhibitNumber, Fingerprint, FingerprintError, Refusal, Side, Visibility,
    clean_file_name, detect, download_type, human_size,
};
pub use language::Lang;
pub use name::{PersonName, PersonNameError};
pub use notice::{NoticeKind, NoticeStatus};
pub use password::{NewPassword, PasswordError};
pub use patent_number::{NumberError, PatentNumber, RightKind};
pub use right::{CitationRole, ClassSymbol, RightSource};
pub use role::Role;
pub use spreadsheet::csv_cell;
