//! Who is asking and what they may do: passwords, sessions, CSRF, the access policy, and the
//! gate every request passes through.

pub mod address;
pub mod csrf;
pub mod device;
pub mod gate;
pub mod password;
pub mod policy;
pub mod session;
pub mod throttle;
pub mod token;
pub mod visitor;

pub use policy::{Access, Permission};
pub use session::{CurrentUser, RequestCtx};
