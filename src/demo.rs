//! Demo data: realistic accounts and cases (Korean and English names, every kind and track),
//! so a newcomer sees a living system and benchmarks have something to chew on.

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::auth::password;
use crate::db::schema::{cases, filing_counters, parties};
use crate::db::{DbConn, write_tx};
use crate::domain::{
    CaseNumber, ClassSymbol, Email, Kind, Origin, PartySize, PatentNumber, PersonName, Role, State, Track,
};
use crate::models::id::UserId;
use crate::models::user::{self, NewUser};
use crate::models::{self};

const KOREAN_COMPANIES: &[&str] = &[
    "(주)한빛테크",
    "세종정밀",
    "누리바이오",
    "가람반도체",
    "미래소재",
    "다온로보틱스",
    "해솔에너지",
    "푸른전자",
    "한결화학",
    "새벽디스플레이",
    "온누리소프트",
    "별빛광학",
    "청운기계",
    "이음네트웍스",
    "도담메디칼",
];
const ENGLISH_COMPANIES: &[&str] = &[
    "Bluewave Sensors",
    "Northgate Materials",
    "Keystone Robotics",
    "Lumen Optics",
    "Crescent Biotech",
    "Ironbridge Tools",
    "Silverline Batteries",
    "Harbor Semiconductor",
    "Quill Software",
    "Atlas Coatings",
];
const LARGE_COMPANIES: &[&str] = &[
    "대한전자 주식회사",
    "삼한중공업",
    "Megacorp Battery Ltd",
    "Global Display Co",
    "한국자동차부품",
    "Pacific Chemicals Inc",
    "태평양제약",
    "Orion Motors",
    "동방통신",
    "Vertex Semiconductor",
];
const PEOPLE: &[&str] = &[
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
const SUBJECTS: &[(&str, &str)] = &[
    ("배터리 분리막 코팅 공정", "Battery separator coating process"),
    ("반도체 식각 레시피", "Semiconductor etching recipe"),
    ("의료기기 센서 설계", "Medical device sensor design"),
    ("로봇 관절 감속기", "Robot joint reducer"),
    ("디스플레이 편광 필름", "Display polarising film"),
    (
        "자율주행 인지 알고리즘",
        "Autonomous-driving perception algorithm",
    ),
    ("친환경 포장재 조성물", "Eco-friendly packaging compound"),
    ("스마트팜 제어 소프트웨어", "Smart-farm control software"),
];
const STATES: &[(State, u32)] = &[
    (State::Filed, 20),
    (State::IntakeReview, 15),
    (State::AwaitingSupplement, 5),
    (State::RespondentNotified, 10),
    (State::PanelAssignment, 5),
    (State::InMediation, 15),
    (State::ProposalIssued, 5),
    (State::UnderInvestigation, 5),
    (State::Settled, 8),
    (State::NotSettled, 4),
    (State::Withdrawn, 4),
    (State::Closed, 4),
];

pub struct Report {
    pub accounts: usize,
    pub cases: usize,
    pub password: String,
}

#[derive(Insertable)]
#[diesel(table_name = cases)]
struct SeedCase {
    id: i64,
    draft_key: String,
    case_no: Option<String>,
    filing_year: Option<i32>,
    filing_seq: Option<i32>,
    state: &'static str,
    track: &'static str,
    kind: &'static str,
    title: String,
    description: String,
    ipc_class: Option<&'static str>,
    damages_amount: Option<i64>,
    damages_currency: Option<&'static str>,
    remedy: String,
    origin: &'static str,
    origin_reference: Option<String>,
    complainant_user_id: Option<i64>,
    created_by: i64,
    assigned_officer_id: Option<i64>,
    search_text: String,
    filed_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = parties)]
struct SeedParty {
    case_id: i64,
    side: &'static str,
    position: i32,
    party_kind: &'static str,
    name: String,
    registration_no: Option<String>,
    size: Option<&'static str>,
    email: Option<String>,
    phone: Option<String>,
    counsel_name: Option<&'static str>,
    counsel_firm: Option<&'static str>,
}

fn weighted_state(rng: &mut StdRng) -> State {
    let total: u32 = STATES.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (state, weight) in STATES {
        if pick < *weight {
            return *state;
        }
        pick -= weight;
    }
    State::Filed
}

