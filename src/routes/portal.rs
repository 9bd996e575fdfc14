//! The respondent's way in (DESIGN §3, §7): the single-use invitation link ties the case's
//! respondent party to the account of the address it was sent to — a new one, or the
//! respondent's existing one once they sign in; and every notice's own link, which records
//! when it was first opened (proof of notice) before leading to the case.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::token;
use crate::db::{DbConn, write_tx, write_tx_retrying};
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::i18n;
use crate::models::user::{self, NewUser, Takeover, User, UserId};
use crate::models::workflow::{self as store, InvitationRow};
use crate::models::{self, outbox};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::{self, RequestCtx};

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

/// What the invitation lets the visitor do, given who holds its address and who is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Standing {
    /// Used or expired: why.
    Closed(&'static str),
    /// No account owns the address: the respondent creates one. An unconfirmed account with
    /// the address owns nothing — whoever made it never proved the address — and is taken over.
    NewAccount,
    /// A respondent's account owns the address: they sign in with it first.
    SignIn,
    /// That respondent is signed in: one button adds the case to their account.
    AddCase(UserId),
    /// Another account is signed in (its address): sign out first.
    SignedInAs(String),
    /// A complainant's or the office's account owns the address (or one the office stopped):
    /// the office sorts it out.
    OtherKind,
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

fn standing(inv: &InvitationRow, holder: Option<&User>, visitor: Option<&User>) -> Standing {
    if let Some(reason) = closed_reason(inv) {
        return Standing::Closed(reason);
    }
    if let Some(v) = visitor
        && holder.is_none_or(|h| h.id != v.id)
    {
        return Standing::SignedInAs(v.email.clone());
    }
    match holder {
        None => Standing::NewAccount,
        Some(h) if unclaimed(h) => Standing::NewAccount,
        Some(h) if h.email_verified && h.active && h.role == Role::Respondent => match visitor {
            Some(_) => Standing::AddCase(h.id),
            None => Standing::SignIn,
        },
        Some(_) => Standing::OtherKind,
    }
}

/// An unconfirmed account of a kind anyone can make for themselves: it owns nothing, not even
/// its address. An office account awaiting its setup link was vouched for by the office;
/// turning it into a respondent's is the office's call, so it is not unclaimed.
fn unclaimed(account: &User) -> bool {
    !account.email_verified && account.active && matches!(account.role, Role::Complainant | Role::Respondent)
}

/// The account that holds the invitation's address, if any (addresses are kept as parsed).
fn holder_of(c: &mut DbConn, inv: &InvitationRow) -> Result<Option<User>, AppError> {
    let email = Email::parse(&inv.email).map_or_else(|_| inv.email.clone(), |e| e.as_str().to_owned());
    Ok(user::find_row_by_email(c, &email)?.map(|r| r.to_user()))
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
    standing: &'a Standing,
}

impl InvitationPage<'_> {
    fn signed_in_as(&self, current: &str) -> String {
        i18n::text_with(
            self.ctx.lang,
            "invitation-signed-in-as",
            &[("email", self.email.to_owned()), ("current", current.to_owned())],
        )
    }
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
    holder: Option<User>,
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
            let holder = holder_of(c, &invitation)?;
            Ok(Found {
                invitation,
                case_no: case.case_no.unwrap_or_default(),
                title: case.title,
                party_name,
                holder,
            })
        })
        .await
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
            standing: &standing(&f.invitation, f.holder.as_ref(), ctx.user.as_ref()),
        },
    )
    .map(page::origin_only_referrer)
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

