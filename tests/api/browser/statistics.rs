//! The office's statistics in Chromium (issue 18): an examiner reads `/stats`, narrows it with
//! the filter form, mistypes a month and is told next to the field; a visitor reads the public
//! `/statistics`. Every page checked with axe and for overflow on a phone, and photographed.

use ipdesk::domain::Role;

use super::{Browser, Lang, Width, spawn_app_for_browser};
use crate::helpers::{STRONG_PASSWORD, TestApp, act, file_case_with};

/// A dozen complaints of several kinds, fields, sizes and countries, some closed.
async fn an_office_with_figures(app: &TestApp) -> String {
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, e) = app.signed_in(Role::Examiner).await;
    let kinds = [
        "patent",
        "patent",
        "trade_secret",
        "design",
        "patent",
        "utility_model",
    ];
    let fields = [
        "H01L 21/02",
        "H01M 10/052",
        "C08K 3/36",
        "",
        "G02F 1/1333",
        "B60W 30/18",
    ];
    let countries = ["KR", "JP", "US", "", "KR", "CN"];
    let sizes = ["sme", "sme", "large", "individual", "sme", "sme"];
    for i in 0..12 {
        let k = i % kinds.len();
        let title = format!("Complaint {i}");
        let case_no = file_case_with(
            app,
            &complainant,
            &title,
            &[
                ("kind", kinds[k]),
                ("ipc_class", fields[k]),
                ("r0_country", countries[k]),
                ("c_size", sizes[k]),
            ],
        )
        .await;
        if i % 3 == 0 {
            assert_eq!(
                act(app, &examiner, &case_no, "start_review", &[]).await.status(),
                303
            );
            assert_eq!(
                act(app, &complainant, &case_no, "withdraw", &[]).await.status(),
                303
            );
        }
    }
    e.email
}

async fn the_office_reads_its_figures(lang: Lang, width: Width) {
    let app = spawn_app_for_browser().await;
    let Some(mut b) = Browser::open(&app, "statistics", lang, width).await else {
        return;
    };
    let examiner = an_office_with_figures(&app).await;

    // The public figures first, as anyone sees them.
    b.goto("/statistics", "public").await;
    assert!(b.has("svg.chart[role=img] title").await, "charts carry a title");
    assert!(b.has(".figure table").await, "the numbers are in a table beneath");
    assert!(b.text().await.contains("<5"), "small numbers are hidden");

    b.goto("/login", "sign-in").await;
    b.fill("#email", &examiner).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action^='/login'] button[type=submit]", "signed-in")
        .await;
    b.goto("/stats", "stats").await;
    assert!(b.has("#filed-by-month-title").await);
    assert!(b.has(".key-figures").await);
    assert!(
        b.has("a[href^='/stats/outcomes.csv']").await,
        "each figure downloads"
    );
    b.select("#kind", "patent").await;
    b.select("#field", "industry:semiconductors").await;
    b.submit("form.stats-filter button[type=submit]", "stats-filtered")
        .await;
    assert!(b.path().await.contains("kind=patent"));
    // A hand-typed address with a month that does not exist (the month field's picker would
    // not let one through).
    b.goto("/stats?from=2026-13&to=2026-02", "stats-bad-month").await;
    assert!(
        b.has("#from-error").await,
        "the month's mistake is said next to it"
    );
    b.finish().await;
}

#[tokio::test]
async fn the_office_reads_its_figures_in_korean_on_a_phone() {
    the_office_reads_its_figures(Lang::Ko, Width::Phone).await;
}

#[tokio::test]
async fn the_office_reads_its_figures_in_english_on_a_desktop() {
    the_office_reads_its_figures(Lang::En, Width::Desktop).await;
}

#[tokio::test]
async fn the_office_reads_its_figures_in_korean_on_a_desktop() {
    the_office_reads_its_figures(Lang::Ko, Width::Desktop).await;
}

#[tokio::test]
async fn the_office_reads_its_figures_in_english_on_a_phone() {
    the_office_reads_its_figures(Lang::En, Width::Phone).await;
}
