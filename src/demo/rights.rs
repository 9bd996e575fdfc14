//! Synthetic rights for the registry: shaped like the offices' data, so that the registry's
//! search is measured on realistic words, classes and owners.

use chrono::TimeDelta;
use diesel::RunQueryDsl;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::PEOPLE;
use crate::db::{DbConn, write_tx};
use crate::domain::{ClassSymbol, PatentNumber};
use crate::models;

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
