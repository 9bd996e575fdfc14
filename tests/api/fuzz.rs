//! Malformed requests: text with control characters or broken UTF-8 is refused where it enters
//! (query string, path, form body, multipart field) with 400, before any database sees it;
//! page numbers past any list are read as the last page there could be; and a fuzz pass sends
//! every route a few thousand malformed requests, none of which may get a server error.

use std::time::{Duration, Instant};

use ipdesk::auth::token;
use ipdesk::domain::workflow::{Action, InvestigationOutcome, ReceivingBody};
use ipdesk::domain::{
    Audience, CitationRole, Currency, Kind, NoteVisibility, Origin, PartyKind, PartySize, RightKind, Role,
    Side, State, Track, Visibility,
};
use ipdesk::models::id::UserId;
use ipdesk::routes::{ROUTES, Route, Verb};
use ipdesk::web::session;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

use crate::helpers::{STRONG_PASSWORD, TestApp, browser, location, spawn_app, spawn_app_with};
use crate::helpers::{file, pdf, upload};

/// The status of a GET, and the first lines of its page when it is a server error.
async fn status_of(app: &TestApp, client: &reqwest::Client, path: &str) -> u16 {
    let res = app.get_as(client, path).await;
    res.status().as_u16()
}

#[tokio::test]
async fn a_control_character_in_a_query_string_is_refused_with_400() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    for path in [
        "/cases?q=%00",
        "/cases?q=battery%00separator",
        "/cases?q=%1B%5B2J",
        "/cases?q=%C3%28",
        "/rights?q=a%00b",
        "/admin/audit?q=%00",
        "/admin/audit?action=%00",
        "/admin/outbox?status=%7F",
        "/login?next=/%00",
        "/deadlines?officer=%00",
    ] {
        assert_eq!(status_of(&app, &admin, path).await, 400, "{path}");
    }
    // Tabs and line breaks are text; a search for them is not refused.
    assert_eq!(status_of(&app, &admin, "/cases?q=a%09b%0D%0Ac").await, 200);
}

