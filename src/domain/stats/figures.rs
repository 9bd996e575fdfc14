//! The office's figures for one filter, summed from the monthly cells. Pure: the page, the
//! downloads and the public dataset all read these numbers.

use std::collections::{BTreeMap, HashMap};

use super::cell::{Cell, ClaimBand, Dims, EVERY_FIELD, Month, NO_FIELD, is_open};
use super::fields::{FieldFilter, Industries, SECTIONS};
use crate::domain::case::{Kind, PartySize, State, Track};

/// Which months: everything, a year, a quarter, or a range of months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    All,
    Year(i32),
    Quarter(i32, u32),
    Months(Month, Month),
}

impl Period {
    /// The first and last month; "all" runs from the first month anything was filed to now.
    pub fn bounds(self, first: Month, now: Month) -> (Month, Month) {
        let m = |y, mo| Month::new(y, mo).unwrap_or(now);
        match self {
            Period::All => (first.min(now), now),
            Period::Year(y) => (m(y, 1), m(y, 12)),
            Period::Quarter(y, q) => (m(y, q * 3 - 2), m(y, q * 3)),
            Period::Months(from, to) => (from, to),
        }
    }
}

/// What `/stats` is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub period: Period,
    pub kind: Option<Kind>,
    pub track: Option<Track>,
    pub field: Option<FieldFilter>,
    /// The complainant's size; `Some(None)` keeps complainants whose size nobody gave.
    pub size: Option<Option<PartySize>>,
}

impl Filter {
    pub fn everything() -> Filter {
        Filter {
            period: Period::All,
            kind: None,
            track: None,
            field: None,
            size: None,
        }
    }

    /// Whether the cells of a case with these values count, the period aside.
    pub fn keeps(&self, dims: &Dims, industries: &Industries) -> bool {
        self.kind.is_none_or(|k| k == dims.kind)
            && self.track.is_none_or(|t| t == dims.track)
            && self.size.is_none_or(|s| s == dims.size)
            && self
                .field
                .as_ref()
                .is_none_or(|f| f.keeps(&dims.field, industries))
    }
}

/// Days from filing to closing: how many cases, the median and the 90th percentile, by the
/// nearest-rank method (the smallest number of days within which at least half, or 90 %, of
/// the cases closed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    pub n: i64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Durations {
    fn of(days: &BTreeMap<i64, i64>) -> Durations {
        let n: i64 = days.values().sum();
        let rank = |p: i64| {
            // ceil(p/100 · n), at least 1.
            let want = ((p * n + 99) / 100).max(1);
            let mut seen = 0;
            days.iter().find_map(|(d, k)| {
                seen += k;
                (seen >= want).then_some(*d)
            })
        };
        Durations {
            n,
            median: (n > 0).then(|| rank(50)).flatten(),
            p90: (n > 0).then(|| rank(90)).flatten(),
        }
    }
}

/// The states a case can be open in, in the workflow's order.
pub fn open_states() -> impl Iterator<Item = State> {
    State::ALL.iter().copied().filter(|s| is_open(*s))
}

/// How cases end, in the order the office reports them.
pub const OUTCOMES: [State; 8] = [
    State::Settled,
    State::NotSettled,
    State::DeemedNotSettled,
    State::Withdrawn,
    State::ReferredOut,
    State::Rejected,
    State::Discontinued,
    State::Closed,
];

/// Whether respondents are abroad.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whereabouts {
    Domestic,
    Foreign,
    Unknown,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub from: Option<Month>,
    pub to: Option<Month>,
    /// Per month of the period: filings per kind (in `Kind::ALL` order).
    pub filed_by_month: Vec<(Month, Vec<i64>)>,
    /// Per month of the period: open cases at its end per state (in `open_states()` order).
    pub open_by_month: Vec<(Month, Vec<i64>)>,
    /// Closures per track (in `Track::ALL` order) and outcome (in `OUTCOMES` order).
    pub outcomes_by_track: Vec<Vec<i64>>,
    pub durations: Vec<Durations>,
    pub durations_all: Durations,
    /// Mediation-track closures: sessions held, closures with a session, and of those the
    /// ones where the respondent came.
    pub mediation_closed: i64,
    pub sessions: i64,
    pub with_sessions: i64,
    pub appeared: i64,
    /// Filings per claim band (in `ClaimBand::ALL` order), and the won claimed in all.
    pub claims: Vec<i64>,
    pub claimed_krw: i64,
    /// Filings per IPC section (in `SECTIONS` order), then those naming no field.
    pub sections: Vec<i64>,
    pub no_field: i64,
    /// Filings per IPC class, most first.
    pub classes: Vec<(String, i64)>,
    /// Filings per industry (in the grouping's order), then the rest.
    pub industries: Vec<i64>,
    pub other_industry: i64,
    /// Filings per complainant size (individual, SME, large, not given).
    pub sizes: Vec<i64>,
    pub foreign: i64,
    pub domestic: i64,
    pub country_unknown: i64,
    /// Every right the filings cite (by id), with how many cite it, most first.
    pub cited: Vec<(i64, i64)>,
}

