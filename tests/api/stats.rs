//! The office's statistics (issue 18), checked against a small office counted by hand: five
//! complaints filed over three months, two of them closed. Every figure is read from its JSON
//! download, which holds the same numbers as the page's charts and tables.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ipdesk::db::schema::{cases, stats_months};
use ipdesk::domain::Role;
use serde_json::Value;

use crate::helpers::{TestApp, act, file_case_with as file, spawn_app_with};

/// 10:00 KST on 16 March 2026.
fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 16)
        .unwrap()
        .and_hms_opt(1, 0, 0)
        .unwrap()
}

fn kst(day: &str) -> NaiveDateTime {
    // Noon in Seoul is 03:00 UTC.
    day.parse::<NaiveDate>().unwrap().and_hms_opt(3, 0, 0).unwrap()
}

/// Moves a case's filing back in time, as if it had been filed that day.
async fn filed_on(app: &TestApp, case_no: &str, day: &str) {
    let (no, at) = (case_no.to_owned(), kst(day));
    app.with_db(move |c| {
        diesel::update(cases::table.filter(cases::case_no.eq(no)))
            .set(cases::filed_at.eq(at))
            .execute(c)
            .unwrap()
    })
    .await;
}

/// The hand-counted office. A: patent, SME, semiconductors, filed 10 Jan, rejected.
/// B: patent, SME, batteries, respondent in Japan, filed 1 Feb, withdrawn. C: design, an
/// individual, no field, no claim, no country, filed now, under review. D: trade secret, a
/// large company, chemicals, against an American respondent, claim in dollars, filed 20 Feb,
/// respondent notified. E: patent, SME, semiconductors, filed now.
async fn hand_counted_office() -> (TestApp, reqwest::Client) {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(now())).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let a = file(
        &app,
        &complainant,
        "A",
        &[
            ("kind", "patent"),
            ("ipc_class", "H01L 21/02"),
            ("damages_amount", "500,000,000"),
            ("r0_country", "KR"),
        ],
    )
    .await;
    let b = file(
        &app,
        &complainant,
        "B",
        &[
            ("kind", "patent"),
            ("ipc_class", "H01M 10/052"),
            ("damages_amount", "20,000,000,000"),
            ("r0_country", "JP"),
        ],
    )
    .await;
    let c = file(
        &app,
        &complainant,
        "C",
        &[
            ("kind", "design"),
            ("c_size", "individual"),
            ("c_kind", "person"),
            ("ipc_class", ""),
            ("damages_amount", ""),
            ("damages_currency", ""),
        ],
    )
    .await;
    let d = file(
        &app,
        &complainant,
        "D",
        &[
            ("ipc_class", "C08K 3/36"),
            ("c_size", "large"),
            ("damages_amount", "50,000"),
            ("damages_currency", "USD"),
            ("r0_country", "US"),
        ],
    )
    .await;
    let e = file(
        &app,
        &complainant,
        "E",
        &[
            ("kind", "patent"),
            ("ipc_class", "H01L 29/66"),
            ("r0_country", "KR"),
        ],
    )
    .await;
    for (case, day) in [(&a, "2026-01-10"), (&b, "2026-02-01"), (&d, "2026-02-20")] {
        filed_on(&app, case, day).await;
    }
    // A right in the registry (two IPC subclasses) cited by A and E, and one the registry does
    // not know (no class) cited by B.
    let right = [
        ("number", "KR 10-1503659 B1"),
        ("title", "Battery separator with ceramic coating"),
        ("other_titles", ""),
        ("applicants", "Hanbit Tech Co., Ltd."),
        ("owners", "Hanbit Tech Co., Ltd."),
        ("inventors", "Kim Minji"),
        ("application_no", ""),
        ("filing_date", "2013-07-11"),
        ("publication_date", ""),
        ("grant_date", "2015-03-06"),
        ("status", "registered"),
        ("ipc", "H01M 50/40\nH04L 9/32"),
        ("cpc", ""),
        ("abstract_text", ""),
        ("citations", ""),
    ];
    assert_eq!(app.post_as(&examiner, "/rights", &right).await.status(), 303);
    for (case, number) in [
        (&a, "KR 10-1503659 B1"),
        (&e, "KR 10-1503659 B1"),
        (&b, "US 8,930,553 B2"),
    ] {
        let cite = [
            ("number", number),
            ("role", "asserted"),
            ("claims", "1"),
            ("note", ""),
        ];
        let res = app
            .post_as(&examiner, &format!("/cases/{case}/rights"), &cite)
            .await;
        assert_eq!(res.status(), 303, "{case} cites {number}");
    }
    for case in [&a, &b, &c, &d] {
        assert_eq!(
            act(&app, &examiner, case, "start_review", &[]).await.status(),
            303
        );
    }
    assert_eq!(
        act(&app, &examiner, &a, "reject", &[("text", "Out of scope")])
            .await
            .status(),
        303
    );
    assert_eq!(act(&app, &complainant, &b, "withdraw", &[]).await.status(), 303);
    let due = "2026-03-31";
    let res = act(
        &app,
        &examiner,
        &d,
        "notify_respondent",
        &[("email", "legal@megacorp.example"), ("due", due)],
    )
    .await;
    assert_eq!(res.status(), 303);
    (app, examiner)
}

