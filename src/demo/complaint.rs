//! What the demo's complaints say, in the proportions an office sees: subjects with the IPC
//! classes they are filed under (a few fields much more often than the rest), who complains
//! (mostly small Korean firms, some inventors and large companies) about whom (mostly large
//! companies, a sixth of them abroad), and what they claim. The statistics pages count
//! exactly these.

use chrono::NaiveDateTime;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::load::{CaseRow, Ids, PartyRow};
use super::{draft_key, weighted};
use crate::domain::{Country, Currency, Kind, Origin, PartyKind, PartySize, State, Track};
use crate::models::id::UserId;

/// A subject of complaint: its title in both languages, how often it comes up, and the IPC
/// classes such a complaint is filed under (the first one half the time).
struct Subject {
    ko: &'static str,
    en: &'static str,
    weight: u32,
    ipc: &'static [&'static str],
}

/// Every IPC section and every industry of `data/industry_fields.toml` appears, the
/// semiconductor, battery and display subjects most often.
const SUBJECTS: &[Subject] = &[
    Subject {
        ko: "반도체 식각 레시피",
        en: "Semiconductor etching recipe",
        weight: 14,
        ipc: &["H01L 21/3065", "H01L 21/02", "G03F 7/20"],
    },
    Subject {
        ko: "배터리 분리막 코팅 공정",
        en: "Battery separator coating process",
        weight: 12,
        ipc: &["H01M 50/40", "H01M 10/052", "H01M 4/13"],
    },
    Subject {
        ko: "디스플레이 편광 필름",
        en: "Display polarising film",
        weight: 8,
        ipc: &["G02F 1/1333", "G02B 5/30"],
    },
    Subject {
        ko: "자율주행 인지 알고리즘",
        en: "Autonomous-driving perception algorithm",
        weight: 7,
        ipc: &["B60W 30/18", "G06V 20/58", "G06N 3/08"],
    },
    Subject {
        ko: "3D 낸드 메모리 셀 구조",
        en: "3D NAND memory cell structure",
        weight: 6,
        ipc: &["H10B 43/27", "H01L 21/02"],
    },
    Subject {
        ko: "로봇 관절 감속기",
        en: "Robot joint reducer",
        weight: 6,
        ipc: &["F16H 1/28", "B25J 9/10"],
    },
    Subject {
        ko: "웨이퍼 외관 검사 장비",
        en: "Wafer visual inspection equipment",
        weight: 5,
        ipc: &["G01N 21/88", "G01N 21/95", "H01L 21/66"],
    },
    Subject {
        ko: "OLED 발광층 소재",
        en: "OLED emitting-layer material",
        weight: 5,
        ipc: &["H10K 50/11", "C09K 11/06"],
    },
    Subject {
        ko: "친환경 포장재 조성물",
        en: "Eco-friendly packaging compound",
        weight: 5,
        ipc: &["C08K 3/36", "C08L 67/04", "B65D 65/46"],
    },
    Subject {
        ko: "의료기기 센서 설계",
        en: "Medical device sensor design",
        weight: 5,
        ipc: &["A61B 5/00", "A61B 5/145"],
    },
    Subject {
        ko: "전기차 구동모터 냉각",
        en: "EV drive-motor cooling",
        weight: 4,
        ipc: &["B60L 58/26", "H02K 9/19", "B60K 11/02"],
    },
    Subject {
        ko: "레이저 용접 장치",
        en: "Laser welding apparatus",
        weight: 4,
        ipc: &["B23K 26/00", "B23K 26/21"],
    },
    Subject {
        ko: "서방형 정제 제형",
        en: "Sustained-release tablet formulation",
        weight: 4,
        ipc: &["A61K 9/20", "A61K 31/00"],
    },
    Subject {
        ko: "결제 인증 프로토콜",
        en: "Payment authentication protocol",
        weight: 4,
        ipc: &["H04L 9/32", "G06Q 20/40"],
    },
    Subject {
        ko: "반도체 공정용 점착 테이프",
        en: "Adhesive tape for wafer processing",
        weight: 3,
        ipc: &["C09J 7/00", "C09J 7/38"],
    },
    Subject {
        ko: "무선 충전 코일",
        en: "Wireless charging coil",
        weight: 3,
        ipc: &["H02J 50/10", "H01F 38/14"],
    },
    Subject {
        ko: "커넥터 체결 구조",
        en: "Connector locking structure",
        weight: 3,
        ipc: &["H01R 13/627", "H05K 5/02"],
    },
    Subject {
        ko: "엔진 연료분사 제어",
        en: "Engine fuel-injection control",
        weight: 3,
        ipc: &["F02D 41/30", "F02M 61/18"],
    },
    Subject {
        ko: "스마트팜 제어 소프트웨어",
        en: "Smart-farm control software",
        weight: 3,
        ipc: &["A01G 9/24", "G05B 19/042", "G06Q 50/02"],
    },
    Subject {
        ko: "데이터베이스 검색 엔진",
        en: "Database search engine",
        weight: 3,
        ipc: &["G06F 16/00", "G06F 16/245"],
    },
    Subject {
        ko: "내열 합금 주조",
        en: "Heat-resistant alloy casting",
        weight: 2,
        ipc: &["C22C 19/05", "B22D 21/00"],
    },
    Subject {
        ko: "모듈러 건축 접합 구조",
        en: "Modular building joint",
        weight: 2,
        ipc: &["E04B 1/00", "E04B 1/348"],
    },
    Subject {
        ko: "기능성 섬유 가공",
        en: "Functional textile finishing",
        weight: 2,
        ipc: &["D06M 15/00", "D06M 11/00"],
    },
];

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
/// Large companies complain too, usually about a rival.
const LARGE_COMPLAINANTS: &[&str] = &[
    "한성전기 주식회사",
    "대륙화학(주)",
    "Hanmi Precision Industries",
    "서해중공업",
];
/// Inventors who complain in their own name, by the complaint's language.
const KOREAN_INVENTORS: &[&str] = &["김영수", "이재훈", "박성민", "정미경", "오준호"];
const ENGLISH_INVENTORS: &[&str] = &["Daniel Novak", "Hannah Weiss", "Lee Minjun", "Grace Okafor"];

