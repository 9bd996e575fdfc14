//! What every handler can reach: settings, the database pool, the keys, and the wake-ups of
//! the background workers.

use std::sync::Arc;

use actix_web::web;
use tokio::sync::Notify;

use super::error::AppError;
use crate::auth::password::Hasher;
use crate::auth::throttle;
use crate::config::{PublicUrl, Settings};
use crate::db::{DbConn, DbPool};

/// The largest form body read. The longest texts (a description, a note, an action's text)
/// hold 20,000 characters, and a form encodes a Hangul character in 9 bytes (`%EA%B0%80`)
/// and any character in at most 12: a complaint form full to every limit is about 420 KiB.
/// The margin lets a text somewhat over its limit arrive, so that it comes back with its
/// message next to the field instead of being lost to a bare 413.
pub const FORM_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
pub struct AppState {
    pub settings: Settings,
    pub public_url: PublicUrl,
    pub pool: DbPool,
    pub hasher: Hasher,
    pub throttle: throttle::Policy,
    /// Wakes the mail worker when a notice was queued.
    pub mail_wake: Arc<Notify>,
    /// Where evidence files are kept.
    pub evidence: crate::evidence::Store,
    /// The office's keys: the current one signs bundles, the first one is the root the
    /// cookie and calendar keys below are derived from.
    pub keys: crate::bundle::keyring::KeyRing,
    /// Wakes the bundle builder when a bundle was requested.
    pub bundle_wake: Arc<Notify>,
    /// Signs the tokens of browsers that signed in before.
    pub device_key: crate::auth::device::DeviceKey,
    pub visitor_key: crate::auth::visitor::VisitorKey,
    /// Signs the secrets of calendar feed URLs.
    pub calendar_key: crate::auth::calendar::FeedKey,
    /// The industries the statistics group technology fields by.
    pub industries: Arc<crate::domain::stats::fields::Industries>,
    /// The office as a WebAuthn relying party; none when its public address is not a domain
    /// name (then passkeys are not offered).
    pub passkeys: Option<crate::auth::passkey::Relying>,
    /// The roles held to a second factor (`mfa_required_roles`).
    pub mfa_roles: Vec<crate::domain::Role>,
}

impl AppState {
    /// Cookies are Secure (and `__Host-` named) whenever people reach ipdesk over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.is_https()
    }

    /// An absolute link to `path` carrying a one-time token, on the public base URL.
    pub fn link(&self, path: &str, token: &str) -> String {
        self.public_url.with_token(path, token)
    }

    /// What the second-factor use cases need, for a request from `address`.
    pub fn factor_env(&self, address: Option<String>) -> crate::services::second_factor::Env<'_> {
        crate::services::second_factor::Env {
            secret: self.keys.secret(),
            public_url: &self.public_url,
            throttle: &self.throttle,
            issuer: &self.settings.organization,
            address,
        }
    }

    /// Call after committing a transaction that queued notices.
    pub fn mail_queued(&self) {
        self.mail_wake.notify_one();
    }

    /// Runs database work on the blocking pool with a pooled connection.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}
