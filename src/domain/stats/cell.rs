//! What one case adds to the office's monthly figures. The figures are sums over office
//! months of cells like these, one per combination of the filters' values, so that the
//! statistics page reads tens of thousands of sums instead of a million cases.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::case::{Currency, Kind, PartySize, State, Track};

/// An office month, kept as `yyyymm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month(i32);

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month(day.year() * 100 + day.month() as i32)
    }

    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year))
            .then_some(Month(year * 100 + month as i32))
    }

    /// As stored: `202603`.
    pub fn from_number(n: i32) -> Option<Month> {
        Month::new(n / 100, (n % 100) as u32)
    }

    /// As typed and shown: `2026-03`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn number(self) -> i32 {
        self.0
    }

    pub fn year(self) -> i32 {
        self.0 / 100
    }

    pub fn month(self) -> u32 {
        (self.0 % 100) as u32
    }

    pub fn next(self) -> Month {
        if self.month() == 12 {
            Month((self.year() + 1) * 100 + 1)
        } else {
            Month(self.0 + 1)
        }
    }

    /// How many months after `earlier` this one is (negative before it).
    pub fn months_since(self, earlier: Month) -> i32 {
        (self.year() - earlier.year()) * 12 + self.month() as i32 - earlier.month() as i32
    }

    /// Every month from `self` to `to`, both included.
    pub fn through(self, to: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self), move |m| Some(m.next()).filter(|n| *n <= to))
            .take_while(move |m| *m <= to)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year(), self.month())
    }
}

/// Sparse counts by name, written `name=n name=n` in a summary row. Zero counts are dropped,
/// so a cell taken back to nothing is empty again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Counts(BTreeMap<String, i64>);

impl Counts {
    pub fn add(&mut self, name: &str, n: i64) {
        if n == 0 {
            return;
        }
        let entry = self.0.entry(name.to_owned()).or_insert(0);
        *entry += n;
        if *entry == 0 {
            self.0.remove(name);
        }
    }

    pub fn merge(&mut self, other: &Counts, sign: i64) {
        for (name, n) in &other.0 {
            self.add(name, n * sign);
        }
    }

    pub fn get(&self, name: &str) -> i64 {
        self.0.get(name).copied().unwrap_or(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        self.0.iter().map(|(k, n)| (k.as_str(), *n))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads what `Display` wrote; `None` for anything else.
    pub fn parse(s: &str) -> Option<Counts> {
        let mut counts = Counts::default();
        for pair in s.split_ascii_whitespace() {
            let (name, n) = pair.split_once('=')?;
            if name.is_empty() {
                return None;
            }
            counts.add(name, n.parse().ok()?);
        }
        Some(counts)
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, n)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{name}={n}")?;
        }
        Ok(())
    }
}

/// The sums one summary row holds for one month: filings counted in the month a case was
/// filed, closures in the month it closed, moves between states in the month they happened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub filed: i64,
    /// Filed against at least one respondent abroad.
    pub foreign_respondent: i64,
    /// Filed without any respondent's country known.
    pub country_unknown: i64,
    pub claimed_krw: i64,
    /// Filings by the amount of damages claimed: see [`ClaimBand`].
    pub claims: Counts,
    pub closed: i64,
    /// Sessions held, over the cases closed.
    pub sessions: i64,
    /// Closed cases with at least one session held, and those where the respondent came.
    pub with_sessions: i64,
    pub appeared: i64,
    pub outcomes: Counts,
    /// Closures by office days from filing to closing.
    pub days: Counts,
    /// Open cases that entered (+) or left (−) each state.
    pub states: Counts,
    /// Filings per technology field ([`NO_FIELD`] for none), in the rows that count every
    /// field together.
    #[serde(default)]
    pub fields: Counts,
    /// Filings citing each right (by its id), counted in the month the case was filed.
    #[serde(default)]
    pub rights: Counts,
}

impl Cell {
    pub fn add(&mut self, other: &Cell, sign: i64) {
        self.filed += sign * other.filed;
        self.foreign_respondent += sign * other.foreign_respondent;
        self.country_unknown += sign * other.country_unknown;
        self.claimed_krw += sign * other.claimed_krw;
        self.claims.merge(&other.claims, sign);
        self.closed += sign * other.closed;
        self.sessions += sign * other.sessions;
        self.with_sessions += sign * other.with_sessions;
        self.appeared += sign * other.appeared;
        self.outcomes.merge(&other.outcomes, sign);
        self.days.merge(&other.days, sign);
        self.states.merge(&other.states, sign);
        self.fields.merge(&other.fields, sign);
        self.rights.merge(&other.rights, sign);
    }

    pub fn is_empty(&self) -> bool {
        *self == Cell::default()
    }
}