/// A company complained about: mostly large, mostly Korean, a sixth of them abroad. Each
/// has a legal team with an account (`respondent1` … in this order) that joins its cases
/// when invited; the first gets the most complaints.
pub(super) struct Respondent {
    pub name: &'static str,
    pub domain: &'static str,
    country: Country,
    size: PartySize,
    weight: u32,
}

const fn respondent(
    name: &'static str,
    domain: &'static str,
    country: Country,
    size: PartySize,
    weight: u32,
) -> Respondent {
    Respondent {
        name,
        domain,
        country,
        size,
        weight,
    }
}

// A table, one company a line.
#[rustfmt::skip]
pub(super) const RESPONDENTS: &[Respondent] = &[
    respondent("대한전자 주식회사", "daehan-elec.example", Country::Kr, PartySize::Large, 12),
    respondent("삼한중공업", "samhan-hi.example", Country::Kr, PartySize::Large, 8),
    respondent("Megacorp Battery Ltd", "megacorp-battery.example", Country::Kr, PartySize::Large, 9),
    respondent("Global Display Co", "globaldisplay.example", Country::Kr, PartySize::Large, 8),
    respondent("한국자동차부품", "hk-autoparts.example", Country::Kr, PartySize::Large, 8),
    respondent("Pacific Chemicals Inc", "pacific-chem.example", Country::Kr, PartySize::Large, 6),
    respondent("태평양제약", "taepyung-pharm.example", Country::Kr, PartySize::Large, 5),
    respondent("Orion Motors", "orion-motors.example", Country::Kr, PartySize::Large, 5),
    respondent("동방통신", "dongbang-tel.example", Country::Kr, PartySize::Large, 5),
    respondent("Vertex Semiconductor", "vertex-semi.example", Country::Us, PartySize::Large, 3),
    respondent("한울정밀 주식회사", "hanul-precision.example", Country::Kr, PartySize::Sme, 5),
    respondent("동진케미칼", "dongjin-chem.example", Country::Kr, PartySize::Sme, 4),
    respondent("(주)스마트링크", "smartlink.example", Country::Kr, PartySize::Sme, 3),
    respondent("Micronix Technology Inc.", "micronix-tech.example", Country::Us, PartySize::Large, 2),
    respondent("Sakura Denki K.K.", "sakura-denki.example", Country::Jp, PartySize::Large, 2),
    respondent("Hoshino Chemical Co., Ltd.", "hoshino-chem.example", Country::Jp, PartySize::Large, 2),
    respondent("Shenzhen Huaxin Electronics Ltd.", "huaxin-elec.example", Country::Cn, PartySize::Large, 4),
    respondent("Rheinwerk Automotive GmbH", "rheinwerk-auto.example", Country::De, PartySize::Large, 2),
    respondent("Formosa Precision Corp.", "formosa-precision.example", Country::Tw, PartySize::Large, 2),
];

