//! Rows and the repository functions that read and write them: `fn(&mut DbConn, …)`.

pub mod bundle;
pub mod calendar;
pub mod case;
pub mod case_list;
pub mod case_page;
pub mod email_token;
pub mod exhibit;
pub mod id;
pub mod office_key;
pub mod outbox;
pub mod right;
pub mod second_factor;
pub mod session;
pub mod setup_token;
pub mod stats;
pub mod throttle;
pub mod user;
pub mod workbench;
pub mod workflow;

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// The current UTC time at the precision both databases keep.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