#[tokio::test]
async fn a_control_character_in_a_path_is_refused_with_400() {
    let app = spawn_app().await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    for path in [
        "/cases/drafts/%00",
        "/cases/IPD-2026-0%001",
        "/cases/IPD-2026-00001/exhibits/1%00/custody",
        "/rights/US%008930553B2",
        "/invitations/%00",
        "/n/%00abc",
        "/cases/%FF%FE",
    ] {
        assert_eq!(status_of(&app, &examiner, path).await, 400, "{path}");
    }
    let res = app.post_as(&examiner, "/cases/drafts/%00/delete", &[]).await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_control_character_in_a_form_field_is_refused_with_400_and_nothing_is_written() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Separator coating copied").await;
    let before = app.audit_actions().await.len();
    let notes = format!("/cases/{case_no}/notes");
    for body in ["a note\0with a NUL", "bell\x07", "escape \x1b[2J", "delete\x7f"] {
        let res = app
            .post_as(&examiner, &notes, &[("visibility", "internal"), ("body", body)])
            .await;
        assert_eq!(res.status(), 400, "{body:?}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("The request could not be understood"),
            "the usual page"
        );
    }
    let res = app
        .post_as(
            &examiner,
            &format!("/cases/{case_no}/actions/reject"),
            &[("text", "no\0reason")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = app
        .post_as(
            &examiner,
            "/rights",
            &[("number", "US8930553B2"), ("title", "Battery\0separator")],
        )
        .await;
    assert_eq!(res.status(), 400);
    // Broken UTF-8, percent-encoded or raw.
    let token = app.csrf(&examiner).await;
    for body in [
        format!("csrf_token={token}&visibility=internal&body=%C3%28").into_bytes(),
        [
            format!("csrf_token={token}&visibility=internal&body=").as_bytes(),
            b"\xff\xfe",
        ]
        .concat(),
    ] {
        let res = examiner
            .post(app.url(&notes))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
    }
    assert_eq!(app.audit_actions().await.len(), before, "nothing was recorded");
    // Line breaks and tabs are what a multi-line note is made of.
    let res = app
        .post_as(
            &examiner,
            &notes,
            &[
                ("visibility", "internal"),
                ("body", "first line\r\n\tsecond line"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn a_page_number_past_any_list_shows_an_empty_page() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    for list in ["/cases", "/admin/audit", "/admin/outbox", "/rights"] {
        for page in [
            "9223372036854775807",
            "9223372036854775806",
            "4611686018427387904",
            "-9223372036854775808",
        ] {
            let path = format!("{list}?page={page}");
            assert_eq!(status_of(&app, &admin, &path).await, 200, "{path}");
        }
    }
}

// ---- The fuzz pass ----

/// Random requests for each route and sender (four senders), besides the sweep of every
/// field; `FUZZ_SCALE` multiplies them.
const PER_ROUTE: usize = 6;
/// A fixed seed, so that a failure comes back when the test is run again; `FUZZ_SEED` picks
/// another.
const SEED: u64 = 15;
/// The account that signs in normally once the pass is over.
const CHECK_EMAIL: &str = "after-the-storm@example.org";
/// Small, so that an exhibit past the limit is quick to send.
const EXHIBIT_MAX: u64 = 64 * 1024;

/// Real rows the requests point at, so that they reach the handlers rather than a 404.
struct World {
    case_no: String,
    own_draft: String,
    others_draft: String,
    filed_key: String,
    exhibit: String,
    exhibit_id: String,
    bundle: String,
    right: String,
    link: String,
    /// Accounts an administrator's request may deactivate: none of the senders.
    bystanders: Vec<String>,
    emails: Vec<String>,
}

/// Who sends: a session made in the database (no password, so no throttling), made again
/// whenever a request ended it.
struct Sender {
    label: &'static str,
    user: Option<UserId>,
    cookie: String,
    csrf: String,
}

async fn new_session(app: &TestApp, user: Option<UserId>) -> (String, String) {
    let Some(user) = user else {
        // A visitor's state is a signed cookie the sign-in page hands out.
        let res = crate::helpers::bare_client()
            .get(app.url("/login"))
            .send()
            .await
            .unwrap();
        let cookie = crate::helpers::set_cookie(res.headers(), "ipdesk_session").unwrap();
        return (cookie, crate::helpers::csrf_from(&res.text().await.unwrap()));
    };
    app.with_db(move |c| {
        let cookie = ipdesk::services::sessions::begin(c, user, None, None)
            .unwrap()
            .cookie;
        let (row, _) = ipdesk::models::session::find_with_user(c, &token::hash(&cookie))
            .unwrap()
            .unwrap();
        (cookie, row.csrf_token)
    })
    .await
}

impl Sender {
    async fn new(app: &TestApp, label: &'static str, user: Option<UserId>) -> Sender {
        let (cookie, csrf) = new_session(app, user).await;
        Sender {
            label,
            user,
            cookie,
            csrf,
        }
    }
}

/// After a request that may have ended a sender's session (signing out or in, a password
/// changed, an account deactivated): every sender active and signed in again.
async fn restore(app: &TestApp, senders: &mut [Sender]) {
    let ids: Vec<i64> = senders.iter().filter_map(|s| s.user.map(|u| u.0)).collect();
    let hashes: Vec<String> = senders.iter().map(|s| token::hash(&s.cookie)).collect();
    let kept: Vec<String> = {
        let hashes = hashes.clone();
        app.with_db(move |c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::{sessions, users};
            diesel::update(users::table.filter(users::id.eq_any(&ids).and(users::active.eq(false))))
                .set(users::active.eq(true))
                .execute(c)
                .unwrap();
            sessions::table
                .filter(sessions::token_hash.eq_any(&hashes))
                .select(sessions::token_hash)
                .load(c)
                .unwrap()
        })
        .await
    };
    for (sender, hash) in senders.iter_mut().zip(hashes) {
        // A visitor's cookie is not a row and nothing ends it.
        if sender.user.is_some() && !kept.contains(&hash) {
            (sender.cookie, sender.csrf) = new_session(app, sender.user).await;
        }
    }
}

impl World {
    async fn build(app: &TestApp) -> World {
        let (mina, mina_row) = app.signed_in(Role::Complainant).await;
        let (other, _) = app.signed_in(Role::Complainant).await;
        let (examiner, _) = app.signed_in(Role::Examiner).await;
        let case_no = crate::helpers::file_case(app, &mina, "Separator coating copied").await;
        let save_draft = |client: reqwest::Client| async move {
            let key = uuid::Uuid::new_v4().to_string();
            let res = app
                .post_as(
                    &client,
                    "/cases",
                    &[("draft_key", &key), ("title", "A draft"), ("action", "save")],
                )
                .await;
            assert_eq!(res.status(), 303, "a draft is saved");
            key
        };
        let own_draft = save_draft(mina.clone()).await;
        let others_draft = save_draft(other).await;
        let res = upload(
            app,
            &examiner,
            &case_no,
            &[file("Supply contract", "parties", "contract.pdf", &pdf(1))],
        )
        .await;
        assert_eq!(res.status(), 303, "an exhibit is filed");
        let right = app
            .post_as(
                &examiner,
                "/rights",
                &[
                    ("number", "US 8,930,553 B2"),
                    ("title", "Battery separator"),
                    ("right_kind", "patent"),
                ],
            )
            .await;
        assert_eq!(right.status(), 303, "a right is added");
        let right = location(&right).trim_start_matches("/rights/").to_owned();
        let res = app
            .post_as(
                &examiner,
                &format!("/cases/{case_no}/rights"),
                &[("number", "US 8,930,553 B2"), ("role", "asserted")],
            )
            .await;
        assert!(res.status().is_redirection(), "the right is cited");
        let res = app
            .post_as(
                &examiner,
                &format!("/cases/{case_no}/bundles"),
                &[("audience", Audience::ALL[0].as_str())],
            )
            .await;
        assert_eq!(res.status(), 303, "a bundle is requested");
        let bundle = location(&res).rsplit('/').next().unwrap().to_owned();
        let mediator = app
            .create_user(Role::Mediator, "mediator@panel.example", STRONG_PASSWORD)
            .await;
        let no = case_no.clone();
        let (filed_key, exhibit, exhibit_id, link) = app
            .with_db(move |c| {
                use diesel::prelude::*;
                use ipdesk::db::schema::{case_rights, cases, exhibits};
                let (id, key) = cases::table
                    .filter(cases::case_no.eq(no))
                    .select((cases::id, cases::draft_key))
                    .first::<(i64, String)>(c)
                    .unwrap();
                let (exhibit_id, number) = exhibits::table
                    .select((exhibits::id, exhibits::number))
                    .first::<(i64, i32)>(c)
                    .unwrap();
                let link = case_rights::table
                    .filter(case_rights::case_id.eq(id))
                    .select(case_rights::id)
                    .first::<i64>(c)
                    .unwrap();
                (key, number.to_string(), exhibit_id.to_string(), link.to_string())
            })
            .await;
        World {
            case_no,
            own_draft,
            others_draft,
            filed_key,
            exhibit,
            exhibit_id,
            bundle,
            right,
            link,
            bystanders: vec![mediator.id.0.to_string()],
            emails: vec![
                mina_row.email,
                "legal@megacorp.example".into(),
                "new-person@example.org".into(),
            ],
        }
    }
}

/// Values no form offers: control characters, broken UTF-8, numbers past every integer type,
/// markup, look-alike characters, dates that do not exist, very long text.
fn hostile(rng: &mut StdRng) -> Vec<u8> {
    const SHORT: &[&[u8]] = &[
        b"\0",
        b"a\0b",
        b"\x01",
        b"\x08",
        b"\x1b[2J",
        b"\x7f",
        b"\xc2\x85",
        b"\xc3\x28",
        b"\xff\xfe",
        b"\xed\xa0\x80",
        b"\xc0\xaf",
        b"",
        b" ",
        b"\t",
        b"\r\n",
        b"9223372036854775807",
        b"9223372036854775808",
        b"-9223372036854775808",
        b"18446744073709551616",
        b"2147483648",
        b"-1",
        b"0",
        b"1e309",
        b"NaN",
        b"1.5",
        b"0x10",
        b"true",
        b"null",
        b"[]",
        b"<script>alert(1)</script>",
        b"\"><img src=x onerror=alert(1)>",
        b"javascript:alert(1)",
        b"' OR '1'='1",
        b"%",
        b"%00",
        b"\\",
        b"../../etc/passwd",
        b"//evil.example",
        "한글 テスト".as_bytes(),
        "😀".as_bytes(),
        "\u{202e}gpj.exe".as_bytes(),
        "\u{feff}".as_bytes(),
        b"2026-02-30",
        b"0000-00-00",
        b"+275760-09-13",
        b"9999-12-31T23:59",
        b"IPD-9999-99999",
        b"US 8,930,553 B2",
    ];
    match rng.random_range(0..12) {
        0 => "가".repeat(rng.random_range(1_000..40_000)).into_bytes(),
        1 => (0..rng.random_range(1..64)).map(|_| rng.random()).collect(),
        2 => {
            let mut text = b"Battery separator".to_vec();
            let at = rng.random_range(0..=text.len());
            text.insert(at, rng.random_range(0..0x20));
            text
        }
        _ => SHORT.choose(rng).unwrap().to_vec(),
    }
}

fn pick<T: Copy>(rng: &mut StdRng, list: &[T]) -> T {
    *list.choose(rng).unwrap()
}

/// A value such as the page would send for `field`.
fn plausible(field: &str, w: &World, rng: &mut StdRng) -> String {
    let line = ["Battery separator", "(주)한빛테크", "  spaced  "];
    let lines = [
        "Battery separator",
        "(주)한빛테크",
        "Line one\r\nline two\tand a tab",
    ];
    // Party fields: `c_name`, `r0_kind`…
    if let Some(rest) = field.strip_prefix("c_").or_else(|| {
        field
            .strip_prefix('r')
            .and_then(|r| r.split_once('_'))
            .map(|(_, f)| f)
    }) {
        return match rest {
            "kind" => pick(rng, PartyKind::ALL).as_str().into(),
            "size" => pick(rng, PartySize::ALL).as_str().into(),
            "email" | "counsel_email" => w.emails.choose(rng).unwrap().clone(),
            _ => pick(rng, &line).into(),
        };
    }
    match field {
        "email" => w.emails.choose(rng).unwrap().clone(),
        "password" | "current_password" | "new_password" => {
            pick(rng, &["wrong-password", STRONG_PASSWORD, "short"]).into()
        }
        "name" => pick(rng, &["Kim Minji", "(주)한빛테크"]).into(),
        "role" => {
            if rng.random_bool(0.5) {
                pick(rng, CitationRole::ALL).as_str().into()
            } else {
                pick(rng, &Role::ALL).to_string()
            }
        }
        "lang" => pick(rng, &["en", "ko"]).into(),
        "next" => pick(rng, &["/cases", "/", "//evil.example", "https://evil.example/"]).into(),
        "token" => "no-such-token".into(),
        "draft_key" => match rng.random_range(0..4) {
            0 => w.own_draft.clone(),
            1 => w.others_draft.clone(),
            2 => w.filed_key.clone(),
            _ => new_key(rng),
        },
        "action" => pick(rng, &["save", "submit", "add_respondent"]).into(),
        "track" => pick(rng, Track::ALL).as_str().into(),
        "kind" => pick(rng, Kind::ALL).as_str().into(),
        "origin" => pick(rng, Origin::ALL).as_str().into(),
        "damages_currency" => pick(rng, Currency::ALL).as_str().into(),
        "damages_amount" => pick(rng, &["1,200,000", "0", ""]).into(),
        "visibility" => {
            if rng.random_bool(0.5) {
                pick(rng, Visibility::ALL).as_str().into()
            } else {
                pick(rng, NoteVisibility::ALL).as_str().into()
            }
        }
        "side" => pick(rng, Side::ALL).as_str().into(),
        "audience" => pick(rng, Audience::ALL).as_str().into(),
        "version" => pick(rng, &["1", "2", "3"]).into(),
        "due" => "2031-01-15".into(),
        "session_at" => "2031-01-15T10:00".into(),
        "place" => "Room 301".into(),
        "complainant_attended" | "respondent_attended" | "mine" | "choice" => "1".into(),
        "body" => {
            if rng.random_bool(0.5) {
                pick(rng, ReceivingBody::ALL).as_str().into()
            } else {
                pick(rng, &lines).into()
            }
        }
        "outcome" => pick(rng, InvestigationOutcome::ALL).as_str().into(),
        "days" => "30".into(),
        "officer" | "mediator" | "party" => w.bystanders.choose(rng).unwrap().clone(),
        "number" => pick(rng, &["US 8,930,553 B2", w.right.as_str(), w.exhibit.as_str()]).into(),
        "claims" => "1-3".into(),
        "supersedes" => w.exhibit_id.clone(),
        "supports" => "".into(),
        "right_kind" => pick(rng, RightKind::ALL).as_str().into(),
        "filing_date" | "publication_date" | "grant_date" => "2013-07-11".into(),
        "ipc" | "ipc_class" => "H01M 50/40".into(),
        "cpc" => "H01M50/403".into(),
        "status" => pick(rng, &["registered", "failed", "sent", "queued"]).into(),
        "state" => pick(rng, State::ALL).as_str().into(),
        "sort" => pick(rng, &["newest", "oldest", "title", "due"]).into(),
        "page" => pick(rng, &["1", "2", "9223372036854775807"]).into(),
        "q" => pick(rng, &["battery", "IPD-2026", "US8930553"]).into(),
        "sha256" => "ab".repeat(32),
        "country" => "US".into(),
        "year" => pick(rng, &["2026", "2025", "1999", "20x6"]).into(),
        "quarter" => pick(rng, &["1", "4", "5"]).into(),
        "from" | "to" => pick(rng, &["2026-01", "2026-12", "2026-13", "March"]).into(),
        "field" => pick(
            rng,
            &[
                "H",
                "H01L",
                "industry:semiconductors",
                "industry:nope",
                "none",
                "Z9",
            ],
        )
        .into(),
        "size" => pick(rng, &["sme", "large", "none", "huge"]).into(),
        "description" | "remedy" | "text" | "note" | "abstract_text" | "inventors" | "applicants"
        | "owners" | "other_titles" | "citations" => pick(rng, &lines).into(),
        _ => pick(rng, &line).into(),
    }
}

const CASE_FIELDS: &[&str] = &[
    "draft_key",
    "track",
    "kind",
    "title",
    "description",
    "ipc_class",
    "damages_amount",
    "damages_currency",
    "remedy",
    "origin",
    "origin_reference",
    "c_kind",
    "c_name",
    "c_registration_no",
    "c_size",
    "c_country",
    "c_address",
    "c_email",
    "c_phone",
    "c_counsel_name",
    "c_counsel_firm",
    "c_counsel_email",
    "r0_kind",
    "r0_name",
    "r0_size",
    "r0_country",
    "r0_email",
    "r1_name",
    "action",
    "version",
];

const ACTION_FIELDS: &[&str] = &[
    "version",
    "text",
    "due",
    "email",
    "mediator",
    "mediator",
    "session_at",
    "place",
    "complainant_attended",
    "respondent_attended",
    "body",
    "outcome",
    "days",
    "officer",
    "party",
];

const RIGHT_FIELDS: &[&str] = &[
    "number",
    "right_kind",
    "title",
    "other_titles",
    "applicants",
    "owners",
    "inventors",
    "application_no",
    "filing_date",
    "publication_date",
    "grant_date",
    "status",
    "ipc",
    "cpc",
    "abstract_text",
    "citations",
];

/// What each GET route reads from its query string. A new route needs a line here.
fn query_fields(path: &str) -> &'static [&'static str] {
    match path {
        "/cases" | "/cases.csv" => &["q", "state", "kind", "track", "mine", "officer", "sort", "page"],
        "/admin/audit" => &["q", "action", "page"],
        "/admin/outbox" => &["status", "page"],
        "/rights" => &["q", "kind", "country", "page"],
        "/rights/new" => &["number"],
        "/login" | "/login/second-factor" | "/step-up" => &["next"],
        "/setup" | "/verify-email" | "/password-reset/confirm" => &["token"],
        "/cases/{case_no}/fingerprint" => &["sha256"],
        "/deadlines" => &["officer", "kind", "overdue", "page"],
        "/stats" | "/stats/{file}" => &["year", "quarter", "from", "to", "kind", "track", "field", "size"],
        "/statistics" => &["year"],
        "/healthz"
        | "/static/{file}"
        | "/"
        | "/register"
        | "/password-reset"
        | "/account"
        | "/account/password"
        | "/account/security"
        | "/admin/users"
        | "/cases/new"
        | "/cases/drafts/{key}"
        | "/cases/{case_no}"
        | "/cases/{case_no}/edit"
        | "/cases/{case_no}/exhibits/{number}"
        | "/cases/{case_no}/exhibits/{number}/custody"
        | "/cases/{case_no}/exhibits/{number}/custody.csv"
        | "/cases/{case_no}/custody.csv"
        | "/cases/{case_no}/bundles/{id}"
        | "/cases/{case_no}/bundles/{id}/download"
        | "/office-key"
        | "/office-key.pem"
        | "/office-keys.pem"
        | "/admin/office-keys"
        | "/rights/{docdb}"
        | "/rights/{docdb}/edit"
        | "/admin/rights/import"
        | "/statistics/{file}"
        | "/n/{token}"
        | "/calendar/{secret}.ics"
        | "/invitations/{token}" => &[],
        other => panic!("no query written for GET {other}: add one to the fuzz pass"),
    }
}

/// Query parameters some page reads.
const QUERY_FIELDS: &[&str] = &[
    "q", "page", "state", "kind", "track", "mine", "officer", "sort", "status", "action", "token", "next",
    "sha256", "number", "country", "year", "quarter", "from", "to", "field", "size",
];

enum Shape {
    Form(&'static [&'static str]),
    Upload(&'static [&'static str]),
}

/// What each POST route's page sends. A new route needs a line here, or the pass stops.
fn shape(path: &str) -> Shape {
    use Shape::*;
    match path {
        "/language" => Form(&["lang", "next"]),
        "/login" => Form(&["email", "password", "next"]),
        "/register" => Form(&["name", "email", "password"]),
        "/setup" => Form(&["token", "name", "email", "password"]),
        "/verify-email" => Form(&["token"]),
        "/password-reset" => Form(&["email"]),
        "/password-reset/confirm" => Form(&["token", "password"]),
        "/account/password" => Form(&["current_password", "new_password"]),
        "/account/calendar" => Form(&["feed"]),
        "/admin/office-keys" => Form(&["confirm"]),
        "/admin/users" => Form(&["name", "email", "role"]),
        "/login/second-factor" | "/step-up" => Form(&[
            "factor_code",
            "passkey_ceremony",
            "passkey_credential",
            "factor_next",
            "factor_replay",
        ]),
        "/login/passkey" => Form(&["passkey_ceremony", "passkey_credential", "factor_next"]),
        "/passkeys/options" => Form(&["purpose"]),
        "/account/security/totp/confirm" => Form(&["code"]),
        "/account/security/passkeys" => Form(&["passkey_name", "passkey_ceremony", "passkey_credential"]),
        "/account/security/passkeys/{id}/rename" => Form(&["name"]),
        "/logout"
        | "/session/extend"
        | "/verify-email/resend"
        | "/admin/users/{id}/deactivate"
        | "/admin/users/{id}/activate"
        | "/admin/users/{id}/reset-factors"
        | "/account/security/totp"
        | "/account/security/totp/remove"
        | "/account/security/passkeys/options"
        | "/account/security/passkeys/{id}/remove"
        | "/account/security/recovery-codes"
        | "/admin/outbox/{id}/retry"
        | "/admin/audit/verify"
        | "/cases/drafts/{key}/delete"
        | "/cases/{case_no}/rights/{link}/remove"
        | "/cases/drafts/{key}/rights/{link}/remove" => Form(&[]),
        "/cases" | "/cases/drafts/autosave" | "/cases/{case_no}/edit" => Form(CASE_FIELDS),
        "/cases/{case_no}/notes" => Form(&["visibility", "body"]),
        "/cases/{case_no}/actions/{action}" => Form(ACTION_FIELDS),
        "/cases/{case_no}/rights" | "/cases/drafts/{key}/rights" => {
            Form(&["number", "choice", "role", "claims", "note"])
        }
        "/cases/{case_no}/exhibits/{number}/visibility" => Form(&["visibility"]),
        "/cases/{case_no}/bundles" => Form(&["audience"]),
        "/rights" | "/rights/{docdb}/edit" => Form(RIGHT_FIELDS),
        "/invitations/{token}" => Form(&["name", "password"]),
        "/cases/{case_no}/exhibits" => Upload(&[
            "title",
            "visibility",
            "description",
            "side",
            "supports",
            "supersedes",
            "file",
            "title.2",
            "visibility.2",
            "file.2",
        ]),
        "/cases/{case_no}/exhibits/{number}/check" | "/admin/rights/import" => Upload(&["file"]),
        other => panic!("no form written for POST {other}: add one to the fuzz pass"),
    }
}

/// A path segment as a page links it.
fn plausible_segment(name: &str, w: &World, rng: &mut StdRng) -> String {
    match name {
        "file" => pick(
            rng,
            &[
                "app.css",
                "app.js",
                "missing.css",
                "outcomes.json",
                "filed-by-month.csv",
                "2026.csv",
                "2026-fields.json",
            ],
        )
        .into(),
        "id" => pick(rng, &[w.bystanders[0].as_str(), w.bundle.as_str(), "1", "999999"]).into(),
        "case_no" => pick(rng, &[w.case_no.as_str(), "IPD-2026-99999"]).into(),
        "key" => pick(
            rng,
            &[
                w.own_draft.as_str(),
                w.others_draft.as_str(),
                w.filed_key.as_str(),
                "00000000-0000-0000-0000-000000000000",
            ],
        )
        .into(),
        "action" => pick(rng, Action::ALL).as_str().into(),
        "token" => "no-such-token".into(),
        "secret" => pick(
            rng,
            &[
                "1-1-00000000000000000000000000000000",
                "1-1",
                "-",
                "9223372036854775807-2147483647-x",
            ],
        )
        .into(),
        "docdb" => pick(rng, &[w.right.as_str(), "US8930553B2", "KR101503659B1"]).into(),
        "link" => pick(rng, &[w.link.as_str(), "999999"]).into(),
        "number" => pick(rng, &[w.exhibit.as_str(), "1001", "1"]).into(),
        other => panic!("no values written for the path parameter {{{other}}}: add some"),
    }
}

fn encode(bytes: &[u8]) -> String {
    form_urlencoded::byte_serialize(bytes).collect()
}

/// The route's pattern with each parameter filled in, mostly as a page would.
fn fill(route: &Route, change: Change, w: &World, rng: &mut StdRng) -> String {
    let mut path = String::new();
    let mut rest = route.path;
    let params = route.path.matches('{').count();
    let nul_at = matches!(change, Change::NulInPath).then(|| rng.random_range(0..params.max(1)));
    let mut param = 0;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        path.push_str(&rest[..start]);
        let name = &rest[start + 1..end];
        if nul_at == Some(param) {
            path.push_str(&plausible_segment(name, w, rng));
            path.push_str("%00");
        } else if !matches!(change, Change::Random) || rng.random_bool(0.75) {
            path.push_str(&plausible_segment(name, w, rng));
        } else {
            let segment = hostile(rng);
            // Long segments stay short enough for a request line.
            path.push_str(&encode(&segment[..segment.len().min(2_000)]));
        }
        rest = &rest[end + 1..];
        param += 1;
    }
    path.push_str(rest);
    path
}