/// Seeds `count` cases. Refuses a database that holds accounts or cases unless `force`.
pub fn seed(conn: &mut DbConn, count: usize, force: bool) -> anyhow::Result<Report> {
    let existing_cases: i64 = cases::table.count().get_result(conn)?;
    let existing_users = user::count(conn)?;
    if (existing_cases > 0 || existing_users > 0) && !force {
        bail!(
            "this database already holds {existing_users} accounts and {existing_cases} cases; \
             demo data is for empty databases (use --force to add it anyway)"
        );
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let password = crate::auth::token::generate()[..16].to_owned();
    let hash = password::hash_now(&password)?;
    let tag = &crate::auth::token::generate()[..6].to_lowercase();
    let mut staff = Vec::new();
    let mut complainants = Vec::new();
    let accounts: Vec<(Role, String, &str)> = [
        (Role::Admin, "admin", "Demo Administrator"),
        (Role::Examiner, "examiner1", "심사관 김하늘"),
        (Role::Examiner, "examiner2", "Examiner Jane Park"),
        (Role::Examiner, "examiner3", "심사관 이도윤"),
        (Role::Legal, "legal1", "법무담당관 최서준"),
        (Role::Legal, "legal2", "Legal Officer Tom Kim"),
        (Role::Mediator, "mediator1", "조정위원 박민서"),
        (Role::Mediator, "mediator2", "Mediator Anna Choi"),
    ]
    .into_iter()
    .map(|(r, local, name)| (r, local.to_owned(), name))
    .chain((1..=20).map(|n| {
        (
            Role::Complainant,
            format!("complainant{n}"),
            *PEOPLE.choose(&mut rng).unwrap_or(&"Kim"),
        )
    }))
    .collect();
    write_tx(conn, |c| {
        for (role, local, name) in &accounts {
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
            match role {
                Role::Examiner | Role::Legal => staff.push(created.id),
                Role::Complainant => complainants.push(created.id),
                _ => {}
            }
        }
        Ok::<_, anyhow::Error>(())
    })?;
    let creator = staff[0];
    insert_cases(conn, &mut rng, count, &staff, &complainants, creator)?;
    Ok(Report {
        accounts: accounts.len(),
        cases: count,
        password,
    })
}

fn insert_cases(
    conn: &mut DbConn,
    rng: &mut StdRng,
    count: usize,
    staff: &[UserId],
    complainants: &[UserId],
    creator: UserId,
) -> anyhow::Result<()> {
    const BATCH: usize = 500;
    let first_id: i64 = cases::table
        .select(diesel::dsl::max(cases::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;
    let now = models::now();
    // Filing times spread over the last three years, in order.
    let span_secs = 3 * 365 * 24 * 3600_i64;
    let mut times: Vec<NaiveDateTime> = (0..count)
        .map(|_| now - TimeDelta::seconds(rng.random_range(3600..span_secs)))
        .collect();
    times.sort();
    let mut seq_by_year: std::collections::BTreeMap<i32, i32> = filing_counters::table
        .select((filing_counters::year, filing_counters::last_seq))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let mut batch = Vec::with_capacity(n);
        let mut party_rows = Vec::with_capacity(n * 2);
        for i in 0..n {
            let id = first_id + (done + i) as i64;
            let filed_at = times[done + i];
            let year = filed_at.year();
            let seq = seq_by_year.entry(year).or_insert(0);
            *seq += 1;
            let number = CaseNumber { year, seq: *seq };
            let state = weighted_state(rng);
            let kind = *Kind::ALL.choose(rng).unwrap_or(&Kind::Patent);
            let track = if matches!(state, State::UnderInvestigation) || rng.random_bool(0.15) {
                Track::Investigation
            } else {
                Track::Mediation
            };
            let (ko, en) = *SUBJECTS.choose(rng).unwrap_or(&SUBJECTS[0]);
            let korean = rng.random_bool(0.6);
            let complainant = if korean {
                *KOREAN_COMPANIES.choose(rng).unwrap_or(&"세종정밀")
            } else {
                *ENGLISH_COMPANIES.choose(rng).unwrap_or(&"Atlas Coatings")
            };
            let respondent = *LARGE_COMPANIES.choose(rng).unwrap_or(&"Orion Motors");
            let title = if korean {
                format!("{ko} 기술 유출 ({respondent})")
            } else {
                format!("{en} taken by {respondent}")
            };
            let description = if korean {
                format!(
                    "{complainant}의 {ko} 관련 기술을 {respondent}이(가) 협력 과정에서 취득하여 무단으로 사용하고 있습니다."
                )
            } else {
                format!(
                    "{respondent} obtained {complainant}'s {en} during a supply negotiation and now uses it without a licence."
                )
            };
            let origin = if rng.random_bool(0.9) {
                Origin::SelfFiled
            } else {
                Origin::Court
            };
            let case_no = number.to_string();
            let owner = rng
                .random_bool(0.5)
                .then(|| complainants.choose(rng).copied())
                .flatten();
            let officer = (state != State::Filed)
                .then(|| staff.choose(rng).copied())
                .flatten();
            let search_text =
                format!("{case_no}\n{title}\n{description}\n{complainant}\n{respondent}\n").to_lowercase();
            batch.push(SeedCase {
                id,
                draft_key: uuid::Uuid::new_v4().to_string(),
                case_no: Some(case_no),
                filing_year: Some(year),
                filing_seq: Some(number.seq),
                state: state.as_str(),
                track: track.as_str(),
                kind: kind.as_str(),
                title,
                description,
                ipc_class: Some("H01M 50/40").filter(|_| rng.random_bool(0.5)),
                damages_amount: rng
                    .random_bool(0.7)
                    .then(|| rng.random_range(10..5_000) * 10_000_000),
                damages_currency: Some("KRW"),
                remedy: if korean {
                    "침해 중지 및 손해배상".into()
                } else {
                    "Stop the infringement and pay damages".into()
                },
                origin: origin.as_str(),
                origin_reference: (origin == Origin::Court)
                    .then(|| format!("2025가합{}", rng.random_range(1000..99999))),
                complainant_user_id: owner.map(|u| u.0),
                created_by: owner.unwrap_or(creator).0,
                assigned_officer_id: officer.map(|u| u.0),
                search_text,
                filed_at: Some(filed_at),
                created_at: filed_at,
                updated_at: filed_at,
            });
            party_rows.push(SeedParty {
                case_id: id,
                side: "complainant",
                position: 0,
                party_kind: "organisation",
                name: complainant.to_owned(),
                registration_no: Some(format!(
                    "{:03}-{:02}-{:05}",
                    rng.random_range(100..999),
                    rng.random_range(10..99),
                    rng.random_range(10000..99999)
                )),
                size: Some(PartySize::Sme.as_str()),
                email: Some(format!("legal{}@complainant.example", rng.random_range(1..500))),
                phone: Some(format!(
                    "02-{}-{}",
                    rng.random_range(100..9999),
                    rng.random_range(1000..9999)
                )),
                counsel_name: Some("김변리").filter(|_| rng.random_bool(0.4)),
                counsel_firm: Some("서울특허법률사무소").filter(|_| rng.random_bool(0.4)),
            });
            party_rows.push(SeedParty {
                case_id: id,
                side: "respondent",
                position: 0,
                party_kind: "organisation",
                name: respondent.to_owned(),
                registration_no: None,
                size: Some(PartySize::Large.as_str()),
                email: Some("legal@respondent.example".to_owned()),
                phone: None,
                counsel_name: None,
                counsel_firm: None,
            });
        }
        write_tx(conn, |c| -> QueryResult<()> {
            match c {
                DbConn::Sqlite(c) => {
                    diesel::insert_into(cases::table).values(&batch).execute(c)?;
                    diesel::insert_into(parties::table)
                        .values(&party_rows)
                        .execute(c)?;
                }
                DbConn::Postgres(c) => {
                    diesel::insert_into(cases::table).values(&batch).execute(c)?;
                    diesel::insert_into(parties::table)
                        .values(&party_rows)
                        .execute(c)?;
                }
            }
            Ok(())
        })?;
        done += n;
    }
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
        // Explicit ids were used: move PostgreSQL's sequences past them.
        if let DbConn::Postgres(pg) = c {
            diesel::sql_query(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))",
            )
            .execute(pg)?;
            diesel::sql_query(
                "SELECT setval(pg_get_serial_sequence('parties', 'id'), (SELECT MAX(id) FROM parties))",
            )
            .execute(pg)?;
        }
        Ok(())
    })?;
    // A bulk load leaves every row version unmarked and the kept counts full of dead rows;
    // vacuum as autovacuum soon would, so the first page views measure the steady state.
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("VACUUM ANALYZE cases, parties, case_counts").execute(pg)?;
    }
    Ok(())
}

