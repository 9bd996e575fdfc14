use std::time::Duration;

use ipdesk::db::write_tx;
use ipdesk::domain::{Lang, Role};
use ipdesk::mail::{self, Notice, Recipient};
use ipdesk::web::error::AppError;

use crate::helpers::{
    BASE_URL, STRONG_PASSWORD, TestApp, browser, korean_browser, location, spawn_app, spawn_app_with,
};
use crate::smtp::{SmtpSink, free_port, link_in};

pub async fn with_smtp(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(move |s| s.smtp_url = Some(url)).await
}

fn path_of(link: &str) -> String {
    link.strip_prefix(BASE_URL)
        .expect("links use the public base URL")
        .to_owned()
}

#[tokio::test]
async fn a_new_complainant_receives_a_verification_mail_in_their_language_and_verifies() {
    let sink = SmtpSink::start(0);
    let app = with_smtp(&sink).await;
    let client = korean_browser();
    let res = app
        .register_as(&client, "김민지", "minji@hanbit.example", STRONG_PASSWORD)
        .await;
    assert_eq!(res.status(), 303);
    let home = app.page(&client, "/").await;
    assert!(
        home.contains(r#"id="verify-notice""#),
        "an unverified complainant is told to verify"
    );

    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, vec!["minji@hanbit.example".to_owned()]);
    assert_eq!(mail.header("Subject"), "ipdesk 이메일 주소를 확인해 주세요");
    assert!(mail.header("To").contains("minji@hanbit.example"));
    assert!(mail.parsed().ctype.mimetype == "multipart/alternative");
    let text = mail.part("text/plain").expect("a plain-text part");
    let html = mail.part("text/html").expect("an HTML part");
    assert!(text.contains("김민지님께"));
    assert!(html.contains("김민지님께"));
    let link = link_in(&text);
    assert!(
        link.starts_with(&format!("{BASE_URL}/verify-email?token=")),
        "{link}"
    );
    assert!(html.contains(&link.replace('&', "&amp;")));
    let notice = app
        .wait_for_notices("the delivery recorded", |rows| rows[0].status.as_str() == "sent")
        .await
        .remove(0);
    assert_eq!(mail.header("Message-ID"), notice.message_id);

    // Opening the link changes nothing by itself; the button confirms.
    let page = app.page(&client, &path_of(&link)).await;
    assert!(page.contains("이메일 주소 확인"));
    let token = link.split("token=").nth(1).unwrap();
    let res = app.post_as(&client, "/verify-email", &[("token", token)]).await;
    assert_eq!(res.status(), 303);
    let home = app.page(&client, "/").await;
    assert!(!home.contains(r#"id="verify-notice""#));
    assert!(home.contains("이메일 주소가 확인되었습니다"));
    // The link works once.
    assert_eq!(
        app.post_as(&client, "/verify-email", &[("token", token)])
            .await
            .status(),
        404
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"account.email_verified".to_owned())
    );
}

#[tokio::test]
async fn without_smtp_every_notice_is_an_eml_file_a_person_can_read() {
    let app = spawn_app().await;
    app.register_as(&app.client, "Park Jisoo", "jisoo@example.org", STRONG_PASSWORD)
        .await;
    app.wait_for_notices("the mail written", |rows| {
        rows.iter().any(|r| r.status.as_str() == "sent")
    })
    .await;
    let dir = app.settings.data_dir.join("mail");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let raw = std::fs::read(&files[0]).unwrap();
    let parsed = mailparse::parse_mail(&raw).unwrap();
    use mailparse::MailHeaderMap;
    assert_eq!(
        parsed.headers.get_first_value("Subject").unwrap(),
        "Confirm your e-mail address for ipdesk"
    );
    let text = parsed
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/plain")
        .unwrap()
        .get_body()
        .unwrap();
    assert!(text.contains("Dear Park Jisoo,"));
    assert!(link_in(&text).starts_with(&format!("{BASE_URL}/verify-email?token=")));
}

#[tokio::test]
async fn a_stopped_mail_server_loses_nothing_and_sends_once_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(move |s| s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    app.register_as(
        &app.client,
        "Waiting Person",
        "waiting@example.org",
        STRONG_PASSWORD,
    )
    .await;
    let rows = app
        .wait_for_notices("a failed attempt", |rows| {
            rows.iter().any(|r| r.attempts >= 1 && r.last_error.is_some())
        })
        .await;
    assert_eq!(
        rows[0].status.as_str(),
        "pending",
        "a refused connection is temporary"
    );

    let sink = SmtpSink::start(port);
    let mail = sink.wait_for(1).await;
    app.wait_for_notices("delivery", |rows| rows[0].status.as_str() == "sent")
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 1, "sent exactly once");
    assert_eq!(
        mail[0].header("Message-ID"),
        rows[0].message_id,
        "the same message, not a new one"
    );
}

