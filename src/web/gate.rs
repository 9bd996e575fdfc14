//! The gate every request passes: it gives the request an id, finds the route's access rule
//! (none means no entry), checks where unsafe requests come from, loads the session, decides,
//! and on the way out sets cookies, forbids caching of dynamic pages and logs one line.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use tracing::Instrument;

use serde_json::json;

use super::address::client_address;
use super::flash;
use super::session::{self, CookieChange, RequestCtx, SessionState, Timeouts};
use crate::audit::Actor;
use crate::auth::policy::{Access, Decision, Factor, Permission, allows};
use crate::auth::visitor::{Visitor, VisitorKey};
use crate::domain::{Lang, text};
use crate::models;
use crate::routes;
use crate::services;
use crate::web::AppState;
use crate::web::error::{self, AppError, ErrorDetail};

pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    // The path only: query strings can carry tokens (setup links) and never reach the log.
    let span = tracing::info_span!("request", id = %request_id, method = %req.method(), path = ?req.path());
    async move {
        let started = Instant::now();
        let res = admit(req, next, request_id).await;
        match &res {
            Ok(res) => {
                let user = RequestCtx::of(res.request()).and_then(|c| c.user().map(|u| u.id.0));
                tracing::info!(
                    status = res.status().as_u16(),
                    user,
                    ms = started.elapsed().as_millis() as u64,
                    "request"
                );
            }
            Err(e) => tracing::error!(error = %e, "request failed"),
        }
        res
    }
    .instrument(span)
    .await
}

