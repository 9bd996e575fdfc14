//! Demo data: accounts for every role and cases with the histories a living office gives
//! them (Korean and English, every kind and track, several years of filings), so a newcomer
//! sees real work on every home page and benchmarks have something to chew on.
//!
//! Each case is walked through the workflow table from its filing to the settings' "now"
//! (`history`), and what the workflow would have stored is written in bulk (`load`). What
//! each complaint says (its field, its parties' size and country, its claim) is drawn in
//! the proportions the statistics would show (`complaint`); once the registry holds rights,
//! some cases cite them (`citations`).

mod citations;
mod complaint;
mod history;
mod load;
mod rights;

pub use citations::seed_citations;
pub use rights::seed_rights;

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use self::complaint::{Complaint, RESPONDENTS, case_row, complaint, party_rows};
use self::history::{History, Office, Periods, Start};
use self::load::{Batch, Ids};
use crate::auth::password;
use crate::config::Settings;
use crate::db::schema::{cases, filing_counters, users};
use crate::db::{DbConn, write_tx};
use crate::domain::workflow::{DeadlineStatus, Who};
use crate::domain::{CaseNumber, Email, PersonName, Role, Side, State, Track};
use crate::models::id::UserId;
use crate::models::user::{self, NewUser};

pub(crate) const PEOPLE: &[&str] = &[
    "김민지",
    "이서연",
    "박지훈",
    "최유진",
    "정하늘",
    "강도윤",
    "윤수아",
    "Park Jisoo",
    "Kim Daniel",
    "Emily Carter",
    "James Lee",
    "Sofia Martinez",
];
/// Filings reach back this far from "now".
const YEARS: i64 = 5;
/// Cases written per transaction.
const BATCH: usize = 2_000;

pub struct Report {
    /// Every demo account's role and e-mail address, in the order made (by role).
    pub accounts: Vec<(Role, String)>,
    /// Filed cases (complainants' drafts come on top).
    pub cases: usize,
    pub password: String,
    /// The id of the first case made: the demo's cases are this one and those after it.
    first_case: i64,
}

/// Who the demo accounts are, by role; the first of each role gets the largest share of
/// the work.
struct People {
    examiners: Vec<UserId>,
    legal: Vec<UserId>,
    mediators: Vec<UserId>,
    complainants: Vec<UserId>,
    /// The legal team of each of `RESPONDENTS`, in its order.
    respondents: Vec<UserId>,
}

/// The statistics count the demo's cases as if they had been filed and moved one by one.
pub fn count_in_statistics(conn: &mut DbConn, settings: &Settings) -> anyhow::Result<()> {
    let zone = settings.office_zone();
    write_tx(conn, |c| crate::models::stats::rebuild(c, zone))?;
    Ok(())
}

