//! Rights the demo's cases cite: about three filed cases in ten cite one to three rights of
//! the registry, a few rights far more often than the rest (a handful of patents are behind
//! many disputes), in the roles and with the claims people give. Written in bulk, many rows
//! per statement, so that a million cases take seconds.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::Report;
use super::load::MAX_BINDS;
use super::weighted;
use crate::config::Settings;
use crate::db::schema::{case_closures, case_rights, cases, rights};
use crate::db::{DbConn, write_tx};
use crate::domain::{CitationRole, Claims, RightSource};

#[derive(Insertable)]
#[diesel(table_name = case_rights)]
struct CitationRow {
    case_id: i64,
    right_id: i64,
    role: &'static str,
    claims: String,
    note: &'static str,
    linked_by: i64,
    linked_at: NaiveDateTime,
}
const CITATION_COLUMNS: usize = 7;

/// Cases read, and their citations written, per transaction.
const SLICE: i64 = 20_000;

/// Officers cite within this long after filing (or before the case closed).
const OFFICER_DAYS: i64 = 90;

const NOTES: &[(&str, u32)] = &[
    ("", 75),
    ("청구항 대비표 첨부", 6),
    ("등록원부 확인함", 5),
    ("무효심판 계류 중", 3),
    ("Claim chart attached", 5),
    ("Same family as the asserted patent", 3),
    ("Licence offered in 2023", 3),
];

/// A filed case as far as citing goes.
#[derive(Queryable)]
struct Filed {
    id: i64,
    filed_at: NaiveDateTime,
    created_at: NaiveDateTime,
    complainant: Option<i64>,
    officer: Option<i64>,
    created_by: i64,
    closed_at: Option<NaiveDateTime>,
}

/// The registry's rights by how often cases cite them: the one of rank `r` (in an order
/// shuffled once) as often as `1 / (r + 3)` says, a Zipf-like law whose head is a few
/// percent of all citations rather than most of them.
struct Popularity {
    ids: Vec<i64>,
    cumulative: Vec<f64>,
}

impl Popularity {
    fn of(rng: &mut StdRng, mut ids: Vec<i64>) -> Popularity {
        ids.shuffle(rng);
        let mut total = 0.0;
        let cumulative = (0..ids.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 3.0);
                total
            })
            .collect();
        Popularity { ids, cumulative }
    }

    fn pick(&self, rng: &mut StdRng) -> i64 {
        let x = rng.random::<f64>() * self.cumulative.last().copied().unwrap_or_default();
        let rank = self.cumulative.partition_point(|&c| c <= x);
        self.ids[rank.min(self.ids.len() - 1)]
    }
}

/// Cites rights of the registry (stubs aside) in the cases `seed` made; the number of
/// citations made. Run after the rights are seeded; deterministic for the same cases and
/// rights.
pub fn seed_citations(conn: &mut DbConn, settings: &Settings, report: &Report) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(18);
    let ids: Vec<i64> = rights::table
        .filter(rights::source.ne(RightSource::Stub.as_str()))
        .order(rights::id)
        .select(rights::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let popular = Popularity::of(&mut rng, ids);
    let now = settings.now();
    let mut after = report.first_case - 1;
    let mut made = 0;
    loop {
        let slice: Vec<Filed> = cases::table
            .left_join(case_closures::table.on(case_closures::case_id.eq(cases::id)))
            .filter(cases::id.gt(after))
            .filter(cases::filed_at.is_not_null())
            .order(cases::id)
            .limit(SLICE)
            .select((
                cases::id,
                cases::filed_at.assume_not_null(),
                cases::created_at,
                cases::complainant_user_id,
                cases::assigned_officer_id,
                cases::created_by,
                case_closures::closed_at.nullable(),
            ))
            .load(conn)?;
        let Some(last) = slice.last() else { break };
        after = last.id;
        let mut rows: Vec<CitationRow> = Vec::new();
        for case in &slice {
            if rng.random_bool(0.3) {
                rows.extend(citations(&mut rng, &popular, case, now));
            }
        }
        made += rows.len();
        write_tx(conn, |c| -> QueryResult<()> {
            for chunk in rows.chunks(MAX_BINDS / CITATION_COLUMNS) {
                match &mut *c {
                    DbConn::Sqlite(c) => diesel::insert_into(case_rights::table).values(chunk).execute(c)?,
                    DbConn::Postgres(c) => {
                        diesel::insert_into(case_rights::table).values(chunk).execute(c)?
                    }
                };
            }
            Ok(())
        })?;
    }
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("VACUUM ANALYZE case_rights").execute(pg)?;
    }
    // The most-cited figures count what the cases cite.
    super::count_in_statistics(conn, settings)?;
    Ok(made)
}

