//! The case list for staff (issue 17 §4): each case's officer, next deadline and age, sorting
//! by the next deadline, and the whole filtered list as CSV.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ipdesk::db::schema::{cases, deadlines};
use ipdesk::domain::Role;
use ipdesk::models::case::CaseScope;
use ipdesk::models::case_list::{self, Filter, Sort};

use crate::helpers::cases::{act, file_case};
use crate::helpers::{spawn_app, spawn_app_with};

/// 01:00 KST on 3 December 2026 (16:00 UTC the day before).
fn one_in_the_morning_in_seoul() -> NaiveDateTime {
    day(2026, 12, 2).and_hms_opt(16, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The cases of a list page, in the order shown.
fn shown(page: &str) -> Vec<String> {
    regex::Regex::new(r#"<tr data-case="([^"]+)""#)
        .unwrap()
        .captures_iter(page)
        .map(|c| c[1].to_owned())
        .collect()
}

/// The row of one case on a list page.
fn row<'a>(page: &'a str, case_no: &str) -> &'a str {
    let start = page
        .find(&format!(r#"<tr data-case="{case_no}""#))
        .unwrap_or_else(|| panic!("{case_no} is listed"));
    let rest = &page[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn staff_see_each_cases_officer_next_deadline_and_age_in_office_days_and_sort_by_the_next_deadline() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(one_in_the_morning_in_seoul())).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, me) = app.signed_in(Role::Examiner).await;
    let quiet = file_case(&app, &complainant, "Nothing running").await;
    let later = file_case(&app, &complainant, "Due next week").await;
    let late = file_case(&app, &complainant, "Due yesterday in Seoul").await;
    for (case_no, due) in [(&later, "2026-12-10"), (&late, "2026-12-11")] {
        assert_eq!(
            act(&app, &examiner, case_no, "start_review", &[]).await.status(),
            303
        );
        let res = act(
            &app,
            &examiner,
            case_no,
            "request_supplement",
            &[("text", "The licence, please."), ("due", due)],
        )
        .await;
        assert_eq!(res.status(), 303);
    }
    // Moved to the 2nd: yesterday in Seoul, still today in UTC. `quiet` was filed at 23:00
    // KST on 30 November: three office days ago, though two UTC days; `later` just now.
    let late_no = late.clone();
    let quiet_no = quiet.clone();
    let later_no = later.clone();
    app.with_db(move |c| {
        let late_id: i64 = cases::table
            .filter(cases::case_no.eq(&late_no))
            .select(cases::id)
            .first(c)
            .unwrap();
        diesel::update(deadlines::table.filter(deadlines::case_id.eq(late_id)))
            .set(deadlines::due_on.eq(day(2026, 12, 2)))
            .execute(c)
            .unwrap();
        diesel::update(cases::table.filter(cases::case_no.eq(&quiet_no)))
            .set(cases::filed_at.eq(day(2026, 11, 30).and_hms_opt(14, 0, 0).unwrap()))
            .execute(c)
            .unwrap();
        diesel::update(cases::table.filter(cases::case_no.eq(&later_no)))
            .set(cases::filed_at.eq(one_in_the_morning_in_seoul()))
            .execute(c)
            .unwrap();
    })
    .await;

    let page = app.page(&examiner, "/cases").await;
    let overdue = row(&page, &late);
    assert!(overdue.contains(r#"class="overdue""#), "{overdue}");
    assert!(overdue.contains(r#"data-days-left="-1""#) && overdue.contains("1 day overdue"));
    assert!(overdue.contains(&me.name), "the officer who took it up is shown");
    let running = row(&page, &later);
    assert!(running.contains(r#"data-days-left="7""#) && running.contains("7 days left"));
    assert!(!running.contains(r#"class="overdue""#));
    let idle = row(&page, &quiet);
    assert!(idle.contains("Not yet assigned"), "{idle}");
    assert!(
        idle.contains(r#"data-age="3""#) && idle.contains("3 days"),
        "{idle}"
    );
    assert!(idle.contains(">2026-11-30<"), "filed on the 30th in Seoul");
    // Filed at 01:00 on the 3rd in Seoul: the 3rd, not UTC's 2nd, and no days old yet.
    assert!(
        running.contains(">2026-12-03<") && running.contains(r#"data-age="0""#),
        "{running}"
    );

    let by_deadline = shown(&app.page(&examiner, "/cases?sort=deadline").await);
    assert_eq!(by_deadline, [late.clone(), later.clone(), quiet.clone()]);
    // The same order when a search narrows the list (SQLite answers it from its own index).
    let searched = shown(&app.page(&examiner, "/cases?sort=deadline&q=due").await);
    assert_eq!(searched, [late.clone(), later.clone()]);

    // Parties see their own deadlines, but not the office's officers.
    let theirs = app.page(&complainant, "/cases").await;
    assert!(row(&theirs, &late).contains("1 day overdue"));
    assert!(!theirs.contains(&me.name));
}

/// A CSV body as records, after its byte-order mark.
fn records(body: &[u8]) -> Vec<csv::StringRecord> {
    let text = std::str::from_utf8(body).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark, for Excel");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn staff_download_every_matching_case_as_csv_in_the_lists_order() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let mut filed = Vec::new();
    for n in 0..27 {
        filed.push(file_case(&app, &complainant, &format!("Coating process {n:02}")).await);
    }
    let sneaky = file_case(&app, &complainant, "=HYPERLINK(\"http://evil.example\",\"x\")").await;
    assert_eq!(
        act(&app, &examiner, &filed[3], "start_review", &[])
            .await
            .status(),
        303
    );

    let page = app.page(&examiner, "/cases?sort=oldest").await;
    assert_eq!(shown(&page).len(), 25, "the page shows one page");
    assert!(
        page.contains(r#"href="/cases.csv?sort=oldest""#),
        "the list links to its CSV"
    );

    let res = app.get_as(&examiner, "/cases.csv?sort=oldest").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment") && disposition.contains(".csv"));
    let body = res.bytes().await.unwrap();
    let text = std::str::from_utf8(&body).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("Case number") && header.contains("Next deadline"),
        "{header}"
    );
    let rows = records(&body);
    let numbers: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    let mut every: Vec<&str> = filed.iter().map(String::as_str).collect();
    every.push(&sneaky);
    assert_eq!(
        numbers, every,
        "every case, oldest first, not just the first page"
    );
    let first = &rows[0];
    assert_eq!(&first[1], "Coating process 00");
    assert!(
        regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")
            .unwrap()
            .is_match(&first[8]),
        "filed at, in office time with its offset: {}",
        &first[8]
    );
    let last = rows.last().unwrap();
    assert!(
        last[1].starts_with("'="),
        "a formula is kept as text: {}",
        &last[1]
    );

    // The filters apply, as on the page.
    let res = app.get_as(&examiner, "/cases.csv?state=intake_review").await;
    let reviewing = records(&res.bytes().await.unwrap());
    assert_eq!(reviewing.len(), 1);
    assert_eq!(&reviewing[0][0], filed[3].as_str());
    assert_eq!(&reviewing[0][2], "Intake review");

    // In Korean, for the office's own spreadsheets.
    app.post_as(&examiner, "/language", &[("lang", "ko"), ("next", "/cases")])
        .await;
    let body = app
        .get_as(&examiner, "/cases.csv?state=intake_review")
        .await
        .bytes()
        .await
        .unwrap();
    let text = std::str::from_utf8(&body).unwrap();
    assert!(text.lines().next().unwrap().contains("사건번호"), "{text}");

    // Parties do not export the office's list.
    let res = app.get_as(&complainant, "/cases.csv").await;
    assert!(res.status() == 404 || res.status() == 403, "{}", res.status());
}

#[tokio::test]
async fn an_export_read_a_slice_at_a_time_gives_every_case_once_in_each_order() {
    let app = spawn_app().await;
    let (_, me) = app.signed_in(Role::Examiner).await;
    let me = me.id;
    let settings = app.settings.clone();
    app.with_db(move |c| {
        ipdesk::demo::seed(c, &settings, 90, true).unwrap();
        // More ties in the deadline order than the seed makes, and cases without one, which
        // sort last.
        let ids: Vec<i64> = cases::table.select(cases::id).load(c).unwrap();
        for id in ids.iter().filter(|id| *id % 3 != 0) {
            diesel::update(cases::table.find(id))
                .set(cases::next_due_on.eq(Some(day(2026, 12, 1 + (*id % 4) as u32))))
                .execute(c)
                .unwrap();
        }
        let scope = CaseScope::Office(me);
        for sort in Sort::ALL {
            let filter = Filter {
                sort,
                ..Filter::default()
            };
            let (whole, rest) = case_list::export_slice(c, scope, &filter, None, 10_000).unwrap();
            assert!(rest.is_none(), "one slice held it all");
            assert!(whole.len() >= 90, "{sort:?}: {}", whole.len());
            let mut sliced = Vec::new();
            let mut after = None;
            loop {
                let (rows, next) = case_list::export_slice(c, scope, &filter, after.as_ref(), 7).unwrap();
                sliced.extend(rows.into_iter().map(|r| r.id));
                match next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            let whole_ids: Vec<_> = whole.iter().map(|r| r.id).collect();
            assert_eq!(
                sliced, whole_ids,
                "{sort:?}: slices of 7 read the same cases in the same order"
            );
            if sort == Sort::Deadline {
                let keys: Vec<_> = whole
                    .iter()
                    .map(|r| r.next_due_on.unwrap_or(NaiveDate::MAX))
                    .collect();
                assert!(keys.is_sorted(), "by the next deadline, none last");
            }
        }
    })
    .await;
}