/// What a join transaction did.
enum Joined {
    /// The party is tied to the account; a new session's cookie if one was started.
    Done(Option<String>),
    /// Refused, with the reason's key; nothing changed.
    Refused(&'static str),
    /// The invitation or the account changed since the page was read; nothing changed.
    Changed,
}

/// Inside the write transaction: what the invitation allows now. The invitation and the
/// account are read again, so a race decides before anything is written.
fn standing_now(
    c: &mut DbConn,
    token_hash: &str,
    visitor: Option<&User>,
) -> Result<(InvitationRow, Option<User>, Standing), AppError> {
    let invitation = store::invitation_by_token(c, token_hash)?.ok_or(AppError::NotFound)?;
    let holder = holder_of(c, &invitation)?;
    let now = standing(&invitation, holder.as_ref(), visitor);
    Ok((invitation, holder, now))
}

/// Ties the party to the account (the invitation is used once) and records who joined how.
fn accept(
    c: &mut DbConn,
    invitation: &InvitationRow,
    user: &User,
    case_no: &str,
    details: serde_json::Value,
    address: Option<String>,
) -> Result<(), AppError> {
    // `standing_now` found it unused in this transaction; this is the last word on a race.
    if !store::accept_invitation(c, invitation, user.id, models::now())? {
        return Err(AppError::Request {
            status: StatusCode::GONE,
            message: "the invitation was used a moment ago".into(),
        });
    }
    audit::record(
        c,
        Event {
            actor: &Actor::user(user),
            action: "case.respondent_joined",
            object: Some(("case", case_no.to_owned())),
            details,
            address,
        },
    )?;
    Ok(())
}

/// Joins the case: with a new account (or a taken-over unconfirmed one), or by adding the case
/// to the signed-in respondent's account. Each is one transaction.
pub async fn join(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let found = find(&state, &token).await?;
    let status = match standing(&found.invitation, found.holder.as_ref(), ctx.user.as_ref()) {
        Standing::NewAccount => return create_account(req, state, ctx, &token, found, form).await,
        Standing::AddCase(user) => return add_case(req, state, ctx, &token, found, user).await,
        Standing::Closed(_) => StatusCode::GONE,
        Standing::SignIn | Standing::SignedInAs(_) | Standing::OtherKind => StatusCode::FORBIDDEN,
    };
    render(&ctx, &token, &found, &form, FieldErrors::default(), status)
}

/// After the transaction: where to go, or the page again.
async fn answer(
    req: &HttpRequest,
    state: &AppState,
    ctx: &PageCtx,
    token: &str,
    found: &Found,
    form: &JoinForm,
    joined: Joined,
) -> Result<HttpResponse, AppError> {
    match joined {
        Joined::Done(cookie) => {
            if let Some(cookie) = cookie {
                session::set_cookie(req, cookie);
            }
            flash::set(req, Flash::InvitationAccepted);
            Ok(page::see_other(&format!("/cases/{}", found.case_no)))
        }
        Joined::Refused(key) => render(
            ctx,
            token,
            found,
            form,
            FieldErrors::one("form", key),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // The page as it stands now says what is possible.
        Joined::Changed => {
            let fresh = find(state, token).await?;
            render(
                ctx,
                token,
                &fresh,
                form,
                FieldErrors::default(),
                StatusCode::CONFLICT,
            )
        }
    }
}

/// Creates the respondent's account — or takes over an unconfirmed one with the address —
/// ties it to the party and signs them in.
async fn create_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    token: &str,
    found: Found,
    form: JoinForm,
) -> Result<HttpResponse, AppError> {
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
            token,
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
    let visitor = ctx.user.clone();
    let token_hash = token::hash(token);
    let case_no = found.case_no.clone();
    let joined = state
        .db(move |c| {
            // Retried once if another join inserted the same address first: the second run
            // finds that account and answers accordingly.
            write_tx_retrying(c, |c| {
                let (invitation, holder, now) = standing_now(c, &token_hash, visitor.as_ref())?;
                if now != Standing::NewAccount {
                    return Ok(Joined::Changed);
                }
                let (user, took_over) = match holder {
                    None => {
                        let new = NewUser {
                            email: &email,
                            name: &name,
                            role: Role::Respondent,
                            password_hash: Some(&hash),
                            language,
                            // The link came to this address: it is verified.
                            email_verified: true,
                        };
                        (user::insert(c, new)?, false)
                    }
                    Some(squatter) => {
                        // Handing over an account that holds case files would hand over the
                        // files; the office decides (unreachable through the forms, which
                        // let no unconfirmed account draft, but the data allows it).
                        if user::holds_cases(c, squatter.id)? {
                            return Ok(Joined::Refused("invitation-address-holds-cases"));
                        }
                        let to = Takeover {
                            name: &name,
                            role: Role::Respondent,
                            password_hash: &hash,
                            language,
                        };
                        if !user::take_over_unconfirmed(c, squatter.id, to)? {
                            return Ok(Joined::Changed);
                        }
                        (user::find(c, squatter.id)?.ok_or(AppError::NotFound)?, true)
                    }
                };
                let details = match took_over {
                    true => json!({"party": invitation.party_id, "took_over_unconfirmed_account": true}),
                    false => json!({"party": invitation.party_id}),
                };
                accept(c, &invitation, &user, &case_no, details, address.clone())?;
                let cookie = session::begin(c, user.id, language, replacing)?;
                Ok(Joined::Done(Some(cookie)))
            })
        })
        .await?;
    answer(&req, &state, &ctx, token, &found, &form, joined).await
}

/// The signed-in respondent adds the case to their account: no new account, no password.
async fn add_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    token: &str,
    found: Found,
    user_id: UserId,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req, state.settings.trusted_proxy);
    let visitor = ctx.user.clone();
    let token_hash = token::hash(token);
    let case_no = found.case_no.clone();
    let joined = state
        .db(move |c| {
            write_tx(c, |c| {
                let (invitation, holder, now) = standing_now(c, &token_hash, visitor.as_ref())?;
                let Some(user) = holder.filter(|_| now == Standing::AddCase(user_id)) else {
                    return Ok(Joined::Changed);
                };
                let details = json!({"party": invitation.party_id, "existing_account": true});
                accept(c, &invitation, &user, &case_no, details, address)?;
                Ok(Joined::Done(None))
            })
        })
        .await?;
    answer(&req, &state, &ctx, token, &found, &JoinForm::default(), joined).await
}
