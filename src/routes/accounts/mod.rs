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

use actix_web::{HttpRequest, web};

use crate::db::DbConn;
use crate::services::second_factor::Env;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::error::AppError;
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

/// Runs a second-factor use case for this request on the blocking pool, with what it needs
/// (the key secret, the public address, the throttling policy, the client's address), then
/// wakes the mail worker: most of them tell the account's owner what changed.
pub async fn second_factor<T, F>(state: &web::Data<AppState>, req: &HttpRequest, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn, &Env<'_>) -> Result<T, crate::services::Error> + Send + 'static,
    T: Send + 'static,
{
    let address = client_address(req, state.settings.trusted_proxy);
    let app = state.clone();
    let done = state.db(move |c| Ok(f(c, &app.factor_env(address))?)).await?;
    state.mail_queued();
    Ok(done)
}
