//! Who is asking and what they may do: passwords, throttling, signed tokens and the access
//! policy. Nothing here knows HTTP; the web layer (`crate::web`) applies it to requests.

pub mod calendar;
pub mod device;
pub mod passkey;
pub mod password;
pub mod policy;
pub mod second_factor;
pub mod throttle;
pub mod token;
pub mod visitor;

pub use policy::{Access, Permission};
