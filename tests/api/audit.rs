use std::process::Command;

use diesel::connection::SimpleConnection;
use ipdesk::audit::{self, Actor, Event, Verdict};
use ipdesk::db::write_tx;
use ipdesk::domain::Role;

use crate::helpers::{browser, spawn_app};

#[tokio::test]
async fn sign_ins_and_administration_are_recorded_and_the_chain_verifies() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.login_as(&browser(), "nobody@example.org", "not-a-real-password")
        .await;
    let (examiner, who) = app.signed_in(Role::Examiner).await;
    app.get_as(&examiner, "/admin/audit").await;
    app.post_as(&admin, &format!("/admin/users/{}/deactivate", who.id.0), &[])
        .await;

    let actions = app.audit_actions().await;
    for expected in [
        "login.success",
        "login.failure",
        "access.denied",
        "admin.user_deactivated",
    ] {
        assert!(
            actions.contains(&expected.to_owned()),
            "{expected} in {actions:?}"
        );
    }
    let verdict = app.with_db(|c| audit::verify(c).unwrap()).await;
    assert!(
        matches!(verdict, Verdict::Intact { entries, .. } if entries == actions.len() as i64),
        "{verdict:?}"
    );

    let page = app.page(&admin, "/admin/audit?action=login.failure").await;
    assert!(page.contains("login.failure"));
    assert!(!page.contains("<code>login.success</code>"));
    let page = app.page(&admin, &format!("/admin/audit?q={}", who.email)).await;
    assert!(page.contains("admin.user_deactivated"));
    assert!(page.contains("1 in all") || page.contains("in all"));
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_entries() {
    let app = spawn_app().await;
    app.signed_in(Role::Legal).await;
    for sql in ["UPDATE audit_log SET details = '{}'", "DELETE FROM audit_log"] {
        let refused = app.with_db(move |c| c.batch_execute(sql)).await;
        let message = refused.expect_err(sql).to_string();
        assert!(message.contains("append-only"), "{sql}: {message}");
    }
    assert!(!app.audit_actions().await.is_empty());
}

#[tokio::test]
async fn concurrent_writers_still_form_one_chain() {
    let app = spawn_app().await;
    let mut writers = Vec::new();
    for writer in 0..4 {
        let pool = app.pool.clone();
        writers.push(std::thread::spawn(move || {
            let mut conn = pool.get().unwrap();
            for n in 0..25 {
                write_tx(&mut conn, |c| {
                    audit::record(
                        c,
                        Event {
                            actor: &Actor::system(),
                            action: "test.concurrent",
                            object: Some(("writer", writer.to_string())),
                            details: serde_json::json!({"n": n}),
                            address: None,
                        },
                    )
                })
                .unwrap();
            }
        }));
    }
    for w in writers {
        w.join().unwrap();
    }
    let verdict = app.with_db(|c| audit::verify(c).unwrap()).await;
    assert!(
        matches!(verdict, Verdict::Intact { entries: 100, .. }),
        "{verdict:?}"
    );
}

#[tokio::test]
async fn audit_verify_names_an_entry_altered_behind_the_databases_back() {
    let app = spawn_app().await;
    for _ in 0..3 {
        app.signed_in(Role::Mediator).await;
    }
    let url = app.settings.database_url.clone().unwrap();
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_ipdesk"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", &url)
            .env("IPDESK_DATA_DIR", app.settings.data_dir.as_os_str())
            .output()
            .unwrap()
    };
    let out = verify();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact: 3 entries"));

    let postgres = app.db.is_postgres();
    app.with_db(move |c| {
        let drop = if postgres {
            "DROP TRIGGER audit_log_no_change ON audit_log"
        } else {
            "DROP TRIGGER audit_log_no_update"
        };
        c.batch_execute(drop).unwrap();
        c.batch_execute("UPDATE audit_log SET details = '{\"rehashed\":true}' WHERE seq = 2")
            .unwrap();
    })
    .await;
    let out = verify();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("BROKEN at entry 2"), "{said}");
    assert!(said.contains("altered"));
}

#[tokio::test]
async fn a_refused_access_is_recorded_with_who_and_where() {
    let app = spawn_app().await;
    let (complainant, user) = app.signed_in(Role::Complainant).await;
    assert_eq!(app.get_as(&complainant, "/admin/users").await.status(), 404);
    let row = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::audit_log::dsl::*;
            audit_log
                .filter(action.eq("access.denied"))
                .select((actor_id, details))
                .first::<(Option<i64>, String)>(c)
                .unwrap()
        })
        .await;
    assert_eq!(row.0, Some(user.id.0));
    assert!(row.1.contains("/admin/users"));
}

#[tokio::test]
async fn a_korean_administrator_reads_actions_by_name_and_can_still_search_by_code() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.post_as(&admin, "/language", &[("lang", "ko"), ("next", "/")])
        .await;
    app.login_as(&browser(), "nobody@example.org", "not-a-real-password")
        .await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    app.get_as(&examiner, "/admin/audit").await;
    // A code this release does not know (written by another one) is shown as itself.
    app.with_db(|c| {
        write_tx(c, |c| {
            audit::record(
                c,
                Event {
                    actor: &Actor::system(),
                    action: "future.thing",
                    object: Some(("widget", "7".into())),
                    details: serde_json::json!({}),
                    address: None,
                },
            )
        })
        .unwrap()
    })
    .await;

    let page = app.page(&admin, "/admin/audit").await;
    for name in [
        "로그인 실패",
        "로그인",
        "접근 거부",
        "로그인하지 않은 방문자",
        "시스템",
        "widget 7",
    ] {
        assert!(page.contains(name), "{name}: {page}");
    }
    assert!(page.contains("<code>login.failure</code>"), "{page}");
    assert!(page.contains(">future.thing<br>"), "{page}");
    // Every known code shows only as the small code under its name or as an option's value.
    for code in audit::action::all_codes().filter(|c| c.contains('.')) {
        let everywhere = page.matches(&code).count();
        let as_code = page.matches(&format!("<code>{code}</code>")).count();
        let as_value = page.matches(&format!(r#"value="{code}""#)).count();
        assert_eq!(everywhere, as_code + as_value, "{code} shown raw: {page}");
    }
    let filtered = app.page(&admin, "/admin/audit?action=access.denied").await;
    assert!(
        filtered.contains(r#"<option value="access.denied" selected>접근 거부</option>"#),
        "{filtered}"
    );
    assert!(!filtered.contains("<code>login.failure</code>"));
}