/// Countries of the few complainants established abroad.
const COMPLAINANTS_ABROAD: &[Country] = &[Country::Us, Country::Jp, Country::De, Country::Cn, Country::Tw];

/// Claims run from ten million to fifty billion won, as many in each decade.
const LEAST_CLAIM_KRW: f64 = 1e7;
const MOST_CLAIM_KRW: f64 = 5e10;

/// What the complaint form would have held.
pub(super) struct Complaint {
    pub korean: bool,
    kind: Kind,
    title: String,
    description: String,
    ipc_class: Option<&'static str>,
    damages: Option<(i64, Currency)>,
    complainant: Complainant,
    /// Index into `RESPONDENTS`.
    pub respondent: usize,
    /// Where the respondent is established, as the complainant said (if they did).
    respondent_country: Option<Country>,
}

struct Complainant {
    name: &'static str,
    kind: PartyKind,
    size: Option<PartySize>,
    country: Option<Country>,
}

fn pick(rng: &mut StdRng, names: &[&'static str]) -> &'static str {
    names.choose(rng).copied().unwrap_or_default()
}

/// A complaint against the given one of `RESPONDENTS`, or any.
pub(super) fn complaint(rng: &mut StdRng, against: Option<usize>) -> Complaint {
    let subject = SUBJECTS
        .choose_weighted(rng, |s| s.weight)
        .unwrap_or(&SUBJECTS[0]);
    let korean = rng.random_bool(0.6);
    let complainant = complainant(rng, korean);
    let respondent = against.unwrap_or_else(|| any_respondent(rng));
    let name = RESPONDENTS[respondent].name;
    let (ko, en, who) = (subject.ko, subject.en, complainant.name);
    let (title, description) = if korean {
        (
            format!("{ko} 기술 유출 ({name})"),
            format!(
                "{who}의 {ko} 관련 기술을 {name}이(가) 협력 과정에서 취득하여 무단으로 사용하고 있습니다."
            ),
        )
    } else {
        (
            format!("{en} taken by {name}"),
            format!(
                "{name} obtained {who}'s {en} during a supply negotiation and now uses it without a licence."
            ),
        )
    };
    let ipc_class = rng.random_bool(0.85).then(|| {
        if rng.random_bool(0.5) {
            subject.ipc[0]
        } else {
            pick(rng, subject.ipc)
        }
    });
    Complaint {
        korean,
        kind: *Kind::ALL.choose(rng).unwrap_or(&Kind::Patent),
        title,
        description,
        ipc_class,
        damages: damages(rng),
        complainant,
        respondent,
        respondent_country: rng.random_bool(0.95).then_some(RESPONDENTS[respondent].country),
    }
}

/// An index into `RESPONDENTS`, each as likely as its weight.
fn any_respondent(rng: &mut StdRng) -> usize {
    let total: u32 = RESPONDENTS.iter().map(|r| r.weight).sum();
    let mut left = rng.random_range(0..total);
    RESPONDENTS
        .iter()
        .position(|r| {
            let here = left < r.weight;
            left = left.saturating_sub(r.weight);
            here
        })
        .unwrap_or(0)
}

/// Mostly a small Korean firm; some inventors, some large companies, a few who did not say
/// how large they are.
fn complainant(rng: &mut StdRng, korean: bool) -> Complainant {
    let size = *weighted(
        rng,
        &[
            (Some(PartySize::Individual), 15),
            (Some(PartySize::Sme), 65),
            (Some(PartySize::Large), 15),
            (None, 5),
        ],
    );
    let name = match (size, korean) {
        (Some(PartySize::Individual), true) => pick(rng, KOREAN_INVENTORS),
        (Some(PartySize::Individual), false) => pick(rng, ENGLISH_INVENTORS),
        (Some(PartySize::Large), _) => pick(rng, LARGE_COMPLAINANTS),
        (_, true) => pick(rng, KOREAN_COMPANIES),
        (_, false) => pick(rng, ENGLISH_COMPANIES),
    };
    // Complaints in English come from abroad more often.
    let abroad = if korean { 10 } else { 100 };
    let foreign = COMPLAINANTS_ABROAD.choose(rng).copied();
    let country = *weighted(
        rng,
        &[(Some(Country::Kr), 970 - abroad), (foreign, abroad), (None, 30)],
    );
    Complainant {
        name,
        kind: if size == Some(PartySize::Individual) {
            PartyKind::Person
        } else {
            PartyKind::Organisation
        },
        size,
        country,
    }
}

/// Seven complaints in ten claim damages, in won but for a few in dollars or yen; amounts
/// rounded to two figures, as people claim them.
fn damages(rng: &mut StdRng) -> Option<(i64, Currency)> {
    if !rng.random_bool(0.7) {
        return None;
    }
    let won = rng.random_range(LEAST_CLAIM_KRW.ln()..MOST_CLAIM_KRW.ln()).exp();
    let (amount, currency) = match rng.random_range(0..100) {
        0..3 => (won / 1_400.0, Currency::Usd),
        3..5 => (won / 9.5, Currency::Jpy),
        _ => (won, Currency::Krw),
    };
    Some((two_figures(amount), currency))
}

fn two_figures(amount: f64) -> i64 {
    let unit = 10_i64.pow((amount.log10().floor() as u32).saturating_sub(1));
    (amount / unit as f64).round() as i64 * unit
}

pub(super) fn case_row(
    rng: &mut StdRng,
    id: i64,
    c: &Complaint,
    owner: Option<UserId>,
    creator: UserId,
) -> CaseRow {
    let origin = if rng.random_bool(0.9) {
        Origin::SelfFiled
    } else {
        Origin::Court
    };
    let created_by = owner.unwrap_or(creator).0;
    let respondent = RESPONDENTS[c.respondent].name;
    CaseRow {
        id,
        draft_key: draft_key(rng),
        case_no: None,
        filing_year: None,
        filing_seq: None,
        state: State::Draft.as_str(),
        track: Track::Mediation.as_str(),
        kind: c.kind.as_str(),
        title: c.title.clone(),
        description: c.description.clone(),
        ipc_class: c.ipc_class,
        damages_amount: c.damages.map(|(amount, _)| amount),
        damages_currency: c.damages.map(|(_, currency)| currency.as_str()),
        remedy: if c.korean {
            "침해 중지 및 손해배상".into()
        } else {
            "Stop the infringement and pay damages".into()
        },
        origin: origin.as_str(),
        origin_reference: (origin == Origin::Court)
            .then(|| format!("2025가합{}", rng.random_range(1000..99999))),
        complainant_user_id: owner.map(|u| u.0),
        created_by,
        assigned_officer_id: None,
        search_text: format!(
            "\n{}\n{}\n{}\n{respondent}\n",
            c.title, c.description, c.complainant.name
        )
        .to_lowercase(),
        version: 1,
        filed_at: None,
        created_at: NaiveDateTime::default(),
        updated_at: NaiveDateTime::default(),
    }
}

pub(super) fn party_rows(rng: &mut StdRng, ids: &mut Ids, case_id: i64, c: &Complaint) -> [PartyRow; 2] {
    let respondent = &RESPONDENTS[c.respondent];
    let complainant = &c.complainant;
    let person = complainant.kind == PartyKind::Person;
    let mut next = || {
        ids.party += 1;
        ids.party - 1
    };
    [
        PartyRow {
            id: next(),
            case_id,
            side: "complainant",
            position: 0,
            party_kind: complainant.kind.as_str(),
            name: complainant.name.to_owned(),
            registration_no: (!person).then(|| {
                format!(
                    "{:03}-{:02}-{:05}",
                    rng.random_range(100..999),
                    rng.random_range(10..99),
                    rng.random_range(10000..99999)
                )
            }),
            size: complainant.size.map(PartySize::as_str),
            email: Some(if person {
                format!("inventor{}@mail.example", rng.random_range(1..500))
            } else {
                format!("legal{}@complainant.example", rng.random_range(1..500))
            }),
            phone: Some(if person {
                format!(
                    "010-{}-{}",
                    rng.random_range(1000..9999),
                    rng.random_range(1000..9999)
                )
            } else {
                format!(
                    "02-{}-{}",
                    rng.random_range(100..9999),
                    rng.random_range(1000..9999)
                )
            }),
            counsel_name: Some("김변리").filter(|_| rng.random_bool(0.4)),
            counsel_firm: Some("서울특허법률사무소").filter(|_| rng.random_bool(0.4)),
            user_id: None,
            country: complainant.country.map(Country::as_str),
        },
        PartyRow {
            id: next(),
            case_id,
            side: "respondent",
            position: 0,
            party_kind: PartyKind::Organisation.as_str(),
            name: respondent.name.to_owned(),
            registration_no: None,
            size: Some(respondent.size.as_str()),
            email: Some(format!("legal@{}", respondent.domain)),
            phone: None,
            counsel_name: None,
            counsel_firm: None,
            user_id: None,
            country: c.respondent_country.map(Country::as_str),
        },
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rand::SeedableRng;

    use super::*;
    use crate::domain::stats::fields::{Industries, SECTIONS, field_of};

    #[test]
    fn demo_classes_are_real_symbols_in_every_section_and_industry() {
        let industries = Industries::shipped();
        let mut sections = BTreeSet::new();
        let mut found = BTreeSet::new();
        for symbol in SUBJECTS.iter().flat_map(|s| s.ipc) {
            let field = field_of(Some(symbol));
            assert_eq!(field.len(), 4, "{symbol} names a subclass");
            sections.insert(field.chars().next().unwrap_or_default());
            if let Some(industry) = industries.of(&field) {
                found.insert(industry.key.clone());
            }
        }
        assert_eq!(sections.into_iter().collect::<Vec<_>>(), SECTIONS.to_vec());
        assert_eq!(found.len(), industries.all().len(), "{found:?}");
    }

    #[test]
    fn complaints_come_in_the_proportions_an_office_sees() {
        let mut rng = StdRng::seed_from_u64(1);
        let n = 20_000;
        let all: Vec<Complaint> = (0..n).map(|_| complaint(&mut rng, None)).collect();
        let share = |f: &dyn Fn(&Complaint) -> bool| all.iter().filter(|c| f(c)).count() as f64 / n as f64;
        let near = |got: f64, want: f64| (got - want).abs() < 0.02;
        assert!(near(share(&|c| c.ipc_class.is_some()), 0.85));
        assert!(near(
            share(&|c| c.complainant.size == Some(PartySize::Individual)),
            0.15
        ));
        assert!(near(share(&|c| c.complainant.size == Some(PartySize::Sme)), 0.65));
        assert!(near(share(&|c| c.complainant.size.is_none()), 0.05));
        assert!(near(share(&|c| c.respondent_country == Some(Country::Kr)), 0.78));
        assert!(near(share(&|c| c.respondent_country.is_none()), 0.05));
        assert!(near(share(&|c| c.damages.is_some()), 0.70));
        let abroad = share(&|c| c.damages.is_some_and(|(_, cur)| cur != Currency::Krw));
        assert!(near(abroad / 0.7, 0.05), "{abroad}");
        for (amount, currency) in all.iter().filter_map(|c| c.damages) {
            if currency == Currency::Krw {
                assert!((9_900_000..=50_000_000_000).contains(&amount), "{amount}");
            }
        }
        let countries: BTreeSet<&str> = all
            .iter()
            .filter_map(|c| c.respondent_country)
            .map(Country::as_str)
            .collect();
        assert_eq!(countries.len(), 6, "KR and five abroad: {countries:?}");
    }

    #[test]
    fn amounts_keep_two_figures() {
        assert_eq!(two_figures(12_345_678.0), 12_000_000);
        assert_eq!(two_figures(49_960_000_000.0), 50_000_000_000);
        assert_eq!(two_figures(7_142.9), 7_100);
        assert_eq!(two_figures(9.4), 9);
    }
}