async fn figure(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    let res = app.get_as(client, path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// A figure's numbers: (category code, series code) → value.
fn cell(doc: &Value, category: &str, series: &str) -> Value {
    let rows = doc["rows"].as_array().expect("rows");
    let row = rows
        .iter()
        .find(|r| r["code"] == category)
        .unwrap_or_else(|| panic!("no row {category} in {doc}"));
    row[series].clone()
}

#[tokio::test]
async fn the_figures_match_an_office_counted_by_hand() {
    let (app, examiner) = hand_counted_office().await;
    let get = |path: &'static str| figure(&app, &examiner, path);

    let filed = get("/stats/filed-by-month.json").await;
    assert_eq!(
        filed["period"],
        serde_json::json!({"from": "2026-01", "to": "2026-03"})
    );
    assert_eq!(cell(&filed, "2026-01", "patent"), 1);
    assert_eq!(cell(&filed, "2026-02", "patent"), 1);
    assert_eq!(cell(&filed, "2026-02", "trade_secret"), 1);
    assert_eq!(cell(&filed, "2026-03", "patent"), 1);
    assert_eq!(cell(&filed, "2026-03", "design"), 1);
    assert_eq!(cell(&filed, "2026-03", "trade_secret"), 0);

    let open = get("/stats/open-by-month.json").await;
    assert_eq!(cell(&open, "2026-01", "filed"), 1);
    assert_eq!(cell(&open, "2026-02", "filed"), 3);
    assert_eq!(cell(&open, "2026-03", "filed"), 1);
    assert_eq!(cell(&open, "2026-03", "intake_review"), 1);
    assert_eq!(cell(&open, "2026-03", "respondent_notified"), 1);
    assert_eq!(cell(&open, "2026-03", "in_mediation"), 0);

    let outcomes = get("/stats/outcomes.json").await;
    assert_eq!(cell(&outcomes, "rejected", "mediation"), 1);
    assert_eq!(cell(&outcomes, "withdrawn", "mediation"), 1);
    assert_eq!(cell(&outcomes, "settled", "mediation"), 0);

    // Rejected after 65 days (10 Jan → 16 Mar), withdrawn after 43 (1 Feb → 16 Mar): the
    // nearest-rank median of two is the smaller, the 90th percentile the larger.
    let days = get("/stats/days-to-closure.json").await;
    assert_eq!(cell(&days, "mediation", "median"), 43);
    assert_eq!(cell(&days, "mediation", "p90"), 65);
    assert_eq!(cell(&days, "investigation", "median"), Value::Null);

    let fields = get("/stats/fields.json").await;
    assert_eq!(
        (
            cell(&fields, "H", "cases"),
            cell(&fields, "C", "cases"),
            cell(&fields, "none", "cases")
        ),
        (3.into(), 1.into(), 1.into())
    );
    let industries = get("/stats/industries.json").await;
    assert_eq!(cell(&industries, "semiconductors", "cases"), 2);
    assert_eq!(cell(&industries, "electrical", "cases"), 1);
    assert_eq!(cell(&industries, "chemicals", "cases"), 1);
    assert_eq!(cell(&industries, "other", "cases"), 1);
    let classes = get("/stats/classes.json").await;
    assert_eq!(cell(&classes, "H01", "cases"), 3);
    assert_eq!(cell(&classes, "C08", "cases"), 1);

    let sizes = get("/stats/complainants.json").await;
    assert_eq!(
        [
            cell(&sizes, "individual", "cases"),
            cell(&sizes, "sme", "cases"),
            cell(&sizes, "large", "cases")
        ],
        [1, 3, 1]
    );
    let respondents = get("/stats/respondents.json").await;
    assert_eq!(
        [
            cell(&respondents, "domestic", "cases"),
            cell(&respondents, "foreign", "cases"),
            cell(&respondents, "unknown", "cases")
        ],
        [2, 2, 1]
    );
    let claims = get("/stats/claims.json").await;
    assert_eq!(cell(&claims, "none", "cases"), 1);
    assert_eq!(cell(&claims, "under_1b", "cases"), 1);
    assert_eq!(cell(&claims, "under_10b", "cases"), 1);
    assert_eq!(cell(&claims, "from_10b", "cases"), 1);
    assert_eq!(cell(&claims, "other_currency", "cases"), 1);

    let rights = get("/stats/cited-rights.json").await;
    assert_eq!(cell(&rights, "KR101503659B1", "cases"), 2);
    assert_eq!(
        rights["rows"].as_array().unwrap().len(),
        2,
        "and the stub B cites"
    );
    let classes = get("/stats/cited-classes.json").await;
    assert_eq!(cell(&classes, "H01M", "cases"), 2);
    assert_eq!(cell(&classes, "H04L", "cases"), 2);

    let summary = app.page(&examiner, "/stats/summary.csv").await;
    assert!(summary.contains("21700000000"), "won claimed, summed: {summary}");
    assert!(
        summary.contains("0.6000"),
        "3 of 5 complainants are SMEs: {summary}"
    );
    assert!(
        summary.contains("0.5000"),
        "2 of the 4 with a known country are abroad: {summary}"
    );
}

#[tokio::test]
async fn filters_narrow_every_figure() {
    let (app, examiner) = hand_counted_office().await;
    let filed = figure(
        &app,
        &examiner,
        "/stats/filed-by-month.json?year=2026&quarter=1&kind=patent&field=industry:semiconductors",
    )
    .await;
    assert_eq!(
        filed["period"],
        serde_json::json!({"from": "2026-01", "to": "2026-03"})
    );
    let total: i64 = filed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["patent"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 2, "A and E");
    let outcomes = figure(
        &app,
        &examiner,
        "/stats/outcomes.json?from=2026-02&to=2026-03&size=sme&field=H",
    )
    .await;
    assert_eq!(cell(&outcomes, "rejected", "mediation"), 1);
    assert_eq!(cell(&outcomes, "withdrawn", "mediation"), 1);
    let cited = figure(
        &app,
        &examiner,
        "/stats/cited-rights.json?kind=patent&field=industry:semiconductors",
    )
    .await;
    assert_eq!(
        cited["rows"].as_array().unwrap().len(),
        1,
        "B is not a semiconductor case"
    );
    assert_eq!(cell(&cited, "KR101503659B1", "cases"), 2);
    let sizes = figure(&app, &examiner, "/stats/complainants.json?size=none").await;
    assert_eq!(cell(&sizes, "sme", "cases"), 0);
    let feb = figure(&app, &examiner, "/stats/respondents.json?from=2026-02&to=2026-02").await;
    assert_eq!(
        cell(&feb, "foreign", "cases"),
        2,
        "B and D were filed in February"
    );
}

#[tokio::test]
async fn a_filter_that_cannot_be_read_is_said_next_to_its_field_and_kept() {
    let (app, examiner) = hand_counted_office().await;
    let res = app
        .get_as(&examiner, "/stats?from=2026-13&to=2026-02&kind=nonsense")
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"id="from-error""#));
    assert!(page.contains(r#"id="kind-error""#));
    assert!(page.contains(r#"value="2026-13""#), "what was typed is kept");
    let res = app
        .get_as(&examiner, "/stats?year=2026&from=2026-01&to=2026-02")
        .await;
    assert_eq!(res.status(), 422);
    let res = app.get_as(&examiner, "/stats?from=2026-03&to=2026-01").await;
    assert!(res.text().await.unwrap().contains(r#"id="to-error""#));
}

#[tokio::test]
async fn the_summaries_kept_as_cases_move_equal_a_recount_from_scratch() {
    let (app, _) = hand_counted_office().await;
    let read = || {
        app.with_db(|c| {
            stats_months::table
                .order((
                    stats_months::month,
                    stats_months::kind,
                    stats_months::track,
                    stats_months::size,
                    stats_months::field,
                ))
                .select((
                    stats_months::month,
                    stats_months::kind,
                    stats_months::field,
                    stats_months::filed,
                    stats_months::closed,
                    stats_months::claimed_krw,
                    stats_months::outcomes,
                    stats_months::days,
                    stats_months::states,
                    stats_months::claims,
                ))
                .load::<(i32, String, String, i64, i64, i64, String, String, String, String)>(c)
                .unwrap()
        })
    };
    let kept = read().await;
    assert!(!kept.is_empty());
    let n = app
        .with_db(|c| {
            ipdesk::db::write_tx(c, |c| {
                ipdesk::models::stats::rebuild(c, ipdesk::domain::office_time::OfficeZone::SEOUL)
            })
            .unwrap()
        })
        .await;
    assert_eq!(n, 5);
    assert_eq!(read().await, kept);
}

#[tokio::test]
async fn the_public_sees_no_number_under_five_and_no_case() {
    let (app, examiner) = hand_counted_office().await;
    let visitor = crate::helpers::browser();
    let page = app.page(&visitor, "/statistics?year=2026").await;
    assert!(
        page.contains("&lt;5") || page.contains("&#60;5"),
        "small numbers are hidden"
    );
    for secret in ["Megacorp", "한빛", "IPD-2026", "Out of scope"] {
        assert!(!page.contains(secret), "{secret} is not published");
    }
    let dataset: Value = app
        .get_as(&visitor, "/statistics/2026.json")
        .await
        .json()
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for fig in dataset["figures"].as_array().unwrap() {
        for row in fig["rows"].as_array().unwrap() {
            for (k, v) in row.as_object().unwrap() {
                if k != "code" && k != "name" {
                    numbers.push((fig["figure"].clone(), v.clone()));
                }
            }
        }
    }
    assert!(!numbers.is_empty());
    for (fig, v) in &numbers {
        assert!(
            v == "<5" || v.as_i64().is_some_and(|n| n >= 5),
            "{fig}: {v} is published"
        );
    }
    assert_eq!(
        dataset["columns"].as_array().unwrap().len(),
        6,
        "every column is described"
    );
    let csv = app.page(&visitor, "/statistics/2026.csv").await;
    assert!(csv.starts_with("\u{feff}figure,category_code,category,series_code,series,value"));
    // The office sees the same figures whole.
    let filed = figure(&app, &examiner, "/stats/fields.json?year=2026").await;
    assert_eq!(cell(&filed, "H", "cases"), 3);
    // Staff figures are not public.
    assert_eq!(app.get_as(&visitor, "/stats").await.status(), 303);
    assert_eq!(app.get_as(&visitor, "/statistics/1999.json").await.status(), 404);
}
