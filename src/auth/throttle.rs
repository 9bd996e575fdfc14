//! When a sign-in may be tried (SECURITY A6). From a browser unknown to the account: a few free
//! failures for the account tried from one address, then a wait that doubles with each failure;
//! a cap per account and hour; and a limit per address (password spraying). A browser that has
//! signed in to the account before (`auth::device`) is judged only by its own failures, so
//! neither a stranger nor the neighbours behind the same address can lock the owner out. Every
//! wait ends by itself, and a password-reset link makes the browser known again.

use std::net::IpAddr;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::token;
use crate::config::Settings;
use crate::db::DbConn;
pub use crate::models::throttle::Scope;
use crate::models::throttle::{self as store, ThrottleRow};

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub free_failures: u32,
    pub delay_base: Duration,
    pub delay_max: Duration,
    pub max_per_hour: u32,
    pub address_max: u32,
    pub address_window: Duration,
}

pub const ACCOUNT_WINDOW: Duration = Duration::from_secs(60 * 60);

impl Policy {
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            free_failures: s.login_free_failures,
            delay_base: Duration::from_secs(s.login_delay_base_secs),
            delay_max: Duration::from_secs(s.login_delay_max_secs),
            max_per_hour: s.login_max_failures_per_hour,
            address_max: s.address_max_failures,
            address_window: Duration::from_secs(s.address_window_secs),
        }
    }
}

/// Failures counted since `window_start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    pub failures: u32,
    pub window_start: NaiveDateTime,
    pub last_failure_at: NaiveDateTime,
}

fn elapsed(from: NaiveDateTime, to: NaiveDateTime) -> Duration {
    (to - from).to_std().unwrap_or_default()
}

fn live(counter: Option<Counter>, window: Duration, now: NaiveDateTime) -> Option<Counter> {
    counter.filter(|c| elapsed(c.window_start, now) < window)
}

/// How long the account must wait before another try, if at all.
pub fn account_wait(p: &Policy, counter: Option<Counter>, now: NaiveDateTime) -> Option<Duration> {
    let c = live(counter, ACCOUNT_WINDOW, now)?;
    if c.failures >= p.max_per_hour {
        return Some(ACCOUNT_WINDOW - elapsed(c.window_start, now));
    }
    if c.failures < p.free_failures {
        return None;
    }
    let doublings = (c.failures - p.free_failures).min(20);
    let delay = p.delay_base.saturating_mul(1 << doublings).min(p.delay_max);
    delay
        .checked_sub(elapsed(c.last_failure_at, now))
        .filter(|d| !d.is_zero())
}

/// How long the address must wait before another try, if at all.
pub fn address_wait(p: &Policy, counter: Option<Counter>, now: NaiveDateTime) -> Option<Duration> {
    let c = live(counter, p.address_window, now)?;
    (c.failures >= p.address_max).then(|| p.address_window - elapsed(c.window_start, now))
}

/// The counter after one more failure; a counter whose window has passed starts again.
pub fn after_failure(counter: Option<Counter>, window: Duration, now: NaiveDateTime) -> Counter {
    match live(counter, window, now) {
        Some(c) => Counter {
            failures: c.failures.saturating_add(1),
            last_failure_at: now,
            ..c
        },
        None => Counter {
            failures: 1,
            window_start: now,
            last_failure_at: now,
        },
    }
}

/// What failures are counted against: the account named (hashed, whether or not it exists,
/// so the answer is the same either way), the address asking, the two together, and the
/// browser's device token for that account, if it has one.
#[derive(Clone, Debug)]
pub struct Subjects {
    pub account: String,
    pub address: String,
    pub pair: String,
    pub device: Option<String>,
}

impl Subjects {
    pub fn new(email: &str, address: Option<IpAddr>) -> Self {
        let email = email.trim().to_lowercase();
        let address = address.map_or_else(|| "unknown".to_owned(), |a| a.to_string());
        Self {
            account: token::hash(&format!("account:{email}")),
            pair: token::hash(&format!("pair:{email}|{address}")),
            address,
            device: None,
        }
    }

    /// From a browser that signed in to this account before (see `auth::device`).
    pub fn with_device(mut self, device_token: &str) -> Self {
        self.device = Some(token::hash(&format!("device:{device_token}")));
        self
    }
}

fn counter(row: Option<ThrottleRow>) -> Option<Counter> {
    row.map(|r| Counter {
        failures: u32::try_from(r.failures).unwrap_or(0),
        window_start: r.window_start,
        last_failure_at: r.last_failure_at,
    })
}

/// The account-wide counter holds only the hourly cap: its growing delays would be a lock-out
/// that anyone could keep up against the owner from anywhere.
fn cap_wait(p: &Policy, counter: Option<Counter>, now: NaiveDateTime) -> Option<Duration> {
    let c = live(counter, ACCOUNT_WINDOW, now)?;
    (c.failures >= p.max_per_hour).then(|| ACCOUNT_WINDOW - elapsed(c.window_start, now))
}

/// The device counter this sign-in is judged by, if the browser is known for the account and
/// its token has not itself failed the hourly cap (a stolen token guesses no further).
fn known_device(
    conn: &mut DbConn,
    p: &Policy,
    s: &Subjects,
    now: NaiveDateTime,
) -> QueryResult<Option<Option<Counter>>> {
    let Some(device) = &s.device else {
        return Ok(None);
    };
    let c = counter(store::get(conn, Scope::Device, device)?);
    let spent = live(c, ACCOUNT_WINDOW, now).is_some_and(|c| c.failures >= p.max_per_hour);
    Ok((!spent).then_some(c))
}

