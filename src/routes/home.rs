use actix_web::HttpResponse;
use askama::Template;

use crate::auth::policy::{Permission, allows};
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a PageCtx,
    can_manage_users: bool,
}

pub async fn show(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let can_manage_users = ctx
        .user
        .as_ref()
        .is_some_and(|u| allows(u.role, Permission::ManageUsers));
    page::ok(&HomePage {
        ctx: &ctx,
        can_manage_users,
    })
}