async fn admit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    request_id: String,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .expect("AppState is registered");
    let pattern = req.match_pattern();
    // Unknown paths fall through to the 404 page. A known path without a rule for this method
    // is refused too, once the session is known, so the page is in the reader's language.
    let route = routes::route_for(req.method(), pattern.as_deref());
    let (access, unlisted, allow) = match (&pattern, route.map(|r| r.access)) {
        (_, Some(access)) => (access, false, Vec::new()),
        (None, None) => (Access::Public, false, Vec::new()),
        (Some(pattern), None) => {
            let allow = routes::allowed_methods(pattern);
            if allow.is_empty() {
                tracing::error!(pattern, method = %req.method(), "route has no access rule; refused");
            } else {
                // A PUT, DELETE or PROPFIND from a scanner: answered, not an error of ours.
                tracing::info!(pattern, method = %req.method(), "method not allowed");
            }
            (Access::Public, true, allow)
        }
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);

    if unsafe_method && let Some(origin) = super::csrf::foreign_origin(&req, state.public_url.url()) {
        tracing::warn!(event = "csrf.origin", origin = ?origin, "cross-site request refused");
        let ctx = bare_ctx(&req, request_id);
        return Ok(refuse(
            req,
            ctx,
            StatusCode::FORBIDDEN,
            Some("err-page-cross-site"),
        ));
    }

    let cookie_name = session::cookie_name(state.secure_cookies());
    let cookie = req.cookie(cookie_name).map(|c| c.value().to_owned());
    let signed_in_cookie = cookie
        .as_deref()
        .is_some_and(|c| !VisitorKey::looks_like_visitor(c));
    let start_visitor = access == Access::Public && pattern.is_some() && !unlisted && !unsafe_method;
    let mut failed_notices = 0;
    let loaded = match cookie {
        _ if access == Access::Open => None,
        Some(c) if VisitorKey::looks_like_visitor(&c) => state
            .visitor_key
            .read(&c)
            .map(|v| session::visitor(&state.visitor_key, v)),
        Some(c) => {
            let timeouts = Timeouts {
                idle: state.settings.session_idle_timeout(),
                absolute: state.settings.session_absolute_timeout(),
            };
            let mfa_roles = state.mfa_roles.clone();
            let result = state
                .db(move |conn| {
                    let found = session::load(conn, &c, models::now(), timeouts, &mfa_roles)?;
                    // Administrators see on every page whether a notice failed.
                    let failed = match found.as_ref().and_then(|s| s.user.as_ref()) {
                        Some(u) if allows(u.role, Permission::ManageOutbox) => {
                            models::outbox::count_failed(conn)?
                        }
                        _ => 0,
                    };
                    Ok((found, failed))
                })
                .await;
            match result {
                Ok((found, failed)) => {
                    failed_notices = failed;
                    found
                }
                Err(e) => {
                    let bare = actix_web::ResponseError::error_response(&e);
                    let detail = bare
                        .extensions()
                        .get::<ErrorDetail>()
                        .cloned()
                        .unwrap_or_default();
                    let ctx = bare_ctx(&req, request_id);
                    let (req, _) = req.into_parts();
                    req.extensions_mut().insert(ctx);
                    let res = error::error_page(&req, bare.status(), &detail);
                    return Ok(finish(ServiceResponse::new(req, res), &state, None));
                }
            }
        }
        None => None,
    };
    // A page anyone may read gives a visitor without a (valid) cookie one, which its forms
    // need; it is a signed cookie, not a row, so this costs nothing per request.
    let (loaded, started_visitor) = match loaded {
        None if start_visitor => {
            let v = Visitor::new(None);
            let cookie = state.visitor_key.cookie_value(&v);
            (Some(session::visitor(&state.visitor_key, v)), Some(cookie))
        }
        loaded => (loaded, None),
    };

    let flash = req.cookie(flash::COOKIE).and_then(|c| Flash::from_key(c.value()));
    let lang = loaded
        .as_ref()
        .and_then(|s| s.user.as_ref().and_then(|u| u.language).or(s.language))
        .or_else(|| accept_language(&req))
        .unwrap_or_default();
    let ctx = RequestCtx {
        request_id,
        lang,
        session: loaded,
        flash,
        failed_notices,
    };
    if unlisted && !allow.is_empty() {
        let mut res = refuse(req, ctx, StatusCode::METHOD_NOT_ALLOWED, None);
        res.headers_mut().insert(
            header::ALLOW,
            header::HeaderValue::from_str(&allow.join(", ")).expect("method names are ASCII"),
        );
        return Ok(finish(res, &state, started_visitor));
    }
    // Text first enters through the path and the query string: one that decodes to a control
    // character or broken UTF-8 names nothing and is refused before any handler reads it.
    if !text::decodes_clean(req.path().as_bytes()) || !text::decodes_clean(req.query_string().as_bytes()) {
        return Ok(refuse(req, ctx, StatusCode::BAD_REQUEST, None));
    }
    if unlisted {
        return Ok(refuse(req, ctx, StatusCode::NOT_FOUND, None));
    }
    let decision = access.decide(ctx.user());
    req.extensions_mut().insert(ctx.clone());

    match decision {
        Decision::Admit => {}
        Decision::SignIn => {
            let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let location = if req.method() == Method::GET {
                format!("/login?next={}", urlencode(target))
            } else {
                "/login".to_owned()
            };
            let res = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
            let (req, _) = req.into_parts();
            // A signed-in session's cookie that no longer names one: it has timed out (or
            // was ended), and the person is told so.
            let ended = signed_in_cookie && ctx.session.is_none();
            flash::set(
                &req,
                if ended {
                    Flash::SessionEnded
                } else {
                    Flash::SignInRequired
                },
            );
            return Ok(finish(ServiceResponse::new(req, res), &state, started_visitor));
        }
        Decision::Hide => {
            let actor = ctx.user().map(Actor::user).unwrap_or_else(Actor::anonymous);
            tracing::warn!(
                event = "access.denied",
                user = actor.id.map(|u| u.0),
                "authorization failure"
            );
            let details = json!({"method": req.method().as_str(), "route": pattern, "path": req.path()});
            let address = client_address(req.request(), state.settings.trusted_proxy);
            let recorded = state
                .db(move |c| Ok(services::access::record_refusal(c, &actor, details, address)?))
                .await;
            if let Err(e) = recorded {
                tracing::error!(error = %e, "could not record the refused access");
            }
            return Ok(refuse(req, ctx, StatusCode::NOT_FOUND, None));
        }
    }

    if let Some(route) = route
        && !matches!(access, Access::Open | Access::Public)
        && let Some(session) = ctx.session.as_ref().filter(|s| s.user.is_some())
    {
        match second_factor(&state, route.factor, session).await {
            Ok(FactorCheck::Pass) => {}
            Ok(FactorCheck::Enroll) => {
                // A form's body is read (up to the form limit), so that the connection stays
                // usable for the redirect's request. The page says why.
                let mut req = req;
                if unsafe_method {
                    let _ = req.extract::<web::Bytes>().await;
                }
                let (req, _) = req.into_parts();
                let res = crate::web::page::see_other("/account/security");
                return Ok(finish(ServiceResponse::new(req, res), &state, started_visitor));
            }
            Ok(FactorCheck::StepUp { passkeys }) => {
                let res = super::step_up::demand(req, passkeys).await;
                return Ok(finish(res, &state, started_visitor));
            }
            Err(e) => return Err(e.into()),
        }
    }

    let res = next.call(req).await?.map_into_boxed_body();
    Ok(finish(res, &state, started_visitor))
}