/// The filters' values a case is counted under, as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dims {
    pub kind: Kind,
    pub track: Track,
    /// The complainant's size.
    pub size: Option<PartySize>,
    /// The IPC subclass of the case's technology field (`H01L`), or as much of it as was
    /// given; empty when none was.
    pub field: String,
}

/// The `field` of the summary rows that count every technology field together, with the
/// filings per field in [`Cell::fields`]: a page without a field filter reads only these, some
/// thousands of rows where the rows per field are a hundred thousand.
pub const EVERY_FIELD: &str = "*";
/// No technology field, as a key of [`Cell::fields`].
pub const NO_FIELD: &str = "-";

/// The summary rows a case's cells count in: under its own field, and again under every field.
pub fn summary_rows(dims: &Dims, cells: &[(Month, Cell)]) -> Vec<(Month, Dims, Cell)> {
    let every = Dims {
        field: EVERY_FIELD.to_owned(),
        ..dims.clone()
    };
    let field = if dims.field.is_empty() {
        NO_FIELD
    } else {
        &dims.field
    };
    cells
        .iter()
        .flat_map(|(m, c)| {
            let mut all = c.clone();
            all.fields.add(field, c.filed);
            [(*m, dims.clone(), c.clone()), (*m, every.clone(), all)]
        })
        .collect()
}

impl Dims {
    /// A total order for taking row locks always in the same order.
    pub fn sort_key(&self) -> (&'static str, &'static str, &'static str, &str) {
        (
            self.kind.as_str(),
            self.track.as_str(),
            self.size.map_or("", PartySize::as_str),
            &self.field,
        )
    }
}

named_values!(
    /// Damages claimed, in bands of Korean won; claims in other currencies are not converted.
    ClaimBand, "claim-band" {
        Under100m => "under_100m",
        Under1b => "under_1b",
        Under10b => "under_10b",
        From10b => "from_10b",
        OtherCurrency => "other_currency",
    }
);

impl ClaimBand {
    pub fn of(amount: i64, currency: Currency) -> ClaimBand {
        match (currency, amount) {
            (Currency::Krw, ..100_000_000) => ClaimBand::Under100m,
            (Currency::Krw, ..1_000_000_000) => ClaimBand::Under1b,
            (Currency::Krw, ..10_000_000_000) => ClaimBand::Under10b,
            (Currency::Krw, _) => ClaimBand::From10b,
            _ => ClaimBand::OtherCurrency,
        }
    }
}

/// How a case ended, as the closure recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    pub on: NaiveDate,
    pub outcome: State,
    pub days_open: i32,
    pub sessions: i32,
    pub respondent_appeared: bool,
}

/// Everything about one filed case that the figures count; days are office days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    pub filed_on: NaiveDate,
    pub dims: Dims,
    /// Each respondent's country (ISO 3166 alpha-2), where known.
    pub respondent_countries: Vec<Option<String>>,
    pub claim: Option<(i64, Currency)>,
    /// Every change of state since filing: (day, from, to).
    pub moves: Vec<(NaiveDate, State, State)>,
    pub closure: Option<Closure>,
    /// The rights the case cites, each once.
    pub cited: Vec<i64>,
}

/// The office's own country: a respondent elsewhere is foreign.
pub const HOME_COUNTRY: &str = "KR";

impl CaseFacts {
    /// The cells this case adds to, one per month it counts in.
    pub fn cells(&self) -> Vec<(Month, Cell)> {
        let mut cells: BTreeMap<Month, Cell> = BTreeMap::new();
        let filed = cells.entry(Month::of(self.filed_on)).or_default();
        filed.filed = 1;
        let known: Vec<&str> = self
            .respondent_countries
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        filed.country_unknown = i64::from(known.is_empty());
        filed.foreign_respondent = i64::from(known.iter().any(|c| *c != HOME_COUNTRY));
        if let Some((amount, currency)) = self.claim {
            filed.claims.add(ClaimBand::of(amount, currency).as_str(), 1);
            if currency == Currency::Krw {
                filed.claimed_krw = amount;
            }
        }
        filed.states.add(State::Filed.as_str(), 1);
        for right in &self.cited {
            filed.rights.add(&right.to_string(), 1);
        }
        for (day, from, to) in &self.moves {
            let cell = cells.entry(Month::of(*day)).or_default();
            if is_open(*from) {
                cell.states.add(from.as_str(), -1);
            }
            if is_open(*to) {
                cell.states.add(to.as_str(), 1);
            }
        }
        if let Some(c) = &self.closure {
            let cell = cells.entry(Month::of(c.on)).or_default();
            cell.closed = 1;
            cell.outcomes.add(c.outcome.as_str(), 1);
            cell.days.add(&c.days_open.to_string(), 1);
            cell.sessions = i64::from(c.sessions);
            cell.with_sessions = i64::from(c.sessions > 0);
            cell.appeared = i64::from(c.sessions > 0 && c.respondent_appeared);
        }
        cells.into_iter().filter(|(_, c)| !c.is_empty()).collect()
    }
}

