//! Workflow actions from the case page: `POST /cases/{case_no}/actions/{action}`. The form's
//! fields are parsed here against what the action's rule asks for; the workflow module carries
//! the action out in one transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::{Banner, load, render_case};
use crate::domain::office_time::OfficeZone;
use crate::domain::workflow::{Action, Input, InvestigationOutcome, ReceivingBody, Refusal, Rule};
use crate::domain::{CaseNumber, Email};
use crate::models::id::{PartyId, UserId};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::CurrentUser;
use crate::workflow::{self, Ctx, Done, Inputs};

const MAX_TEXT: usize = 20_000;

/// Reads the fields the rule asks for; every problem is reported next to its field.
pub fn parse_inputs(
    rule: &Rule,
    pairs: &[(String, String)],
    zone: OfficeZone,
    today: NaiveDate,
) -> Result<Inputs, FieldErrors> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = FieldErrors::default();
    let mut inputs = Inputs::default();
    for input in rule.inputs {
        match input {
            Input::Text | Input::OptionalText => {
                let text = get("text");
                if *input == Input::Text && text.is_empty() {
                    errors.add("text", "err-action-text-required");
                } else if text.chars().count() > MAX_TEXT {
                    errors.add("text", "err-too-long");
                }
                inputs.text = text;
            }
            Input::Due => match NaiveDate::parse_from_str(&get("due"), "%Y-%m-%d") {
                Ok(d) if d > today => inputs.due = Some(d),
                Ok(_) => errors.add("due", "err-due-future"),
                Err(_) => errors.add("due", "err-date"),
            },
            Input::RespondentEmail => match Email::parse(&get("email")) {
                Ok(e) => inputs.email = Some(e),
                Err(_) => errors.add("email", "err-email-invalid"),
            },
            Input::Mediators => {
                let mut ids: Vec<UserId> = pairs
                    .iter()
                    .filter(|(k, _)| k == "mediator")
                    .filter_map(|(_, v)| v.parse().ok().map(UserId))
                    .collect();
                ids.sort_by_key(|u| u.0);
                ids.dedup();
                if ids.is_empty() || ids.len() > 3 {
                    errors.add("mediators", "err-panel-size");
                }
                inputs.mediators = ids;
            }
            Input::Session => {
                // Typed in office time, stored in UTC.
                let typed = NaiveDateTime::parse_from_str(&get("session_at"), "%Y-%m-%dT%H:%M");
                match typed.ok().and_then(|local| zone.utc_of(local)) {
                    Some(at) => inputs.session_at = Some(at),
                    None => errors.add("session_at", "err-datetime"),
                }
                inputs.place = get("place");
                if inputs.place.is_empty() {
                    errors.add("place", "err-place-required");
                } else if inputs.place.chars().count() > 500 {
                    errors.add("place", "err-too-long");
                }
            }
            Input::Attendance => {
                inputs.complainant_attended = get("complainant_attended") == "1";
                inputs.respondent_attended = get("respondent_attended") == "1";
            }
            Input::ReceivingBody => match ReceivingBody::parse(&get("body")) {
                Some(b) => inputs.body = Some(b),
                None => errors.add("body", "err-choose"),
            },
            Input::InvestigationOutcome => match InvestigationOutcome::parse(&get("outcome")) {
                Some(o) => inputs.outcome = Some(o),
                None => errors.add("outcome", "err-choose"),
            },
            Input::Days => match get("days").parse::<i64>() {
                Ok(d) if (1..=365).contains(&d) => inputs.days = Some(d),
                _ => errors.add("days", "err-days"),
            },
            Input::Officer => match get("officer").parse::<i64>() {
                Ok(id) => inputs.officer = Some(UserId(id)),
                Err(_) => errors.add("officer", "err-officer-required"),
            },
            Input::OnBehalfOf => inputs.party = get("party").parse().ok().map(PartyId),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

#[derive(Deserialize)]
pub struct ActionPath {
    case_no: String,
    action: String,
}

pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<ActionPath>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let loaded = load(&state, &user, &path.case_no).await?;
    let action = Action::parse(&path.action).ok_or(AppError::NotFound)?;
    let rule = action.rule();
    let now = state.settings.now();
    let version: i32 = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(loaded.case.version);
    let inputs = match parse_inputs(rule, &pairs, state.settings.office_zone(), state.settings.today()) {
        Ok(i) => i,
        Err(errors) => {
            return render_case(
                &ctx,
                &state.settings,
                &user,
                &loaded,
                Banner::ActionErrors(action, errors, pairs, String::new()),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let case_id = loaded.case.id;
    let address = client_address(&req, state.settings.trusted_proxy);
    let app = state.clone();
    let actor = user.clone();
    let done = state
        .db(move |c| {
            let ctx = Ctx {
                public_url: &app.public_url,
                settings: &app.settings,
                address,
            };
            Ok(workflow::act(
                c,
                &ctx,
                case_id,
                version,
                action,
                Some(&actor),
                &inputs,
                now,
            )?)
        })
        .await?;
    let number = CaseNumber::parse(&path.case_no).ok_or(AppError::NotFound)?;
    match done {
        Done::Moved(to) => {
            state.mail_queued();
            tracing::info!(event = "case.action", case = %number, action = action.as_str(), to = to.as_str(), user = user.id.0, "workflow action");
            flash::set(&req, Flash::ActionDone);
            Ok(page::see_other(&format!("/cases/{number}")))
        }
        other => {
            // Show the case as it is now, with what went wrong.
            let fresh = load(&state, &user, &path.case_no).await?;
            let (notice, status) = match other {
                Done::Stale => (Banner::Stale, StatusCode::CONFLICT),
                Done::Refused(r @ Refusal::NotNow) => (Banner::Refused(r), StatusCode::CONFLICT),
                Done::Refused(r) => (Banner::Refused(r), StatusCode::FORBIDDEN),
                Done::Invalid(field, key, detail) => (
                    Banner::ActionErrors(action, FieldErrors::one(field, key), pairs, detail),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Done::Moved(_) => unreachable!("handled above"),
            };
            render_case(&ctx, &state.settings, &user, &fresh, notice, status)
        }
    }
}