/// The sizes in the order the figures list them; `None` is "not given".
pub const SIZES: [Option<PartySize>; 4] = [
    Some(PartySize::Individual),
    Some(PartySize::Sme),
    Some(PartySize::Large),
    None,
];

impl Figures {
    pub fn filed(&self) -> i64 {
        self.filed_by_month.iter().flat_map(|(_, k)| k).sum()
    }

    pub fn closed(&self) -> i64 {
        self.outcomes_by_track.iter().flatten().sum()
    }

    pub fn outcome(&self, outcome: State) -> i64 {
        let i = OUTCOMES.iter().position(|o| *o == outcome).unwrap_or(0);
        self.outcomes_by_track.iter().map(|t| t[i]).sum()
    }

    /// Settled over the mediations that reached a result (settled, not settled, deemed not
    /// settled); withdrawals and referrals are not a mediation's result.
    pub fn settlement(&self) -> (i64, i64) {
        let settled = self.outcome(State::Settled);
        let decided = settled + self.outcome(State::NotSettled) + self.outcome(State::DeemedNotSettled);
        (settled, decided)
    }

    pub fn sizes_of(&self, size: Option<PartySize>) -> i64 {
        SIZES.iter().position(|s| *s == size).map_or(0, |i| self.sizes[i])
    }