// Rights: synthetic but shaped like the offices' data, so that the registry's search is
// measured on realistic words, classes and owners.

const TECH_WORDS: &[&str] = &[
    "sensor",
    "battery",
    "separator",
    "coating",
    "wireless",
    "display",
    "polarising",
    "film",
    "semiconductor",
    "etching",
    "robot",
    "joint",
    "reducer",
    "encoder",
    "rotary",
    "vehicle",
    "braking",
    "control",
    "method",
    "apparatus",
    "system",
    "device",
    "composition",
    "polymer",
    "lithium",
    "electrode",
    "antenna",
    "imaging",
    "optical",
    "lens",
    "catalyst",
    "membrane",
    "packaging",
    "network",
    "session",
    "protocol",
    "authentication",
    "memory",
    "circuit",
    "valve",
];
const KOREAN_TECH_WORDS: &[&str] = &[
    "센서",
    "배터리",
    "분리막",
    "코팅",
    "무선",
    "디스플레이",
    "편광",
    "필름",
    "반도체",
    "식각",
    "로봇",
    "관절",
    "감속기",
    "엔코더",
    "회전체",
    "차량",
    "제동",
    "제어",
    "방법",
    "장치",
    "조성물",
    "고분자",
    "전극",
    "안테나",
    "광학",
    "렌즈",
    "촉매",
    "포장재",
    "통신",
    "메모리",
];
const COMPANY_STEMS: &[&str] = &[
    "Bluewave",
    "Northgate",
    "Keystone",
    "Lumen",
    "Crescent",
    "Ironbridge",
    "Silverline",
    "Harbor",
    "Quill",
    "Atlas",
    "Orion",
    "Vertex",
    "Pacific",
    "Summit",
    "Cedar",
    "Falcon",
    "Granite",
    "Helix",
    "한빛",
    "세종",
    "누리",
    "가람",
    "미래",
    "다온",
    "해솔",
    "푸른",
    "한결",
    "새벽",
    "온누리",
    "별빛",
];
const COMPANY_ENDINGS: &[&str] = &[
    "Sensors Inc.",
    "Materials Co., Ltd.",
    "Robotics GmbH",
    "Optics Corporation",
    "Biotech Ltd",
    "Semiconductor Co",
    "테크 주식회사",
    "정밀(주)",
    "바이오(주)",
    "전자 주식회사",
    "소재(주)",
];
const SUBCLASSES: &[&str] = &[
    "A61B", "A61K", "B25J", "B28B", "B60R", "B60T", "B65D", "C08L", "C09D", "G01D", "G01N", "G02B", "G02F",
    "G05B", "G06F", "G06N", "G06T", "H01L", "H01M", "H01Q", "H02J", "H04L", "H04N", "H04W",
];

