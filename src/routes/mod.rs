//! Every route and the access rule it declares. The gate refuses any route missing here.

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod bundles;
pub mod calendar;
pub mod cases;
pub mod deadlines;
pub mod exhibits;
pub mod health;
pub mod home;
pub mod portal;
pub mod rights;
pub mod stats;

use actix_web::http::Method;
use actix_web::web;

use crate::auth::policy::{Access, Factor, Permission};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub verb: Verb,
    /// The pattern exactly as registered, e.g. `/admin/users/{id}/deactivate`.
    pub path: &'static str,
    pub access: Access,
    /// What a signed-in route asks of the second factor.
    pub factor: Factor,
}

const fn route(verb: Verb, path: &'static str, access: Access) -> Route {
    Route {
        verb,
        path,
        access,
        factor: Factor::Required,
    }
}

/// Open to someone the policy holds at setting up a second factor.
const fn enrolling(verb: Verb, path: &'static str, access: Access) -> Route {
    Route {
        factor: Factor::Enrolling,
        ..route(verb, path, access)
    }
}

/// A sensitive action: the second factor again unless given in the last 15 minutes.
const fn fresh(verb: Verb, path: &'static str, access: Access) -> Route {
    Route {
        factor: Factor::Fresh,
        ..route(verb, path, access)
    }
}

/// Adding a second factor: open to an account without one; with one, a sensitive action.
const fn adding(verb: Verb, path: &'static str, access: Access) -> Route {
    Route {
        factor: Factor::Adding,
        ..route(verb, path, access)
    }
}

use Access::{Allowed, Open, Public, SignedIn};
use Permission::{
    EditCase, EditRights, FileCase, ImportRights, ManageKeys, ManageOutbox, ManageUsers, ViewAudit,
    ViewStatistics,
};
use Verb::{Get, Post};

