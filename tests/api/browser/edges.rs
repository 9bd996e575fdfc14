//! Pages people meet rarely, looked at in Chromium like the rest: a bundle refused for the
//! hourly limit, a bundle whose file was deleted after its retention period, a form too large
//! to accept, and an invitation opened by the wrong person, by someone who must sign in first,
//! and by an account of another kind.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use ipdesk::domain::Role;

use super::{Browser, Lang, Width, spawn_app_for_browser_with};
use crate::helpers::STRONG_PASSWORD;

async fn the_rare_pages(lang: Lang, width: Width) {
    let app = spawn_app_for_browser_with(|s| {
        s.bundle_requests_per_user_hour = 1;
        s.bundle_poll_secs = 1;
    })
    .await;
    let Some(mut b) = Browser::open(&app, "rare", lang, width).await else {
        return;
    };
    let (_, _, _, case_no) = crate::helpers::case_with_evidence(&app).await;
    let office = crate::helpers::office(&app).await;
    let addressee = "counsel@daehan.example";
    let (_, invitation) = crate::helpers::invite(&app, &office, "Separator coating taken", addressee).await;
    let examiner = "rare-examiner@office.example";
    app.create_user(Role::Examiner, examiner, STRONG_PASSWORD).await;
    b.goto("/login", "sign-in").await;
    b.fill("#email", examiner).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action^='/login'] button[type=submit]", "signed-in")
        .await;

    // One bundle an hour: the first is built, the second refused with how long to wait.
    let case_path = format!("/cases/{case_no}");
    b.goto(&case_path, "case").await;
    b.select("#bundle-audience", "office").await;
    b.submit("form[data-form=bundle] button[type=submit]", "bundle-requested")
        .await;
    let bundle_path = b.path().await;
    b.goto(&case_path, "case-again").await;
    b.select("#bundle-audience", "parties").await;
    b.submit("form[data-form=bundle] button[type=submit]", "bundle-limited")
        .await;
    assert!(b.has("[data-bundle-limited]").await, "the limit is explained");

    // Built, then past its retention: the page says so and the download is gone.
    b.goto(&bundle_path, "bundle").await;
    let started = Instant::now();
    while !b.has("a[data-download]").await {
        assert!(started.elapsed() < Duration::from_secs(60), "the bundle is built");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let public = bundle_path.rsplit('/').next().unwrap().to_owned();
    app.with_db(move |c| {
        use ipdesk::db::schema::bundles;
        diesel::update(bundles::table.filter(bundles::public_id.eq(&public)))
            .set(bundles::finished_at.eq(ipdesk::models::now() - chrono::TimeDelta::days(31)))
            .execute(c)
            .unwrap();
    })
    .await;
    let started = Instant::now();
    loop {
        b.client.refresh().await.unwrap();
        if b.has("[data-bundle-file-deleted]").await {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the file is deleted");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    b.check("bundle-file-deleted").await;
    b.goto(&format!("{bundle_path}/download"), "bundle-gone").await;

    // A form past the size limit (its field's own limit bypassed, as a script could).
    b.goto("/cases/new", "case-form").await;
    b.client
        .execute(
            "document.querySelector('#description').value = 'x'.repeat(1200000);",
            vec![],
        )
        .await
        .unwrap();
    b.submit("form.wide button[value=submit]", "too-large").await;

    // The invitation, opened by the examiner: for someone else.
    b.goto(&invitation, "invitation-signed-in-as-other").await;
    assert!(!b.has("input[name=password]").await);
    b.sign_out("signed-out").await;

    // Its addressee has an account: sign in to add the case.
    app.create_user(Role::Respondent, addressee, STRONG_PASSWORD)
        .await;
    b.goto(&invitation, "invitation-sign-in-to-add").await;
    assert!(b.has("a[href^='/login?next=']").await);

    // An invitation to an address that holds a complainant's account.
    let complainant = "founder@hanbit.example";
    app.create_user(Role::Complainant, complainant, STRONG_PASSWORD)
        .await;
    let (_, other_kind) =
        crate::helpers::invite(&app, &office, "Electrolyte formula taken", complainant).await;
    b.goto(&other_kind, "invitation-other-kind").await;
    assert!(!b.has("input[name=password]").await);

    b.finish().await;
}

#[tokio::test]
async fn the_rare_pages_in_korean_on_a_phone() {
    the_rare_pages(Lang::Ko, Width::Phone).await;
}

#[tokio::test]
async fn the_rare_pages_in_english_on_a_desktop() {
    the_rare_pages(Lang::En, Width::Desktop).await;
}