/// Seeds demo accounts and `count` cases whose histories run up to the settings' "now" (in
/// its office time zone, with its periods). Refuses a database that holds accounts or cases
/// unless `force`.
pub fn seed(conn: &mut DbConn, settings: &Settings, count: usize, force: bool) -> anyhow::Result<Report> {
    let existing_cases: i64 = cases::table.count().get_result(conn)?;
    let existing_users = user::count(conn)?;
    if (existing_cases > 0 || existing_users > 0) && !force {
        bail!(
            "this database already holds {existing_users} accounts and {existing_cases} cases; \
             demo data is for empty databases (use --force to add it anyway)"
        );
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let now = settings.now();
    let password = crate::auth::token::generate()[..16].to_owned();
    let (accounts, people) = add_accounts(conn, &mut rng, &password, now)?;
    let first_case = add_cases(conn, &mut rng, settings, count, &people)?;
    count_in_statistics(conn, settings)?;
    Ok(Report {
        accounts,
        cases: count,
        password,
        first_case,
    })
}

fn add_accounts(
    conn: &mut DbConn,
    rng: &mut StdRng,
    password: &str,
    now: NaiveDateTime,
) -> anyhow::Result<(Vec<(Role, String)>, People)> {
    let hash = password::hash_now(password)?;
    // A tag of its own, so demo data can be added again (--force) beside the last.
    let tag = &crate::auth::token::generate()[..6].to_lowercase();
    let office: Vec<(Role, String, String)> = [
        (Role::Admin, "admin", "Demo Administrator"),
        (Role::Examiner, "examiner1", "심사관 김하늘"),
        (Role::Examiner, "examiner2", "Examiner Jane Park"),
        (Role::Examiner, "examiner3", "심사관 이도윤"),
        (Role::Legal, "legal1", "법무담당관 최서준"),
        (Role::Legal, "legal2", "Legal Officer Tom Kim"),
        (Role::Mediator, "mediator1", "조정위원 박민서"),
        (Role::Mediator, "mediator2", "Mediator Anna Choi"),
        (Role::Mediator, "mediator3", "조정위원 오세훈"),
        (Role::Mediator, "mediator4", "Mediator David Han"),
        (Role::Mediator, "mediator5", "조정위원 윤서희"),
    ]
    .into_iter()
    .map(|(r, local, name)| (r, local.to_owned(), name.to_owned()))
    .collect();
    let complainants: Vec<(Role, String, String)> = (1..=20)
        .map(|n| {
            (
                Role::Complainant,
                format!("complainant{n}"),
                PEOPLE.choose(rng).unwrap_or(&"Kim").to_string(),
            )
        })
        .collect();
    let respondents = RESPONDENTS.iter().enumerate().map(|(i, r)| {
        let company = r.name;
        let name = if company.is_ascii() {
            format!("Legal team, {company}")
        } else {
            format!("{company} 법무팀")
        };
        (Role::Respondent, format!("respondent{}", i + 1), name)
    });
    let all: Vec<(Role, String, String)> = office
        .into_iter()
        .chain(complainants)
        .chain(respondents)
        .collect();
    let mut people = People {
        examiners: Vec::new(),
        legal: Vec::new(),
        mediators: Vec::new(),
        complainants: Vec::new(),
        respondents: Vec::new(),
    };
    let mut accounts = Vec::with_capacity(all.len());
    // Accounts date from before the oldest filing.
    let since = now - TimeDelta::days(YEARS * 366 + 30);
    write_tx(conn, |c| {
        for (role, local, name) in &all {
            let email =
                Email::parse(&format!("{local}.{tag}@demo.ipdesk.example")).context("demo address")?;
            let name = PersonName::parse(name).context("demo name")?;
            let created = user::insert(
                c,
                NewUser {
                    email: &email,
                    name: &name,
                    role: *role,
                    password_hash: Some(&hash),
                    language: None,
                    email_verified: true,
                },
            )?;
            diesel::update(users::table.find(created.id.0))
                .set((
                    users::created_at.eq(since),
                    users::updated_at.eq(since),
                    users::email_verified_at.eq(since),
                ))
                .execute(c)?;
            match role {
                Role::Examiner => people.examiners.push(created.id),
                Role::Legal => people.legal.push(created.id),
                Role::Mediator => people.mediators.push(created.id),
                Role::Complainant => people.complainants.push(created.id),
                Role::Respondent => people.respondents.push(created.id),
                Role::Admin => {}
            }
            accounts.push((*role, email.as_str().to_owned()));
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok((accounts, people))
}

/// A filing time from `YEARS` ago up to an hour ago: more of them each year (the office has
/// been growing), and a quarter of them in the last half year (the cases it is working on).
fn filing_time(rng: &mut StdRng, now: NaiveDateTime) -> NaiveDateTime {
    let span = if rng.random_bool(0.25) {
        180 * 24 * 3600
    } else {
        YEARS * 365 * 24 * 3600
    };
    let age = (1.0 - rng.random::<f64>().powf(1.0 / 1.6)) * span as f64;
    now - TimeDelta::seconds((age as i64).max(3600))
}

pub(super) fn draft_key(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// Files `count` cases with their histories, and a few drafts; the first one's id.
fn add_cases(
    conn: &mut DbConn,
    rng: &mut StdRng,
    settings: &Settings,
    count: usize,
    people: &People,
) -> anyhow::Result<i64> {
    let now = settings.now();
    let zone = settings.office_zone();
    let periods = Periods::of(settings);
    let office = Office {
        examiners: &people.examiners,
        legal: &people.legal,
        mediators: &people.mediators,
    };
    let mut ids = Ids::after_existing(conn)?;
    let first = ids.case;
    let mut times: Vec<NaiveDateTime> = (0..count).map(|_| filing_time(rng, now)).collect();
    times.sort();
    let mut seq_by_year: std::collections::BTreeMap<i32, i32> = filing_counters::table
        .select((filing_counters::year, filing_counters::last_seq))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    let mut batch = Batch::default();
    let today = zone.day_of(now);
    let mut walk = |rng: &mut StdRng, start: &Start| history::walk(rng, &office, periods, zone, now, start);
    let mut wanted: Vec<Showcase> = Showcase::ALL.to_vec();
    for filed_at in times {
        // Numbered by the year `case::file` numbers them by.
        let year = filed_at.year();
        let seq = seq_by_year.entry(year).or_insert(0);
        *seq += 1;
        let number = CaseNumber { year, seq: *seq };
        let (c, start, h) = showcase(rng, &mut wanted, (filed_at, now, today), people, &mut walk)
            .unwrap_or_else(|| ordinary(rng, filed_at, people, None, &mut walk));
        let owner = start.complainant;
        let id = ids.case;
        ids.case += 1;
        // Paper complaints are logged by the examiners on intake.
        let logged_by = pick_first_often(rng, &people.examiners);
        let mut row = case_row(rng, id, &c, owner, logged_by);
        let case_no = number.to_string();
        row.search_text = format!("{}{}", case_no.to_lowercase(), row.search_text);
        row.case_no = Some(case_no);
        row.filing_year = Some(year);
        row.filing_seq = Some(number.seq);
        row.filed_at = Some(filed_at);
        row.created_at = filed_at - TimeDelta::minutes(rng.random_range(5..600));
        row.updated_at = filed_at;
        let parties = party_rows(rng, &mut ids, id, &c);
        // The invitation link's token was never known here: what is kept is a hash of nothing
        // anyone holds.
        let token_hash = crate::auth::token::hash(&draft_key(rng));
        batch.add_case(&mut ids, row, parties, &h, token_hash);
        if batch.len() >= BATCH {
            write_tx(conn, |c| batch.write(c))?;
        }
    }
    add_drafts(rng, &mut ids, &mut batch, people, now);
    write_tx(conn, |c| batch.write(c))?;
    write_tx(conn, |c| -> QueryResult<()> {
        for (year, last) in &seq_by_year {
            let updated = diesel::update(filing_counters::table.find(year))
                .set(filing_counters::last_seq.eq(last))
                .execute(c)?;
            if updated == 0 {
                diesel::insert_into(filing_counters::table)
                    .values((filing_counters::year.eq(year), filing_counters::last_seq.eq(last)))
                    .execute(c)?;
            }
        }
        Ok(())
    })?;
    load::settle(conn)?;
    Ok(first)
}

/// Walks a case through the workflow up to "now".
type Walker<'a> = dyn FnMut(&mut StdRng, &Start) -> History + 'a;

/// A case: anyone's complaint, filed by themselves half the time, against a company whose
/// legal team joins through its invitation half the time; or, to show something on a demo
/// account's home page, with that account in it.
fn ordinary(
    rng: &mut StdRng,
    filed_at: NaiveDateTime,
    people: &People,
    goal: Option<Showcase>,
    walk: &mut Walker<'_>,
) -> (Complaint, Start, History) {
    let c = complaint(rng, (goal == Some(Showcase::RespondentsTurn)).then_some(0));
    let start = Start {
        filed_at,
        track: if rng.random_bool(0.15) {
            Track::Investigation
        } else {
            Track::Mediation
        },
        complainant: match goal {
            Some(Showcase::ComplainantsTurn) => Some(people.complainants[0]),
            _ => rng
                .random_bool(0.5)
                .then(|| pick_first_often(rng, &people.complainants)),
        },
        respondent: match goal {
            Some(Showcase::RespondentsTurn) => Some(people.respondents[0]),
            _ => rng.random_bool(0.5).then(|| people.respondents[c.respondent]),
        },
        korean: c.korean,
    };
    let h = walk(rng, &start);
    (c, start, h)
}

/// What the first demo account of each role finds waiting on its home page, however few
/// cases are seeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Showcase {
    OfficerOverdue,
    OfficerDueThisWeek,
    /// A party wrote or acted since the officer last looked.
    OfficerNews,
    /// A filing nobody has started to review.
    NewFiling,
    MediatorSession,
    MediatorProposal,
    ComplainantsTurn,
    RespondentsTurn,
}

impl Showcase {
    const ALL: [Showcase; 8] = [
        Showcase::OfficerOverdue,
        Showcase::OfficerDueThisWeek,
        Showcase::OfficerNews,
        Showcase::NewFiling,
        Showcase::MediatorSession,
        Showcase::MediatorProposal,
        Showcase::ComplainantsTurn,
        Showcase::RespondentsTurn,
    ];

    /// Whether the case, as walked up to `now`, shows it.
    fn shown_by(self, h: &History, people: &People, now: NaiveDateTime, today: NaiveDate) -> bool {
        let open = |d: &&history::Deadline| d.status == DeadlineStatus::Open;
        let officer = h.officer == Some(people.examiners[0]) && !h.state.is_terminal();
        let on_panel = h.panel.contains(&people.mediators[0]);
        let session_ahead = h.state == State::InMediation
            && h.sessions.iter().any(|s| s.record.is_none() && s.held_at >= now);
        let unanswered =
            |side: Side| h.state == State::ProposalIssued && !h.answers.iter().any(|a| a.side == side);
        match self {
            Showcase::OfficerOverdue => officer && h.deadlines.iter().filter(open).any(|d| d.due_on < today),
            Showcase::OfficerDueThisWeek => {
                officer
                    && h.deadlines
                        .iter()
                        .filter(open)
                        .any(|d| d.due_on >= today && (d.due_on - today).num_days() <= 7)
            }
            Showcase::OfficerNews => {
                let seen = h
                    .reads
                    .iter()
                    .find(|(u, _)| *u == people.examiners[0])
                    .map(|(_, at)| *at);
                let lately =
                    |at: NaiveDateTime| now - at < TimeDelta::days(20) && seen.is_some_and(|s| s < at);
                let by_party =
                    |u: UserId| people.complainants.contains(&u) || people.respondents.contains(&u);
                officer
                    && (h
                        .steps
                        .iter()
                        .any(|s| matches!(s.who, Who::Complainant | Who::Respondent) && lately(s.at))
                        || h.notes.iter().any(|n| by_party(n.author) && lately(n.at)))
            }
            Showcase::NewFiling => h.state == State::Filed,
            Showcase::MediatorSession => on_panel && session_ahead,
            Showcase::MediatorProposal => on_panel && h.state == State::ProposalIssued,
            Showcase::ComplainantsTurn => {
                h.state == State::AwaitingSupplement || unanswered(Side::Complainant) || session_ahead
            }
            Showcase::RespondentsTurn => {
                h.respondent() == Some(people.respondents[0])
                    && (h.state == State::RespondentNotified || unanswered(Side::Respondent) || session_ahead)
            }
        }
    }
}

/// A recent case walked, a few times over if need be, until it shows one of the things still
/// `wanted` on the demo accounts' home pages; `None` when it cannot (or nothing is wanted).
fn showcase(
    rng: &mut StdRng,
    wanted: &mut Vec<Showcase>,
    (filed_at, now, today): (NaiveDateTime, NaiveDateTime, NaiveDate),
    people: &People,
    walk: &mut Walker<'_>,
) -> Option<(Complaint, Start, History)> {
    const TRIES: usize = 40;
    // Only a recent case can still be waiting on someone.
    const RECENT_DAYS: i64 = 200;
    if wanted.is_empty() || now - filed_at > TimeDelta::days(RECENT_DAYS) {
        return None;
    }
    for i in 0..wanted.len() {
        let goal = wanted[i];
        for _ in 0..TRIES {
            let (c, start, h) = ordinary(rng, filed_at, people, Some(goal), walk);
            if goal.shown_by(&h, people, now, today) {
                wanted.remove(i);
                return Some((c, start, h));
            }
        }
    }
    None
}

/// A complaint or two half-written by some complainants, to come back to.
fn add_drafts(rng: &mut StdRng, ids: &mut Ids, batch: &mut Batch, people: &People, now: NaiveDateTime) {
    for owner in people.complainants.iter().take(5) {
        let c = complaint(rng, None);
        let id = ids.case;
        ids.case += 1;
        let mut row = case_row(rng, id, &c, Some(*owner), *owner);
        row.updated_at = now - TimeDelta::minutes(rng.random_range(60..20 * 24 * 60));
        row.created_at = row.updated_at - TimeDelta::days(rng.random_range(0..10));
        batch.add_draft(row, party_rows(rng, ids, id, &c).into());
    }
}

/// One of `items`, each as likely as its weight.
pub(super) fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    items
        .choose_weighted(rng, |(_, w)| *w)
        .map_or(&items[0].0, |(item, _)| item)
}

/// Someone of the list, the first of it more often than the others.
fn pick_first_often(rng: &mut StdRng, people: &[UserId]) -> UserId {
    if rng.random_bool(0.3) {
        people[0]
    } else {
        people[rng.random_range(0..people.len())]
    }
}

/// Exhibits for the newest filed cases that have a complainant account: a few small files
/// each, as the complainant would file them with the complaint (stored through the evidence
/// store like any upload), so that the evidence section and bundles have something to show.
pub fn seed_evidence(
    conn: &mut DbConn,
    store: &crate::evidence::Store,
    cases_with: usize,
) -> anyhow::Result<usize> {
    use crate::domain::{Side, Visibility};
    use crate::models::exhibit::{self, NewExhibit};
    const TITLES: [(&str, &str, Visibility); 4] = [
        (
            "공급계약서 사본",
            "Supply contract between the parties",
            Visibility::Parties,
        ),
        (
            "기술자료 제공 요구서",
            "The respondent's written request for our drawings",
            Visibility::Parties,
        ),
        (
            "영업비밀 원본증명서",
            "Originality certificate of the process recipe",
            Visibility::OwnSide,
        ),
        (
            "Meeting notes, 2026-03-14",
            "Notes of the meeting where the drawings were handed over",
            Visibility::Parties,
        ),
    ];
    let filed: Vec<(i64, i64, NaiveDateTime)> = cases::table
        .filter(cases::state.ne(State::Draft.as_str()))
        .filter(cases::complainant_user_id.is_not_null())
        .order(cases::id.desc())
        .limit(cases_with as i64)
        .select((
            cases::id,
            cases::complainant_user_id.assume_not_null(),
            cases::filed_at.assume_not_null(),
        ))
        .load(conn)?;
    let mut added = 0;
    for (case_id, owner, filed_at) in filed {
        let Some(by) = user::find(conn, UserId(owner))? else {
            continue;
        };
        let mut kept = Vec::new();
        for (i, (title, description, visibility)) in TITLES.iter().enumerate() {
            let body = format!(
                "%PDF-1.4\n% ipdesk demo exhibit\n1 0 obj << /Title ({description}) >> endobj\n% case {case_id}, exhibit {i}\n%%EOF\n"
            );
            let mut incoming = store.incoming()?;
            incoming.write(body.as_bytes())?;
            let received = incoming.finish()?;
            let (fingerprint, size) = (received.fingerprint.clone(), received.size);
            store.keep(received)?;
            kept.push((*title, *description, *visibility, fingerprint, size));
        }
        write_tx(conn, |c| {
            for (i, (title, description, visibility, fingerprint, size)) in kept.iter().enumerate() {
                let new = NewExhibit {
                    case: crate::models::id::CaseId(case_id),
                    side: Side::Complainant,
                    title,
                    description,
                    visibility: *visibility,
                    file_name: &format!("{title}.pdf"),
                    content_type: "application/pdf",
                    extension: "pdf",
                    size: *size,
                    fingerprint,
                    by: &by,
                    supports: None,
                    supersedes: None,
                };
                let uploaded = filed_at + TimeDelta::minutes(i as i64 + 1);
                exhibit::add(c, &new, uploaded, None).map_err(|e| match e {
                    exhibit::AddError::Db(e) => anyhow::Error::new(e),
                    other => anyhow::anyhow!("cannot add a demo exhibit: {other:?}"),
                })?;
            }
            Ok::<_, anyhow::Error>(())
        })?;
        added += kept.len();
    }
    Ok(added)
}