#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    route(Get,  "/healthz",                       Open),
    route(Get,  "/static/{file}",                 Open),
    route(Get,  "/",                              Public),
    route(Post, "/language",                      Public),
    route(Get,  "/login",                         Public),
    route(Post, "/login",                         Public),
    route(Get,  "/login/second-factor",           Public),
    route(Post, "/login/second-factor",           Public),
    route(Post, "/login/passkey",                 Public),
    route(Post, "/passkeys/options",              Public),
    route(Post, "/logout",                        Public),
    enrolling(Post, "/session/extend",            SignedIn),
    route(Get,  "/step-up",                       SignedIn),
    route(Post, "/step-up",                       SignedIn),
    route(Get,  "/register",                      Public),
    route(Post, "/register",                      Public),
    route(Get,  "/setup",                         Public),
    route(Post, "/setup",                         Public),
    route(Get,  "/verify-email",                  Public),
    route(Post, "/verify-email",                  Public),
    route(Post, "/verify-email/resend",           SignedIn),
    route(Get,  "/password-reset",                Public),
    route(Post, "/password-reset",                Public),
    route(Get,  "/password-reset/confirm",        Public),
    route(Post, "/password-reset/confirm",        Public),
    route(Get,  "/account",                       SignedIn),
    route(Get,  "/account/password",              SignedIn),
    route(Post, "/account/calendar",              SignedIn),
    route(Get,  "/calendar/{secret}.ics",         Open),
    route(Post, "/account/password",              SignedIn),
    adding(Get, "/account/security",              SignedIn),
    adding(Post, "/account/security/totp",        SignedIn),
    adding(Post, "/account/security/totp/confirm", SignedIn),
    fresh(Post, "/account/security/totp/remove",  SignedIn),
    adding(Post, "/account/security/passkeys/options", SignedIn),
    adding(Post, "/account/security/passkeys",    SignedIn),
    route(Post, "/account/security/passkeys/{id}/rename", SignedIn),
    fresh(Post, "/account/security/passkeys/{id}/remove", SignedIn),
    fresh(Post, "/account/security/recovery-codes", SignedIn),
    fresh(Get,  "/admin/users",                   Allowed(ManageUsers)),
    fresh(Post, "/admin/users",                   Allowed(ManageUsers)),
    fresh(Post, "/admin/users/{id}/deactivate",   Allowed(ManageUsers)),
    fresh(Post, "/admin/users/{id}/activate",     Allowed(ManageUsers)),
    fresh(Post, "/admin/users/{id}/reset-factors", Allowed(ManageUsers)),
    route(Get,  "/admin/audit",                   Allowed(ViewAudit)),
    route(Post, "/admin/audit/verify",            Allowed(ViewAudit)),
    route(Get,  "/admin/outbox",                  Allowed(ManageOutbox)),
    route(Post, "/admin/outbox/{id}/retry",       Allowed(ManageOutbox)),
    fresh(Get,  "/admin/office-keys",             Allowed(ManageKeys)),
    fresh(Post, "/admin/office-keys",             Allowed(ManageKeys)),
    route(Get,  "/cases",                         SignedIn),
    route(Post, "/cases",                         Allowed(FileCase)),
    route(Get,  "/cases.csv",                     Allowed(EditCase)),
    route(Get,  "/cases/new",                     Allowed(FileCase)),
    route(Post, "/cases/drafts/autosave",         Allowed(FileCase)),
    route(Get,  "/cases/drafts/{key}",            Allowed(FileCase)),
    route(Post, "/cases/drafts/{key}/delete",     Allowed(FileCase)),
    route(Get,  "/cases/{case_no}",               SignedIn),
    route(Get,  "/cases/{case_no}/edit",          Allowed(EditCase)),
    route(Post, "/cases/{case_no}/edit",          Allowed(EditCase)),
    route(Post, "/cases/{case_no}/notes",         SignedIn),
    route(Post, "/cases/{case_no}/actions/{action}", SignedIn),
    route(Post, "/cases/{case_no}/rights",        SignedIn),
    route(Post, "/cases/{case_no}/rights/{link}/remove", SignedIn),
    route(Post, "/cases/{case_no}/exhibits",      SignedIn),
    route(Get,  "/cases/{case_no}/exhibits/{number}", SignedIn),
    route(Get,  "/cases/{case_no}/exhibits/{number}/custody", SignedIn),
    route(Get,  "/cases/{case_no}/exhibits/{number}/custody.csv", SignedIn),
    fresh(Post, "/cases/{case_no}/exhibits/{number}/visibility", Allowed(EditCase)),
    route(Post, "/cases/{case_no}/exhibits/{number}/check", SignedIn),
    route(Get,  "/cases/{case_no}/custody.csv",   SignedIn),
    route(Get,  "/cases/{case_no}/fingerprint",   SignedIn),
    route(Post, "/cases/{case_no}/bundles",       SignedIn),
    route(Get,  "/cases/{case_no}/bundles/{id}",  SignedIn),
    route(Get,  "/cases/{case_no}/bundles/{id}/download", SignedIn),
    route(Get,  "/office-key",                    Public),
    route(Get,  "/office-key.pem",                Open),
    route(Get,  "/office-keys.pem",               Open),
    route(Post, "/cases/drafts/{key}/rights",     Allowed(FileCase)),
    route(Post, "/cases/drafts/{key}/rights/{link}/remove", Allowed(FileCase)),
    route(Get,  "/rights",                        SignedIn),
    route(Post, "/rights",                        Allowed(EditRights)),
    route(Get,  "/rights/new",                    Allowed(EditRights)),
    route(Get,  "/rights/{docdb}",                SignedIn),
    route(Get,  "/rights/{docdb}/edit",           Allowed(EditRights)),
    route(Post, "/rights/{docdb}/edit",           Allowed(EditRights)),
    route(Get,  "/admin/rights/import",           Allowed(ImportRights)),
    route(Post, "/admin/rights/import",           Allowed(ImportRights)),
    route(Get,  "/deadlines",                     Allowed(EditCase)),
    route(Get,  "/stats",                         Allowed(ViewStatistics)),
    route(Get,  "/stats/{file}",                  Allowed(ViewStatistics)),
    route(Get,  "/statistics",                    Public),
    route(Get,  "/statistics/{file}",             Public),
    route(Get,  "/n/{token}",                     Public),
    route(Get,  "/invitations/{token}",           Public),
    route(Post, "/invitations/{token}",           Public),
];

/// The route for a matched pattern; `None` means the route is not in the table and is
/// refused.
pub fn route_for(method: &Method, pattern: Option<&str>) -> Option<&'static Route> {
    let verb = match *method {
        // HEAD is a GET without the body: the same rule.
        Method::GET | Method::HEAD => Verb::Get,
        Method::POST => Verb::Post,
        _ => return None,
    };
    let pattern = pattern?;
    ROUTES.iter().find(|r| r.verb == verb && r.path == pattern)
}