#[tokio::test]
async fn a_permanent_refusal_is_parked_for_an_administrator_who_can_send_it_again() {
    let sink = SmtpSink::start(0);
    sink.reject_all(true);
    let app = with_smtp(&sink).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.register_as(
        &browser(),
        "Bounced Person",
        "bounced@example.org",
        STRONG_PASSWORD,
    )
    .await;
    let rows = app
        .wait_for_notices("the refusal", |rows| {
            rows.iter().any(|r| r.status.as_str() == "failed")
        })
        .await;
    let failed = rows.iter().find(|r| r.status.as_str() == "failed").unwrap();
    assert!(
        failed.last_error.as_deref().unwrap().contains("550"),
        "{:?}",
        failed.last_error
    );
    assert_eq!(failed.attempts, 1, "a 5xx is not retried");

    let page = app.page(&admin, "/admin/outbox?status=failed").await;
    assert!(page.contains(&format!(r#"data-notice="{}" data-status="failed""#, failed.id)));
    assert!(
        page.contains(r#"id="failed-notices">1"#),
        "the navigation counts failures"
    );

    sink.reject_all(false);
    let res = app
        .post_as(&admin, &format!("/admin/outbox/{}/retry", failed.id), &[])
        .await;
    assert_eq!(res.status(), 303);
    sink.wait_for(1).await;
    app.wait_for_notices("the resend", |rows| {
        rows.iter().all(|r| r.status.as_str() == "sent")
    })
    .await;
    assert!(
        !app.page(&admin, "/admin/outbox")
            .await
            .contains(r#"id="failed-notices""#)
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"admin.notice_retried".to_owned())
    );
}

#[tokio::test]
async fn a_rolled_back_transaction_queues_nothing_and_an_event_queues_once() {
    let app = spawn_app().await;
    let public_url = app.settings.public_url().unwrap();
    let outcome = app
        .with_db(move |c| {
            let to = Recipient {
                email: "someone@example.org",
                name: "Someone",
                lang: Lang::En,
            };
            let rolled_back: Result<(), AppError> = write_tx(c, |c| {
                mail::queue(c, &public_url, "test:rollback", &to, &Notice::PasswordChanged)?;
                Err(AppError::NotFound)
            });
            assert!(rolled_back.is_err());
            let first = write_tx(c, |c| {
                mail::queue(c, &public_url, "test:once", &to, &Notice::PasswordChanged)
            });
            let second = write_tx(c, |c| {
                mail::queue(c, &public_url, "test:once", &to, &Notice::PasswordChanged)
            });
            (first.unwrap(), second.unwrap())
        })
        .await;
    assert_eq!(outcome, (true, false));
    let rows = app.notices().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].event_key, "test:once");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_mailed_link() {
    let sink = SmtpSink::start(0);
    let app = with_smtp(&sink).await;
    let user = app
        .create_user(Role::Complainant, "forgetful@example.org", STRONG_PASSWORD)
        .await;
    let elsewhere = browser();
    assert_eq!(
        app.login_as(&elsewhere, &user.email, STRONG_PASSWORD)
            .await
            .status(),
        303
    );

    let res = app
        .post("/password-reset", &[("email", "Forgetful@Example.org")])
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("If an account exists for that address")
    );
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.header("Subject"), "Reset your ipdesk password");
    let link = link_in(&mail.part("text/plain").unwrap());
    assert!(link.starts_with(&format!("{BASE_URL}/password-reset/confirm?token=")));

    let page = app.get(&path_of(&link)).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "strict-origin");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let res = app
        .post(
            "/password-reset/confirm",
            &[("token", &token), ("password", "password123")],
        )
        .await;
    assert_eq!(res.status(), 422, "the new password follows the same rules");
    let new_password = "lighthouse-keeper-paints-blue";
    let res = app
        .post(
            "/password-reset/confirm",
            &[("token", &token), ("password", new_password)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login");

    assert_eq!(
        app.get_as(&elsewhere, "/account").await.status(),
        303,
        "every session ended"
    );
    assert_eq!(
        app.login_as(&browser(), &user.email, STRONG_PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(
        app.login_as(&browser(), &user.email, new_password).await.status(),
        303
    );
    let res = app
        .post(
            "/password-reset/confirm",
            &[("token", &token), ("password", "another-brand-new-secret")],
        )
        .await;
    assert_eq!(res.status(), 404, "the link works once");

    let mails = sink.wait_for(2).await;
    assert_eq!(mails[1].header("Subject"), "Your ipdesk password was changed");
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"password.reset_requested".to_owned()));
    assert!(actions.contains(&"password.reset_completed".to_owned()));
}

#[tokio::test]
async fn a_reset_request_answers_the_same_whether_or_not_the_account_exists() {
    let sink = SmtpSink::start(0);
    let app = with_smtp(&sink).await;
    app.create_user(Role::Examiner, "known@ipo.example", STRONG_PASSWORD)
        .await;
    let scrub = |html: String| {
        regex::Regex::new(r#"value="[^"]*""#)
            .unwrap()
            .replace_all(&html, "")
            .into_owned()
    };
    let client = browser();
    let known = app
        .post_as(&client, "/password-reset", &[("email", "known@ipo.example")])
        .await;
    let (known_status, known_body) = (known.status(), scrub(known.text().await.unwrap()));
    let unknown = app
        .post_as(&client, "/password-reset", &[("email", "unknown@ipo.example")])
        .await;
    assert_eq!(known_status, unknown.status());
    assert_eq!(known_body, scrub(unknown.text().await.unwrap()));
    sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mails = sink.received();
    assert_eq!(mails.len(), 1, "mail only for the existing account");
    assert_eq!(mails[0].to, vec!["known@ipo.example".to_owned()]);
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    app.create_user(Role::Legal, "legal@ipo.example", STRONG_PASSWORD)
        .await;
    app.post("/password-reset", &[("email", "legal@ipo.example")])
        .await;
    let rows = app
        .wait_for_notices("the reset mail", |rows| !rows.is_empty())
        .await;
    let link = link_in(&rows[0].body_text);
    assert_eq!(app.get(&path_of(&link)).await.status(), 200);
    app.with_db(|c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::email_tokens::dsl::*;
        let past = ipdesk::models::now() - chrono::TimeDelta::minutes(31);
        diesel::update(email_tokens)
            .set(expires_at.eq(past))
            .execute(c)
            .unwrap();
    })
    .await;
    let res = app.get(&path_of(&link)).await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("has expired"));
    let token = link.split("token=").nth(1).unwrap();
    let res = app
        .post(
            "/password-reset/confirm",
            &[("token", token), ("password", "lighthouse-keeper-paints-blue")],
        )
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_host_header_cannot_change_the_link_in_the_mail() {
    let app = spawn_app().await;
    app.create_user(Role::Complainant, "victim@example.org", STRONG_PASSWORD)
        .await;
    let token = app.csrf(&app.client).await;
    let res = app
        .client
        .post(app.url("/password-reset"))
        .header("host", "evil.test")
        .header("x-forwarded-host", "evil.test")
        .form(&[("email", "victim@example.org"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows = app
        .wait_for_notices("the reset mail", |rows| !rows.is_empty())
        .await;
    assert!(link_in(&rows[0].body_text).starts_with(&format!("{BASE_URL}/password-reset/confirm?token=")));
    assert!(!rows[0].body_html.contains("evil.test"));
}

#[tokio::test]
async fn the_verification_mail_can_be_sent_again_and_the_older_link_stops_working() {
    let app = spawn_app().await;
    app.register_as(&app.client, "Slow Reader", "slow@example.org", STRONG_PASSWORD)
        .await;
    let first = app
        .wait_for_notices("the first mail", |rows| rows.len() == 1)
        .await;
    let res = app.post("/verify-email/resend", &[]).await;
    assert_eq!(res.status(), 303);
    assert!(
        app.page(&app.client, "/").await.contains("sent a moment ago"),
        "not twice within a minute"
    );
    app.with_db(|c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::email_tokens::dsl::*;
        let earlier = ipdesk::models::now() - chrono::TimeDelta::minutes(5);
        diesel::update(email_tokens)
            .set(created_at.eq(earlier))
            .execute(c)
            .unwrap();
    })
    .await;
    app.post("/verify-email/resend", &[]).await;
    assert!(
        app.page(&app.client, "/")
            .await
            .contains("We sent you a new confirmation link")
    );
    let rows = app
        .wait_for_notices("the second mail", |rows| rows.len() == 2)
        .await;
    let old = path_of(&link_in(&first[0].body_text));
    let new = path_of(&link_in(&rows[0].body_text));
    assert_ne!(old, new);
    assert_eq!(app.get(&old).await.status(), 404);
    assert_eq!(app.get(&new).await.status(), 200);
}

#[tokio::test]
async fn changing_the_password_sends_a_notice_and_an_invited_colleague_gets_a_link() {
    let app = spawn_app().await;
    let (client, user) = app.signed_in(Role::Complainant).await;
    app.post_as(
        &client,
        "/account/password",
        &[
            ("current_password", STRONG_PASSWORD),
            ("new_password", "copper-kettle-whistles-twice"),
        ],
    )
    .await;
    let rows = app.wait_for_notices("the notice", |rows| !rows.is_empty()).await;
    assert_eq!(rows[0].kind.as_str(), "password_changed");
    assert_eq!(rows[0].recipient, user.email);

    let (admin, _) = app.signed_in(Role::Admin).await;
    app.post_as(
        &admin,
        "/admin/users",
        &[
            ("name", "Choi Examiner"),
            ("email", "choi@ipo.example"),
            ("role", "examiner"),
        ],
    )
    .await;
    let rows = app
        .wait_for_notices("the invitation", |rows| rows.len() == 2)
        .await;
    assert_eq!(rows[0].kind.as_str(), "account_invitation");
    assert!(link_in(&rows[0].body_text).starts_with(&format!("{BASE_URL}/setup?token=")));
}

#[tokio::test]
async fn names_cannot_add_mail_headers() {
    let sink = SmtpSink::start(0);
    let app = with_smtp(&sink).await;
    let public_url = app.settings.public_url().unwrap();
    app.with_db(move |c| {
        let to = Recipient {
            email: "target@example.org",
            name: "Kim\r\nBcc: thief@evil.example",
            lang: Lang::En,
        };
        write_tx(c, |c| {
            mail::queue(c, &public_url, "test:header", &to, &Notice::PasswordChanged)
        })
        .unwrap();
    })
    .await;
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(
        mail.to,
        vec!["target@example.org".to_owned()],
        "one recipient only"
    );
    assert!(mail.header("Bcc").is_empty());
}

#[tokio::test]
async fn a_notice_left_half_sent_by_a_crashed_worker_is_sent_again_with_the_same_message_id() {
    let sink = SmtpSink::start(0);
    let app = with_smtp(&sink).await;
    let public_url = app.settings.public_url().unwrap();
    // As a worker that claimed the row and died before recording the outcome left it.
    let message_id = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::outbox::dsl::*;
            let to = Recipient {
                email: "crash@example.org",
                name: "Crash Test",
                lang: Lang::En,
            };
            write_tx(c, |c| {
                mail::queue(c, &public_url, "test:crash", &to, &Notice::PasswordChanged)?;
                let past = ipdesk::models::now() - chrono::TimeDelta::seconds(1);
                diesel::update(outbox)
                    .set((status.eq("sending"), locked_until.eq(Some(past))))
                    .execute(c)?;
                Ok::<_, AppError>(())
            })
            .unwrap();
            outbox.select(message_id).first::<String>(c).unwrap()
        })
        .await;
    let mail = sink.wait_for(1).await;
    assert_eq!(mail[0].header("Message-ID"), message_id);
    app.wait_for_notices("the recovery", |rows| rows[0].status.as_str() == "sent")
        .await;
}

#[tokio::test]
async fn two_app_servers_on_one_database_send_each_notice_exactly_once() {
    let sink = SmtpSink::start(0);
    let app = with_smtp(&sink).await;
    let mut second = app.settings.clone();
    second.bind = "127.0.0.1:0".parse().unwrap();
    let other = ipdesk::startup::Application::build(second).await.unwrap();
    tokio::spawn(other.run_until_stopped());

    let public_url = app.settings.public_url().unwrap();
    app.with_db(move |c| {
        for n in 0..30 {
            let email = format!("party{n}@example.org");
            let to = Recipient {
                email: &email,
                name: "Party",
                lang: Lang::Ko,
            };
            write_tx(c, |c| {
                mail::queue(
                    c,
                    &public_url,
                    &format!("test:many:{n}"),
                    &to,
                    &Notice::PasswordChanged,
                )
            })
            .unwrap();
        }
    })
    .await;
    let mails = sink.wait_for(30).await;
    app.wait_for_notices("every notice sent", |rows| {
        rows.iter().all(|r| r.status.as_str() == "sent")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let mails = if sink.received().len() > mails.len() {
        sink.received()
    } else {
        mails
    };
    let ids: std::collections::HashSet<String> = mails.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(mails.len(), 30, "no notice sent twice");
    assert_eq!(ids.len(), 30);
}
