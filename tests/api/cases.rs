use ipdesk::domain::Role;

use crate::helpers::{STRONG_PASSWORD, korean_browser, location, spawn_app};
use crate::helpers::{complaint, file_case, post_case};

#[tokio::test]
async fn a_complainant_files_a_complaint_and_finds_it_with_its_number() {
    let app = spawn_app().await;
    let (client, user) = app.signed_in(Role::Complainant).await;
    app.create_user(Role::Examiner, "intake@ipo.example", STRONG_PASSWORD)
        .await;
    let form = app.page(&client, "/cases/new").await;
    assert!(
        form.contains(&format!(r#"value="{}""#, user.email)),
        "the complainant party is pre-filled"
    );

    let case_no = file_case(&app, &client, "Separator coating copied").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(case_no, format!("IPD-{year}-00001"));
    let page = app.page(&client, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-state="filed""#));
    assert!(page.contains("Separator coating copied"));
    assert!(
        page.contains("(주)한빛테크")
            && page.contains("Megacorp Battery Ltd")
            && page.contains("Seoul IP Law")
    );
    assert!(page.contains("1,200,000,000 KRW"));
    assert!(page.contains("has been filed"));

    let list = app.page(&client, "/cases").await;
    assert!(list.contains(&format!(r#"data-case="{case_no}""#)));
    assert!(
        list.contains(r#"data-label="Complainant">(주)한빛테크</td>"#)
            && list.contains(r#"data-label="Respondent">Megacorp Battery Ltd</td>"#),
        "both sides are named"
    );
    let searched = app.page(&client, "/cases?q=separator").await;
    assert!(
        searched.contains(r#"data-label="Respondent">Megacorp Battery Ltd</td>"#),
        "search results name the parties too"
    );
    let notices = app.notices().await;
    let kinds: Vec<&str> = notices.iter().map(|n| n.kind.as_str()).collect();
    assert!(
        kinds.contains(&"filing_receipt") && kinds.contains(&"new_case"),
        "{kinds:?}"
    );
    let receipt = notices
        .iter()
        .find(|n| n.kind.as_str() == "filing_receipt")
        .unwrap();
    assert_eq!(receipt.recipient, user.email);
    assert!(receipt.subject.contains(&case_no));
    let intake = notices.iter().find(|n| n.kind.as_str() == "new_case").unwrap();
    assert_eq!(intake.recipient, "intake@ipo.example");
    assert!(app.audit_actions().await.contains(&"case.filed".to_owned()));
}

#[tokio::test]
async fn a_draft_is_kept_and_finished_later_in_korean() {
    let app = spawn_app().await;
    let user = app
        .create_user(Role::Complainant, "draft@example.kr", STRONG_PASSWORD)
        .await;
    let client = korean_browser();
    app.login_as(&client, &user.email, STRONG_PASSWORD).await;
    let half = vec![
        ("title".to_owned(), "반도체 공정 기술 유출".to_owned()),
        ("c_name".to_owned(), "김민지".to_owned()),
    ];
    let res = post_case(&app, &client, half, "save").await;
    assert_eq!(res.status(), 303);
    let draft = location(&res);
    assert!(draft.starts_with("/cases/drafts/"));
    let page = app.page(&client, &draft).await;
    assert!(page.contains("반도체 공정 기술 유출") && page.contains("임시 저장했습니다"));

    // Submitting an incomplete draft: each missing field is named, everything typed stays.
    let key = draft.trim_start_matches("/cases/drafts/").to_owned();
    let mut fields = vec![
        ("draft_key".to_owned(), key.clone()),
        ("title".to_owned(), "반도체 공정 기술 유출".to_owned()),
    ];
    fields.push(("c_name".into(), "김민지".into()));
    let res = post_case(&app, &client, fields, "submit").await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(r#"id="kind-error""#)
            && html.contains(r#"id="r0_name-error""#)
            && html.contains(r#"id="c_email-error""#)
    );
    assert!(html.contains("신청서를 제출하려면 입력해야 합니다."));
    assert!(html.contains(r#"value="반도체 공정 기술 유출""#));

    let mut full = complaint("반도체 공정 기술 유출");
    full.push(("draft_key".into(), key.clone()));
    let res = post_case(&app, &client, full.clone(), "submit").await;
    assert_eq!(res.status(), 303);
    let case_no = location(&res).trim_start_matches("/cases/").to_owned();
    // The same form sent again (a refresh, a double click) files nothing more.
    let again = post_case(&app, &client, full, "submit").await;
    assert_eq!(location(&again), format!("/cases/{case_no}"));
    let count = app.count_cases().await;
    assert_eq!(count, 1);
    assert_eq!(
        app.get_as(&client, &draft).await.status(),
        303,
        "the draft link now leads to the case"
    );
    let receipt = app
        .notices()
        .await
        .into_iter()
        .find(|n| n.kind.as_str() == "filing_receipt")
        .unwrap();
    assert!(receipt.subject.contains("신청 접수"));
}

#[tokio::test]
async fn concurrent_filings_get_gap_free_numbers() {
    let app = spawn_app().await;
    let mut clients = Vec::new();
    for _ in 0..6 {
        clients.push(app.signed_in(Role::Complainant).await.0);
    }
    let mut forms = Vec::new();
    let draft_key = regex::Regex::new(r#"name="draft_key" value="([^"]+)""#).unwrap();
    for client in &clients {
        let page = app.page(client, "/cases/new").await;
        let key = draft_key.captures(&page).unwrap()[1].to_owned();
        let token = crate::helpers::csrf_from(&page);
        let mut f = complaint("Concurrent filing");
        f.push(("draft_key".into(), key));
        f.push(("action".into(), "submit".into()));
        f.push(("csrf_token".into(), token));
        forms.push(f);
    }
    let sends = clients
        .iter()
        .zip(forms.iter())
        .map(|(client, form)| client.post(app.url("/cases")).form(form).send());
    let results = futures_util::future::join_all(sends).await;
    let mut numbers: Vec<String> = results
        .into_iter()
        .map(|r| location(&r.unwrap()).trim_start_matches("/cases/").to_owned())
        .collect();
    numbers.sort();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=6).map(|n| format!("IPD-{year}-{n:05}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn staff_log_a_paper_complaint_which_starts_filed() {
    let app = spawn_app().await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &examiner, "Paper complaint by post").await;
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-state="filed""#));
    let owner = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::cases::dsl::*;
            cases.select(complainant_user_id).first::<Option<i64>>(c).unwrap()
        })
        .await;
    assert_eq!(owner, None, "no account: contact details only");
    let receipt = app
        .notices()
        .await
        .into_iter()
        .find(|n| n.kind.as_str() == "filing_receipt")
        .unwrap();
    assert_eq!(
        receipt.recipient, "legal@hanbit.example",
        "the receipt goes to the complainant's contact"
    );
}

#[tokio::test]
async fn a_complainant_sees_only_their_own_cases() {
    let app = spawn_app().await;
    let (alice, _) = app.signed_in(Role::Complainant).await;
    let (bob, _) = app.signed_in(Role::Complainant).await;
    let alices = file_case(&app, &alice, "Alice's case").await;
    let bobs = file_case(&app, &bob, "Bob's case").await;
    assert_eq!(app.get_as(&alice, &format!("/cases/{bobs}")).await.status(), 404);
    assert_eq!(
        app.get_as(&alice, &format!("/cases/{bobs}/edit")).await.status(),
        404
    );
    let res = app
        .post_as(
            &alice,
            &format!("/cases/{bobs}/notes"),
            &[("visibility", "shared"), ("body", "hello")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let list = app.page(&alice, "/cases").await;
    assert!(list.contains(&alices) && !list.contains(&bobs));
    let search = app.page(&alice, "/cases?q=bob").await;
    assert!(!search.contains(&bobs));
    assert_eq!(app.get_as(&alice, "/cases/IPD-2026-99999").await.status(), 404);
    assert_eq!(app.get_as(&alice, "/cases/not-a-number").await.status(), 404);
    // Someone else's draft key does not open their draft either.
    let res = post_case(&app, &bob, vec![("title".into(), "Bob's draft".into())], "save").await;
    let bobs_draft = location(&res);
    assert_eq!(app.get_as(&alice, &bobs_draft).await.status(), 404);
}

#[tokio::test]
async fn a_party_never_sees_an_internal_note() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &complainant, "Notes case").await;
    let path = format!("/cases/{case_no}/notes");
    app.post_as(
        &examiner,
        &path,
        &[
            ("visibility", "internal"),
            ("body", "Respondent is a repeat infringer"),
        ],
    )
    .await;
    app.post_as(
        &examiner,
        &path,
        &[
            ("visibility", "shared"),
            ("body", "Please send the NDA you signed"),
        ],
    )
    .await;
    app.post_as(
        &complainant,
        &path,
        &[("visibility", "shared"), ("body", "Attached tomorrow")],
    )
    .await;
    let res = app
        .post_as(
            &complainant,
            &path,
            &[("visibility", "internal"), ("body", "sneaky")],
        )
        .await;
    assert_eq!(res.status(), 404, "a party cannot write an internal note");

    let party_view = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert!(
        party_view.contains("Please send the NDA you signed") && party_view.contains("Attached tomorrow")
    );
    assert!(!party_view.contains("repeat infringer"));
    assert!(!party_view.contains(r#"data-notes="internal""#));
    let staff_view = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(staff_view.contains("repeat infringer"));
    assert!(!staff_view.contains("sneaky"));
    for listing in ["/cases", "/cases?q=infringer"] {
        assert!(!app.page(&complainant, listing).await.contains("repeat infringer"));
    }
}

#[tokio::test]
async fn staff_corrections_are_recorded_and_parties_cannot_change_a_filed_case() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (legal, _) = app.signed_in(Role::Legal).await;
    let case_no = file_case(&app, &complainant, "Original title").await;
    let form = app.page(&legal, &format!("/cases/{case_no}/edit")).await;
    let version = regex::Regex::new(r#"name="version" value="(\d+)""#)
        .unwrap()
        .captures(&form)
        .unwrap()[1]
        .to_owned();
    let mut fields = complaint("Corrected title");
    fields.push(("version".into(), version.clone()));
    fields.push(("action".into(), "submit".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app
        .post_as(&legal, &format!("/cases/{case_no}/edit"), &pairs)
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert!(page.contains("Corrected title"));
    assert!(page.contains("Original title"), "the history shows the old value");
    // The same form again, with the old version: someone changed it meanwhile.
    let res = app
        .post_as(&legal, &format!("/cases/{case_no}/edit"), &pairs)
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Someone else changed this case")
    );
    // The complainant cannot edit, and cannot refile over it with the draft form.
    assert_eq!(
        app.get_as(&complainant, &format!("/cases/{case_no}/edit"))
            .await
            .status(),
        404
    );
    assert!(app.audit_actions().await.contains(&"case.corrected".to_owned()));
}

#[tokio::test]
async fn the_list_filters_searches_sorts_and_pages() {
    let app = spawn_app().await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    for n in 0..27 {
        file_case(&app, &examiner, &format!("Case number {n:02}")).await;
    }
    let mut special = complaint("Graphene heat spreader");
    special.retain(|(k, _)| k != "r0_name" && k != "kind");
    special.push(("r0_name".into(), "삼성전기 주식회사".into()));
    special.push(("kind".into(), "patent".into()));
    assert_eq!(post_case(&app, &examiner, special, "submit").await.status(), 303);

    let first = app.page(&examiner, "/cases").await;
    assert!(first.contains("28 in all"));
    assert_eq!(first.matches("data-case=\"IPD-").count(), 25);
    assert!(first.contains("Graphene heat spreader"), "newest first");
    let second = app.page(&examiner, "/cases?page=2").await;
    assert_eq!(second.matches("data-case=\"IPD-").count(), 3);
    assert!(second.contains("Case number 00"));

    let by_party = app.page(&examiner, "/cases?q=삼성전기").await;
    assert!(by_party.contains("1 in all") && by_party.contains("Graphene heat spreader"));
    let by_number = app.page(&examiner, "/cases?q=00005").await;
    assert!(by_number.contains("1 in all"));
    let by_kind = app.page(&examiner, "/cases?kind=patent").await;
    assert!(by_kind.contains("1 in all"));
    let short = app.page(&examiner, "/cases?q=삼성").await;
    assert!(short.contains("1 in all"), "two-letter searches work too");
    let sorted = app.page(&examiner, "/cases?sort=title").await;
    let first_row = sorted.find("data-case=\"IPD-").unwrap();
    assert!(sorted[first_row..].starts_with("data-case=\"IPD-"));
    assert!(
        sorted[first_row..first_row + 400].contains("Case number 00"),
        "by title: Case… before Graphene"
    );
    let last = app.page(&examiner, "/cases?sort=title&page=2").await;
    assert!(last.contains("Graphene heat spreader"));
    let none = app.page(&examiner, "/cases?state=closed").await;
    assert!(none.contains("0 in all") && none.contains("No cases match."));
    let mine = app.page(&examiner, "/cases?mine=1").await;
    assert!(
        mine.contains("0 in all"),
        "nothing is assigned to this examiner yet"
    );
}

#[tokio::test]
async fn an_unverified_complainant_cannot_file_yet() {
    let app = spawn_app().await;
    app.register_as(&app.client, "New Person", "new@example.org", STRONG_PASSWORD)
        .await;
    let res = app.get("/cases/new").await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Please confirm your e-mail address")
    );
    let mut form = complaint("Too early");
    form.push(("draft_key".into(), uuid::Uuid::new_v4().to_string()));
    let res = post_case(&app, &app.client, form, "submit").await;
    assert_eq!(res.status(), 403);
    let count = app.count_cases().await;
    assert_eq!(count, 0);
}

#[tokio::test]
async fn staff_filter_by_assigned_officer_and_see_their_queue() {
    let app = spawn_app().await;
    let (examiner, me) = app.signed_in(Role::Examiner).await;
    let (_, colleague) = app.signed_in(Role::Legal).await;
    let mine = file_case(&app, &examiner, "Assigned to me").await;
    let theirs = file_case(&app, &examiner, "Assigned to a colleague").await;
    let (m, t) = (mine.clone(), theirs.clone());
    app.with_db(move |c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::cases::dsl::*;
        diesel::update(cases.filter(case_no.eq(m)))
            .set(assigned_officer_id.eq(me.id.0))
            .execute(c)
            .unwrap();
        diesel::update(cases.filter(case_no.eq(t)))
            .set(assigned_officer_id.eq(colleague.id.0))
            .execute(c)
            .unwrap();
    })
    .await;
    let queue = app.page(&examiner, "/cases?mine=1").await;
    assert!(queue.contains(&mine) && !queue.contains(&theirs));
    let by_officer = app
        .page(&examiner, &format!("/cases?officer={}", colleague.id.0))
        .await;
    assert!(by_officer.contains(&theirs) && !by_officer.contains(&mine));
    assert!(by_officer.contains("1 in all"));
}

#[tokio::test]
async fn demo_data_fills_an_empty_database_and_the_list_copes_with_it() {
    let app = spawn_app().await;
    let settings = app.settings.clone();
    let report = app
        .with_db(move |c| ipdesk::demo::seed(c, &settings, 1200, false).unwrap())
        .await;
    assert_eq!(report.cases, 1200);
    let refused = app
        .with_db(|c| ipdesk::demo::seed(c, &ipdesk::config::Settings::default(), 10, false).map(|_| ()))
        .await;
    assert!(
        refused.unwrap_err().to_string().contains("--force"),
        "real data is never mixed with demo data by accident"
    );

    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let all = app.page(&examiner, "/cases").await;
    assert!(
        all.contains("1200 in all") || all.contains("1,200 in all"),
        "counts come from the kept totals"
    );
    let everything = app.page(&examiner, "/cases?q=ipd-").await;
    assert!(everything.contains("more than 1000") || everything.contains("more than 1,000"));
    assert_eq!(everything.matches("data-case=\"IPD-").count(), 25);
    let korean = app.page(&examiner, "/cases?q=기술 유출").await;
    assert!(korean.contains("data-case=\"IPD-"));
    // Kept counts agree with a real count after staff filing too.
    file_case(&app, &examiner, "One more").await;
    let page = app.page(&examiner, "/cases?state=filed").await;
    let filed = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::cases::dsl::*;
            cases
                .filter(state.eq("filed"))
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
    assert!(
        page.contains(&format!("{filed} in all")),
        "kept count matches {filed}"
    );
}

#[tokio::test]
async fn a_complainants_draft_stays_theirs_until_submitted() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let res = post_case(
        &app,
        &complainant,
        vec![("title".into(), "Unfinished secret draft".into())],
        "save",
    )
    .await;
    let draft = location(&res);
    assert_eq!(
        app.get_as(&examiner, &draft).await.status(),
        404,
        "the office does not see drafts"
    );
    let list = app.page(&examiner, "/cases").await;
    assert!(
        !list.contains("Unfinished secret draft"),
        "the draft is not listed"
    );
    assert!(
        list.contains("0 in all"),
        "{}",
        &list[list.find("case-count").unwrap_or(0)..][..80]
    );
    assert!(
        !app.page(&examiner, "/cases?q=secret")
            .await
            .contains("Unfinished")
    );
    assert!(
        app.page(&complainant, "/cases")
            .await
            .contains("Unfinished secret draft")
    );
    // The examiner's own paper draft is listed for them.
    post_case(
        &app,
        &examiner,
        vec![("title".into(), "Paper draft".into())],
        "save",
    )
    .await;
    let list = app.page(&examiner, "/cases").await;
    assert!(list.contains("Paper draft") && list.contains("1 in all"));
}

#[tokio::test]
async fn a_refused_empty_complaint_leaves_no_draft_and_a_complainant_deletes_their_draft() {
    let app = spawn_app().await;
    let (mina, _) = app.signed_in(Role::Complainant).await;
    let (other, _) = app.signed_in(Role::Complainant).await;

    // Submitting an empty form is refused and keeps nothing: no nameless draft in the list.
    let res = post_case(
        &app,
        &mina,
        vec![("description".into(), "half a thought".into())],
        "submit",
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("half a thought"), "what was typed comes back");
    assert!(!page.contains("saved as a draft"), "and no draft is claimed");
    assert_eq!(app.count_cases().await, 0, "no draft was made");
    assert!(!app.page(&mina, "/cases").await.contains("/cases/drafts/"));

    // A refused submission with a title is kept, as the form says.
    let res = post_case(
        &app,
        &mina,
        vec![("title".into(), "Sensor design taken".into())],
        "submit",
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.count_cases().await, 1);
    let list = app.page(&mina, "/cases").await;
    let key = regex::Regex::new(r#"/cases/drafts/([0-9a-f-]{36})"#)
        .unwrap()
        .captures(&list)
        .unwrap()[1]
        .to_owned();
    assert!(list.contains("Sensor design taken"));
    assert!(!list.contains("kind-"), "no raw key in the list");

    // Nobody else can delete it; its owner can.
    let path = format!("/cases/drafts/{key}/delete");
    assert_eq!(app.post_as(&other, &path, &[]).await.status(), 404);
    assert_eq!(app.count_cases().await, 1);
    let res = app.post_as(&mina, &path, &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/cases");
    assert_eq!(app.count_cases().await, 0);
    assert_eq!(
        app.get_as(&mina, &format!("/cases/drafts/{key}")).await.status(),
        404
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"case.draft_deleted".to_owned())
    );

    // A filed case is never deleted as a draft.
    let number = file_case(&app, &mina, "Filed for real").await;
    let no = number.clone();
    let filed_key = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::cases::dsl::*;
            cases
                .filter(case_no.eq(no))
                .select(draft_key)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    let res = app
        .post_as(&mina, &format!("/cases/drafts/{filed_key}/delete"), &[])
        .await;
    assert_eq!(location(&res), format!("/cases/{number}"));
    assert_eq!(app.count_cases().await, 1, "the filed case stays");
}

#[tokio::test]
async fn long_korean_text_up_to_its_limit_is_kept_and_past_it_comes_back_with_a_message() {
    let app = spawn_app().await;
    let client = korean_browser();
    app.create_user(Role::Complainant, "long@example.kr", STRONG_PASSWORD)
        .await;
    assert_eq!(
        app.login_as(&client, "long@example.kr", STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    // 20,000 Hangul characters are 180,000 bytes once form-encoded.
    let full = "가".repeat(20_000);
    let mut form = complaint("한글 장문 신청");
    form.retain(|(k, _)| k != "description");
    form.push(("description".into(), full.clone()));
    let res = post_case(&app, &client, form.clone(), "submit").await;
    assert_eq!(res.status(), 303, "a description at its limit is filed");
    let case_no = location(&res).trim_start_matches("/cases/").to_owned();
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let res = app
        .post_as(
            &examiner,
            &format!("/cases/{case_no}/notes"),
            &[("visibility", "internal"), ("body", &full)],
        )
        .await;
    assert_eq!(res.status(), 303, "so is a note");

    // A little over: refused next to the field, with every character still in it.
    let over = "나".repeat(20_050);
    form.retain(|(k, _)| k != "description");
    form.push(("description".into(), over.clone()));
    let res = post_case(&app, &client, form, "submit").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"id="description-error""#),
        "the message is by the field"
    );
    assert!(page.contains(&over), "and the text is all there");
    let res = app
        .post_as(
            &examiner,
            &format!("/cases/{case_no}/notes"),
            &[("visibility", "internal"), ("body", &over)],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.unwrap().contains(&over),
        "the note comes back too"
    );

    // Far past anything a form holds: a page that says what to do, in the reader's language.
    let token = app.csrf(&client).await;
    let huge = "다".repeat(200_000);
    let res = client
        .post(app.url(&format!("/cases/{case_no}/notes")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("visibility", "shared"),
            ("body", &huge),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("뒤로 가면 입력한 내용이 브라우저에 남아 있습니다"),
        "{page}"
    );
}

#[tokio::test]
async fn an_empty_or_unknown_track_is_refused_next_to_its_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    for (track, action) in [("", "save"), ("", "submit"), ("arbitration", "save")] {
        let mut form = complaint("Separator coating copied");
        form.retain(|(k, _)| k != "track");
        form.push(("track".into(), track.into()));
        let res = post_case(&app, &client, form, action).await;
        assert_eq!(res.status(), 422, "track {track:?}, {action}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains(r#"id="track" name="track" aria-invalid="true""#),
            "track {track:?}, {action}: the field is marked"
        );
        assert_eq!(app.count_cases().await, 0, "track {track:?}, {action}");
    }
}

#[tokio::test]
async fn a_draft_key_of_someone_elses_case_is_not_found_and_changes_nothing() {
    let app = spawn_app().await;
    let (mina, _) = app.signed_in(Role::Complainant).await;
    let (other, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let res = post_case(
        &app,
        &mina,
        vec![("title".into(), "Sensor design taken".into())],
        "save",
    )
    .await;
    let draft = location(&res);
    let key = draft.trim_start_matches("/cases/drafts/").to_owned();
    let number = file_case(&app, &mina, "Filed for real").await;
    let no = number.clone();
    let filed_key = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::cases::dsl::*;
            cases
                .filter(case_no.eq(no))
                .select(draft_key)
                .first::<String>(c)
                .unwrap()
        })
        .await;
    let audited = app.audit_actions().await.len();
    for (who, key) in [(&other, &key), (&other, &filed_key), (&examiner, &key)] {
        for action in ["save", "submit"] {
            let mut form = complaint("Taken over");
            form.push(("draft_key".into(), key.clone()));
            let res = post_case(&app, who, form, action).await;
            assert_eq!(res.status(), 404, "{action} with {key}");
        }
    }
    assert_eq!(app.count_cases().await, 2);
    assert_eq!(app.audit_actions().await.len(), audited, "nothing was recorded");
    let page = app.page(&mina, &draft).await;
    assert!(page.contains("Sensor design taken") && !page.contains("Taken over"));
    let page = app.page(&mina, &format!("/cases/{number}")).await;
    assert!(page.contains("Filed for real") && !page.contains("Taken over"));
}

#[tokio::test]
async fn a_state_the_program_does_not_know_is_an_error_and_never_passes_for_a_draft() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = file_case(&app, &complainant, "Separator coating copied").await;
    let number = case_no.clone();
    app.with_db(move |c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::cases;
        diesel::update(cases::table.filter(cases::case_no.eq(&number)))
            .set(cases::state.eq("archived"))
            .execute(c)
            .unwrap();
    })
    .await;
    let res = app.get_as(&complainant, &format!("/cases/{case_no}")).await;
    assert_eq!(
        res.status(),
        500,
        "not shown as a draft the complainant could edit"
    );
    assert!(
        crate::helpers::logs().contains("unknown case state `archived` in the database"),
        "the log names the value"
    );
}