pub fn is_open(state: State) -> bool {
    state != State::Draft && !state.is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> CaseFacts {
        CaseFacts {
            filed_on: day("2026-01-30"),
            dims: Dims {
                kind: Kind::Patent,
                track: Track::Mediation,
                size: Some(PartySize::Sme),
                field: "H01L".into(),
            },
            respondent_countries: vec![None, Some("JP".into())],
            claim: Some((250_000_000, Currency::Krw)),
            moves: vec![
                (day("2026-02-02"), State::Filed, State::IntakeReview),
                (day("2026-02-20"), State::IntakeReview, State::RespondentNotified),
                (
                    day("2026-03-05"),
                    State::RespondentNotified,
                    State::DeemedNotSettled,
                ),
            ],
            closure: Some(Closure {
                on: day("2026-03-05"),
                outcome: State::DeemedNotSettled,
                days_open: 34,
                sessions: 0,
                respondent_appeared: false,
            }),
            cited: vec![7, 9],
        }
    }

    #[test]
    fn a_case_counts_where_it_was_filed_moved_and_closed() {
        let cells = facts().cells();
        let months: Vec<String> = cells.iter().map(|(m, _)| m.to_string()).collect();
        assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
        let (_, jan) = &cells[0];
        assert_eq!(
            (jan.filed, jan.foreign_respondent, jan.country_unknown),
            (1, 1, 0)
        );
        assert_eq!(jan.claimed_krw, 250_000_000);
        assert_eq!(jan.claims.to_string(), "under_1b=1");
        assert_eq!(jan.states.to_string(), "filed=1");
        assert_eq!(jan.rights.to_string(), "7=1 9=1");
        // Filed in January; reviewed and notified within February.
        assert_eq!(cells[1].1.states.to_string(), "filed=-1 respondent_notified=1");
        let (_, mar) = &cells[2];
        assert_eq!(mar.states.to_string(), "respondent_notified=-1");
        assert_eq!((mar.closed, mar.with_sessions, mar.appeared), (1, 0, 0));
        assert_eq!(mar.outcomes.to_string(), "deemed_not_settled=1");
        assert_eq!(mar.days.to_string(), "34=1");
    }

    #[test]
    fn taking_a_case_back_leaves_nothing() {
        let mut sum = Cell::default();
        for (_, c) in facts().cells() {
            sum.add(&c, 1);
            sum.add(&c, -1);
        }
        assert!(sum.is_empty());
        assert_eq!(sum.states.to_string(), "");
    }

    #[test]
    fn counts_are_written_and_read_back() {
        let mut c = Counts::default();
        c.add("settled", 3);
        c.add("12", 1);
        c.add("withdrawn", 1);
        c.add("withdrawn", -1);
        assert_eq!(c.to_string(), "12=1 settled=3");
        assert_eq!(Counts::parse(&c.to_string()), Some(c));
        assert_eq!(Counts::parse(""), Some(Counts::default()));
        assert_eq!(Counts::parse("settled"), None);
        assert_eq!(Counts::parse("=3"), None);
    }

    #[test]
    fn a_respondent_at_home_or_unknown_is_not_foreign() {
        let mut f = facts();
        f.respondent_countries = vec![Some("KR".into()), None];
        let jan = &f.cells()[0].1;
        assert_eq!((jan.foreign_respondent, jan.country_unknown), (0, 0));
        f.respondent_countries = vec![None];
        let jan = &f.cells()[0].1;
        assert_eq!((jan.foreign_respondent, jan.country_unknown), (0, 1));
    }

    #[test]
    fn months_read_count_and_step() {
        assert_eq!(Month::parse("2026-3").map(|m| m.number()), Some(202603));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("26-03"), None);
        let m = Month::parse("2025-11").unwrap();
        let all: Vec<String> = m
            .through(Month::parse("2026-02").unwrap())
            .map(|m| m.to_string())
            .collect();
        assert_eq!(all, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(m.through(Month::parse("2025-10").unwrap()).count(), 0);
        assert_eq!(Month::from_number(202600), None);
    }

    #[test]
    fn claims_fall_in_bands_of_won() {
        assert_eq!(ClaimBand::of(99_999_999, Currency::Krw), ClaimBand::Under100m);
        assert_eq!(ClaimBand::of(100_000_000, Currency::Krw), ClaimBand::Under1b);
        assert_eq!(ClaimBand::of(10_000_000_000, Currency::Krw), ClaimBand::From10b);
        assert_eq!(ClaimBand::of(5, Currency::Usd), ClaimBand::OtherCurrency);
    }
}