/// The rule for a matched route; `None` means the route is not in the table and is refused.
pub fn access_for(method: &Method, pattern: Option<&str>) -> Option<Access> {
    route_for(method, pattern).map(|r| r.access)
}

/// The methods a known path answers, for the `Allow` header of a 405; empty if the table has
/// no rule for the path at all.
pub fn allowed_methods(pattern: &str) -> Vec<&'static str> {
    let mut allowed = Vec::new();
    for r in ROUTES.iter().filter(|r| r.path == pattern) {
        match r.verb {
            Verb::Get => allowed.extend(["GET", "HEAD"]),
            Verb::Post => allowed.push("POST"),
        }
    }
    allowed
}

/// GET and HEAD (monitors and load balancers probe with HEAD).
fn get() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    use accounts::{
        account, factor, language, login, password, register, reset, security, session, setup, verify,
    };
    use admin::{audit, office_keys, outbox, users};
    cfg.route("/healthz", get().to(health::healthz))
        .route("/static/{file}", get().to(assets::serve))
        .route("/", get().to(home::show))
        .route("/language", web::post().to(language::switch))
        .service(
            web::resource("/login")
                .route(get().to(login::form))
                .route(web::post().to(login::submit)),
        )
        .service(
            web::resource("/login/second-factor")
                .route(get().to(factor::form))
                .route(web::post().to(factor::submit)),
        )
        .route("/login/passkey", web::post().to(factor::passkey_sign_in))
        .route("/passkeys/options", web::post().to(factor::options))
        .service(
            web::resource("/step-up")
                .route(get().to(factor::step_up_form))
                .route(web::post().to(factor::step_up)),
        )
        .route("/logout", web::post().to(login::logout))
        .route("/session/extend", web::post().to(session::extend))
        .service(
            web::resource("/register")
                .route(get().to(register::form))
                .route(web::post().to(register::submit)),
        )
        .service(
            web::resource("/setup")
                .route(get().to(setup::form))
                .route(web::post().to(setup::submit)),
        )
        .service(
            web::resource("/verify-email")
                .route(get().to(verify::form))
                .route(web::post().to(verify::confirm)),
        )
        .route("/verify-email/resend", web::post().to(verify::resend))
        .service(
            web::resource("/password-reset")
                .route(get().to(reset::request_form))
                .route(web::post().to(reset::request)),
        )
        .service(
            web::resource("/password-reset/confirm")
                .route(get().to(reset::confirm_form))
                .route(web::post().to(reset::confirm)),
        )
        .route("/account", get().to(account::show))
        .route("/account/calendar", web::post().to(account::calendar))
        .route("/account/security", get().to(security::show))
        .route("/account/security/totp", web::post().to(security::start_totp))
        .route(
            "/account/security/totp/confirm",
            web::post().to(security::confirm_totp),
        )
        .route(
            "/account/security/totp/remove",
            web::post().to(security::remove_totp),
        )
        .route(
            "/account/security/passkeys/options",
            web::post().to(security::passkey_options),
        )
        .route(
            "/account/security/passkeys",
            web::post().to(security::add_passkey),
        )
        .route(
            "/account/security/passkeys/{id}/rename",
            web::post().to(security::rename_passkey),
        )
        .route(
            "/account/security/passkeys/{id}/remove",
            web::post().to(security::remove_passkey),
        )
        .route(
            "/account/security/recovery-codes",
            web::post().to(security::renew_codes),
        )
        .route("/calendar/{secret}.ics", get().to(calendar::feed))
        .service(
            web::resource("/account/password")
                .route(get().to(password::form))
                .route(web::post().to(password::submit)),
        )
        .service(
            web::resource("/admin/users")
                .route(get().to(users::list))
                .route(web::post().to(users::create)),
        )
        .route("/admin/users/{id}/deactivate", web::post().to(users::deactivate))
        .route("/admin/users/{id}/activate", web::post().to(users::activate))
        .route(
            "/admin/users/{id}/reset-factors",
            web::post().to(users::reset_factors),
        )
        .route("/admin/audit", get().to(audit::list))
        .route("/admin/audit/verify", web::post().to(audit::verify))
        .route("/admin/outbox", get().to(outbox::list))
        .route("/admin/outbox/{id}/retry", web::post().to(outbox::retry))
        .service(
            web::resource("/admin/office-keys")
                .route(get().to(office_keys::list))
                .route(web::post().to(office_keys::rotate)),
        )
        .service(
            web::resource("/admin/rights/import")
                .route(get().to(rights::import::form))
                .route(web::post().to(rights::import::upload)),
        )
        .route("/cases.csv", get().to(cases::list::export))
        // `/cases/new` before `/cases/{case_no}`: the first pattern that matches wins.
        .service(
            web::resource("/cases")
                .route(get().to(cases::list::list))
                .route(web::post().to(cases::save)),
        )
        .route("/cases/new", get().to(cases::new_form))
        // Before `/cases/drafts/{key}`, whose pattern it also matches.
        .route(
            "/cases/drafts/autosave",
            web::post().to(cases::autosave::autosave),
        )
        .route("/cases/drafts/{key}", get().to(cases::draft_form))
        .route("/cases/drafts/{key}/delete", web::post().to(cases::delete_draft))
        .route("/cases/drafts/{key}/rights", web::post().to(cases::rights::cite))
        .route(
            "/cases/drafts/{key}/rights/{link}/remove",
            web::post().to(cases::rights::uncite),
        )
        .route("/cases/{case_no}", get().to(cases::show))
        .service(
            web::resource("/cases/{case_no}/edit")
                .route(get().to(cases::edit_form))
                .route(web::post().to(cases::edit)),
        )
        .route("/cases/{case_no}/notes", web::post().to(cases::add_note))
        .route(
            "/cases/{case_no}/actions/{action}",
            web::post().to(cases::actions::act),
        )
        .route("/cases/{case_no}/rights", web::post().to(cases::rights::cite))
        .route(
            "/cases/{case_no}/rights/{link}/remove",
            web::post().to(cases::rights::uncite),
        )
        .route(
            "/cases/{case_no}/exhibits",
            web::post().to(exhibits::upload::upload),
        )
        .route("/cases/{case_no}/exhibits/{number}", get().to(exhibits::download))
        .route(
            "/cases/{case_no}/exhibits/{number}/custody",
            get().to(exhibits::show),
        )
        .route(
            "/cases/{case_no}/exhibits/{number}/custody.csv",
            get().to(exhibits::custody_csv_one),
        )
        .route(
            "/cases/{case_no}/exhibits/{number}/visibility",
            web::post().to(exhibits::set_visibility),
        )
        .route(
            "/cases/{case_no}/exhibits/{number}/check",
            web::post().to(exhibits::check::check_file),
        )
        .route(
            "/cases/{case_no}/custody.csv",
            get().to(exhibits::custody_csv_case),
        )
        .route(
            "/cases/{case_no}/fingerprint",
            get().to(exhibits::check::fingerprint),
        )
        .route("/cases/{case_no}/bundles", web::post().to(bundles::request))
        .route("/cases/{case_no}/bundles/{id}", get().to(bundles::show))
        .route(
            "/cases/{case_no}/bundles/{id}/download",
            get().to(bundles::download),
        )
        .route("/office-key", get().to(bundles::office_key))
        .route("/office-key.pem", get().to(bundles::office_key_pem))
        .route("/office-keys.pem", get().to(bundles::office_keys_pem))
        // `/rights/new` before `/rights/{docdb}`.
        // A right's form carries its abstract: more than the usual form limit.
        .service(
            web::resource("/rights")
                .app_data(rights::form::payload_limit())
                .route(get().to(rights::search))
                .route(web::post().to(rights::form::create)),
        )
        .route("/rights/new", get().to(rights::form::new_form))
        .route("/rights/{docdb}", get().to(rights::show))
        .service(
            web::resource("/rights/{docdb}/edit")
                .app_data(rights::form::payload_limit())
                .route(get().to(rights::form::edit_form))
                .route(web::post().to(rights::form::update)),
        )
        .route("/deadlines", get().to(deadlines::list))
        .route("/stats", get().to(stats::page))
        .route("/stats/{file}", get().to(stats::download))
        .route("/statistics", get().to(stats::public))
        .route("/statistics/{file}", get().to(stats::public_download))
        .route("/n/{token}", get().to(portal::opened))
        .service(
            web::resource("/invitations/{token}")
                .route(get().to(portal::show))
                .route(web::post().to(portal::join)),
        );
}
