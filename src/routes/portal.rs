//! The respondent's way in (DESIGN §3, §7): the single-use invitation link ties the case's
//! respondent party to the account of the address it was sent to — a new one, or the
//! respondent's existing one once they sign in; and every notice's own link, which records
//! when it was first opened (proof of notice) before leading to the case.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::token;
use crate::domain::{Email, NewPassword, PersonName};
use crate::i18n;
use crate::models::id::UserId;
use crate::services::invitations::{self, Joined, NewRespondent, Opened, Standing, standing};
use crate::services::notice_links;
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
        .db(move |c| notice_links::open(c, &hash).map_err(Into::into))
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

async fn find(state: &AppState, raw: &str) -> Result<Opened, AppError> {
    let hash = token::hash(raw);
    state
        .db(move |c| invitations::open(c, &hash).map_err(Into::into))
        .await
}

fn render(
    ctx: &PageCtx,
    token: &str,
    f: &Opened,
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
    found: &Opened,
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
        Joined::UsedMeanwhile => Err(AppError::Request {
            status: StatusCode::GONE,
            message: "the invitation was used a moment ago".into(),
        }),
    }
}

/// Creates the respondent's account — or takes over an unconfirmed one with the address —
/// ties it to the party and signs them in.
async fn create_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    token: &str,
    found: Opened,
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
            let new = NewRespondent {
                name: &name,
                email: &email,
                password_hash: &hash,
                language,
            };
            invitations::join_with_new_account(
                c,
                &token_hash,
                visitor.as_ref(),
                new,
                &case_no,
                replacing,
                address,
            )
            .map_err(Into::into)
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
    found: Opened,
    user_id: UserId,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req, state.settings.trusted_proxy);
    let visitor = ctx.user.clone();
    let token_hash = token::hash(token);
    let case_no = found.case_no.clone();
    let joined = state
        .db(move |c| {
            invitations::add_case(c, &token_hash, visitor.as_ref(), user_id, &case_no, address)
                .map_err(Into::into)
        })
        .await?;
    answer(&req, &state, &ctx, token, &found, &JoinForm::default(), joined).await
}