/// One to three distinct rights a case cites: the first mostly as the right asserted, the
/// others mostly as prior art.
fn citations(rng: &mut StdRng, popular: &Popularity, case: &Filed, now: NaiveDateTime) -> Vec<CitationRow> {
    let wanted = *weighted(rng, &[(1, 60), (2, 28), (3, 12)]);
    let mut chosen: Vec<i64> = Vec::with_capacity(wanted);
    // A small registry may not hold as many rights as wanted.
    for _ in 0..wanted * 4 {
        let right = popular.pick(rng);
        if !chosen.contains(&right) {
            chosen.push(right);
        }
        if chosen.len() == wanted {
            break;
        }
    }
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, right_id)| {
            let role = if i == 0 {
                weighted(
                    rng,
                    &[
                        (CitationRole::Asserted, 70),
                        (CitationRole::PriorArt, 15),
                        (CitationRole::RespondentRight, 10),
                        (CitationRole::Other, 5),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (CitationRole::PriorArt, 50),
                        (CitationRole::Asserted, 30),
                        (CitationRole::RespondentRight, 12),
                        (CitationRole::Other, 8),
                    ],
                )
            };
            let (linked_by, linked_at) = linked(rng, case, now);
            let note = *weighted(rng, NOTES);
            CitationRow {
                case_id: case.id,
                right_id,
                role: role.as_str(),
                claims: claims(rng),
                note,
                linked_by,
                linked_at,
            }
        })
        .collect()
}

/// Who linked a right, and when: the case's officer (on a paper complaint without one yet,
/// the examiner who logged it) some time after filing and before the case closed; or the
/// complainant while drafting, which is when `policy::may_cite` lets them (short of a
/// supplement asked for).
fn linked(rng: &mut StdRng, case: &Filed, now: NaiveDateTime) -> (i64, NaiveDateTime) {
    let officer = case
        .officer
        .or_else(|| case.complainant.is_none().then_some(case.created_by));
    match (officer, case.complainant) {
        (Some(officer), owner) if owner.is_none() || rng.random_bool(0.6) => {
            let end = case
                .closed_at
                .unwrap_or(now)
                .min(case.filed_at + TimeDelta::days(OFFICER_DAYS));
            let open = (end - case.filed_at).num_seconds().max(2);
            (
                officer,
                case.filed_at + TimeDelta::seconds(rng.random_range(1..open)),
            )
        }
        (_, owner) => {
            let drafting = (case.filed_at - case.created_at).num_seconds().max(1);
            (
                owner.unwrap_or(case.created_by),
                case.created_at + TimeDelta::seconds(rng.random_range(0..drafting)),
            )
        }
    }
}

/// Claims at issue as the form keeps them (`1, 3-5`), or none for the right as a whole.
fn claims(rng: &mut StdRng) -> String {
    if rng.random_bool(0.15) {
        return String::new();
    }
    let mut next = if rng.random_bool(0.7) {
        1
    } else {
        rng.random_range(2..16)
    };
    let mut parts = Vec::new();
    for _ in 0..rng.random_range(1..4) {
        let to = next + *weighted(rng, &[(0, 5), (1, 1), (2, 2), (4, 1)]);
        parts.push(if to == next {
            next.to_string()
        } else {
            format!("{next}-{to}")
        });
        next = to + rng.random_range(2..6);
    }
    Claims::parse(&parts.join(", ")).map_or_else(|_| "1".to_owned(), |c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_rights_are_cited_far_more_often_than_most() {
        let mut rng = StdRng::seed_from_u64(1);
        let popular = Popularity::of(&mut rng, (1..=2000).collect());
        let mut counts = vec![0_u32; 2001];
        for _ in 0..100_000 {
            counts[popular.pick(&mut rng) as usize] += 1;
        }
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top10: u32 = counts[..10].iter().sum();
        assert!(counts[0] > 2_500, "the most cited: {}", counts[0]);
        assert!((15_000..30_000).contains(&top10), "the ten most cited: {top10}");
        assert!(counts[1000] > 0, "the middle of the registry is cited too");
    }

    #[test]
    fn claims_are_kept_the_one_canonical_way() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..1_000 {
            let text = claims(&mut rng);
            let parsed = Claims::parse(&text).expect("claims read back");
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn citations_are_linked_after_filing_by_the_officer_or_while_drafting_by_the_complainant() {
        let mut rng = StdRng::seed_from_u64(3);
        let at = |d: i64| NaiveDateTime::default() + TimeDelta::days(d);
        let case = Filed {
            id: 1,
            filed_at: at(10),
            created_at: at(9),
            complainant: Some(7),
            officer: Some(2),
            created_by: 7,
            closed_at: Some(at(40)),
        };
        for _ in 0..200 {
            match linked(&mut rng, &case, at(100)) {
                (2, when) => assert!(when > at(10) && when < at(40)),
                (7, when) => assert!(when >= at(9) && when < at(10)),
                other => panic!("{other:?}"),
            }
        }
        let paper = Filed {
            complainant: None,
            officer: None,
            created_by: 3,
            closed_at: None,
            ..case
        };
        let (by, when) = linked(&mut rng, &paper, at(20));
        assert_eq!(by, 3, "the examiner who logged it");
        assert!(when > at(10) && when < at(20));
    }
}
