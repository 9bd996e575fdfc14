//! What every page needs: the language, the signed-in account, the CSRF token for its forms,
//! the flash message, and how to answer with a rendered template.

use std::convert::Infallible;
use std::fmt::Display;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use super::flash::Flash;
use crate::auth::policy::{Permission, allows};
use crate::domain::Lang;
use crate::domain::next_step::By;
use crate::domain::office_time::{AsInstant, OfficeZone};
use crate::i18n;
use crate::models::user::User;
use crate::routes::assets;
use crate::web::error::AppError;
use crate::web::session::RequestCtx;
use crate::web::state::AppState;

pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    /// Something needing attention there (failed notices), shown as a badge.
    pub count: i64,
    pub current: bool,
}

pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<User>,
    /// Empty when there is no session (then the page shows no forms that need one).
    pub csrf_token: String,
    pub flash: Option<Flash>,
    /// Path and query of this page, to come back to after switching language.
    pub here: String,
    pub request_id: String,
    pub failed_notices: i64,
    /// Times are shown in the office's zone.
    pub zone: OfficeZone,
    /// How long a signed-in session has, for the script that warns before it ends.
    pub session_time: Option<SessionTime>,
}

/// A signed-in session's time, as the page is rendered.
pub struct SessionTime {
    pub idle_timeout_secs: u64,
    /// Until it ends unless another request comes.
    pub left_secs: i64,
    /// Until its absolute limit, which no request extends.
    pub limit_secs: i64,
    /// This page's address, to come back to after signing in again, when it can be opened
    /// again (it was asked for with GET, not posted).
    pub return_to: Option<String>,
}

impl PageCtx {
    pub fn from_request(req: &HttpRequest) -> PageCtx {
        let ctx = RequestCtx::of(req);
        let settings = req
            .app_data::<actix_web::web::Data<AppState>>()
            .map(|s| &s.settings);
        let zone = settings.map(|s| s.office_zone()).unwrap_or_default();
        let idle_timeout_secs = settings.map_or(0, |s| s.session_idle_timeout_secs);
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_owned();
        match ctx {
            Some(ctx) => {
                let (csrf_token, user, ends) = match ctx.session {
                    Some(s) => (s.csrf_token, s.user, s.ends),
                    None => (String::new(), None, None),
                };
                let now = crate::models::now();
                let session_time = ends.filter(|_| user.is_some()).map(|e| SessionTime {
                    idle_timeout_secs,
                    left_secs: e.seconds_left(now),
                    limit_secs: e.seconds_to_limit(now),
                    return_to: (req.method() == actix_web::http::Method::GET)
                        .then(|| local_path(&here).to_owned()),
                });
                PageCtx {
                    lang: ctx.lang,
                    user,
                    csrf_token,
                    flash: ctx.flash,
                    here,
                    request_id: ctx.request_id,
                    failed_notices: ctx.failed_notices,
                    zone,
                    session_time,
                }
            }
            None => PageCtx {
                lang: Lang::default(),
                user: None,
                csrf_token: String::new(),
                flash: None,
                here,
                request_id: String::new(),
                failed_notices: 0,
                zone,
                session_time: None,
            },
        }
    }

