//! Accounts: one-time set-up links.

use chrono::TimeDelta;
use diesel::QueryResult;

use crate::auth::token;
use crate::config::PublicUrl;
use crate::db::DbConn;
use crate::models::{self, setup_token, user::UserId};

/// Records a one-time setup link and returns it, built on the public base URL.
pub fn issue_setup_link(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    user: Option<UserId>,
    hours: u32,
) -> QueryResult<String> {
    let raw = token::generate();
    let expires = models::now() + TimeDelta::hours(i64::from(hours));
    setup_token::issue(conn, &token::hash(&raw), user, expires)?;
    Ok(public_url.with_token("/setup", &raw))
}
