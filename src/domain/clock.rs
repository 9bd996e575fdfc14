//! The mediation clock as people read it (issue 17 §3): how many office days have run, how
//! many it stood still, and how many are left. Pure arithmetic on the deadline's dates.

use chrono::NaiveDate;

/// The mediation period of one case, as stored: started on, due on (already moved by ended
/// pauses and extensions), the days those pauses took, and the day a pause began if one runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediationClock {
    pub started: NaiveDate,
    pub due: NaiveDate,
    pub paused_days: i64,
    pub paused_since: Option<NaiveDate>,
}

/// The clock read on one day, in whole office days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockReading {
    /// Days the clock ran.
    pub running: i64,
    /// Days it stood still, the current pause included.
    pub paused: i64,
    /// Days left before the due date; 0 once it has passed.
    pub left: i64,
    /// Days past the due date while running.
    pub over: i64,
    pub is_paused: bool,
}

impl ClockReading {
    /// The whole period as it stands: run, paused and left.
    pub fn total(&self) -> i64 {
        self.running + self.paused + self.left
    }
}

impl MediationClock {
    pub fn read(&self, today: NaiveDate) -> ClockReading {
        // While paused the clock is read as of the day it stopped; the due date moves on
        // resuming, by the days it stood.
        let now = self
            .paused_since
            .map_or(today, |p| p.min(today))
            .max(self.started);
        let current_pause = self.paused_since.map_or(0, |p| (today - p).num_days().max(0));
        let until_now = (now - self.started).num_days();
        let running = (until_now - self.paused_days).max(0);
        let to_due = (self.due - now).num_days();
        ClockReading {
            running,
            paused: self.paused_days + current_pause,
            left: to_due.max(0),
            over: if self.paused_since.is_none() {
                (-to_due).max(0)
            } else {
                0
            },
            is_paused: self.paused_since.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn a_running_clock_counts_days_run_and_left() {
        let clock = MediationClock {
            started: d(1),
            due: d(31),
            paused_days: 0,
            paused_since: None,
        };
        let r = clock.read(d(11));
        assert_eq!((r.running, r.paused, r.left, r.over), (10, 0, 20, 0));
        assert_eq!(r.total(), 30);
    }

    #[test]
    fn an_ended_pause_shows_as_paused_days_and_the_period_stays_whole() {
        // Paused 4 days, so resuming moved the due date from the 21st to the 25th.
        let clock = MediationClock {
            started: d(1),
            due: d(25),
            paused_days: 4,
            paused_since: None,
        };
        let r = clock.read(d(11));
        assert_eq!((r.running, r.paused, r.left), (6, 4, 14));
        assert_eq!(r.total(), 24, "the 20-day period plus the 4 days it stood still");
    }

    #[test]
    fn a_clock_paused_now_stands_still_and_its_days_left_do_not_shrink() {
        let clock = MediationClock {
            started: d(1),
            due: d(21),
            paused_days: 0,
            paused_since: Some(d(6)),
        };
        for today in [d(6), d(9), d(30)] {
            let r = clock.read(today);
            assert_eq!((r.running, r.left, r.over), (5, 15, 0));
            assert!(r.is_paused);
        }
        assert_eq!(clock.read(d(9)).paused, 3);
    }

    #[test]
    fn past_the_due_date_nothing_is_left_and_the_overrun_is_counted() {
        let clock = MediationClock {
            started: d(1),
            due: d(11),
            paused_days: 0,
            paused_since: None,
        };
        let r = clock.read(d(14));
        assert_eq!((r.running, r.left, r.over), (13, 0, 3));
    }
}