/// How long before another sign-in may be tried, if it must wait at all. A known browser waits
/// only for its own failures; any other for the account tried from its address (delays that
/// double), the account's hourly cap, and its address's failures.
pub fn wait(
    conn: &mut DbConn,
    p: &Policy,
    s: &Subjects,
    now: NaiveDateTime,
) -> QueryResult<Option<Duration>> {
    if let Some(device) = known_device(conn, p, s, now)? {
        return Ok(account_wait(p, device, now));
    }
    let pair = account_wait(p, counter(store::get(conn, Scope::Pair, &s.pair)?), now);
    let account = cap_wait(p, counter(store::get(conn, Scope::Account, &s.account)?), now);
    let address = address_wait(p, counter(store::get(conn, Scope::Address, &s.address)?), now);
    Ok(pair.max(account).max(address))
}

/// Counts a failed sign-in: against a known browser's own token only, or else against the
/// account, the address and the two together.
pub fn record_failure(conn: &mut DbConn, p: &Policy, s: &Subjects, now: NaiveDateTime) -> QueryResult<()> {
    let counted: Vec<(Scope, &String, Duration)> = match (&s.device, known_device(conn, p, s, now)?) {
        (Some(device), Some(_)) => vec![(Scope::Device, device, ACCOUNT_WINDOW)],
        _ => vec![
            (Scope::Pair, &s.pair, ACCOUNT_WINDOW),
            (Scope::Account, &s.account, ACCOUNT_WINDOW),
            (Scope::Address, &s.address, p.address_window),
        ],
    };
    for (scope, subject, window) in counted {
        let c = after_failure(counter(store::get(conn, scope, subject)?), window, now);
        let failures = i32::try_from(c.failures).unwrap_or(i32::MAX);
        store::put(
            conn,
            &store::new_row(scope, subject, failures, c.window_start, c.last_failure_at),
        )?;
    }
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's).
pub fn record_success(conn: &mut DbConn, s: &Subjects) -> QueryResult<()> {
    store::clear(conn, Scope::Account, &s.account)?;
    store::clear(conn, Scope::Pair, &s.pair)?;
    if let Some(device) = &s.device {
        store::clear(conn, Scope::Device, device)?;
    }
    Ok(())
}

/// Counts one request (password-reset mail, say) from an address; `false` once the address
/// has made `max` within `window`.
pub fn allow_request(
    conn: &mut DbConn,
    scope: Scope,
    address: &str,
    max: u32,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let current = counter(store::get(conn, scope, address)?);
    if live(current, window, now).is_some_and(|c| c.failures >= max) {
        return Ok(false);
    }
    let c = after_failure(current, window, now);
    let count = i32::try_from(c.failures).unwrap_or(i32::MAX);
    store::put(
        conn,
        &store::new_row(scope, address, count, c.window_start, c.last_failure_at),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn policy() -> Policy {
        Policy {
            free_failures: 5,
            delay_base: Duration::from_secs(2),
            delay_max: Duration::from_secs(900),
            max_per_hour: 100,
            address_max: 50,
            address_window: Duration::from_secs(900),
        }
    }

    fn t0() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    fn fail(p: &Policy, n: u32, start: NaiveDateTime, step: TimeDelta) -> Option<Counter> {
        let mut c = None;
        let mut at = start;
        for _ in 0..n {
            c = Some(after_failure(c, ACCOUNT_WINDOW, at));
            at += step;
        }
        let _ = p;
        c
    }

    #[test]
    fn the_first_failures_cost_nothing() {
        let p = policy();
        let c = fail(&p, 4, t0(), TimeDelta::seconds(1));
        assert_eq!(account_wait(&p, c, t0() + TimeDelta::seconds(4)), None);
    }

    #[test]
    fn further_failures_wait_longer_each_time() {
        let p = policy();
        let c = fail(&p, 5, t0(), TimeDelta::zero());
        assert_eq!(account_wait(&p, c, t0()), Some(Duration::from_secs(2)));
        assert_eq!(account_wait(&p, c, t0() + TimeDelta::seconds(2)), None);
        let c = fail(&p, 8, t0(), TimeDelta::zero());
        assert_eq!(account_wait(&p, c, t0()), Some(Duration::from_secs(16)));
        let c = fail(&p, 40, t0(), TimeDelta::zero());
        assert_eq!(account_wait(&p, c, t0()), Some(Duration::from_secs(900)));
    }

    #[test]
    fn the_hundred_and_first_try_within_the_hour_is_refused_and_the_hour_ends_it() {
        let p = Policy {
            delay_max: Duration::from_secs(1),
            ..policy()
        };
        let c = fail(&p, 100, t0(), TimeDelta::seconds(30));
        let last = t0() + TimeDelta::seconds(30 * 99);
        let wait = account_wait(&p, c, last + TimeDelta::seconds(5)).expect("refused");
        assert!(wait > Duration::from_secs(0));
        assert_eq!(account_wait(&p, c, t0() + TimeDelta::seconds(3600)), None);
    }

    #[test]
    fn an_address_is_limited_whichever_accounts_it_tries() {
        let p = Policy {
            address_max: 3,
            ..policy()
        };
        let mut c = None;
        for _ in 0..3 {
            c = Some(after_failure(c, p.address_window, t0()));
        }
        assert_eq!(
            address_wait(&p, c, t0() + TimeDelta::seconds(100)),
            Some(Duration::from_secs(800))
        );
        assert_eq!(address_wait(&p, c, t0() + TimeDelta::seconds(900)), None);
    }

    #[test]
    fn a_counter_whose_window_passed_starts_again() {
        let c = after_failure(None, ACCOUNT_WINDOW, t0());
        let later = t0() + TimeDelta::hours(2);
        assert_eq!(after_failure(Some(c), ACCOUNT_WINDOW, later).failures, 1);
    }
}
