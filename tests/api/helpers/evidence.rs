//! Evidence as the tests need it: files to upload, a case with both sides and exhibits, a
//! bundle queued, and the custody log read back.

use diesel::prelude::*;
use ipdesk::domain::Role;
use reqwest::multipart::{Form, Part};

use super::cases::{act, due_in, invitation_link};
use super::{STRONG_PASSWORD, TestApp, browser};

/// One exhibit of an upload: title, visibility, the client's file name and the bytes.
pub struct Upload {
    title: String,
    visibility: String,
    file_name: String,
    bytes: Vec<u8>,
    extra: Vec<(String, String)>,
}

pub fn file(title: &str, visibility: &str, file_name: &str, bytes: &[u8]) -> Upload {
    Upload {
        title: title.to_owned(),
        visibility: visibility.to_owned(),
        file_name: file_name.to_owned(),
        bytes: bytes.to_vec(),
        extra: Vec::new(),
    }
}

/// A PDF whose content differs by `n`, so each has its own fingerprint.
pub fn pdf(n: usize) -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    bytes.extend_from_slice(format!("% exhibit {n}\n").as_bytes());
    bytes
}

/// Files exhibits the way the case page's form does: the token first, then each row's fields
/// (the first row plain, the others `name.N`).
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    case_no: &str,
    rows: &[Upload],
) -> reqwest::Response {
    let token = app.csrf(client).await;
    let mut form = Form::new().text("csrf_token", token);
    for (i, row) in rows.iter().enumerate() {
        let name = |field: &str| {
            if i == 0 {
                field.to_owned()
            } else {
                format!("{field}.{}", i + 1)
            }
        };
        form = form
            .text(name("title"), row.title.clone())
            .text(name("visibility"), row.visibility.clone());
        for (field, value) in &row.extra {
            form = form.text(name(field), value.clone());
        }
        form = form.part(
            name("file"),
            Part::bytes(row.bytes.clone()).file_name(row.file_name.clone()),
        );
    }
    client
        .post(app.url(&format!("/cases/{case_no}/exhibits")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A filed case whose respondent has joined: (complainant, examiner, respondent, case).
pub async fn case_with_both_sides(
    app: &TestApp,
) -> (reqwest::Client, reqwest::Client, reqwest::Client, String) {
    case_with_respondent_named(app, "Megacorp Legal Team").await
}

/// A custody CSV's lines after its header, each cell as the file holds it.
pub fn csv_lines(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "case",
            "exhibit",
            "event",
            "at",
            "actor",
            "actor_role",
            "address",
            "details"
        ]
    );
    let lines: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    for l in &lines {
        // Office time (Seoul) with its offset, to the microsecond.
        let at = chrono::DateTime::parse_from_rfc3339(&l[3]).unwrap();
        assert_eq!(at.offset().local_minus_utc(), 9 * 3600, "{}", l[3]);
    }
    lines
}

/// The lines of a custody CSV for one exhibit and one event: their details, parsed.
pub fn details_of(lines: &[Vec<String>], exhibit: i32, event: &str) -> Vec<serde_json::Value> {
    lines
        .iter()
        .filter(|l| l[1] == exhibit.to_string() && l[2] == event)
        .map(|l| serde_json::from_str(&l[7]).unwrap())
        .collect()
}

/// The custody table of an exhibit's page.
pub fn custody_table(page: &str) -> &str {
    let start = page.find(r#"data-table="custody""#).expect("a custody table");
    let end = start + page[start..].find("</table>").unwrap();
    &page[start..end]
}

/// Puts a bundle in the queue the way another server would, without waking this one's
/// builder: its public id.
pub async fn queue_directly(
    app: &TestApp,
    case_no: &str,
    audience: ipdesk::domain::Audience,
    lang: ipdesk::domain::Lang,
) -> String {
    let no = case_no.to_owned();
    app.with_db(move |c| {
        use ipdesk::db::schema::cases;
        let (case_id, user): (i64, i64) = cases::table
            .filter(cases::case_no.eq(no))
            .select((cases::id, cases::created_by))
            .first(c)
            .unwrap();
        ipdesk::models::bundle::request(
            c,
            ipdesk::models::id::CaseId(case_id),
            audience,
            lang,
            ipdesk::models::id::UserId(user),
            None,
            ipdesk::models::now(),
        )
        .unwrap()
        .public_id
    })
    .await
}

/// A filed case whose respondent joined, with five exhibits of the complainant (one only for
/// the office, one for its own side) and one of the respondent's.
pub async fn case_with_evidence(
    app: &TestApp,
) -> (reqwest::Client, reqwest::Client, reqwest::Client, String) {
    let (complainant, examiner, respondent, case_no) = case_with_both_sides(app).await;
    let res = upload(
        app,
        &complainant,
        &case_no,
        &[
            file("Supply contract", "parties", "contract.pdf", &pdf(1)),
            file("계약서 번역본 100% 일치", "parties", "번역.pdf", &pdf(2)),
            file("Lab notebook", "own_side", "notebook.pdf", &pdf(3)),
            file("Originality certificate", "office", "certificate.pdf", &pdf(4)),
            file(
                "Meeting notes",
                "parties",
                "notes.txt",
                "Notes of the meeting.\n".as_bytes(),
            ),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = upload(
        app,
        &respondent,
        &case_no,
        &[file("Our design", "parties", "ours.pdf", &pdf(5))],
    )
    .await;
    assert_eq!(res.status(), 303);
    (complainant, examiner, respondent, case_no)
}

/// The start of a real PDF: enough for the content to be recognised as one.
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

impl Upload {
    pub fn with(mut self, field: &str, value: &str) -> Upload {
        self.extra.push((field.to_owned(), value.to_owned()));
        self
    }
}

/// A filed case whose respondent joined under this name: (complainant, examiner,
/// respondent, case).
pub async fn case_with_respondent_named(
    app: &TestApp,
    name: &str,
) -> (reqwest::Client, reqwest::Client, reqwest::Client, String) {
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(app, &complainant, "Battery separator know-how taken").await;
    assert_eq!(
        act(app, &examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    let due = due_in(15);
    let res = act(
        app,
        &examiner,
        &case_no,
        "notify_respondent",
        &[("email", "legal@megacorp.example"), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let link = invitation_link(app).await;
    let respondent = browser();
    let res = app
        .post_as(
            &respondent,
            &link,
            &[("name", name), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303);
    (complainant, examiner, respondent, case_no)
}

/// The row id of an exhibit (the single case of the test), as the form's select names it.
pub async fn exhibit_id(app: &TestApp, exhibit: i32) -> i64 {
    app.with_db(move |c| {
        use ipdesk::db::schema::exhibits::dsl::*;
        exhibits.filter(number.eq(exhibit)).select(id).first(c).unwrap()
    })
    .await
}

/// A case with four exhibits of the complainant's (1001–1004; 1003 its own side's), and 1001,
/// which both sides see, corrected by 1005, which only the complainant's side does:
/// (complainant, examiner, respondent, case).
pub async fn case_with_a_hidden_correction(
    app: &TestApp,
) -> (reqwest::Client, reqwest::Client, reqwest::Client, String) {
    let (complainant, examiner, respondent, case_no) = case_with_both_sides(app).await;
    let res = upload(
        app,
        &complainant,
        &case_no,
        &[
            file("Supply contract", "parties", "contract.pdf", &pdf(1)),
            file("Design drawings", "parties", "drawings.pdf", &pdf(2)),
            file("Lab notebook", "own_side", "notebook.pdf", &pdf(3)),
            file("Meeting notes", "parties", "notes.pdf", &pdf(4)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    // 1001, which both sides see, corrected by 1005, which only the complainant's side does.
    let contract = exhibit_id(app, 1001).await;
    let res = upload(
        app,
        &complainant,
        &case_no,
        &[
            file("Supply contract, unredacted", "own_side", "full.pdf", &pdf(5))
                .with("supersedes", &contract.to_string()),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    (complainant, examiner, respondent, case_no)
}
