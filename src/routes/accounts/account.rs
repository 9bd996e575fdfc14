use actix_web::HttpResponse;
use askama::Template;

use crate::models::user::User;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage<'a> {
    ctx: &'a PageCtx,
    user: &'a User,
}

pub async fn show(ctx: PageCtx, current: CurrentUser) -> Result<HttpResponse, AppError> {
    page::ok(&AccountPage {
        ctx: &ctx,
        user: &current.user,
    })
}