/// Fields as the page would send them, then changed: values replaced by hostile ones or by
/// another field's, fields dropped, repeated or added.
fn mutate(fields: &[&str], w: &World, rng: &mut StdRng) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for f in fields {
        if rng.random_bool(0.9) {
            pairs.push((f.as_bytes().to_vec(), plausible(f, w, rng).into_bytes()));
        }
    }
    // Mostly one change, so that the rest of the form is fine and the change is what the
    // handler meets.
    for _ in 0..pick(rng, &[1, 1, 1, 2, 3]) {
        let at = rng.random_range(0..=pairs.len());
        let last = pairs.len().saturating_sub(1);
        match rng.random_range(0..10) {
            0..=2 if !pairs.is_empty() => pairs[at.min(last)].1 = hostile(rng),
            3 | 4 if !pairs.is_empty() => pairs[at.min(last)].1.clear(),
            5 if !pairs.is_empty() => {
                pairs.remove(at.min(last));
            }
            6 if !pairs.is_empty() => {
                let copy = pairs[at.min(last)].0.clone();
                let value = if rng.random_bool(0.5) {
                    hostile(rng)
                } else {
                    b"1".to_vec()
                };
                pairs.insert(at, (copy, value));
            }
            7 if !pairs.is_empty() => {
                // Another field's value: a date where a number goes, and so on.
                let other = pick(rng, CASE_FIELDS);
                pairs[at.min(last)].1 = plausible(other, w, rng).into_bytes();
            }
            _ => {
                let name = match rng.random_range(0..4) {
                    0 => hostile(rng),
                    1 => format!("r{}_name", pick(rng, &["10", "99999999999999999999", "-1"])).into_bytes(),
                    _ => pick(rng, QUERY_FIELDS).as_bytes().to_vec(),
                };
                pairs.insert(at, (name, hostile(rng)));
            }
        }
    }
    pairs
}

