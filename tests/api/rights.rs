//! The registry of cited rights, case citations and bulk import, through HTTP.

use ipdesk::domain::Role;
use reqwest::multipart::{Form, Part};

use crate::helpers::{STRONG_PASSWORD, TestApp, csrf_from, korean_browser, location, spawn_app};
use crate::helpers::{complaint, file_case};
use crate::import_files::fixtures;

const US_GRANT: &str = "uspto_grant_v45_US08930553.xml";
const US_GRANT_WITH_CPC: &str = "uspto_grant_v45_US08926509_with_cpc.xml";
const OPS_FAMILY: &str = "epo_ops_family_EP1000000.xml";

const CSV_HEADER: &str = "number,kind_of_right,title,applicants,owners,inventors,filing_date,\
                          publication_date,grant_date,status,ipc,cpc,abstract,citations";

fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every sample file, in a stable order.
fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Uploads a file from the import page's own form: the CSRF token first, then the file.
async fn upload(app: &TestApp, admin: &reqwest::Client, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let token = csrf_from(&app.page(admin, "/admin/rights/import").await);
    let form = Form::new()
        .text("csrf_token", token)
        .part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let res = admin
        .post(app.url("/admin/rights/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Uploads a file that must import, and returns the summary page.
async fn import(app: &TestApp, admin: &reqwest::Client, name: &str, bytes: Vec<u8>) -> String {
    let (status, html) = upload(app, admin, name, bytes).await;
    assert_eq!(status, 200, "{name} is imported");
    html
}

/// What the summary counted: created, updated, unchanged, failed.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Counts {
    created: u64,
    updated: u64,
    unchanged: u64,
    failed: u64,
}

fn counts(html: &str) -> Counts {
    let count = |what: &str| -> u64 {
        regex::Regex::new(&format!(r#"<dd data-count="{what}">(\d+)</dd>"#))
            .unwrap()
            .captures(html)
            .unwrap_or_else(|| panic!("the summary counts {what}"))[1]
            .parse()
            .unwrap()
    };
    Counts {
        created: count("created"),
        updated: count("updated"),
        unchanged: count("unchanged"),
        failed: count("failed"),
    }
}

/// The listed failures: (record, number, reason).
fn failures(html: &str) -> Vec<(String, String, String)> {
    regex::Regex::new(r#"<tr data-failure="(\d+)"><td>\d+</td><td>([^<]*)</td><td>([^<]*)</td></tr>"#)
        .unwrap()
        .captures_iter(html)
        .map(|c| (c[1].to_owned(), c[2].to_owned(), c[3].to_owned()))
        .collect()
}

/// Every value of `attr="…"` in the page, in order.
fn values(html: &str, attr: &str) -> Vec<String> {
    regex::Regex::new(&format!(r#"{attr}="([^"]*)""#))
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].to_owned())
        .collect()
}

/// The rights a search listed, in order, and the total it counted.
async fn search(app: &TestApp, client: &reqwest::Client, q: &str) -> (Vec<String>, String) {
    let url = format!("/rights?q={}", urlencoding(q));
    let html = app.page(client, &url).await;
    (values(&html, "<tr data-right"), html)
}

fn urlencoding(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

fn total(html: &str) -> String {
    values(html, "data-total")
        .pop()
        .expect("the page counts what it found")
}

/// The cases a right's page lists for this viewer.
async fn citing_cases(app: &TestApp, client: &reqwest::Client, docdb: &str) -> Vec<String> {
    let html = app.page(client, &format!("/rights/{docdb}")).await;
    assert!(
        html.contains(&format!(r#"data-docdb="{docdb}""#)),
        "{docdb} has a page"
    );
    let mut cases = values(&html, "<tr data-case");
    cases.sort();
    cases
}

/// A complaint saved as a draft; its path.
async fn save_draft(app: &TestApp, client: &reqwest::Client, title: &str) -> String {
    let page = app.page(client, "/cases/new").await;
    let key = values(&page, r#"name="draft_key" value"#)
        .pop()
        .expect("the form carries a draft key");
    let mut fields = complaint(title);
    fields.push(("draft_key".into(), key));
    fields.push(("action".into(), "save".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_as(client, "/cases", &pairs).await;
    assert_eq!(res.status(), 303, "the draft is saved");
    let path = location(&res);
    assert!(path.starts_with("/cases/drafts/"), "{path}");
    path
}

/// Cites a right on the case at `case_path` (a filed case or a draft).
async fn cite(
    app: &TestApp,
    client: &reqwest::Client,
    case_path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_as(client, &format!("{case_path}/rights"), fields).await
}

/// Takes a workflow action from the case page's own form (with the version it shows).
async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    case_no: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let page = app.page(client, &format!("/cases/{case_no}")).await;
    let version = values(&page, r#"name="version" value"#)
        .pop()
        .unwrap_or_else(|| "1".into());
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("version", &version));
    let res = app
        .post_as(client, &format!("/cases/{case_no}/actions/{action}"), &all)
        .await;
    res.status().as_u16()
}

/// A right's form as staff fill it in; `changes` replace or add fields.
fn right_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("number", "KR 10-1503659 B1"),
        ("title", "Battery separator with ceramic coating"),
        ("other_titles", ""),
        ("applicants", "Hanbit Tech Co., Ltd."),
        ("owners", "Hanbit Tech Co., Ltd."),
        ("inventors", "Kim Minji\nPark Jisoo"),
        ("application_no", "10-2013-0081234"),
        ("filing_date", "2013-07-11"),
        ("publication_date", ""),
        ("grant_date", "2015-03-06"),
        ("status", "registered"),
        ("ipc", "H01M 50/40\nH04L 9/32"),
        ("cpc", ""),
        ("abstract_text", "A separator coated with ceramic particles."),
        ("citations", ""),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

#[tokio::test]
async fn every_sample_file_imports_with_numbers_titles_parties_dates_classes_and_citations() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let names = fixture_names();
    assert_eq!(names.len(), 8, "{names:?}");
    let mut first = Vec::new();
    for name in &names {
        let html = import(&app, &admin, name, fixture(name)).await;
        assert!(html.contains(&format!("Imported {name}")), "{name}");
        first.push((name.clone(), counts(&html)));
    }
    assert!(
        first
            .iter()
            .all(|(_, c)| c.failed == 0 && c.updated == 0 && c.created > 0),
        "{first:#?}"
    );
    let created: u64 = first.iter().map(|(_, c)| c.created).sum();
    // One right per file, two from KIPRIS, and the family adds five of its six members (its
    // EP 1 000 000 A1 is already there).
    assert_eq!(created, 13, "{first:#?}");
    let family = first.iter().find(|(n, _)| n == OPS_FAMILY).unwrap().1;
    assert_eq!(
        family.unchanged, 1,
        "the family's A1 was known and lacks nothing new"
    );

    let page = |docdb: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = app.get_as(admin, &format!("/rights/{docdb}")).await;
            assert_eq!(res.status(), 200, "{docdb} is in the registry");
            res.text().await.unwrap()
        }
    };

    let us = page("US8930553B2").await;
    assert!(us.contains(r#"data-docdb="US8930553B2">US 8,930,553 B2</span> Managing mid-dialog session initiation protocol (SIP) messages</h1>"#));
    assert_eq!(
        values(&us, "data-date"),
        ["filing", "publication", "grant"],
        "every date is shown"
    );
    assert!(us.contains(r#"<time datetime="2012-10-09" data-date="filing">"#));
    assert!(us.contains(r#"<time datetime="2015-01-06" data-date="grant">"#));
    assert!(us.contains("<dd data-owner>International Business Machines Corporation</dd>"));
    assert!(us.contains("<dd data-applicant>International Business Machines Corporation</dd>"));
    assert_eq!(values(&us, "data-ipc"), ["G06F 15/16"]);
    assert!(values(&us, "data-cpc").is_empty());
    assert!(!us.contains("data-kind-presumed"), "USPTO gives the kind");
    let cited = values(&us, "<li data-cited");
    assert_eq!(cited.len(), 16, "{cited:?}");
    assert_eq!(cited[0], "US7844851B2");
    assert!(cited.contains(&"US8078737B2".to_owned()));
    assert_eq!(cited[15], "US2014101322A1", "the pre-grant publication");
    assert!(us.contains(r#"<li data-cited="US2014101322A1">US 2014/0101322 A1"#));

    let sensors = page("US8926509B2").await;
    assert!(sensors.contains("Wireless physiological sensor patches and systems"));
    assert!(sensors.contains("<dd data-owner>Hmicro, Inc.</dd>"));
    assert_eq!(sensors.matches("<dd data-applicant>").count(), 5);
    assert!(values(&sensors, "data-ipc").contains(&"H04L 29/08".to_owned()));
    assert!(values(&sensors, "data-cpc").contains(&"H04L 67/125".to_owned()));
    let cited = values(&sensors, "<li data-cited");
    assert!(cited.contains(&"USD460971S".to_owned()), "the design patent");
    assert!(
        cited
            .iter()
            .any(|c| c.starts_with("WO") && c.contains("03015838")),
        "the PCT publication: {cited:?}"
    );

    let ep = page("EP3404678B1").await;
    assert!(ep.contains("HIGH VOLTAGE ASSEMBLY AND METHOD TO OPERATE THE HIGH VOLTAGE ASSEMBLY</h1>"));
    assert!(ep.contains("<dd data-owner>General Electric Technology GmbH</dd>"));
    assert!(!ep.contains("data-applicant"), "a B1 names proprietors only");
    assert!(ep.contains(r#"<time datetime="2017-05-17" data-date="filing">"#));
    assert!(ep.contains(r#"<time datetime="2021-06-30" data-date="grant">"#));
    assert_eq!(values(&ep, "data-ipc"), ["H01F 27/14", "H01F 27/40"]);
    assert_eq!(
        values(&ep, "<li data-cited"),
        ["EP3109871A1", "FR84247E", "GB693448A", "US2008197955A1"]
    );

    let bricks = page("EP1000000A1").await;
    assert!(
        bricks.contains("Apparatus for manufacturing green bricks for the brick manufacturing industry</h1>"),
        "the family file did not erase the title"
    );
    assert!(bricks.contains("<dd data-applicant>BEHEERMAATSCHAPPIJ DE BOER NIJMEGEN B.V</dd>"));
    assert!(bricks.contains(r#"<time datetime="2000-05-17" data-date="publication">"#));
    assert_eq!(
        values(&bricks, "data-cpc"),
        ["B28B 1/29", "B28B 5/022", "B28B 7/0064"]
    );
    assert_eq!(
        values(&bricks, "<li data-cited"),
        ["DE3546191A1", "EP0680812A1", "NL9400663A"]
    );
    let granted = page("EP1000000B1").await;
    assert!(granted.contains(r#"<time datetime="2003-02-12" data-date="publication">"#));

    let jp = page("JP2005533465A").await;
    assert!(values(&jp, "data-ipc").contains(&"H04N 19/94".to_owned()));
    assert_eq!(values(&jp, "data-cpc").len(), 17);

    let fuel = page("AU2013290010A1").await;
    assert!(fuel.contains("Novel fuel composition</h1>"));
    assert!(fuel.contains("<dd data-applicant>PRIMUS GREEN ENERGY INC</dd>"));
    assert_eq!(values(&fuel, "data-ipc"), ["C10L 1/00"]);

    let rotator = page("KR100031944B1").await;
    assert!(rotator.contains("회전체의센서와센서의엔코더(SENSOR AND SENSOR ENCODER FOR ROTATOR)</h1>"));
    assert!(
        rotator.contains("data-kind-presumed"),
        "KIPRIS gives no kind code"
    );
    assert!(rotator.contains("<dd data-applicant>이두수</dd>"));
    assert!(rotator.contains("<dd>소멸</dd>"));
    assert!(rotator.contains(r#"<time datetime="1990-02-28" data-date="grant">"#));
    assert_eq!(values(&rotator, "data-ipc"), ["G01D 5/00"]);
    // Its laid-open and examined publications are named, and find the registration.
    assert_eq!(
        values(&rotator, "<dd data-publication"),
        ["KR19890002319", "KR19870006388"]
    );
    let (found, _) = search(&app, &admin, "KR 10-1987-0006388").await;
    assert_eq!(
        found,
        ["KR100031944B1"],
        "a registration is found by its laid-open number"
    );
    let theft = page("KR100047081B1").await;
    assert!(theft.contains("자동차도난방지시스템</h1>"));
    assert_eq!(values(&theft, "data-ipc"), ["B60R 25/00", "B60R 25/01"]);

    // The same files again change nothing.
    for name in &names {
        let again = counts(&import(&app, &admin, name, fixture(name)).await);
        let records = first.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(
            again,
            Counts {
                created: 0,
                updated: 0,
                unchanged: records.created + records.unchanged,
                failed: 0
            },
            "{name} imported again"
        );
    }
    let imports = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "rights.imported")
        .count();
    assert_eq!(imports, 16);
}

#[tokio::test]
async fn a_complainant_finds_a_right_by_the_number_as_they_would_type_it() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let res = app.post_as(&admin, "/rights", &right_form(&[])).await;
    assert_eq!(res.status(), 303, "staff add a right by hand");
    import(&app, &admin, US_GRANT, fixture(US_GRANT)).await;
    import(&app, &admin, OPS_FAMILY, fixture(OPS_FAMILY)).await;
    let (complainant, me) = app.signed_in(Role::Complainant).await;

    for typed in ["KR 10-1503659", "KR10-1503659", "kr 10-1503659 b1"] {
        let (found, html) = search(&app, &complainant, typed).await;
        assert_eq!(found, ["KR101503659B1"], "{typed}");
        assert!(html.contains(r#"data-read-as="number""#), "{typed}");
        assert_eq!(total(&html), "1");
    }
    for typed in ["US 8,930,553 B2", "us8930553", "US 8930553", "US8930553B2"] {
        let (found, html) = search(&app, &complainant, typed).await;
        assert_eq!(found, ["US8930553B2"], "{typed}");
        assert!(html.contains(r#"data-read-as="number""#), "{typed}");
    }
    // A number without its kind finds every publication.
    let (mut found, html) = search(&app, &complainant, "EP 1 000 000").await;
    assert_eq!(total(&html), "2");
    found.sort();
    assert_eq!(found, ["EP1000000A1", "EP1000000B1"]);

    for class in ["G06F 15/16", "G06F", "g06f 15/16"] {
        let (found, html) = search(&app, &complainant, class).await;
        assert_eq!(found, ["US8930553B2"], "{class}");
        assert!(html.contains(r#"data-read-as="class""#), "{class}");
    }
    let (found, _) = search(&app, &complainant, "H04L 9").await;
    assert_eq!(found, ["KR101503659B1"], "a main group finds its subgroups");
    let (found, _) = search(&app, &complainant, "H01M").await;
    assert_eq!(found, ["KR101503659B1"]);

    for words in [
        "mid-dialog",
        "MID-DIALOG session",
        "international business machines",
        "Zinger",
    ] {
        let (found, html) = search(&app, &complainant, words).await;
        assert_eq!(found, ["US8930553B2"], "{words}");
        assert!(html.contains(r#"data-read-as="words""#), "{words}");
    }
    let (found, _) = search(&app, &complainant, "hanbit").await;
    assert_eq!(found, ["KR101503659B1"], "an applicant's name");
    let html = app.page(&complainant, "/rights?country=kr").await;
    assert_eq!(
        values(&html, "<tr data-right"),
        ["KR101503659B1"],
        "an office alone"
    );
    let html = app.page(&complainant, "/rights?q=EP+1000000&country=US").await;
    assert_eq!(total(&html), "0");
    let html = app.page(&complainant, "/rights?kind=design").await;
    assert_eq!(total(&html), "0", "no design patent in the registry");

    // A mistyped number is explained in the reader's language.
    let (found, html) = search(&app, &complainant, "XX 123456").await;
    assert!(found.is_empty());
    assert!(html.contains("data-number-error") && html.contains("XX"));
    let korean = korean_browser();
    assert_eq!(
        app.login_as(&korean, &me.email, STRONG_PASSWORD).await.status(),
        303
    );
    let (found, html) = search(&app, &korean, "XX 123456").await;
    assert!(found.is_empty());
    assert_eq!(total(&html), "0");
    let reason = regex::Regex::new(r#"<p class="field-error" data-number-error>([^<]+)</p>"#)
        .unwrap()
        .captures(&html)
        .expect("the reason is given")[1]
        .to_owned();
    assert!(has_hangul(&reason), "{reason}");
    // A class or words that find nothing need no reason.
    let (found, html) = search(&app, &complainant, "quantum teapot").await;
    assert!(found.is_empty() && !html.contains("data-number-error"));

    // With its kind, a number still finds every publication, the one typed first.
    for (typed, exact) in [("EP 1000000 B1", "EP1000000B1"), ("EP 1000000 A1", "EP1000000A1")] {
        let (found, _) = search(&app, &complainant, typed).await;
        assert_eq!(found.len(), 2, "{typed}");
        assert_eq!(found[0], exact, "{typed}: the exact kind comes first: {found:?}");
    }
    // The first digits of a subgroup are a beginning too (no IPC subgroup has one digit).
    let (found, html) = search(&app, &complainant, "H04L 9/3").await;
    assert!(html.contains(r#"data-read-as="class""#));
    assert_eq!(found, ["KR101503659B1"], "H04L 9/3 is the beginning of H04L 9/32");
}

#[tokio::test]
async fn a_complainant_cites_rights_on_a_draft_and_a_mistyped_claim_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    import(&app, &admin, US_GRANT, fixture(US_GRANT)).await;
    import(&app, &admin, OPS_FAMILY, fixture(OPS_FAMILY)).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let draft = save_draft(&app, &complainant, "Session handling copied").await;

    let res = cite(
        &app,
        &complainant,
        &draft,
        &[
            ("number", "US 8,930,553 B2"),
            ("role", "asserted"),
            ("claims", "3-5,1"),
            ("note", "Claims on mid-dialog messages"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{draft}#rights"));
    let page = app.page(&complainant, &draft).await;
    assert!(page.contains(r#"<tr data-right="US8930553B2" data-role="asserted">"#));
    assert!(
        page.contains(r#"<td data-claims="1, 3-5">1, 3-5</td>"#),
        "stored the one way"
    );
    assert!(page.contains("Claims on mid-dialog messages"));

    // A backwards range: refused next to the claims, everything typed still there.
    let res = cite(
        &app,
        &complainant,
        &draft,
        &[
            ("number", "EP 1 000 000 B1"),
            ("role", "prior_art"),
            ("claims", "5-3"),
            ("note", "Granted version"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="cite-claims-error""#));
    assert!(!html.contains(r#"id="cite-number-error""#));
    assert!(html.contains(r#"value="EP 1 000 000 B1""#));
    assert!(html.contains(r#"value="5-3""#));
    assert!(html.contains(">Granted version</textarea>"));
    assert!(html.contains(r#"<option value="prior_art" selected>"#));
    assert!(
        html.contains("Session handling copied"),
        "the draft form is shown again"
    );
    for claims in ["0", "x"] {
        let res = cite(
            &app,
            &complainant,
            &draft,
            &[
                ("number", "EP 1 000 000 B1"),
                ("role", "prior_art"),
                ("claims", claims),
            ],
        )
        .await;
        assert_eq!(res.status(), 422, "{claims}");
        assert!(res.text().await.unwrap().contains(r#"id="cite-claims-error""#));
    }
    let res = cite(
        &app,
        &complainant,
        &draft,
        &[
            ("number", "EP 1 000 000 B1"),
            ("role", "defendant"),
            ("claims", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains(r#"id="cite-role-error""#));

    // The number alone has two publications: the choices are listed.
    let res = cite(
        &app,
        &complainant,
        &draft,
        &[("number", "EP 1000000"), ("role", "prior_art"), ("claims", "")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="cite-number-error""#));
    assert!(
        html.contains(r#"name="choice" value="EP 1 000 000 A1""#)
            && html.contains(r#"name="choice" value="EP 1 000 000 B1""#),
        "each publication is offered as a choice"
    );
    assert!(
        html.contains(r#"name="number" value="EP 1000000""#),
        "what was typed is kept"
    );
    // Choosing one of them cites it.
    let res = cite(
        &app,
        &complainant,
        &draft,
        &[
            ("number", "EP 1000000"),
            ("choice", "EP 1 000 000 B1"),
            ("role", "prior_art"),
            ("claims", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&complainant, &draft).await;
    assert!(page.contains(r#"<tr data-right="EP1000000B1" data-role="prior_art">"#));

    // The same right twice in the same role.
    let res = cite(
        &app,
        &complainant,
        &draft,
        &[("number", "US8930553B2"), ("role", "asserted"), ("claims", "2")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="cite-number-error""#) && html.contains("already"));

    // A number nobody has imported yet becomes a stub.
    let res = cite(
        &app,
        &complainant,
        &draft,
        &[
            ("number", "KR 10-2020-0012345"),
            ("role", "respondent_right"),
            ("claims", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&complainant, &draft).await;
    let linked = values(&page, "<tr data-right");
    assert_eq!(linked.len(), 3, "{linked:?}");
    let stub = linked.iter().find(|d| d.starts_with("KR")).unwrap();
    assert!(page.contains(&format!(
        r#"<tr data-right="{stub}" data-role="respondent_right">"#
    )));
    let stub_page = app.page(&complainant, &format!("/rights/{stub}")).await;
    assert!(stub_page.contains("Only this number is known so far"));
    assert_eq!(citing_cases(&app, &complainant, stub).await, ["draft"]);

    // Removing a citation, by the form the page offers: the stub, which nothing else cites,
    // goes with it, so a number typed into a draft and taken back leaves no trace.
    let remove = values(&page, r#"<form method="post" action"#)
        .into_iter()
        .rfind(|a| a.ends_with("/remove"))
        .expect("each cited right can be removed");
    let res = app.post_as(&complainant, &remove, &[]).await;
    assert_eq!(res.status(), 303);
    let page = app.page(&complainant, &draft).await;
    assert_eq!(values(&page, "<tr data-right").len(), 2);
    assert_eq!(
        app.get_as(&complainant, &format!("/rights/{stub}"))
            .await
            .status(),
        404
    );
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "case.right_cited").count(), 3);
    assert_eq!(actions.iter().filter(|a| *a == "case.right_uncited").count(), 1);
}

#[tokio::test]
async fn a_right_page_lists_only_the_cases_the_viewer_may_see() {
    let app = spawn_app().await;
    let (alice, _) = app.signed_in(Role::Complainant).await;
    let (bob, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let alices = file_case(&app, &alice, "Alice's separator case").await;
    let bobs = file_case(&app, &bob, "Bob's separator case").await;
    let alices_draft = save_draft(&app, &alice, "Alice's next complaint").await;

    let right = [
        ("number", "KR 10-1503659 B1"),
        ("role", "asserted"),
        ("claims", "1"),
    ];
    for case_no in [&alices, &bobs] {
        let res = cite(&app, &examiner, &format!("/cases/{case_no}"), &right).await;
        assert_eq!(res.status(), 303, "staff cite on {case_no}");
    }
    let res = cite(&app, &alice, &alices_draft, &right).await;
    assert_eq!(res.status(), 303, "Alice cites on her draft");

    assert_eq!(
        citing_cases(&app, &alice, "KR101503659B1").await,
        [alices.as_str(), "draft"]
    );
    assert_eq!(citing_cases(&app, &bob, "KR101503659B1").await, [bobs.as_str()]);
    let mut both = vec![alices.clone(), bobs.clone()];
    both.sort();
    assert_eq!(
        citing_cases(&app, &examiner, "KR101503659B1").await,
        both,
        "staff see every filed case, not a complainant's draft"
    );
    assert_eq!(
        cite(&app, &bob, &alices_draft, &right).await.status(),
        404,
        "another complainant's draft is not found"
    );
    let alice_sees = app.page(&alice, "/rights/KR101503659B1").await;
    assert!(!alice_sees.contains("Bob's separator case"));
    // Only a number so far: outside the office, nobody who sees no citing case learns that
    // it was cited, neither on its page nor in the registry's list.
    let (respondent, _) = app.signed_in(Role::Respondent).await;
    assert_eq!(
        app.get_as(&respondent, "/rights/KR101503659B1").await.status(),
        404
    );
    assert!(search(&app, &respondent, "KR 10-1503659").await.0.is_empty());
    assert_eq!(
        search(&app, &examiner, "KR 10-1503659").await.0,
        ["KR101503659B1"]
    );
    // Completed by staff, the right is the registry's, for everyone to read.
    let res = app
        .post_as(&examiner, "/rights/KR101503659B1/edit", &right_form(&[]))
        .await;
    assert_eq!(res.status(), 303);
    for role in [Role::Respondent, Role::Mediator] {
        let (outsider, _) = app.signed_in(role).await;
        let page = app.page(&outsider, "/rights/KR101503659B1").await;
        assert!(
            page.contains(r#"data-docdb="KR101503659B1""#),
            "{role} may read the right"
        );
        assert!(
            !page.contains(r#"data-table="citing-cases""#),
            "{role} sees no case"
        );
        assert!(!page.contains("separator case"), "{role}");
    }
    assert_eq!(app.get_as(&alice, "/rights/KR101503659A").await.status(), 404);
}

#[tokio::test]
async fn a_complainant_cannot_change_cited_rights_once_filed_but_can_while_a_supplement_is_awaited() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (stranger, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &complainant, "Separator coating taken").await;
    let path = format!("/cases/{case_no}");
    let right = [
        ("number", "US 8,930,553 B2"),
        ("role", "asserted"),
        ("claims", "1-3"),
    ];

    let res = cite(&app, &complainant, &path, &right).await;
    assert_eq!(res.status(), 403);
    let html = res.text().await.unwrap();
    assert!(html.contains(&case_no) && html.contains("You cannot change the rights this case cites"));
    assert!(!html.contains("<tr data-right="));
    assert!(
        !app.page(&complainant, &path)
            .await
            .contains(r#"data-form="cite""#),
        "no form is offered"
    );
    let res = cite(&app, &stranger, &path, &right).await;
    assert_eq!(res.status(), 404, "another complainant's case is not found");
    assert!(
        !app.page(&examiner, &path).await.contains("<tr data-right="),
        "nothing linked"
    );

    assert_eq!(act(&app, &examiner, &case_no, "start_review", &[]).await, 303);
    let due = crate::helpers::cases::due_in(14);
    let asked = [("text", "The patent you rely on, please."), ("due", due.as_str())];
    assert_eq!(
        act(&app, &examiner, &case_no, "request_supplement", &asked).await,
        303
    );

    assert!(
        app.page(&complainant, &path)
            .await
            .contains(r#"data-form="cite""#)
    );
    let res = cite(&app, &complainant, &path, &right).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{path}#rights"));
    let page = app.page(&examiner, &path).await;
    assert!(page.contains(r#"<tr data-right="US8930553B2" data-role="asserted">"#));
    assert!(page.contains(r#"<td data-claims="1-3">"#));
    let res = cite(&app, &stranger, &path, &right).await;
    assert_eq!(res.status(), 404, "still hidden from others");

    // The office's own citation is not the complainant's to take back.
    let prior_art = [
        ("number", "EP 3 404 678 B1"),
        ("role", "prior_art"),
        ("claims", ""),
    ];
    assert_eq!(cite(&app, &examiner, &path, &prior_art).await.status(), 303);
    let staff_view = app.page(&examiner, &path).await;
    let removals = values(&staff_view, r#"<form method="post" action"#)
        .into_iter()
        .filter(|a| a.ends_with("/remove"))
        .collect::<Vec<_>>();
    assert_eq!(removals.len(), 2, "staff may remove either");
    let own_view = app.page(&complainant, &path).await;
    let own = values(&own_view, r#"<form method="post" action"#)
        .into_iter()
        .filter(|a| a.ends_with("/remove"))
        .collect::<Vec<_>>();
    assert_eq!(own.len(), 1, "the complainant is offered only their own");
    let office_link = removals.iter().find(|a| !own.contains(a)).unwrap();
    assert_eq!(app.post_as(&complainant, office_link, &[]).await.status(), 404);
    assert!(
        app.page(&examiner, &path)
            .await
            .contains(r#"data-right="EP3404678B1""#)
    );
    let res = app.post_as(&examiner, office_link, &[]).await;
    assert_eq!(res.status(), 303);

    assert_eq!(
        act(
            &app,
            &complainant,
            &case_no,
            "supply",
            &[("text", "Patent cited.")]
        )
        .await,
        303
    );
    let later = [
        ("number", "EP 3 404 678 B1"),
        ("role", "prior_art"),
        ("claims", ""),
    ];
    assert_eq!(cite(&app, &complainant, &path, &later).await.status(), 403);
    let page = app.page(&complainant, &path).await;
    assert!(!page.contains("/remove\""), "no removal offered any more");
    assert_eq!(values(&page, "<tr data-right"), ["US8930553B2"]);
    let link = values(&app.page(&examiner, &path).await, r#"<form method="post" action"#)
        .into_iter()
        .find(|a| a.ends_with("/remove"))
        .expect("staff may remove");
    assert_eq!(app.post_as(&complainant, &link, &[]).await.status(), 403);
    assert_eq!(
        values(&app.page(&examiner, &path).await, "<tr data-right"),
        ["US8930553B2"]
    );
}

#[tokio::test]
async fn a_stub_is_completed_by_a_later_import_and_the_case_keeps_its_link() {
    let app = spawn_app().await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let case_no = file_case(&app, &examiner, "Pump seal copied").await;
    let path = format!("/cases/{case_no}");
    let res = cite(
        &app,
        &examiner,
        &path,
        &[("number", "US 9,123,456"), ("role", "asserted"), ("claims", "1")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let stub = values(&app.page(&examiner, &path).await, "<tr data-right")
        .pop()
        .expect("the right is cited");
    let stub_page = app.page(&examiner, &format!("/rights/{stub}")).await;
    assert!(stub_page.contains("Only this number is known so far"));

    let csv = format!(
        "{CSV_HEADER}\nUS 9123456 B2,patent,Rotary seal for pumps,Acme Pumps Inc.,\
         Acme Pumps Inc.;Beta Seals GmbH,Jane Roe;John Doe,2013-02-01,2015-09-15,2015-09-15,\
         in force,F16J 15/32,,A seal for rotating shafts.,US 8930553 B2\n"
    );
    let html = import(&app, &admin, "seals.csv", csv.into_bytes()).await;
    assert_eq!(
        counts(&html),
        Counts {
            created: 0,
            updated: 1,
            unchanged: 0,
            failed: 0
        }
    );
    let res = app.get_as(&examiner, "/rights/US9123456B2").await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("Rotary seal for pumps</h1>"));
    assert!(!page.contains("Only this number is known so far"));
    assert_eq!(page.matches("<dd data-owner>").count(), 2);
    assert!(page.contains("<dd data-owner>Beta Seals GmbH</dd>"));
    assert_eq!(values(&page, "data-ipc"), ["F16J 15/32"]);
    assert_eq!(values(&page, "<li data-cited"), ["US8930553B2"]);
    assert_eq!(
        values(&page, "<tr data-case"),
        [case_no.as_str()],
        "the case keeps its link"
    );
    let case_page = app.page(&examiner, &path).await;
    assert!(case_page.contains(r#"<tr data-right="US9123456B2" data-role="asserted">"#));
    assert!(case_page.contains("Rotary seal for pumps"));
    let count = app.with_db(|c| ipdesk::models::right::count(c).unwrap()).await;
    assert_eq!(count, 1, "the stub became the right; no second row");
    assert!(app.audit_actions().await.contains(&"rights.imported".to_owned()));
}

#[tokio::test]
async fn a_malformed_record_fails_alone_with_its_reason() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;

    // A weekly USPTO file: three documents, the middle one broken.
    let good = String::from_utf8(fixture(US_GRANT)).unwrap();
    let broken = good
        .replacen(
            "<doc-number>08930553</doc-number>",
            "<doc-number>09000001</doc-number>",
            1,
        )
        .replacen("</invention-title>", "", 1);
    assert_ne!(broken, good);
    let mut weekly = good.into_bytes();
    weekly.extend_from_slice(broken.as_bytes());
    weekly.extend_from_slice(&fixture(US_GRANT_WITH_CPC));
    let html = import(&app, &admin, "ipg150106.xml", weekly).await;
    assert_eq!(
        counts(&html),
        Counts {
            created: 2,
            updated: 0,
            unchanged: 0,
            failed: 1
        }
    );
    let failed = failures(&html);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "2", "the second document");
    assert!(!failed[0].2.trim().is_empty(), "a reason is given");
    for (docdb, status) in [("US8930553B2", 200), ("US8926509B2", 200), ("US9000001B2", 404)] {
        assert_eq!(
            app.get_as(&admin, &format!("/rights/{docdb}")).await.status(),
            status,
            "{docdb}"
        );
    }

    // A CSV with a bad date and an unreadable number among good rows.
    let csv = format!(
        "{CSV_HEADER}\n\
         US 9000002 B2,patent,Good first,Acme,,,2014-01-01,,2015-01-01,,,,,\n\
         US 9000003 B2,patent,Bad date,Acme,,,2020-13-01,,,,,,,\n\
         XX 12,patent,Bad number,Acme,,,,,,,,,,\n\
         US 9000004 B2,patent,Good last,Acme,,,,,,,,,,\n"
    );
    let html = import(&app, &admin, "rights.csv", csv.into_bytes()).await;
    assert_eq!(
        counts(&html),
        Counts {
            created: 2,
            updated: 0,
            unchanged: 0,
            failed: 2
        }
    );
    let failed = failures(&html);
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].2.contains("2020-13-01"), "{failed:?}");
    assert!(
        failed[1].1.contains("XX") && failed[1].2.contains("XX"),
        "{failed:?}"
    );
    assert!(failed[0].0 < failed[1].0, "in file order: {failed:?}");
    for (docdb, status) in [("US9000002B2", 200), ("US9000003B2", 404), ("US9000004B2", 200)] {
        assert_eq!(
            app.get_as(&admin, &format!("/rights/{docdb}")).await.status(),
            status,
            "{docdb}"
        );
    }
    let (found, _) = search(&app, &admin, "bad").await;
    assert!(found.is_empty(), "nothing of a failed record: {found:?}");

    // A file of no known format is refused whole.
    let (status, html) = upload(&app, &admin, "notes.txt", b"just some notes\n".to_vec()).await;
    assert_eq!(status, 422);
    assert!(html.contains("data-import-error") && !html.contains("data-import-summary"));
    let count = app.with_db(|c| ipdesk::models::right::count(c).unwrap()).await;
    assert_eq!(count, 4);
}

#[tokio::test]
async fn staff_add_and_correct_a_right_by_hand_and_bad_fields_are_explained() {
    let app = spawn_app().await;
    let (legal, _) = app.signed_in(Role::Legal).await;
    assert_eq!(app.get_as(&legal, "/rights/new").await.status(), 200);

    let bad = right_form(&[
        ("title", "  "),
        ("filing_date", "2013-02-30"),
        ("ipc", "H01M 50/40\nH04"),
        ("citations", "US 8,930,553 B2\nXX 12"),
    ]);
    let res = app.post_as(&legal, "/rights", &bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for field in ["title", "filing_date", "ipc", "citations"] {
        assert!(
            html.contains(&format!(r#"<p class="field-error" id="{field}-error">"#)),
            "{field}"
        );
    }
    for fine in ["number", "grant_date", "cpc", "applicants"] {
        assert!(!html.contains(&format!(r#"id="{fine}-error""#)), "{fine}");
    }
    assert!(html.contains("H04"), "the bad class is named");
    assert!(html.contains(r#"value="KR 10-1503659 B1""#));
    assert!(html.contains(r#"value="2013-02-30""#));
    assert!(html.contains(">H01M 50/40\nH04</textarea>"));
    assert!(html.contains(">US 8,930,553 B2\nXX 12</textarea>"));
    assert!(html.contains(">Kim Minji\nPark Jisoo</textarea>"));
    assert_eq!(app.get_as(&legal, "/rights/KR101503659B1").await.status(), 404);

    let good = right_form(&[("citations", "US 8,930,553 B2")]);
    let res = app.post_as(&legal, "/rights", &good).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/rights/KR101503659B1");
    let page = app.page(&legal, "/rights/KR101503659B1").await;
    assert!(page.contains("Battery separator with ceramic coating</h1>"));
    assert!(page.contains("<dd data-owner>Hanbit Tech Co., Ltd.</dd>"));
    assert!(page.contains(r#"<time datetime="2013-07-11" data-date="filing">"#));
    assert!(page.contains(r#"<time datetime="2015-03-06" data-date="grant">"#));
    assert!(!page.contains(r#"data-date="publication""#));
    assert_eq!(values(&page, "data-ipc"), ["H01M 50/40", "H04L 9/32"]);
    assert!(!page.contains("data-kind-presumed"), "the kind was typed");
    assert!(
        page.contains(r#"<li data-cited="US8930553B2">US 8,930,553 B2</li>"#),
        "not a link: the registry does not hold it"
    );

    // The number is taken now.
    let res = app
        .post_as(&legal, "/rights", &right_form(&[("number", "KR 10-1503659")]))
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="number-error""#) && html.contains("already in the registry"));

    // The cited right added too: the citation becomes a link, and it is cited by the first.
    let cited = [
        ("number", "US 8930553 B2"),
        ("title", "Managing mid-dialog SIP messages"),
        ("ipc", "G06F 15/16"),
        ("filing_date", "2012-10-09"),
    ];
    assert_eq!(app.post_as(&legal, "/rights", &cited).await.status(), 303);
    let page = app.page(&legal, "/rights/KR101503659B1").await;
    assert!(page.contains(r#"<li data-cited="US8930553B2"><a href="/rights/US8930553B2">"#));
    let us = app.page(&legal, "/rights/US8930553B2").await;
    assert_eq!(values(&us, "<li data-citing"), ["KR101503659B1"]);

    // A correction: the edit form holds what is known; a bad field is explained again.
    let form = app.page(&legal, "/rights/KR101503659B1/edit").await;
    assert!(form.contains(r#"value="Battery separator with ceramic coating""#));
    assert!(form.contains(r#"value="KR 10-1503659 B1""#));
    assert!(form.contains(r#"action="/rights/KR101503659B1/edit""#));
    let res = app
        .post_as(
            &legal,
            "/rights/KR101503659B1/edit",
            &right_form(&[("title", "Coated separator"), ("grant_date", "06/03/2015")]),
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="grant_date-error""#) && html.contains(r#"value="06/03/2015""#));
    let res = app
        .post_as(
            &legal,
            "/rights/KR101503659B1/edit",
            &right_form(&[("title", "Ceramic-coated battery separator")]),
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&legal, "/rights/KR101503659B1").await;
    assert!(page.contains("Ceramic-coated battery separator</h1>"));
    let (found, _) = search(&app, &legal, "ceramic-coated").await;
    assert_eq!(found, ["KR101503659B1"], "the search sees the correction");
    // Correcting one right onto another's number is refused.
    let res = app
        .post_as(
            &legal,
            "/rights/US8930553B2/edit",
            &right_form(&[("number", "KR 10-1503659 B1")]),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains(r#"id="number-error""#));

    // A stub cited on a case is completed by correcting its number.
    let case_no = file_case(&app, &legal, "Valve design copied").await;
    let case_path = format!("/cases/{case_no}");
    let stub = [
        ("number", "US 7,654,321"),
        ("role", "respondent_right"),
        ("claims", ""),
    ];
    assert_eq!(cite(&app, &legal, &case_path, &stub).await.status(), 303);
    let form = app.page(&legal, "/rights/US7654321/edit").await;
    assert!(form.contains(r#"value="US 7,654,321""#));
    let completed = [
        ("number", "US 7,654,321 B1"),
        ("title", "Check valve with soft seat"),
        ("owners", "Valvco Ltd."),
    ];
    let res = app.post_as(&legal, "/rights/US7654321/edit", &completed).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/rights/US7654321B1");
    let page = app.page(&legal, "/rights/US7654321B1").await;
    assert!(page.contains("Check valve with soft seat</h1>") && !page.contains("Only this number"));
    assert_eq!(
        values(&page, "<tr data-case"),
        [case_no.as_str()],
        "the case keeps its link"
    );
    assert_eq!(app.get_as(&legal, "/rights/US7654321").await.status(), 404);
    assert!(
        app.page(&legal, &case_path)
            .await
            .contains(r#"<tr data-right="US7654321B1""#)
    );

    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "right.added").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "right.corrected").count(), 2);
}

#[tokio::test]
async fn an_upload_without_the_csrf_token_first_imports_nothing() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let token = csrf_from(&app.page(&admin, "/admin/rights/import").await);
    let file = || Part::bytes(fixture(US_GRANT)).file_name(US_GRANT);

    let uploads = [
        Form::new().part("file", file()).text("csrf_token", token.clone()),
        Form::new().part("file", file()),
        Form::new().text("csrf_token", "forged").part("file", file()),
    ];
    for (i, form) in uploads.into_iter().enumerate() {
        let res = admin
            .post(app.url("/admin/rights/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "upload {i}");
    }
    let count = app.with_db(|c| ipdesk::models::right::count(c).unwrap()).await;
    assert_eq!(count, 0);
    assert!(!app.audit_actions().await.contains(&"rights.imported".to_owned()));
    assert_eq!(app.get_as(&admin, "/rights/US8930553B2").await.status(), 404);

    // The same file, sent as the form sends it, is imported.
    import(&app, &admin, US_GRANT, fixture(US_GRANT)).await;
    assert_eq!(app.get_as(&admin, "/rights/US8930553B2").await.status(), 200);
}

#[tokio::test]
async fn staff_citing_the_same_new_number_at_once_all_link_the_one_stub() {
    let app = spawn_app().await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &examiner, "Seal copied twice").await;
    let path = format!("/cases/{case_no}");
    let page = app.page(&examiner, &path).await;
    let token = csrf_from(&page);
    let roles = ["asserted", "respondent_right", "prior_art", "other"];
    let sends = roles.iter().map(|role| {
        let form = [
            ("number", "US 9,876,543 B2"),
            ("role", role),
            ("claims", ""),
            ("csrf_token", token.as_str()),
        ];
        examiner
            .post(app.url(&format!("{path}/rights")))
            .form(&form)
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    assert_eq!(statuses, [303; 4]);
    let page = app.page(&examiner, &path).await;
    assert_eq!(values(&page, "<tr data-right"), ["US9876543B2"; 4]);
    let count = app.with_db(|c| ipdesk::models::right::count(c).unwrap()).await;
    assert_eq!(count, 1);

    // A double click on another case: one citation, and the second click is told why not.
    let other = file_case(&app, &examiner, "Seal copied again").await;
    let path = format!("/cases/{other}");
    let form = [
        ("number", "US 9,876,543 B2"),
        ("role", "asserted"),
        ("claims", "1"),
        ("csrf_token", token.as_str()),
    ];
    let url = app.url(&format!("{path}/rights"));
    let clicks = [
        examiner.post(&url).form(&form).send(),
        examiner.post(&url).form(&form).send(),
    ];
    let mut statuses: Vec<u16> = futures_util::future::join_all(clicks)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    statuses.sort();
    assert_eq!(statuses, [303, 422]);
    assert_eq!(
        values(&app.page(&examiner, &path).await, "<tr data-right").len(),
        1
    );
}

#[tokio::test]
async fn an_import_completes_a_right_staff_corrected_without_undoing_the_correction() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    import(&app, &admin, US_GRANT, fixture(US_GRANT)).await;
    let form = right_form(&[
        ("number", "US 8,930,553 B2"),
        ("title", "Managing SIP messages in the middle of a dialog"),
        ("ipc", ""),
        ("citations", "US 7,844,851 B2"),
    ]);
    let res = app.post_as(&admin, "/rights/US8930553B2/edit", &form).await;
    assert_eq!(res.status(), 303, "staff correct the imported title");
    let html = import(&app, &admin, US_GRANT, fixture(US_GRANT)).await;
    let c = counts(&html);
    assert_eq!(
        (c.created, c.updated),
        (0, 1),
        "the file fills what staff left empty"
    );
    let page = app.page(&admin, "/rights/US8930553B2").await;
    assert!(
        page.contains("Managing SIP messages in the middle of a dialog"),
        "the correction stays"
    );
    assert!(
        page.contains(r#"data-ipc="G06F 15/16""#),
        "the empty class list is filled from the file"
    );
    assert!(
        page.contains("cited by applicant"),
        "a citation keeps its category through the form"
    );

    // A file naming one number twice: the records are merged, and importing it again
    // changes nothing.
    let row = |cells: &[(usize, &str)]| {
        let mut all = vec![""; 14];
        all[0] = "US 9000001 B2";
        for (at, value) in cells {
            all[*at] = value;
        }
        all.join(",")
    };
    let csv = format!(
        "{CSV_HEADER}\n{}\n{}\n",
        row(&[(2, "First title"), (3, "Acme Corp")]),
        row(&[(6, "2014-01-02"), (10, "H04L 9/32")])
    );
    let html = import(&app, &admin, "twice.csv", csv.clone().into_bytes()).await;
    let c = counts(&html);
    assert_eq!((c.created, c.failed), (1, 0));
    assert!(html.contains(r#"data-count="repeated">1<"#));
    let html = import(&app, &admin, "twice.csv", csv.into_bytes()).await;
    let c = counts(&html);
    assert_eq!((c.created, c.updated, c.unchanged), (0, 0, 1));
    let page = app.page(&admin, "/rights/US9000001B2").await;
    assert!(page.contains("First title") && page.contains(r#"data-ipc="H04L 9/32""#));

    // The file may say what kind of right a number is, where the number does not tell.
    let csv = format!("{CSV_HEADER}\nJP 1234567 B2,design,Chair,,,,,,,,,,,\n");
    assert_eq!(
        counts(&import(&app, &admin, "kinds.csv", csv.into_bytes()).await).created,
        1
    );
    let (found, _) = search(&app, &admin, "JP 1234567").await;
    assert_eq!(found, ["JP1234567B2"]);
    let html = app.page(&admin, "/rights?kind=design").await;
    assert_eq!(values(&html, "<tr data-right"), ["JP1234567B2"]);
}

#[tokio::test]
async fn an_import_row_with_a_nul_fails_alone_and_the_rest_is_imported() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let file = b"number,title\nUS 8930553 B2,Bat\0tery\nUS 8926509 B2,Fine\n".to_vec();
    let html = import(&app, &admin, "nul.csv", file).await;
    assert_eq!(
        counts(&html),
        Counts {
            created: 1,
            updated: 0,
            unchanged: 0,
            failed: 1
        }
    );
    assert!(html.contains("control character"), "{html}");
}
