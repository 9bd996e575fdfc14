//! Every route and the access rule it declares. The gate refuses any route missing here.

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod flash;
pub mod health;
pub mod home;
pub mod page;

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
use Verb::{Get, Post};

pub const ROUTES: &[Route] = &[
    route(Get, "/healthz", Open),
    route(Get, "/static/{file}", Open),
    route(Get, "/", Public),
    route(Post, "/language", Public),
    route(Get, "/login", Public),
    route(Post, "/login", Public),
    route(Post, "/logout", SignedIn),
    route(Get, "/register", Public),
    route(Post, "/register", Public),
    route(Get, "/setup", Public),
    route(Post, "/setup", Public),
    route(Get, "/account", SignedIn),
    route(Get, "/account/password", SignedIn),
    route(Post, "/account/password", SignedIn),
    route(Get, "/admin/users", Allowed(Permission::ManageUsers)),
    route(Post, "/admin/users", Allowed(Permission::ManageUsers)),
    route(
        Post,
        "/admin/users/{id}/deactivate",
        Allowed(Permission::ManageUsers),
    ),
    route(
        Post,
        "/admin/users/{id}/activate",
        Allowed(Permission::ManageUsers),
    ),
];

/// The rule for a matched route; `None` means the route is not in the table and is refused.
pub fn access_for(method: &Method, pattern: Option<&str>) -> Option<Access> {
    let verb = match *method {
        Method::GET => Verb::Get,
        Method::POST => Verb::Post,
        _ => return None,
    };
    let pattern = pattern?;
    ROUTES
        .iter()
        .find(|r| r.verb == verb && r.path == pattern)
        .map(|r| r.access)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    use accounts::{account, login, password, register, setup};
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/", web::get().to(home::show))
        .route("/language", web::post().to(accounts::language::switch))
        .service(
            web::resource("/login")
                .route(web::get().to(login::form))
                .route(web::post().to(login::submit)),
        )
        .route("/logout", web::post().to(login::logout))
        .service(
            web::resource("/register")
                .route(web::get().to(register::form))
                .route(web::post().to(register::submit)),
        )
        .service(
            web::resource("/setup")
                .route(web::get().to(setup::form))
                .route(web::post().to(setup::submit)),
        )
        .route("/account", web::get().to(account::show))
        .service(
            web::resource("/account/password")
                .route(web::get().to(password::form))
                .route(web::post().to(password::submit)),
        )
        .service(
            web::resource("/admin/users")
                .route(web::get().to(admin::users::list))
                .route(web::post().to(admin::users::create)),
        )
        .route(
            "/admin/users/{id}/deactivate",
            web::post().to(admin::users::deactivate),
        )
        .route(
            "/admin/users/{id}/activate",
            web::post().to(admin::users::activate),
        );
}
