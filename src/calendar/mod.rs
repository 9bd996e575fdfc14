//! iCalendar (RFC 5545): a person's sessions and deadlines as a feed their calendar app
//! subscribes to, and a scheduled session as the invitation its notice carries.
//!
//! Sessions are written in UTC (`…Z`), which every client places in its own zone; deadlines
//! are all-day events on their office day, which is what a due date means.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use icalendar::{Calendar, Component, Event, EventLike, Property};

use crate::config::PublicUrl;
use crate::domain::Lang;
use crate::domain::workflow::DeadlineKind;
use crate::i18n;

/// How long a session is held in the calendar: its length is not recorded.
const SESSION_LENGTH: TimeDelta = TimeDelta::hours(1);

/// A mediation session of a case.
pub struct Session<'a> {
    pub id: i64,
    pub case_no: &'a str,
    pub title: &'a str,
    /// UTC.
    pub at: NaiveDateTime,
    pub place: &'a str,
}

/// A running deadline of a case.
pub struct Due<'a> {
    pub id: i64,
    pub case_no: &'a str,
    pub title: &'a str,
    pub kind: DeadlineKind,
    pub on: NaiveDate,
}

/// What a calendar is written with: the reader's language, where links point, and the
/// office's zone for clients that ask.
pub struct Writer<'a> {
    pub lang: Lang,
    pub public_url: &'a PublicUrl,
    pub zone: &'a str,
}

impl Writer<'_> {
    /// A person's feed: every session and running deadline of their cases.
    pub fn feed(&self, name: &str, sessions: &[Session<'_>], dues: &[Due<'_>]) -> String {
        let mut calendar = self.calendar();
        calendar
            .name(&i18n::text_with(
                self.lang,
                "calendar-name",
                &[("name", name.to_owned())],
            ))
            .ttl(&TimeDelta::hours(1));
        for s in sessions {
            calendar.push(self.session(s));
        }
        for d in dues {
            calendar.push(self.due(d));
        }
        calendar.done().to_string()
    }

    /// One session, as the invitation its notice carries. The same UID as in the feed, so
    /// a calendar that has both shows it once.
    pub fn invitation(&self, session: &Session<'_>) -> String {
        let mut calendar = self.calendar();
        calendar.push(self.session(session));
        calendar.done().to_string()
    }

    fn calendar(&self) -> Calendar {
        let mut calendar = Calendar::empty();
        calendar
            .append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new("PRODID", "-//ipdesk//case desk//EN"))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            .append_property(Property::new("METHOD", "PUBLISH"))
            .timezone(self.zone);
        calendar
    }

    fn uid(&self, what: &str, id: i64) -> String {
        let host = self.public_url.url().host_str().unwrap_or("ipdesk.invalid");
        format!("{what}-{id}@{host}")
    }

    fn session(&self, s: &Session<'_>) -> Event {
        let summary = i18n::text_with(
            self.lang,
            "calendar-session",
            &[("case_no", s.case_no.to_owned())],
        );
        let starts = s.at.and_utc();
        let mut event = Event::new();
        event
            .uid(&self.uid("session", s.id))
            .summary(&summary)
            .description(&self.about(s.case_no, s.title))
            .url(&self.case_url(s.case_no))
            .starts(starts)
            .ends(starts + SESSION_LENGTH);
        if !s.place.is_empty() {
            event.location(s.place);
        }
        event.done()
    }

    fn due(&self, d: &Due<'_>) -> Event {
        let summary = i18n::text_with(
            self.lang,
            "calendar-deadline",
            &[
                ("case_no", d.case_no.to_owned()),
                ("kind", i18n::text(self.lang, d.kind.label_key())),
            ],
        );
        Event::new()
            .uid(&self.uid("deadline", d.id))
            .summary(&summary)
            .description(&self.about(d.case_no, d.title))
            .url(&self.case_url(d.case_no))
            .starts(d.on)
            .ends(d.on + TimeDelta::days(1))
            .done()
    }

    fn case_url(&self, case_no: &str) -> String {
        self.public_url.page(&format!("/cases/{case_no}"))
    }

    fn about(&self, case_no: &str, title: &str) -> String {
        format!("{case_no} {title}\n{}", self.case_url(case_no))
    }
}
