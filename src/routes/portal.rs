//! The respondent's way in (DESIGN §3, §7): the single-use invitation link creates an account
//! tied to the case's respondent party; and every notice's own link, which records when it
//! was first opened (proof of notice) before leading to the case.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::address::client_address;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::{self, RequestCtx};
use crate::auth::token;
use crate::db::write_tx;
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::error::AppError;
use crate::models::user::{self, NewUser};
use crate::models::workflow::{self as store, InvitationRow};
use crate::models::{self, outbox};
use crate::routes::flash::{self, Flash};
use crate::routes::page::{self, FieldErrors, PageCtx};
use crate::startup::AppState;

/// A notice's own link: records the first opening, then goes to the case (signing in first
/// if need be).
pub async fn opened(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let hash = token::hash(&token);
    let case_no = state
        .db(move |c| {
            let Some(case_id) = outbox::opened(c, &hash, models::now())? else {
                return Ok(None);
            };
            Ok(
                crate::models::case::find_by_id(c, crate::models::case::CaseId(case_id))?
                    .and_then(|c| c.case_no),
            )
        })
        .await?;
    match case_no {
        Some(no) => Ok(page::see_other(&format!("/cases/{no}"))),
        None => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "portal/invitation.html")]
struct InvitationPage<'a> {
    ctx: &'a PageCtx,
    token: &'a str,
    case_no: &'a str,
    title: &'a str,
    email: &'a str,
    form: &'a JoinForm,
    errors: FieldErrors,
    /// The invitation can no longer be used: why.
    closed: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct JoinForm {
    pub name: String,
    pub password: String,
}

struct Found {
    invitation: InvitationRow,
    case_no: String,
    title: String,
    party_name: String,
}

async fn find(state: &AppState, raw: &str) -> Result<Found, AppError> {
    let hash = token::hash(raw);
    state
        .db(move |c| {
            let invitation = store::invitation_by_token(c, &hash)?.ok_or(AppError::NotFound)?;
            // Opening the invitation is the respondent's proof of notice.
            outbox::opened(c, &hash, models::now())?;
            let case = crate::models::case::find_by_id(c, crate::models::case::CaseId(invitation.case_id))?
                .ok_or(AppError::NotFound)?;
            let party_name = store::party_refs(c, crate::models::case::CaseId(case.id))?
                .into_iter()
                .find(|p| p.id == invitation.party_id)
                .map(|p| p.name)
                .unwrap_or_default();
            Ok(Found {
                invitation,
                case_no: case.case_no.unwrap_or_default(),
                title: case.title,
                party_name,
            })
        })
        .await
}

fn closed_reason(inv: &InvitationRow) -> Option<&'static str> {
    if inv.used_at.is_some() {
        Some("invitation-used")
    } else if inv.expires_at < models::now() {
        Some("invitation-expired")
    } else {
        None
    }
}

fn render(
    ctx: &PageCtx,
    token: &str,
    f: &Found,
    form: &JoinForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    page::render(
        status,
        &InvitationPage {
            ctx,
            token,
            case_no: &f.case_no,
            title: &f.title,
            email: &f.invitation.email,
            form,
            errors,
            closed: closed_reason(&f.invitation),
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageCtx,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let found = find(&state, &token).await?;
    let form = JoinForm {
        name: found.party_name.clone(),
        password: String::new(),
    };
    render(
        &ctx,
        &token,
        &found,
        &form,
        FieldErrors::default(),
        StatusCode::OK,
    )
}

/// Creates the respondent's account, ties it to the party, signs them in: one transaction.
pub async fn join(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let found = find(&state, &token).await?;
    if closed_reason(&found.invitation).is_some() {
        return render(
            &ctx,
            &token,
            &found,
            &form,
            FieldErrors::default(),
            StatusCode::GONE,
        );
    }
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.name)
        .map_err(|e| errors.add("name", e.message_key()))
        .ok();
    let email = Email::parse(&found.invitation.email)
        .map_err(|e| errors.add("form", e.message_key()))
        .ok();
    let context = [
        name.as_ref().map_or("", |n| n.as_str()),
        found.invitation.email.as_str(),
    ];
    let password = NewPassword::parse(&form.password, &context)
        .map_err(|e| errors.add("password", e.message_key()))
        .ok();
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return render(
            &ctx,
            &token,
            &found,
            &form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let replacing = RequestCtx::of(&req).and_then(|r| r.session_id());
    let address = client_address(&req, state.settings.trusted_proxy);
    let language = Some(ctx.lang);
    let invitation = found.invitation.clone();
    let case_no = found.case_no.clone();
    let joined = state
        .db(move |c| {
            write_tx(c, |c| {
                if user::email_taken(c, &email)? {
                    return Ok(Err("err-email-taken"));
                }
                let user = user::insert(
                    c,
                    NewUser {
                        email: &email,
                        name: &name,
                        role: Role::Respondent,
                        password_hash: Some(&hash),
                        language,
                        // The link came to this address: it is verified.
                        email_verified: true,
                    },
                )?;
                if !store::accept_invitation(c, &invitation, user.id, models::now())? {
                    return Err(AppError::Request {
                        status: StatusCode::GONE,
                        message: "the invitation was used a moment ago".into(),
                    });
                }
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&user),
                        action: "case.respondent_joined",
                        object: Some(("case", case_no.clone())),
                        details: json!({"party": invitation.party_id}),
                        address,
                    },
                )?;
                let cookie = session::begin(c, Some(user.id), language, replacing)?;
                Ok(Ok(cookie))
            })
        })
        .await?;
    match joined {
        Ok(cookie) => {
            session::set_cookie(&req, cookie);
            flash::set(&req, Flash::InvitationAccepted);
            Ok(page::see_other(&format!("/cases/{}", found.case_no)))
        }
        Err(key) => render(
            &ctx,
            &token,
            &found,
            &form,
            FieldErrors::one("form", key),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
