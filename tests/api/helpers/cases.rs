//! Cases as the tests need them: a complete complaint, filed; an action taken on it; the
//! respondent invited.

use chrono::TimeDelta;
use ipdesk::domain::Role;
use ipdesk::domain::office_time::OfficeZone;

use super::{TestApp, location};

/// A complete complaint form, as a person fills it in.
pub fn complaint(title: &str) -> Vec<(String, String)> {
    [
        ("kind", "trade_secret"),
        ("track", "mediation"),
        ("title", title),
        ("description", "Our battery separator coating process was disclosed by a former employee and is now used by the respondent."),
        ("ipc_class", "H01M 50/40"),
        ("damages_amount", "1,200,000,000"),
        ("damages_currency", "KRW"),
        ("remedy", "Stop using the process and compensate the damage."),
        ("origin", "self_filed"),
        ("c_kind", "organisation"),
        ("c_name", "(주)한빛테크"),
        ("c_registration_no", "123-45-67890"),
        ("c_size", "sme"),
        ("c_email", "legal@hanbit.example"),
        ("c_counsel_name", "Lee Attorney"),
        ("c_counsel_firm", "Seoul IP Law"),
        ("r0_kind", "organisation"),
        ("r0_name", "Megacorp Battery Ltd"),
        ("r0_size", "large"),
        ("r0_email", "legal@megacorp.example"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

pub async fn post_case(
    app: &TestApp,
    client: &reqwest::Client,
    mut fields: Vec<(String, String)>,
    action: &str,
) -> reqwest::Response {
    let page = app.page(client, "/cases/new").await;
    let key = regex::Regex::new(r#"name="draft_key" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .map(|c| c[1].to_owned());
    if !fields.iter().any(|(k, _)| k == "draft_key") {
        fields.push(("draft_key".into(), key.expect("the form carries a draft key")));
    }
    fields.push(("action".into(), action.into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_as(client, "/cases", &pairs).await
}

/// Files a complete complaint and returns its number.
pub async fn file_case(app: &TestApp, client: &reqwest::Client, title: &str) -> String {
    let res = post_case(app, client, complaint(title), "submit").await;
    assert_eq!(res.status(), 303, "filing succeeds");
    location(&res).trim_start_matches("/cases/").to_owned()
}

/// Files the usual complaint with these fields changed, and returns its number.
pub async fn file_case_with(
    app: &TestApp,
    client: &reqwest::Client,
    title: &str,
    changes: &[(&str, &str)],
) -> String {
    let mut fields: Vec<(String, String)> = complaint(title)
        .into_iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .collect();
    fields.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let res = post_case(app, client, fields, "submit").await;
    assert_eq!(res.status(), 303, "{title} is filed");
    location(&res).trim_start_matches("/cases/").to_owned()
}

/// Takes an action from the case page's own form (with the version the page shows).
pub async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    case_no: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = app.page(client, &format!("/cases/{case_no}")).await;
    let version = regex::Regex::new(r#"name="version" value="(\d+)""#)
        .unwrap()
        .captures(&page)
        .map(|c| c[1].to_owned())
        .unwrap_or_else(|| "1".into());
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("version", &version));
    app.post_as(client, &format!("/cases/{case_no}/actions/{action}"), &all)
        .await
}

/// A date `days` office days (Seoul's, the default office time zone) from today.
pub fn due_in(days: i64) -> String {
    let today = OfficeZone::SEOUL.day_of(chrono::Utc::now().naive_utc());
    (today + TimeDelta::days(days)).to_string()
}

pub async fn invitation_link(app: &TestApp) -> String {
    let notices = app.notices().await;
    let invitation = notices
        .iter()
        .find(|n| n.kind.as_str() == "respondent_invitation")
        .expect("an invitation was queued");
    let re = regex::Regex::new(r"/invitations/[A-Za-z0-9_-]+").unwrap();
    re.find(&invitation.body_text).unwrap().as_str().to_owned()
}

/// The office and a complainant, ready to file and notify.
pub async fn office(app: &TestApp) -> (reqwest::Client, reqwest::Client) {
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    (complainant, examiner)
}

/// Files a case, has the office notify the respondent at `email`, and returns the case number
/// and the invitation's path as mailed.
pub async fn invite(
    app: &TestApp,
    (complainant, examiner): &(reqwest::Client, reqwest::Client),
    title: &str,
    email: &str,
) -> (String, String) {
    let case_no = file_case(app, complainant, title).await;
    assert_eq!(
        act(app, examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    let due = due_in(15);
    let res = act(
        app,
        examiner,
        &case_no,
        "notify_respondent",
        &[("email", email), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303, "the respondent is notified");
    let notices = app.notices().await;
    let mailed = notices
        .iter()
        .find(|n| n.kind.as_str() == "respondent_invitation" && n.body_text.contains(&case_no))
        .expect("an invitation was queued");
    let re = regex::Regex::new(r"/invitations/[A-Za-z0-9_-]+").unwrap();
    let link = re.find(&mailed.body_text).unwrap().as_str().to_owned();
    (case_no, link)
}