fn company(rng: &mut StdRng) -> String {
    format!(
        "{} {}",
        COMPANY_STEMS.choose(rng).unwrap_or(&"Atlas"),
        COMPANY_ENDINGS.choose(rng).unwrap_or(&"Ltd")
    )
}

fn title(rng: &mut StdRng, words: &[&str], n: usize) -> String {
    let mut t: Vec<&str> = (0..n).map(|_| *words.choose(rng).unwrap_or(&"device")).collect();
    t.dedup();
    t.join(" ")
}

/// One synthetic right; `i` makes its number unique among the seeded ones.
fn demo_right(
    rng: &mut StdRng,
    i: u64,
    earlier: &[PatentNumber],
) -> anyhow::Result<crate::models::right::RightData> {
    use crate::models::right::{Cited, RightData};
    let typed = match i % 20 {
        0..=6 => format!("KR 10-{:07} B1", 1_000_000 + i % 9_000_000),
        7..=12 => format!("US {} B2", 7_000_000 + i),
        13..=15 => format!("EP {} B1", 1_000_000 + i % 8_000_000),
        16..=17 => format!("JP {} B2", 4_000_000 + i % 5_000_000),
        _ => format!("CN {} B", 100_000_000 + i),
    };
    let number = PatentNumber::parse(&typed).map_err(|e| anyhow::anyhow!("{typed}: {e}"))?;
    let korean = number.country() == "KR";
    let n = rng.random_range(2..5);
    let (title_text, other) = if korean {
        let ko = title(rng, KOREAN_TECH_WORDS, n);
        let en = title(rng, TECH_WORDS, n);
        (ko, vec![format!("en: {en}")])
    } else {
        (title(rng, TECH_WORDS, n), Vec::new())
    };
    let symbol = |rng: &mut StdRng| {
        let s = format!(
            "{} {}/{:02}",
            SUBCLASSES.choose(rng).unwrap_or(&"G06F"),
            rng.random_range(1..40),
            rng.random_range(0..60)
        );
        ClassSymbol::parse(&s)
    };
    let ipc: Vec<ClassSymbol> = (0..rng.random_range(1..4)).filter_map(|_| symbol(rng)).collect();
    let filed = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
        + TimeDelta::days(rng.random_range(0..8000));
    let granted = filed + TimeDelta::days(rng.random_range(500..1500));
    let owner = company(rng);
    let citations = (0..2)
        .filter_map(|_| earlier.choose(rng).cloned())
        .map(|number| Cited {
            number,
            category: None,
        })
        .collect();
    Ok(RightData {
        right_kind: number.right_kind(),
        title: title_text,
        other_titles: other,
        applicants: vec![owner.clone()],
        owners: vec![owner],
        inventors: vec![PEOPLE.choose(rng).unwrap_or(&"Kim").to_string()],
        application_no: None,
        filing_date: Some(filed),
        publication_date: None,
        grant_date: Some(granted),
        status: None,
        abstract_text: Some(format!(
            "A {} is disclosed, comprising a {} and a {} arranged to improve {}.",
            title(rng, TECH_WORDS, 2),
            title(rng, TECH_WORDS, 2),
            title(rng, TECH_WORDS, 2),
            title(rng, TECH_WORDS, 1)
        )),
        cpc: ipc.clone(),
        ipc,
        citations,
        publications: Vec::new(),
        source: crate::domain::RightSource::Csv,
        number,
    })
}