enum FactorCheck {
    Pass,
    /// Held at setting up a second factor: go there.
    Enroll,
    /// A sensitive action whose session gave its second factor too long ago: ask again.
    StepUp {
        passkeys: bool,
    },
}

/// What the route asks of the second factor, for a signed-in session.
async fn second_factor(
    state: &AppState,
    rule: Factor,
    session: &SessionState,
) -> Result<FactorCheck, AppError> {
    let loose = matches!(rule, Factor::Enrolling | Factor::Adding);
    if session.held && !loose {
        return Ok(FactorCheck::Enroll);
    }
    let sensitive = matches!(rule, Factor::Fresh | Factor::Adding);
    let Some(user) = session.user.as_ref().map(|u| u.id).filter(|_| sensitive) else {
        return Ok(FactorCheck::Pass);
    };
    Ok(
        match super::step_up::needed(state, user, session.factor_at).await? {
            Some(offer) => FactorCheck::StepUp {
                passkeys: offer.passkeys,
            },
            None => FactorCheck::Pass,
        },
    )
}

use flash::Flash;

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn accept_language(req: &ServiceRequest) -> Option<Lang> {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

/// A context for answering before the session is known.
fn bare_ctx(req: &ServiceRequest, request_id: String) -> RequestCtx {
    RequestCtx {
        request_id,
        lang: accept_language(req).unwrap_or_default(),
        session: None,
        flash: None,
        failed_notices: 0,
    }
}

fn refuse(
    req: ServiceRequest,
    ctx: RequestCtx,
    status: StatusCode,
    message: Option<&'static str>,
) -> ServiceResponse<BoxBody> {
    let (req, _) = req.into_parts();
    req.extensions_mut().insert(ctx);
    let detail = ErrorDetail {
        message_key: message,
        correlation_id: None,
    };
    let res = error::error_page(&req, status, &detail);
    ServiceResponse::new(req, res)
}

/// Cookies the handler asked for, the flash shown, and no caching of anything dynamic.
fn finish(
    mut res: ServiceResponse<BoxBody>,
    state: &AppState,
    started_visitor: Option<String>,
) -> ServiceResponse<BoxBody> {
    let secure = state.secure_cookies();
    let (change, flash_set, flash_shown) = {
        let ext = res.request().extensions();
        let shown = ext.get::<RequestCtx>().is_some_and(|c| c.flash.is_some());
        (
            ext.get::<CookieChange>().cloned(),
            ext.get::<flash::FlashChange>().copied(),
            shown,
        )
    };
    let session_cookie = match change {
        Some(CookieChange::Set(token)) => Some(session::session_cookie(secure, token)),
        Some(CookieChange::Clear) => {
            let mut c = session::session_cookie(secure, String::new());
            c.make_removal();
            Some(c)
        }
        None => started_visitor.map(|t| session::session_cookie(secure, t)),
    };
    if let Some(c) = session_cookie {
        let _ = res.response_mut().add_cookie(&c);
    }
    let status = res.status();
    // A refused upload or form may leave part of its body unread on the connection; closing
    // it says so, where reusing it would break the client's next request.
    let has_body = !matches!(
        *res.request().method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if has_body && (status.is_client_error() || status.is_server_error()) {
        res.response_mut()
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
    if let Some(flash::FlashChange(f)) = flash_set {
        let _ = res.response_mut().add_cookie(&flash::cookie(f.key(), secure));
    } else if flash_shown && status.is_success() {
        let mut c = flash::cookie("", secure);
        c.make_removal();
        let _ = res.response_mut().add_cookie(&c);
    }
    let headers = res.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    res
}
