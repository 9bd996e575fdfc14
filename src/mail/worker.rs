//! The mail worker: claims due notices, sends them, records each outcome. Temporary failures
//! come back later with exponential back-off and jitter; permanent ones, and those that
//! exhaust their attempts, are parked as failed for an administrator. A crash mid-send leaves
//! the row `sending` until its lock expires, then it is sent again with the same Message-ID.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use rand::Rng;
use tokio::sync::{Notify, watch};

use super::transport::{Mailer, SendError};
use crate::config::Settings;
use crate::db::{DbPool, write_tx};
use crate::models::id::OutboxId;
use crate::models::{self, outbox::OutboxRow};

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub batch: i64,
    pub lock: Duration,
    pub poll: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub max_attempts: i32,
}

impl Policy {
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            batch: 20,
            lock: Duration::from_secs(5 * 60),
            poll: Duration::from_millis(s.mail_poll_millis),
            retry_base: Duration::from_secs(s.mail_retry_base_secs),
            retry_max: Duration::from_secs(s.mail_retry_max_secs),
            max_attempts: s.mail_max_attempts,
        }
    }

    /// base · 2^attempts, capped, then ±20 % so that many failures do not return together.
    pub fn backoff(&self, attempts_before: i32) -> Duration {
        let doublings = u32::try_from(attempts_before.clamp(0, 20)).unwrap_or(20);
        let delay = self.retry_base.saturating_mul(1 << doublings).min(self.retry_max);
        delay.mul_f64(rand::rng().random_range(0.8..=1.2))
    }
}

pub struct Worker {
    pub pool: DbPool,
    pub mailer: Arc<Mailer>,
    pub policy: Policy,
    pub wake: Arc<Notify>,
}

fn span(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

enum Outcome {
    Sent,
    Retry(String, Duration),
    Failed(String),
}

impl Worker {
    /// Runs until `stop` turns true; the message being sent is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            if let Err(e) = self.drain(&stop).await {
                tracing::error!(error = ?e, "mail worker: database error");
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.policy.poll) => {}
            }
        }
        tracing::info!("mail worker stopped");
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::db::DbConn) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Sends everything due, batch by batch.
    async fn drain(&self, stop: &watch::Receiver<bool>) -> anyhow::Result<()> {
        loop {
            let (limit, lock) = (self.policy.batch, self.policy.lock);
            let batch: Vec<OutboxRow> = self
                .db(move |c| {
                    let now = models::now();
                    Ok(write_tx(c, |c| {
                        models::outbox::claim(c, now, now + span(lock), limit)
                    })?)
                })
                .await?;
            if batch.is_empty() {
                return Ok(());
            }
            let mut rows = batch.into_iter();
            while let Some(row) = rows.next() {
                if *stop.borrow() {
                    let ids: Vec<OutboxId> = std::iter::once(row.id).chain(rows.map(|r| r.id)).collect();
                    return self
                        .db(move |c| Ok(models::outbox::release(c, &ids, models::now())?))
                        .await;
                }
                self.deliver(row).await?;
            }
        }
    }

    async fn deliver(&self, row: OutboxRow) -> anyhow::Result<()> {
        let mailer = self.mailer.clone();
        let policy = self.policy;
        let (id, kind, attempts) = (row.id, row.kind.as_str(), row.attempts);
        let outcome = tokio::task::spawn_blocking(move || match mailer.send(&row) {
            Ok(()) => Outcome::Sent,
            Err(SendError::Permanent(e)) => Outcome::Failed(e),
            Err(SendError::Temporary(e)) if row.attempts + 1 >= policy.max_attempts => {
                Outcome::Failed(format!("gave up after {} attempts: {e}", row.attempts + 1))
            }
            Err(SendError::Temporary(e)) => Outcome::Retry(e, policy.backoff(row.attempts)),
        })
        .await
        // A message that makes the mailer panic would do so again: park it, keep the worker.
        .unwrap_or_else(|e| Outcome::Failed(format!("the mailer failed on this message: {e}")));
        match &outcome {
            Outcome::Sent => tracing::info!(
                event = "mail.sent",
                outbox = id.0,
                kind,
                attempt = attempts + 1,
                "notice sent"
            ),
            Outcome::Retry(e, after) => tracing::warn!(
                event = "mail.retry", outbox = id.0, kind, attempt = attempts + 1, error = ?e, retry_in_secs = after.as_secs(),
                "notice not sent; will retry"
            ),
            Outcome::Failed(e) => {
                tracing::error!(event = "mail.failed", outbox = id.0, kind, attempt = attempts + 1, error = ?e, "notice failed")
            }
        }
        self.db(move |c| {
            let now = models::now();
            match outcome {
                Outcome::Sent => models::outbox::mark_sent(c, id, now)?,
                Outcome::Retry(e, after) => models::outbox::mark_retry(c, id, &e, now + span(after), now)?,
                Outcome::Failed(e) => models::outbox::mark_failed(c, id, &e, now)?,
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let p = Policy {
            batch: 1,
            lock: Duration::from_secs(1),
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 10,
        };
        for (attempts, nominal) in [(0, 30.0), (1, 60.0), (3, 240.0), (10, 3600.0), (40, 3600.0)] {
            let got = p.backoff(attempts).as_secs_f64();
            assert!(
                got >= nominal * 0.8 - 0.001 && got <= nominal * 1.2 + 0.001,
                "{attempts}: {got}"
            );
        }
        let spread: std::collections::HashSet<u64> =
            (0..50).map(|_| p.backoff(2).as_millis() as u64).collect();
        assert!(spread.len() > 10, "jitter spreads retries");
    }
}
