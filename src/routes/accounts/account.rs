use actix_web::HttpResponse;
use askama::Template;

use crate::auth::session::CurrentUser;
use crate::error::AppError;
use crate::models::user::User;
use crate::routes::page::{self, PageCtx};

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
