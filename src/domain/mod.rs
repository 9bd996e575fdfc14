//! Pure types and rules: no HTTP, no database. Each value is parsed once, at the edge.

pub mod case;
mod email;
mod language;
mod name;
mod password;
mod role;

pub use case::{CaseNumber, Currency, Kind, NoteVisibility, Origin, PartyKind, PartySize, State, Track};
pub use email::{Email, EmailError};
pub use language::Lang;
pub use name::{PersonName, PersonNameError};
pub use password::{NewPassword, PasswordError};
pub use role::Role;