    /// Sums the cells of every case the filter keeps: filings and closures of the period's
    /// months, and open cases at each of its month ends (which needs every earlier month).
    /// `rows` are all summary rows up to the period's last month, in any order: those of every
    /// field together, or those per field (which a field filter needs), or both.
    pub fn sum(
        rows: &[(Month, Dims, Cell)],
        filter: &Filter,
        industries: &Industries,
        now: Month,
    ) -> Figures {
        let first = rows.iter().map(|(m, ..)| *m).min().unwrap_or(now);
        let (from, to) = filter.period.bounds(first, now);
        let months: Vec<Month> = from.through(to).collect();
        let states: Vec<State> = open_states().collect();
        let mut f = Figures {
            from: Some(from),
            to: Some(to),
            filed_by_month: months.iter().map(|m| (*m, vec![0; Kind::ALL.len()])).collect(),
            open_by_month: months.iter().map(|m| (*m, vec![0; states.len()])).collect(),
            outcomes_by_track: vec![vec![0; OUTCOMES.len()]; Track::ALL.len()],
            claims: vec![0; ClaimBand::ALL.len()],
            sections: vec![0; SECTIONS.len()],
            industries: vec![0; industries.all().len()],
            sizes: vec![0; SIZES.len()],
            ..Figures::default()
        };
        let mut opened_before = vec![0i64; states.len()];
        let mut opened_in: Vec<Vec<i64>> = vec![vec![0; states.len()]; months.len()];
        let mut days: Vec<BTreeMap<i64, i64>> = vec![BTreeMap::new(); Track::ALL.len()];
        let mut classes: HashMap<&str, i64> = HashMap::new();
        let mut cited: HashMap<i64, i64> = HashMap::new();
        // Whether the filter keeps a technology field, and the industry it is grouped under.
        let field_of = |field: &str| -> (bool, Option<usize>) {
            let industry = industries
                .of(field)
                .and_then(|i| industries.all().iter().position(|x| x == i));
            let kept = filter.field.as_ref().is_none_or(|f| f.keeps(field, industries));
            (kept, industry)
        };
        // Without a field filter the rows of every field together say it all; with one, only
        // the rows per field can.
        let has_every_field = rows.iter().any(|(_, d, _)| d.field == EVERY_FIELD);
        for (month, dims, cell) in rows {
            if *month > to {
                continue;
            }
            let every_field = dims.field == EVERY_FIELD;
            let kept = match (every_field, &filter.field) {
                (true, field) => field.is_none(),
                (false, None) => !has_every_field,
                (false, Some(_)) => field_of(&dims.field).0,
            };
            let others_kept = filter.kind.is_none_or(|k| k == dims.kind)
                && filter.track.is_none_or(|t| t == dims.track)
                && filter.size.is_none_or(|s| s == dims.size);
            if !kept || !others_kept {
                continue;
            }
            let add_states = |into: &mut [i64]| {
                for (name, n) in cell.states.iter() {
                    if let Some(i) = states.iter().position(|s| s.as_str() == name) {
                        into[i] += n;
                    }
                }
            };
            if *month < from {
                add_states(&mut opened_before);
                continue;
            }
            let at = month.months_since(from) as usize;
            add_states(&mut opened_in[at]);
            let track = Track::ALL.iter().position(|t| *t == dims.track).unwrap_or(0);
            if cell.filed != 0 {
                let kind = Kind::ALL.iter().position(|k| *k == dims.kind).unwrap_or(0);
                f.filed_by_month[at].1[kind] += cell.filed;
                for (i, band) in ClaimBand::ALL.iter().enumerate() {
                    f.claims[i] += cell.claims.get(band.as_str());
                }
                f.claimed_krw += cell.claimed_krw;
                let per_field: Vec<(&str, i64)> = if every_field {
                    cell.fields
                        .iter()
                        .map(|(name, n)| (if name == NO_FIELD { "" } else { name }, n))
                        .collect()
                } else {
                    vec![(dims.field.as_str(), cell.filed)]
                };
                for (field, n) in per_field {
                    match field
                        .chars()
                        .next()
                        .and_then(|c| SECTIONS.iter().position(|s| *s == c))
                    {
                        Some(s) => f.sections[s] += n,
                        None => f.no_field += n,
                    }
                    if let Some(class) = field.get(..3) {
                        *classes.entry(class).or_default() += n;
                    }
                    match field_of(field).1 {
                        Some(i) => f.industries[i] += n,
                        None => f.other_industry += n,
                    }
                }
                let size = SIZES
                    .iter()
                    .position(|s| *s == dims.size)
                    .unwrap_or(SIZES.len() - 1);
                f.sizes[size] += cell.filed;
                for (right, n) in cell.rights.iter() {
                    if let Ok(id) = right.parse::<i64>() {
                        *cited.entry(id).or_default() += n;
                    }
                }
                f.foreign += cell.foreign_respondent;
                f.country_unknown += cell.country_unknown;
                f.domestic += cell.filed - cell.foreign_respondent - cell.country_unknown;
            }
            if cell.closed != 0 {
                for (i, o) in OUTCOMES.iter().enumerate() {
                    f.outcomes_by_track[track][i] += cell.outcomes.get(o.as_str());
                }
                for (d, n) in cell.days.iter() {
                    if let Ok(d) = d.parse::<i64>() {
                        *days[track].entry(d).or_default() += n;
                    }
                }
                if dims.track == Track::Mediation {
                    f.mediation_closed += cell.closed;
                    f.sessions += cell.sessions;
                    f.with_sessions += cell.with_sessions;
                    f.appeared += cell.appeared;
                }
            }
        }
        let mut open = opened_before;
        for (at, net) in opened_in.iter().enumerate() {
            for (i, n) in net.iter().enumerate() {
                open[i] += n;
            }
            f.open_by_month[at].1.clone_from(&open);
        }
        let mut all_days = BTreeMap::new();
        for d in &days {
            for (k, n) in d {
                *all_days.entry(*k).or_default() += n;
            }
        }
        f.durations = days.iter().map(Durations::of).collect();
        f.durations_all = Durations::of(&all_days);
        f.classes = classes.into_iter().map(|(c, n)| (c.to_owned(), n)).collect();
        f.cited = cited.into_iter().filter(|(_, n)| *n > 0).collect();
        f.cited.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        f.classes
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        f
    }
}

