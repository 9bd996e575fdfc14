//! The web layer: application state, the gate every request passes, sessions and their
//! cookies, CSRF, flash messages, page rendering, error pages and the statistics pages'
//! charts. The handlers in `crate::routes` build on it; nothing below (services, models,
//! domain, mail, workflow) imports it.

pub mod address;
pub mod chart;
pub mod csrf;
pub mod error;
pub mod flash;
pub mod gate;
pub mod page;
pub mod session;
pub mod state;
pub mod step_up;

pub use error::AppError;
pub use session::{CurrentUser, RequestCtx};
pub use state::{AppState, FORM_LIMIT};