/// What one request changes in what a page would send: anything (random), or one thing only:
/// one field left empty, given a NUL or a hostile value, or a NUL in one path parameter. The
/// single changes are swept over every field of every form and query and over the path, so
/// each meets each kind at least once.
#[derive(Clone, Copy, Debug)]
enum Change {
    Random,
    Blank(usize),
    Nul(usize),
    Hostile(usize),
    NulInPath,
}

impl Change {
    fn sweep(route: &Route) -> impl Iterator<Item = Change> + use<> {
        let fields = match route.verb {
            Verb::Get => query_fields(route.path).len(),
            Verb::Post => match shape(route.path) {
                Shape::Form(fields) | Shape::Upload(fields) => fields.len(),
            },
        };
        let path = route.path.contains('{').then_some(Change::NulInPath);
        (0..fields)
            .flat_map(|i| [Change::Blank(i), Change::Nul(i), Change::Hostile(i)])
            .chain(path)
    }
}

fn fields_with(fields: &[&str], change: Change, w: &World, rng: &mut StdRng) -> Vec<(Vec<u8>, Vec<u8>)> {
    let (i, value) = match change {
        Change::Random => return mutate(fields, w, rng),
        Change::Blank(i) => (i, Some(Vec::new())),
        Change::Nul(i) => {
            let mut value = plausible(fields[i], w, rng).into_bytes();
            value.insert(value.len() / 2, 0);
            (i, Some(value))
        }
        Change::Hostile(i) => (i, Some(hostile(rng))),
        Change::NulInPath => (0, None),
    };
    // A new form's key: the one change is then all that sets the request apart from a form
    // being filled in.
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = fields
        .iter()
        .map(|&f| {
            let plain = match f {
                "draft_key" => new_key(rng),
                _ => plausible(f, w, rng),
            };
            (f.as_bytes().to_vec(), plain.into_bytes())
        })
        .collect();
    if let Some(value) = value {
        pairs[i].1 = value;
    }
    pairs
}

