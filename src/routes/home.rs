//! The home page: for visitors, what the desk is; for each role, what to do next (issue 17 §2).

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use crate::auth::policy::{Permission, allows};
use crate::domain::Role;
use crate::domain::next_step::{NextStep, Reader, Situation, next_step};
use crate::models::workbench::{
    self, Activity, AdminDesk, CaseItem, Did, MediatorDesk, OfficerDesk, PartyCase, PartyDesk,
};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};

/// What the signed-in user's role has to do, read for their home page.
enum Desk {
    Officer(OfficerDesk),
    Mediator(MediatorDesk),
    Party(PartyDesk),
    Admin(AdminDesk),
    Visitor,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a PageCtx,
    desk: &'a Desk,
    today: NaiveDate,
    reader: Option<Reader>,
    can_file: bool,
    can_manage_users: bool,
    me: String,
}

impl HomePage<'_> {
    fn days_left(&self, due: &NaiveDate) -> String {
        self.ctx.days_left(*due, self.today)
    }

    fn overdue(&self, due: &Option<NaiveDate>) -> bool {
        due.is_some_and(|d| d < self.today)
    }

    /// The next deadline of a listed case, in days.
    fn next_due(&self, case: &CaseItem) -> String {
        case.next_due_on.map(|d| self.days_left(&d)).unwrap_or_default()
    }

    fn step(&self, c: &PartyCase) -> NextStep {
        let reader = self.reader.unwrap_or(Reader::Complainant);
        next_step(
            c.case.state,
            reader,
            &Situation {
                open: &c.open,
                session: c.session,
                answered: c.answered,
            },
        )
    }

    fn did(&self, a: &Activity) -> String {
        match &a.what {
            Did::Wrote => self.ctx.t("home-activity-wrote"),
            Did::Filed(title) => self.ctx.t1("home-activity-filed", "title", title),
            Did::Took(action) => self.ctx.label("action", action),
        }
    }
}

pub async fn show(state: web::Data<AppState>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let today = state.settings.today();
    let now = state.settings.now();
    let user = ctx.user.clone();
    let desk = match user.as_ref().map(|u| (u.id, u.role)) {
        None => Desk::Visitor,
        Some((me, role)) => {
            state
                .db(move |c| {
                    Ok(match role {
                        Role::Examiner | Role::Legal => {
                            Desk::Officer(workbench::officer_desk(c, me, today, now)?)
                        }
                        Role::Mediator => Desk::Mediator(workbench::mediator_desk(c, me, now)?),
                        Role::Complainant | Role::Respondent => {
                            Desk::Party(workbench::party_desk(c, me, role, now)?)
                        }
                        Role::Admin => Desk::Admin(workbench::admin_desk(c)?),
                    })
                })
                .await?
        }
    };
    let role = user.as_ref().map(|u| u.role);
    page::ok(&HomePage {
        ctx: &ctx,
        desk: &desk,
        today,
        reader: match role {
            Some(Role::Respondent) => Some(Reader::Respondent),
            Some(Role::Complainant) => Some(Reader::Complainant),
            _ => None,
        },
        can_file: role.is_some_and(|r| allows(r, Permission::FileCase)),
        can_manage_users: role.is_some_and(|r| allows(r, Permission::ManageUsers)),
        me: user.map(|u| u.id.to_string()).unwrap_or_default(),
    })
}
