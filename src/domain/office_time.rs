//! Office time (issue 17): times are stored in UTC, and shown, counted and typed in the office's
//! own zone. "Today", due dates and overdue flags are office days: in Seoul a deadline due
//! yesterday is overdue from 00:00 KST, not from 09:00 when the UTC date turns.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone};
use chrono_tz::Tz;

/// The office's time zone, an IANA name such as `Asia/Seoul`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfficeZone(Tz);

impl OfficeZone {
    pub const SEOUL: OfficeZone = OfficeZone(chrono_tz::Asia::Seoul);

    pub fn parse(name: &str) -> Option<OfficeZone> {
        name.trim().parse::<Tz>().ok().map(OfficeZone)
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    fn local(self, utc: NaiveDateTime) -> DateTime<Tz> {
        self.0.from_utc_datetime(&utc)
    }

    /// The office day a UTC instant falls on.
    pub fn day_of(self, utc: NaiveDateTime) -> NaiveDate {
        self.local(utc).date_naive()
    }

    /// The office's wall-clock time at a UTC instant.
    pub fn wall_clock(self, utc: NaiveDateTime) -> NaiveDateTime {
        self.local(utc).naive_local()
    }

    /// The zone's abbreviation at an instant (`KST`; `CET` or `CEST` as the season has it).
    pub fn abbreviation(self, utc: NaiveDateTime) -> String {
        self.local(utc).format("%Z").to_string()
    }

    /// For people: `2026-12-02 09:30 KST`.
    pub fn show(self, utc: NaiveDateTime) -> String {
        self.local(utc).format("%Y-%m-%d %H:%M %Z").to_string()
    }

    /// For people, to the second: `2026-12-02 09:30:15 KST`.
    pub fn show_seconds(self, utc: NaiveDateTime) -> String {
        self.local(utc).format("%Y-%m-%d %H:%M:%S %Z").to_string()
    }

    /// For machines (CSV, `<time datetime>`): ISO 8601 with the offset,
    /// `2026-12-02T09:30:15+09:00`.
    pub fn iso(self, utc: NaiveDateTime) -> String {
        self.local(utc).to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    /// ISO 8601 with the offset, to the microsecond the databases keep (logs, custody CSVs).
    pub fn iso_precise(self, utc: NaiveDateTime) -> String {
        self.local(utc).to_rfc3339_opts(SecondsFormat::Micros, false)
    }

    /// The value a `datetime-local` input shows for a stored instant.
    pub fn input_value(self, utc: NaiveDateTime) -> String {
        self.local(utc).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// The UTC instant of a time someone typed in office time. A time the clocks skipped (a
    /// daylight-saving gap) has none; a time they repeated is read as the first.
    pub fn utc_of(self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        self.0
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.naive_utc())
    }
}

/// A stored time as templates hand it over: by value, or behind a reference or two.
pub trait AsInstant {
    fn instant(&self) -> NaiveDateTime;
}

impl AsInstant for NaiveDateTime {
    fn instant(&self) -> NaiveDateTime {
        *self
    }
}

impl<T: AsInstant + ?Sized> AsInstant for &T {
    fn instant(&self) -> NaiveDateTime {
        (**self).instant()
    }
}

impl Default for OfficeZone {
    fn default() -> Self {
        OfficeZone::SEOUL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn one_in_the_morning_in_seoul_is_already_the_next_office_day() {
        // 16:00 UTC on 1 December is 01:00 KST on 2 December.
        let at = utc("2026-12-01 16:00");
        assert_eq!(
            OfficeZone::SEOUL.day_of(at),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
        assert_eq!(OfficeZone::SEOUL.show(at), "2026-12-02 01:00 KST");
        assert_eq!(OfficeZone::SEOUL.iso(at), "2026-12-02T01:00:00+09:00");
        assert_eq!(OfficeZone::SEOUL.input_value(at), "2026-12-02T01:00");
    }

    #[test]
    fn a_time_typed_in_office_time_is_stored_in_utc() {
        let typed = utc("2026-12-02 10:00");
        assert_eq!(OfficeZone::SEOUL.utc_of(typed), Some(utc("2026-12-02 01:00")));
        // Where clocks change: a skipped hour has no instant, a repeated one is the first.
        let berlin = OfficeZone::parse("Europe/Berlin").unwrap();
        assert_eq!(berlin.utc_of(utc("2026-03-29 02:30")), None);
        assert_eq!(
            berlin.utc_of(utc("2026-10-25 02:30")),
            Some(utc("2026-10-25 00:30"))
        );
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(OfficeZone::parse("Asia/Seoul"), Some(OfficeZone::SEOUL));
        assert_eq!(
            OfficeZone::parse("UTC").unwrap().show(utc("2026-12-02 01:00")),
            "2026-12-02 01:00 UTC"
        );
        assert_eq!(OfficeZone::parse("KST"), None);
        assert_eq!(OfficeZone::parse("Mars/Olympus"), None);
    }
}