/// A draft key as a new form gets one, from the seeded generator.
fn new_key(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

fn urlencoded(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

struct Request {
    method: reqwest::Method,
    path: String,
    body: Option<(String, Vec<u8>)>,
}

impl Request {
    fn describe(&self, sender: &str) -> String {
        let body = self.body.as_ref().map_or(String::new(), |(kind, bytes)| {
            let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).into_owned();
            format!(
                "\n    content-type: {kind}\n    body ({} bytes): {shown:?}",
                bytes.len()
            )
        });
        let path = if self.path.len() > 600 {
            format!("{}… ({} bytes)", &self.path[..600], self.path.len())
        } else {
            self.path.clone()
        };
        format!("{sender}: {} {path}{body}", self.method)
    }
}

fn get_request(route: &Route, change: Change, w: &World, rng: &mut StdRng) -> Request {
    let path = fill(route, change, w, rng);
    let fields = query_fields(route.path);
    let query = match rng.random_range(0..20) {
        _ if !matches!(change, Change::Random) => {
            String::from_utf8(urlencoded(&fields_with(fields, change, w, rng))).unwrap()
        }
        0 => String::new(),
        // Garbage where a query string goes.
        1 => pick(
            rng,
            &["&&&", "=", "a=%", "%zz=1", "page", "q=%ED%95", "page[]=1&page=2"],
        )
        .into(),
        2 => format!("q={}", "x".repeat(rng.random_range(4_000..30_000))),
        _ => {
            let mut fields = fields.to_vec();
            if fields.is_empty() || rng.random_bool(0.2) {
                fields.push(pick(rng, QUERY_FIELDS));
            }
            String::from_utf8(urlencoded(&mutate(&fields, w, rng))).unwrap()
        }
    };
    let method = if rng.random_bool(0.1) {
        reqwest::Method::HEAD
    } else {
        reqwest::Method::GET
    };
    let path = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    Request {
        method,
        path,
        body: None,
    }
}

fn form_body(
    fields: &[&str],
    change: Change,
    sender: &Sender,
    w: &World,
    rng: &mut StdRng,
) -> (String, Vec<u8>) {
    let form = "application/x-www-form-urlencoded".to_owned();
    let mode = match change {
        Change::Random => rng.random_range(0..40),
        _ => 40,
    };
    match mode {
        // Past the form limit.
        0 => (
            form,
            format!("csrf_token={}&title={}", sender.csrf, "a".repeat(1_100_000)).into_bytes(),
        ),
        // Not a form at all, or a form that says it is something else.
        1 => (
            form,
            (0..rng.random_range(1..512)).map(|_| rng.random()).collect(),
        ),
        2 => (
            "application/json".into(),
            br#"{"csrf_token": 1, "title": [null]}"#.to_vec(),
        ),
        3 => (
            "text/plain".into(),
            format!("csrf_token={}", sender.csrf).into_bytes(),
        ),
        4 => (
            "multipart/form-data; boundary=x".into(),
            format!("csrf_token={}&title=x", sender.csrf).into_bytes(),
        ),
        // Raw bytes, not percent-encoded.
        5 => {
            let mut body = format!("csrf_token={}&title=", sender.csrf).into_bytes();
            body.extend(hostile(rng));
            (form, body)
        }
        n => {
            let mut pairs = fields_with(fields, change, w, rng);
            let token = match n {
                6 => None,
                7 => Some(b"not-the-token".to_vec()),
                _ => Some(sender.csrf.as_bytes().to_vec()),
            };
            if let Some(token) = token {
                let at = if rng.random_bool(0.5) { 0 } else { pairs.len() };
                pairs.insert(at, (b"csrf_token".to_vec(), token));
            }
            (form, urlencoded(&pairs))
        }
    }
}

/// A multipart body written by hand, so that it can be as broken as wanted.
/// One part of a multipart body: its name, a file name if it is a file, and its bytes.
struct Part {
    name: Vec<u8>,
    file_name: Option<Vec<u8>>,
    content: Vec<u8>,
}

impl Part {
    fn text(name: &[u8], content: &[u8]) -> Part {
        Part {
            name: name.to_vec(),
            file_name: None,
            content: content.to_vec(),
        }
    }
}

fn multipart(parts: &[Part], boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for Part {
        name,
        file_name,
        content,
    } in parts
    {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"").as_bytes());
        body.extend_from_slice(name);
        body.push(b'"');
        if let Some(file_name) = file_name {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(file_name);
            body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// A file as an upload might carry it: a real PDF, nothing, noise, text with control
/// characters and broken UTF-8 in the formats the import reads, one byte past the limit.
fn upload_file(rng: &mut StdRng) -> Vec<u8> {
    match rng.random_range(0..6) {
        0 => pdf(rng.random_range(0..1_000_000)),
        1 => Vec::new(),
        2 => (0..rng.random_range(1..2048)).map(|_| rng.random()).collect(),
        3 => b"Number,Title,Applicants\nUS 8930553 B2,Bat\0tery,\x1b[2J\nKR 10-1503659 B1,\xff\xfe,x\n"
            .to_vec(),
        4 => {
            b"<?xml version=\"1.0\"?>\n<response><header>\0</header><body>\xc3\x28</body></response>".to_vec()
        }
        _ => vec![b'%'; EXHIBIT_MAX as usize + 1],
    }
}

fn upload_body(
    fields: &[&str],
    change: Change,
    sender: &Sender,
    w: &World,
    rng: &mut StdRng,
) -> (String, Vec<u8>) {
    let random = matches!(change, Change::Random);
    let mut parts = Vec::new();
    for (name, value) in fields_with(fields, change, w, rng) {
        let is_file = name.starts_with(b"file");
        if is_file {
            let file_name = if !random || rng.random_bool(0.7) {
                b"exhibit.pdf".to_vec()
            } else {
                hostile(rng)
            };
            let content = if random {
                upload_file(rng)
            } else {
                pdf(rng.random_range(0..1_000_000))
            };
            parts.push(Part {
                name,
                file_name: Some(file_name),
                content,
            });
        } else {
            parts.push(Part::text(&name, &value));
        }
    }
    let token = Part::text(b"csrf_token", sender.csrf.as_bytes());
    match rng.random_range(0..10) {
        0 if random => {}
        1 if random => parts.push(token),
        _ => parts.insert(0, token),
    }
    let boundary = "fuzz-boundary-7MA4YWxkTrZu0gW";
    let mut body = multipart(&parts, boundary);
    let kind = match rng.random_range(0..12) {
        _ if !random => format!("multipart/form-data; boundary={boundary}"),
        // Cut off part way.
        0 => {
            body.truncate(rng.random_range(0..=body.len()));
            format!("multipart/form-data; boundary={boundary}")
        }
        1 => "multipart/form-data; boundary=another".into(),
        2 => "multipart/form-data".into(),
        3 => "application/x-www-form-urlencoded".into(),
        _ => format!("multipart/form-data; boundary={boundary}"),
    };
    (kind, body)
}

fn post_request(route: &Route, change: Change, sender: &Sender, w: &World, rng: &mut StdRng) -> Request {
    let mut path = fill(route, change, w, rng);
    if matches!(change, Change::Random) && rng.random_bool(0.1) {
        let query = urlencoded(&mutate(&[pick(rng, QUERY_FIELDS)], w, rng));
        path = format!("{path}?{}", String::from_utf8(query).unwrap());
    }
    let body = match shape(route.path) {
        Shape::Form(fields) => form_body(fields, change, sender, w, rng),
        Shape::Upload(fields) => upload_body(fields, change, sender, w, rng),
    };
    Request {
        method: reqwest::Method::POST,
        path,
        body: Some(body),
    }
}

/// Sends the request as the sender; a server error, or no answer, is what it says went wrong.
async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    sender: &Sender,
    request: &Request,
) -> Result<(), String> {
    let cookie = format!("{}={}", session::cookie_name(false), sender.cookie);
    let mut builder = client
        .request(request.method.clone(), app.url(&request.path))
        .header("cookie", cookie);
    if let Some((kind, bytes)) = &request.body {
        builder = builder.header("content-type", kind).body(bytes.clone());
    }
    match builder.send().await {
        Ok(res) if res.status().is_server_error() => {
            let status = res.status();
            let page = res.text().await.unwrap_or_default();
            let reason = regex::Regex::new(r"<title>([^<]*)</title>")
                .unwrap()
                .captures(&page)
                .map_or(String::new(), |c| c[1].to_owned());
            Err(format!("{status} {reason}"))
        }
        Ok(res) => {
            // Read to the end: the server must finish what it started.
            res.bytes()
                .await
                .map(drop)
                .map_err(|e| format!("the answer broke off: {e}"))
        }
        Err(e) if e.is_builder() => Ok(()),
        Err(e) => {
            let mut why = e.to_string();
            let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(&e);
            while let Some(c) = cause {
                why = format!("{why}: {c}");
                cause = c.source();
            }
            Err(format!("no answer: {why}"))
        }
    }
}

/// Every route, as nobody, a complainant, an examiner and an administrator, with a few
/// thousand requests the pages would never send. None may get a 5xx or go unanswered, and
/// afterwards the server answers its health check and lets someone sign in.
#[tokio::test]
async fn no_malformed_request_gets_a_server_error_and_the_server_stays_healthy() {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let scale: usize = std::env::var("FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let app = spawn_app_with(|s| {
        // Refused sign-ins from this one address must not lock out the check at the end.
        s.address_max_failures = u32::MAX;
        s.exhibit_max_bytes = EXHIBIT_MAX;
    })
    .await;
    let world = World::build(&app).await;
    let ids = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::users;
            users::table
                .select((users::id, users::role))
                .load::<(i64, String)>(c)
                .unwrap()
        })
        .await;
    let first = |role: Role| {
        ids.iter()
            .find(|(_, r)| *r == role.to_string())
            .map(|(id, _)| UserId(*id))
    };
    let mut senders = vec![
        Sender::new(&app, "nobody", None).await,
        Sender::new(&app, "complainant", first(Role::Complainant)).await,
        Sender::new(&app, "examiner", first(Role::Examiner)).await,
        Sender::new(
            &app,
            "admin",
            Some(
                app.create_user(Role::Admin, "fuzz-admin@ipo.example", STRONG_PASSWORD)
                    .await
                    .id,
            ),
        )
        .await,
    ];

    let mut rng = StdRng::seed_from_u64(seed);
    // Random requests for every route and sender, and every field of its form or query left
    // empty and given a hostile value; in a shuffled order, so that each meets the state the
    // others leave.
    let mut jobs: Vec<(&Route, usize, Change)> = Vec::new();
    for route in ROUTES {
        for s in 0..senders.len() {
            let changes = std::iter::repeat_n(Change::Random, PER_ROUTE * scale).chain(Change::sweep(route));
            jobs.extend(changes.map(|change| (route, s, change)));
        }
    }
    jobs.shuffle(&mut rng);
    // A connection for each request: one the server closed after refusing a body it did not
    // read must not be taken up again, or the next request would fail for nothing it did.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut failures = Vec::new();
    for &(route, s, change) in &jobs {
        let request = match route.verb {
            Verb::Get => get_request(route, change, &world, &mut rng),
            Verb::Post => post_request(route, change, &senders[s], &world, &mut rng),
        };
        if let Err(what) = send(&client, &app, &senders[s], &request).await {
            failures.push(format!("{} → {what}", request.describe(senders[s].label)));
        }
        if route.verb == Verb::Post {
            restore(&app, &mut senders).await;
        }
    }
    let took = started.elapsed();
    eprintln!(
        "fuzz pass: {} requests to {} routes in {took:.1?} (seed {seed}, {})",
        jobs.len(),
        ROUTES.len(),
        if app.db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    if !failures.is_empty() {
        // What the server logged about them: the cause under each correlation id.
        let logged: Vec<String> = crate::helpers::logs()
            .lines()
            .filter(|l| l.contains(r#""level":"ERROR""#))
            .take(10)
            .map(|l| l.chars().take(1_500).collect())
            .collect();
        panic!(
            "{} of {} requests got a server error or no answer (seed {seed}); the first:\n{}\n\nlogged:\n{}",
            failures.len(),
            jobs.len(),
            failures.iter().take(25).cloned().collect::<Vec<_>>().join("\n"),
            logged.join("\n")
        );
    }

    assert_eq!(app.get("/healthz").await.status(), 200, "the server is healthy");
    // A new account: the pass may have deactivated any old one.
    app.create_user(Role::Complainant, CHECK_EMAIL, STRONG_PASSWORD)
        .await;
    let someone = browser();
    let res = app.login_as(&someone, CHECK_EMAIL, STRONG_PASSWORD).await;
    assert_eq!(res.status(), 303, "a normal sign-in still works");
    assert_eq!(app.get_as(&someone, "/cases").await.status(), 200);
}

#[tokio::test]
async fn an_upload_cut_off_inside_a_boundary_is_answered() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Separator coating copied").await;
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Supply contract", "parties", "contract.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let number = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::exhibits;
            exhibits::table.select(exhibits::number).first::<i32>(c).unwrap()
        })
        .await;
    for (client, path) in [
        (&admin, "/admin/rights/import".to_owned()),
        (&examiner, format!("/cases/{case_no}/exhibits")),
        (&examiner, format!("/cases/{case_no}/exhibits/{number}/check")),
    ] {
        let token = app.csrf(client).await;
        // The token whole, then a file whose closing boundary never comes.
        let body = format!(
            "--cut\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
             --cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n\
             %PDF-1.7\r\n--cu"
        );
        let res = client
            .post(app.url(&path))
            .header("content-type", "multipart/form-data; boundary=cut")
            .body(body)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} answers: {e}"));
        assert_eq!(res.status(), 400, "{path}");
    }
}
