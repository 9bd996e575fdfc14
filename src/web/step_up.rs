//! The page that asks for the second factor: after the password when signing in, and again
//! before a sensitive action (step-up). A sensitive form posted without a recent factor is
//! answered with this page in its place, carrying the form's fields; once the factor is given,
//! the browser is sent on to post them again (307), so nothing typed is lost.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceRequest;
use actix_web::dev::ServiceResponse;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::csrf;
use super::page::{self, PageCtx, local_path};

/// The fields of the factor form itself; everything else posted with it is carried.
pub const CODE: &str = "factor_code";
pub const CEREMONY: &str = "passkey_ceremony";
pub const CREDENTIAL: &str = "passkey_credential";
pub const NEXT: &str = "factor_next";
pub const REPLAY: &str = "factor_replay";

#[derive(Template)]
#[template(path = "accounts/factor.html")]
pub struct FactorPage<'a> {
    pub ctx: &'a PageCtx,
    /// Where the form posts: the sign-in's second step or the step-up.
    pub action: &'a str,
    /// Asked again before a sensitive action, not while signing in.
    pub step_up: bool,
    pub next: &'a str,
    /// Another form's fields, posted again to `next` once the factor is given (`replay`).
    pub carried: &'a [(String, String)],
    pub replay: bool,
    pub passkeys: bool,
    pub error: Option<String>,
}

/// A form posted to the factor page, split into its own fields and the carried ones.
#[derive(Default)]
pub struct Posted {
    pub code: String,
    pub ceremony: String,
    pub credential: String,
    pub next: String,
    pub replay: bool,
    pub carried: Vec<(String, String)>,
}

impl Posted {
    pub fn split(pairs: Vec<(String, String)>) -> Posted {
        let mut posted = Posted::default();
        for (name, value) in pairs {
            match name.as_str() {
                CODE => posted.code = value,
                CEREMONY => posted.ceremony = value,
                CREDENTIAL => posted.credential = value,
                NEXT => posted.next = value,
                REPLAY => posted.replay = value == "1",
                csrf::FIELD => {}
                _ => posted.carried.push((name, value)),
            }
        }
        posted
    }

    /// The passkey's answer, when one was given instead of a code.
    pub fn passkey(&self) -> Option<(&str, serde_json::Value)> {
        if self.ceremony.is_empty() {
            return None;
        }
        let answer = serde_json::from_str(&self.credential).unwrap_or(serde_json::Value::Null);
        Some((self.ceremony.as_str(), answer))
    }
}

/// Answers a request to a sensitive route whose session gave its second factor too long ago:
/// a page asked for is sent to the step-up page, to come back after; a form posted is
/// answered with the step-up page carrying its fields.
pub async fn demand(mut req: ServiceRequest, passkeys: bool) -> ServiceResponse<BoxBody> {
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_owned();
    if req.method() == Method::GET || req.method() == Method::HEAD {
        let location = format!(
            "/step-up?next={}",
            form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
        );
        let (req, _) = req.into_parts();
        return ServiceResponse::new(req, page::see_other(&location));
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let carried: Option<Vec<(String, String)>> = match form {
        true => req.extract::<web::Bytes>().await.ok().map(|body| {
            form_urlencoded::parse(&body)
                .filter(|(k, _)| k != csrf::FIELD)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        }),
        false => None,
    };
    // A form that cannot be carried (a file upload) is asked for again from its page.
    let next = match carried {
        None => req
            .headers()
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| url::Url::parse(r).ok())
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            })
            .unwrap_or_else(|| "/".to_owned()),
        Some(_) => target,
    };
    let (req, _) = req.into_parts();
    let step = Step {
        next: local_path(&next),
        carried: carried.as_deref(),
        passkeys,
    };
    let res = render(&req, StatusCode::FORBIDDEN, &step, None);
    ServiceResponse::new(req, res)
}

/// Where a step-up goes once the factor is given.
pub struct Step<'a> {
    pub next: &'a str,
    /// A form's fields to post again there; none to ask for the page.
    pub carried: Option<&'a [(String, String)]>,
    pub passkeys: bool,
}

/// The step-up page.
pub fn render(req: &HttpRequest, status: StatusCode, step: &Step<'_>, error: Option<String>) -> HttpResponse {
    let ctx = PageCtx::from_request(req);
    let page = FactorPage {
        ctx: &ctx,
        action: "/step-up",
        step_up: true,
        next: step.next,
        carried: step.carried.unwrap_or_default(),
        replay: step.carried.is_some(),
        passkeys: step.passkeys,
        error,
    };
    page::render(status, &page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the step-up page did not render");
        HttpResponse::InternalServerError().finish()
    })
}

/// Sends the browser on after a step-up: a carried form is posted again (307 keeps the method
/// and the body), a page is asked for again.
pub fn proceed(next: &str, replay: bool) -> HttpResponse {
    let next = local_path(next);
    match replay {
        true => HttpResponse::TemporaryRedirect()
            .insert_header((header::LOCATION, next.to_owned()))
            .finish(),
        false => page::see_other(next),
    }
}

/// Whether a sensitive action must ask for the second factor again: when the session last
/// gave it more than 15 minutes ago and the account has one (an account without one has none
/// to give; the policy holds the roles that must). Says whether a passkey can be offered.
pub async fn needed(
    state: &super::AppState,
    user: crate::models::id::UserId,
    factor_at: Option<chrono::NaiveDateTime>,
) -> Result<Option<Offer>, super::error::AppError> {
    if super::session::fresh_factor(factor_at, crate::models::now()) {
        return Ok(None);
    }
    let factors = state
        .db(move |c| Ok(crate::models::second_factor::factors_of(c, user)?))
        .await?;
    Ok(factors.any().then_some(Offer {
        passkeys: factors.passkeys > 0 && state.passkeys.is_some(),
    }))
}

/// What the step-up page offers besides a code.
#[derive(Clone, Copy, Debug)]
pub struct Offer {
    pub passkeys: bool,
}

/// For a sensitive action a handler recognises by what was posted (an office-audience
/// bundle), not by its route: the step-up page carrying `carried` back to this address, when
/// the session's second factor is stale and the account has one.
pub async fn ask_if_stale(
    req: &HttpRequest,
    state: &super::AppState,
    user: crate::models::id::UserId,
    factor_at: Option<chrono::NaiveDateTime>,
    carried: &[(String, String)],
) -> Result<Option<HttpResponse>, super::error::AppError> {
    let Some(offer) = needed(state, user, factor_at).await? else {
        return Ok(None);
    };
    let step = Step {
        next: req.path(),
        carried: Some(carried),
        passkeys: offer.passkeys,
    };
    Ok(Some(render(req, StatusCode::FORBIDDEN, &step, None)))
}