/// A share as a fraction, when there is anything to share.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;
    use crate::domain::stats::cell::{CaseFacts, Closure};
    use chrono::NaiveDate;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rows(cases: &[CaseFacts]) -> Vec<(Month, Dims, Cell)> {
        cases
            .iter()
            .flat_map(|c| c.cells().into_iter().map(|(m, cell)| (m, c.dims.clone(), cell)))
            .collect()
    }

    fn case(filed: &str, kind: Kind, field: &str, closed: Option<(&str, State, i32)>) -> CaseFacts {
        CaseFacts {
            filed_on: day(filed),
            dims: Dims {
                kind,
                track: Track::Mediation,
                size: Some(PartySize::Sme),
                field: field.into(),
            },
            respondent_countries: vec![Some("KR".into())],
            claim: Some((50_000_000, Currency::Krw)),
            moves: closed
                .iter()
                .map(|(on, outcome, _)| (day(on), State::Filed, *outcome))
                .collect(),
            closure: closed.map(|(on, outcome, days_open)| Closure {
                on: day(on),
                outcome,
                days_open,
                sessions: 1,
                respondent_appeared: true,
            }),
            cited: Vec::new(),
        }
    }

    #[test]
    fn medians_and_the_90th_percentile_are_nearest_rank() {
        let d = |v: &[(i64, i64)]| Durations::of(&v.iter().copied().collect());
        assert_eq!(d(&[]), Durations::default());
        assert_eq!(
            d(&[(7, 1)]),
            Durations {
                n: 1,
                median: Some(7),
                p90: Some(7)
            }
        );
        // 10, 20, 30, 40: half within 20; 90 % (3.6 → 4 cases) within 40.
        let four = d(&[(10, 1), (20, 1), (30, 1), (40, 1)]);
        assert_eq!((four.median, four.p90), (Some(20), Some(40)));
        // Ten cases of 1..=10 days.
        let ten: Vec<(i64, i64)> = (1..=10).map(|x| (x, 1)).collect();
        assert_eq!((d(&ten).median, d(&ten).p90), (Some(5), Some(9)));
    }

    #[test]
    fn a_year_counts_its_filings_closures_and_month_end_caseload() {
        let cases = [
            case(
                "2025-12-10",
                Kind::Patent,
                "H01L",
                Some(("2026-01-20", State::Settled, 41)),
            ),
            case(
                "2026-01-05",
                Kind::Patent,
                "H01M",
                Some(("2026-03-01", State::Withdrawn, 55)),
            ),
            case("2026-02-05", Kind::TradeSecret, "", None),
        ];
        let f = Figures::sum(
            &rows(&cases),
            &Filter {
                period: Period::Year(2026),
                ..Filter::everything()
            },
            &Industries::shipped(),
            Month::parse("2026-12").unwrap(),
        );
        assert_eq!(f.filed(), 2);
        assert_eq!(f.filed_by_month.len(), 12);
        assert_eq!(f.filed_by_month[0].1[0], 1);
        assert_eq!(f.filed_by_month[1].1[4], 1);
        let filed_state = open_states().position(|s| s == State::Filed).unwrap();
        let open: Vec<i64> = f.open_by_month.iter().map(|(_, s)| s[filed_state]).collect();
        // Dec: 1 open; Jan: +1 −1; Feb: +1; Mar: −1.
        assert_eq!(&open[..4], &[1, 2, 1, 1][..]);
        assert_eq!(f.closed(), 2);
        assert_eq!(f.settlement(), (1, 1));
        assert_eq!(
            f.durations_all,
            Durations {
                n: 2,
                median: Some(41),
                p90: Some(55)
            }
        );
        assert_eq!((f.sections[7], f.no_field), (1, 1));
        assert_eq!(f.classes, vec![("H01".to_string(), 1)]);
        assert_eq!(f.sizes_of(Some(PartySize::Sme)), 2);
        assert_eq!((f.domestic, f.foreign, f.country_unknown), (2, 0, 0));
        let electrical = Industries::shipped()
            .all()
            .iter()
            .position(|i| i.key == "electrical")
            .unwrap();
        assert_eq!((f.industries[electrical], f.other_industry), (1, 1));
        assert_eq!(f.claimed_krw, 100_000_000);
    }

    #[test]
    fn filters_keep_only_their_cases() {
        let cases = [
            case("2026-01-05", Kind::Patent, "H01L", None),
            case("2026-01-06", Kind::Design, "H01L", None),
            case("2026-01-07", Kind::Patent, "C08K", None),
        ];
        let ind = Industries::shipped();
        let f = Figures::sum(
            &rows(&cases),
            &Filter {
                kind: Some(Kind::Patent),
                field: FieldFilter::parse("industry:semiconductors", &ind),
                ..Filter::everything()
            },
            &ind,
            Month::parse("2026-02").unwrap(),
        );
        assert_eq!(f.filed(), 1);
        assert_eq!((f.from, f.to), (Month::parse("2026-01"), Month::parse("2026-02")));
    }
}