    pub fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key)
    }

    /// A stored (UTC) time in office time, zone marked: `2026-12-02 09:30 KST`.
    pub fn time(&self, utc: impl AsInstant) -> String {
        self.zone.show(utc.instant())
    }

    /// The same to the second.
    pub fn time_s(&self, utc: impl AsInstant) -> String {
        self.zone.show_seconds(utc.instant())
    }

    /// How the office's zone is written now (`KST`), for inputs read in office time.
    pub fn zone_abbreviation(&self) -> String {
        self.zone.abbreviation(chrono::Utc::now().naive_utc())
    }

    /// For `<time datetime>`: ISO 8601 with the office's offset.
    pub fn iso(&self, utc: impl AsInstant) -> String {
        self.zone.iso(utc.instant())
    }

    /// "3 days left", "due today", "2 days overdue": from `today` to `due`, in office days.
    pub fn days_left(&self, due: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
        match (due - today).num_days() {
            0 => self.t("deadline-due-today"),
            n if n > 0 => self.t1("deadline-days-left", "n", n),
            n => self.t1("deadline-days-overdue", "n", -n),
        }
    }

    /// By when a next step is due, in words: "by" a day and the days left, or "on" a
    /// session's time.
    pub fn by(&self, by: &By, today: &chrono::NaiveDate) -> String {
        match *by {
            By::Day(d) => self.t1("home-by", "when", format!("{d} ({})", self.days_left(d, *today))),
            By::Session(at) => self.t1("home-at", "when", self.time(at)),
        }
    }

    /// The name of a stored value in the reader's language (see [`i18n::label`]).
    /// The name of a stored value (`prefix-value`), from its text or its domain type.
    pub fn label(&self, prefix: &str, value: impl AsRef<str>) -> String {
        i18n::label(self.lang, prefix, value.as_ref())
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl Display) -> String {
        i18n::text_with(self.lang, key, &[(name, value.to_string())])
    }

    /// Where a field sits when its message is read out of context (in the error summary): the
    /// party a party's field belongs to (`c_email`, `r0_email`), or nothing.
    pub fn error_place(&self, field: &str) -> String {
        if field.starts_with("c_") {
            return self.t("case-section-complainant");
        }
        let respondent = field
            .strip_prefix('r')
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(n, _)| n.parse::<usize>().ok());
        match respondent {
            Some(i) => self.t1("case-section-respondent", "n", i + 1),
            None => String::new(),
        }
    }

    pub fn languages(&self) -> [Lang; 2] {
        Lang::ALL
    }

    pub fn css_href(&self) -> &'static str {
        assets::stylesheet_href()
    }

    pub fn fingerprint_script_href(&self) -> &'static str {
        assets::fingerprint_script_href()
    }

    pub fn bundle_script_href(&self) -> &'static str {
        assets::bundle_script_href()
    }

    pub fn session_script_href(&self) -> &'static str {
        assets::session_script_href()
    }

    pub fn passkey_script_href(&self) -> &'static str {
        assets::passkey_script_href()
    }

    /// The navigation for this account's role.
    pub fn nav(&self) -> Vec<NavItem> {
        let path = self.here.split('?').next().unwrap_or("/");
        let mut items = vec![("/", "nav-home", 0)];
        if let Some(user) = &self.user {
            items.push(("/cases", "nav-cases", 0));
            items.push(("/rights", "nav-rights", 0));
            items.push(("/account", "nav-account", 0));
            for (permission, href, key, count) in [
                (Permission::EditCase, "/deadlines", "nav-deadlines", 0),
                (Permission::ViewStatistics, "/stats", "nav-stats", 0),
                (Permission::ManageUsers, "/admin/users", "nav-admin-users", 0),
                (Permission::ViewAudit, "/admin/audit", "nav-admin-audit", 0),
                (
                    Permission::ImportRights,
                    "/admin/rights/import",
                    "nav-admin-import",
                    0,
                ),
                (
                    Permission::ManageOutbox,
                    "/admin/outbox",
                    "nav-admin-outbox",
                    self.failed_notices,
                ),
                (Permission::ManageKeys, "/admin/office-keys", "nav-admin-keys", 0),
            ] {
                if allows(user.role, permission) {
                    items.push((href, key, count));
                }
            }
        }
        items
            .into_iter()
            .map(|(href, key, count)| NavItem {
                href,
                key,
                count,
                current: path == href,
            })
            .collect()
    }
}

impl FromRequest for PageCtx {
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(PageCtx::from_request(req)))
    }
}

/// Answers with a rendered page.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let html = page.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

pub fn ok(page: &impl Template) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

/// Re-renders a form whose input was refused, with everything typed kept.
pub fn invalid(page: &impl Template) -> Result<HttpResponse, AppError> {
    render(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// Post/redirect/get.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// A form whose only field is its CSRF token (a button that does one thing).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// For pages whose address carries a one-time token: never send the address on, not even to
/// ourselves, but keep the origin, so that the page's own forms are posted with an `Origin`
/// the cross-site check recognises (`no-referrer` makes Chrome send `Origin: null`).
pub fn origin_only_referrer(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("strict-origin"),
    );
    res
}

/// Only paths on this site are followed after signing in; anything else goes home.
pub fn local_path(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok { next } else { "/" }
}

/// Field errors of a form, as translation keys, in the order the fields appear.
#[derive(Default, Debug, Clone)]
pub struct FieldErrors(Vec<(String, &'static str)>);

impl FieldErrors {
    /// A form refused for one reason.
    pub fn one(field: impl Into<String>, key: &'static str) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, key);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, key: &'static str) {
        self.0.push((field.into(), key));
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, k)| *k)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors tied to a field (not to the whole form), in the form's order: the error
    /// summary links each to its field.
    pub fn fields(&self) -> Vec<(&str, &'static str)> {
        self.0
            .iter()
            .filter(|(f, _)| f != "form")
            .map(|(f, k)| (f.as_str(), *k))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/account"), "/account");
        assert_eq!(local_path("/admin/users?x=1"), "/admin/users?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(local_path(bad), "/", "{bad}");
        }
    }
}