/// Seeds `count` synthetic rights (KR, US, EP, JP and CN numbers, Korean and English titles,
/// classes, owners, citations among themselves), for the demo and the registry benchmark.
pub fn seed_rights(conn: &mut DbConn, count: u64, mut progress: impl FnMut(u64)) -> anyhow::Result<()> {
    const BATCH: u64 = 5_000;
    let mut rng = StdRng::seed_from_u64(4);
    let start = crate::models::right::count(conn)? as u64;
    let mut earlier: Vec<PatentNumber> = Vec::new();
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let batch = (0..n)
            .map(|k| demo_right(&mut rng, start + done + k, &earlier))
            .collect::<anyhow::Result<Vec<_>>>()?;
        // A sample of numbers for later rights to cite, kept small.
        earlier.extend(batch.iter().step_by(50).map(|d| d.number.clone()));
        let now = models::now();
        write_tx(conn, |c| crate::models::right::insert_new(c, &batch, now))?;
        done += n;
        progress(done);
    }
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("VACUUM ANALYZE rights, right_classes, right_citations").execute(pg)?;
    }
    Ok(())
}

/// Exhibits for the newest filed cases that have a complainant account: a few small files
/// each, as the complainant would file them (stored through the evidence store like any
/// upload), so that the evidence section and bundles have something to show.
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
    let filed: Vec<(i64, i64)> = cases::table
        .filter(cases::state.ne(State::Draft.as_str()))
        .filter(cases::complainant_user_id.is_not_null())
        .order(cases::id.desc())
        .limit(cases_with as i64)
        .select((cases::id, cases::complainant_user_id.assume_not_null()))
        .load(conn)?;
    let mut added = 0;
    for (case_id, owner) in filed {
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
            for (title, description, visibility, fingerprint, size) in &kept {
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
                exhibit::add(c, &new, models::now(), None).map_err(|e| match e {
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
