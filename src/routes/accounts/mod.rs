//! Signing in and out, registering, first-run and account set-up, the account page, the
//! password, and the language choice.

pub mod account;
pub mod factor;
pub mod language;
pub mod login;
pub mod password;
pub mod register;
pub mod reset;
pub mod security;
pub mod session;
pub mod setup;
pub mod verify;

use std::time::Duration;

use crate::web::page::PageCtx;

/// "Try again in …", in whole seconds or minutes, rounded up.
pub fn wait_message(ctx: &PageCtx, wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    if secs < 60 {
        ctx.t1("err-login-wait-seconds", "seconds", secs)
    } else {
        ctx.t1("err-login-wait-minutes", "minutes", secs.div_ceil(60))
    }
}
