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

use crate::auth::policy::{Access, Permission};

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
}

const fn route(verb: Verb, path: &'static str, access: Access) -> Route {
    Route { verb, path, access }
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
    route(Post, "/logout",                        SignedIn),
    route(Post, "/session/extend",                SignedIn),
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
    route(Get,  "/admin/users",                   Allowed(ManageUsers)),
    route(Post, "/admin/users",                   Allowed(ManageUsers)),
    route(Post, "/admin/users/{id}/deactivate",   Allowed(ManageUsers)),
    route(Post, "/admin/users/{id}/activate",     Allowed(ManageUsers)),
    route(Get,  "/admin/audit",                   Allowed(ViewAudit)),
    route(Post, "/admin/audit/verify",            Allowed(ViewAudit)),
    route(Get,  "/admin/outbox",                  Allowed(ManageOutbox)),
    route(Post, "/admin/outbox/{id}/retry",       Allowed(ManageOutbox)),
    route(Get,  "/admin/office-keys",             Allowed(ManageKeys)),
    route(Post, "/admin/office-keys",             Allowed(ManageKeys)),
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
    route(Post, "/cases/{case_no}/exhibits/{number}/visibility", Allowed(EditCase)),
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

/// The rule for a matched route; `None` means the route is not in the table and is refused.
pub fn access_for(method: &Method, pattern: Option<&str>) -> Option<Access> {
    let verb = match *method {
        // HEAD is a GET without the body: the same rule.
        Method::GET | Method::HEAD => Verb::Get,
        Method::POST => Verb::Post,
        _ => return None,
    };
    let pattern = pattern?;
    ROUTES
        .iter()
        .find(|r| r.verb == verb && r.path == pattern)
        .map(|r| r.access)
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
    use accounts::{account, language, login, password, register, reset, session, setup, verify};
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
