//! Cases: filing (by complainants, and by staff for paper complaints), drafts, the case page,
//! corrections, notes and messages, and the case list.

pub mod actions;
pub mod form;
pub mod list;
pub mod rights;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use self::form::CaseInput;
use crate::audit::{self, Actor, Event};
use crate::auth::policy;
use crate::auth::policy::case_scope;
use crate::db::{DbConn, write_tx, write_tx_retrying};
use crate::domain::case::format_amount;
use crate::domain::workflow::{
    self as workflow_rules, Action, Input, InvestigationOutcome, ReceivingBody, Refusal, Rule, Who,
};
use crate::domain::{
    BundleStatus, CaseNumber, CitationRole, Currency, Kind, NoteVisibility, Origin, PartyKind, PartySize,
    Role, State, Track,
};
use crate::mail::{self, Notice, Recipient};
use crate::models::bundle::{self, BundleRow};
use crate::models::case::{self, CaseFields, CaseId, CaseRow, ChangeView, NoteView, PartyFields};
use crate::models::exhibit::{self, ExhibitView};
use crate::models::outbox::{self, NoticeView};
use crate::models::right::{self, CaseRightView};
use crate::models::user::{self, User, UserId};
use crate::models::workflow::{self as store, ClosureRow, DeadlineRow, EventView, ProposalRow, SessionRow};
use crate::models::{self};
use crate::routes::bundles::BundlesPanel;
use crate::routes::exhibits::{self, ExhibitsPanel};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::CurrentUser;
use chrono::NaiveDate;

/// The choices the form offers, for its select boxes.
pub struct Choices {
    pub kinds: &'static [Kind],
    pub tracks: &'static [Track],
    pub origins: &'static [Origin],
    pub party_kinds: &'static [PartyKind],
    pub sizes: &'static [PartySize],
    pub currencies: &'static [Currency],
}

pub const CHOICES: Choices = Choices {
    kinds: Kind::ALL,
    tracks: Track::ALL,
    origins: Origin::ALL,
    party_kinds: PartyKind::ALL,
    sizes: PartySize::ALL,
    currencies: Currency::ALL,
};

#[derive(Template)]
#[template(path = "cases/form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    input: &'a CaseInput,
    errors: FieldErrors,
    choices: &'a Choices,
    /// Where the form posts: filing, or a staff correction of a filed case.
    action: String,
    /// The filed case being corrected, if any.
    case_no: Option<&'a str>,
    version: i32,
    staff: bool,
    /// A saved draft's cited rights; a new form has none yet.
    rights: Option<rights::RightsPanel<'a>>,
}

#[derive(Template)]
#[template(path = "cases/verify_first.html")]
struct VerifyFirstPage<'a> {
    ctx: &'a PageCtx,
}

/// An unverified complainant may look around but not file.
fn must_verify(user: &User) -> bool {
    user.role == Role::Complainant && !user.email_verified
}

fn form_page(
    ctx: &PageCtx,
    user: &User,
    input: &CaseInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = FormPage {
        ctx,
        input,
        errors,
        choices: &CHOICES,
        action: "/cases".into(),
        case_no: None,
        version: 0,
        staff: policy::is_officer(user),
        rights: None,
    };
    page::render(status, &page)
}

pub async fn new_form(ctx: PageCtx, current: CurrentUser) -> Result<HttpResponse, AppError> {
    let user = current.user;
    if must_verify(&user) {
        return page::render(StatusCode::FORBIDDEN, &VerifyFirstPage { ctx: &ctx });
    }
    let mut input = CaseInput::blank(uuid::Uuid::new_v4().to_string());
    if user.role == Role::Complainant {
        // Pre-filled from the account; the complainant may file for their company instead.
        // The account is a person; they may switch to their company.
        input.complainant.kind = PartyKind::Person.as_str().to_owned();
        input.complainant.name = user.name.clone();
        input.complainant.email = user.email.clone();
    }
    form_page(&ctx, &user, &input, FieldErrors::default(), StatusCode::OK)
}

pub async fn draft_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    draft_page(&state, &ctx, &current.user, &key, None, StatusCode::OK).await
}

/// A saved draft in its form, with the rights it cites (and a refused citation, if any).
pub async fn draft_page(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    key: &str,
    refused: Option<rights::CiteErrors>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let scope = case_scope(user);
    let key = key.to_owned();
    let found = state
        .db(move |c| {
            let Some(row) = case::find_draft(c, scope, &key)? else {
                return Ok(None);
            };
            let parties = case::parties_of(c, CaseId(row.id))?;
            let cited = right::of_case(c, CaseId(row.id))?;
            Ok(Some((row, parties, cited)))
        })
        .await?;
    let Some((row, parties, cited)) = found else {
        return Err(AppError::NotFound);
    };
    if let Some(no) = &row.case_no {
        return Ok(page::see_other(&format!("/cases/{no}")));
    }
    let input = CaseInput::from_case(&row, &parties);
    let panel = rights::RightsPanel {
        links: &cited,
        can_cite: policy::may_cite(user, row.state(), row.complainant_user_id.map(UserId)),
        base: format!("/cases/drafts/{}", row.draft_key),
        refused: refused.as_ref(),
        roles: CitationRole::ALL,
        viewer: user,
    };
    let page = FormPage {
        ctx,
        input: &input,
        errors: FieldErrors::default(),
        choices: &CHOICES,
        action: "/cases".into(),
        case_no: None,
        version: 0,
        staff: policy::is_officer(user),
        rights: Some(panel),
    };
    page::render(status, &page)
}

/// `POST /cases/drafts/{key}/delete`: whoever may open a draft that was never filed may
/// throw it away; its parties and citations go with it.
pub async fn delete_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    key: web::Path<String>,
    CsrfForm(_): CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let scope = case_scope(&user);
    let address = client_address(&req, state.settings.trusted_proxy);
    let deleted = state
        .db(move |c| {
            write_tx(c, |c| {
                let Some(row) = case::find_draft(c, scope, &key)? else {
                    return Ok(None);
                };
                if row.case_no.is_some() {
                    return Ok(row.case_no.map(Err));
                }
                if !case::delete_draft(c, CaseId(row.id))? {
                    return Ok(None);
                }
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&user),
                        action: "case.draft_deleted",
                        object: Some(("draft", row.draft_key.clone())),
                        details: json!({ "title": row.title }),
                        address,
                    },
                )?;
                Ok::<_, AppError>(Some(Ok(())))
            })
        })
        .await?;
    match deleted {
        None => Err(AppError::NotFound),
        // Filed meanwhile: a case is never deleted.
        Some(Err(no)) => Ok(page::see_other(&format!("/cases/{no}"))),
        Some(Ok(())) => {
            flash::set(&req, Flash::DraftDeleted);
            Ok(page::see_other("/cases"))
        }
    }
}

enum Saved {
    Draft,
    /// A refused new form with nothing worth keeping (no title): no draft was made.
    NotKept,
    Filed(CaseNumber),
    /// The form was filed already (a second click, a refresh): nothing more happened.
    AlreadyFiled(String),
}

/// Saves the form as a draft, or files it. One transaction: case, parties, number, notices
/// and audit entry commit together. A key that names someone else's case is not found, and
/// nothing is written.
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    if must_verify(&user) {
        return page::render(StatusCode::FORBIDDEN, &VerifyFirstPage { ctx: &ctx });
    }
    let mut input = CaseInput::from_pairs(&pairs);
    if uuid::Uuid::parse_str(&input.draft_key).is_err() {
        input.draft_key = uuid::Uuid::new_v4().to_string();
    }
    let filing = input.action == "submit";
    let (fields, parties, refusal) = match input.parse(filing) {
        Ok((fields, parties)) => (fields, parties, None),
        // A refused filing still keeps what can be kept, as a draft.
        Err(errors) => match input.parse(false) {
            Ok((fields, parties)) if filing => (fields, parties, Some(errors)),
            _ => return form_page(&ctx, &user, &input, errors, StatusCode::UNPROCESSABLE_ENTITY),
        },
    };
    let file_now = filing && refusal.is_none();
    let keep_new = file_now || input.action == "save" || !fields.title.trim().is_empty();
    let scope = case_scope(&user);
    let owner = (user.role == Role::Complainant).then_some(user.id);
    let key = input.draft_key.clone();
    let address = client_address(&req, state.settings.trusted_proxy);
    let app = state.clone();
    let author = user.clone();
    let lang = ctx.lang;
    let saved = state
        .db(move |c| {
            // Two first saves of one new draft (a double click) may both find nothing on
            // PostgreSQL; run again, the second finds the first's draft.
            write_tx_retrying(c, |c| {
                let id = match case::find_draft(c, scope, &key)? {
                    Some(row) if row.case_no.is_some() => return Ok(Saved::AlreadyFiled(row.case_no.unwrap_or_default())),
                    Some(row) => {
                        case::update(c, CaseId(row.id), None, &fields, &parties, row.version)?;
                        CaseId(row.id)
                    }
                    // Someone else's key, of a draft or of a case filed from one.
                    None if case::draft_key_taken(c, &key)? => return Err(AppError::NotFound),
                    // A draft is made when someone saves one, or when a refused filing has
                    // a title to find it by; an empty form leaves no nameless row behind.
                    None if !keep_new => return Ok(Saved::NotKept),
                    None => case::create_draft(c, &key, owner, author.id, &fields, &parties)?,
                };
                if !file_now {
                    return Ok(Saved::Draft);
                }
                let now = models::now();
                let Some(number) = case::file(c, id, now, &fields, &parties)? else {
                    return Ok(Saved::Draft);
                };
                crate::workflow::on_filed(c, &app.settings, id, &fields.track, now)?;
                notify_filing(c, &app, &author, lang, id, number, &fields, &parties)?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&author),
                        action: "case.filed",
                        object: Some(("case", number.to_string())),
                        details: json!({"kind": fields.kind, "track": fields.track, "on_behalf": owner.is_none()}),
                        address: address.clone(),
                    },
                )?;
                Ok::<_, AppError>(Saved::Filed(number))
            })
        })
        .await?;
    if let Some(mut errors) = refusal {
        // Nothing typed is lost: the form comes back filled in and, once it has a title, it
        // was kept as a draft too, and the form says so.
        if !matches!(saved, Saved::NotKept) {
            errors.add("form", "err-submit-draft-saved");
        }
        return form_page(&ctx, &user, &input, errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    match saved {
        Saved::Filed(number) => {
            state.mail_queued();
            tracing::info!(event = "case.filed", case = %number, user = user.id.0, "complaint filed");
            flash::set(&req, Flash::CaseFiled);
            Ok(page::see_other(&format!("/cases/{number}")))
        }
        Saved::AlreadyFiled(no) => Ok(page::see_other(&format!("/cases/{no}"))),
        Saved::NotKept | Saved::Draft if input.action == "add_respondent" => {
            form_page(&ctx, &user, &input, FieldErrors::default(), StatusCode::OK)
        }
        Saved::NotKept => form_page(&ctx, &user, &input, FieldErrors::default(), StatusCode::OK),
        Saved::Draft => {
            flash::set(&req, Flash::DraftSaved);
            Ok(page::see_other(&format!("/cases/drafts/{}", input.draft_key)))
        }
    }
}

/// The filing receipt to the complainant and a new-case notice to everyone on intake, each
/// with its own link so the case shows when it was opened (proof of notice).
#[allow(clippy::too_many_arguments)]
fn notify_filing(
    c: &mut DbConn,
    state: &AppState,
    author: &User,
    lang: crate::domain::Lang,
    id: CaseId,
    number: CaseNumber,
    fields: &CaseFields,
    parties: &[PartyFields],
) -> Result<(), AppError> {
    let case_no = number.to_string();
    let complainant = parties.iter().find(|p| p.side == "complainant");
    let event = format!("case-filed:{case_no}");
    let send = |c: &mut DbConn, to: Recipient<'_>, notice: &Notice<'_>| {
        let link = mail::tracked_link(&state.public_url, id.0);
        mail::queue_tracked(
            c,
            &state.public_url,
            &event,
            &to,
            &notice.with_link(&link.url),
            &link,
        )
    };
    let receipt = Notice::FilingReceipt {
        case_no: &case_no,
        title: &fields.title,
        link: "",
    };
    if author.role == Role::Complainant {
        let to = Recipient {
            email: &author.email,
            name: &author.name,
            lang: author.language.unwrap_or(lang),
        };
        send(c, to, &receipt)?;
    } else if let Some(p) = complainant
        && let Some(email) = &p.email
    {
        let to = Recipient {
            email,
            name: &p.name,
            lang,
        };
        send(c, to, &receipt)?;
    }
    let notice = Notice::NewCase {
        case_no: &case_no,
        title: &fields.title,
        complainant: complainant.map_or("", |p| p.name.as_str()),
        link: "",
    };
    for staff in user::active_with_roles(c, &[Role::Examiner, Role::Legal])? {
        let to = Recipient {
            email: &staff.email,
            name: &staff.name,
            lang: staff.language.unwrap_or_default(),
        };
        send(c, to, &notice)?;
    }
    Ok(())
}

// ---- The case page ----

/// What the case page says above everything else, besides the flash.
pub enum Banner {
    None,
    /// A note or message refused: its errors and what was typed.
    NoteErrors(FieldErrors, String),
    /// An action's form refused: the action, its errors, what was typed, and a detail (the
    /// mediator and the link, for a conflict).
    ActionErrors(Action, FieldErrors, Vec<(String, String)>, String),
    /// Someone else acted first; the page shows the case as it is now.
    Stale,
    Refused(Refusal),
    /// A cited right refused: the reasons and what was typed.
    CiteErrors(rights::CiteErrors),
    /// This viewer may not change the case's cited rights (any more).
    CiteRefused,
    /// An upload refused: the reasons and what was typed.
    ExhibitErrors(crate::routes::exhibits::upload::UploadErrors),
    /// This viewer may not add evidence to the case (any more).
    ExhibitRefused,
    /// A bundle for an audience this viewer may not ask for.
    BundleRefused,
}

/// One action the viewer may take now, with what its form needs.
pub struct Offer {
    pub rule: &'static Rule,
    pub due: Option<NaiveDate>,
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct CasePage<'a> {
    ctx: &'a PageCtx,
    case: &'a CaseRow,
    case_no: &'a str,
    state: State,
    complainants: Vec<&'a PartyFields>,
    respondents: Vec<&'a PartyFields>,
    internal_notes: Vec<&'a NoteView>,
    messages: Vec<&'a NoteView>,
    changes: &'a [ChangeView],
    officer: Option<String>,
    staff: bool,
    /// Staff and the panel read internal notes.
    inside: bool,
    note_errors: FieldErrors,
    note_body: &'a str,
    notice: &'a Banner,
    offers: Vec<Offer>,
    l: &'a Loaded,
    bodies: &'static [ReceivingBody],
    outcomes: &'static [InvestigationOutcome],
    rights: rights::RightsPanel<'a>,
    exhibits: ExhibitsPanel<'a>,
    bundles: BundlesPanel<'a>,
}

impl CasePage<'_> {
    fn role_key(&self, role: &str) -> &'static str {
        Role::parse(role).map_or("role-respondent", Role::label_key)
    }

    fn damages(&self) -> Option<String> {
        self.case.damages_amount.map(|a| {
            format!(
                "{} {}",
                format_amount(a),
                self.case.damages_currency.as_deref().unwrap_or("")
            )
        })
    }

    /// The error for a field of one action's form, if that form was the one refused.
    fn action_error(&self, action: &Action, field: &str) -> Option<&'static str> {
        match self.notice {
            Banner::ActionErrors(a, errors, _, _) if a == action => errors.get(field),
            _ => None,
        }
    }

    fn action_detail(&self, action: &Action) -> &str {
        match self.notice {
            Banner::ActionErrors(a, _, _, detail) if a == action => detail,
            _ => "",
        }
    }

    /// What was typed into a field of the refused form (nothing typed is lost).
    fn typed(&self, action: &Action, field: &str) -> String {
        match self.notice {
            Banner::ActionErrors(a, _, pairs, _) if a == action => pairs
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn is_officer(&self, u: &User) -> bool {
        self.case.assigned_officer_id == Some(u.id.0)
    }

    fn due_value(&self, o: &Offer) -> String {
        self.typed_or(
            &o.rule.action,
            "due",
            o.due.map(|d| d.to_string()).unwrap_or_default(),
        )
    }

    fn typed_or(&self, action: &Action, field: &str, default: String) -> String {
        match self.notice {
            Banner::ActionErrors(a, _, _, _) if a == action => self.typed(action, field),
            _ => default,
        }
    }

    fn was_chosen(&self, action: &Action, field: &str, value: &i64) -> bool {
        match self.notice {
            Banner::ActionErrors(a, _, pairs, _) if a == action => pairs
                .iter()
                .any(|(k, v)| k == field && v.parse::<i64>().ok() == Some(*value)),
            _ => false,
        }
    }

    fn text_label(&self, action: &Action) -> String {
        self.ctx.t(&format!("action-{}-text", action.as_str()))
    }

    fn first_respondent_email(&self) -> String {
        self.respondents
            .first()
            .and_then(|p| p.email.clone())
            .unwrap_or_default()
    }

    fn overdue(&self, d: &DeadlineRow) -> bool {
        d.status == "open" && d.due_on < models::now().date()
    }

    /// Details of a history entry worth showing: the text given, if any.
    fn event_text(&self, details: &str) -> String {
        serde_json::from_str::<serde_json::Value>(details)
            .ok()
            .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }

    fn answer_of(&self, party_id: &i64) -> Option<bool> {
        self.l
            .answers
            .iter()
            .find(|(p, _)| p == party_id)
            .map(|(_, a)| *a)
    }

    fn party_name(&self, party_id: &i64) -> &str {
        self.l
            .party_refs
            .iter()
            .find(|p| p.id == *party_id)
            .map_or("", |p| p.name.as_str())
    }
}

pub struct Loaded {
    pub case: CaseRow,
    parties: Vec<PartyFields>,
    notes: Vec<NoteView>,
    changes: Vec<ChangeView>,
    officer: Option<String>,
    who: Option<Who>,
    /// Staff and the panel: they read internal notes.
    inside: bool,
    events: Vec<EventView>,
    deadlines: Vec<DeadlineRow>,
    panel: Vec<User>,
    sessions: Vec<SessionRow>,
    proposal: Option<ProposalRow>,
    answers: Vec<(i64, bool)>,
    party_refs: Vec<store::PartyRef>,
    /// Proof of notice: the office's view of every notice about the case.
    notices: Vec<NoticeView>,
    closure: Option<ClosureRow>,
    /// Choices for the action forms (staff only).
    mediators: Vec<User>,
    officers: Vec<User>,
    cited: Vec<CaseRightView>,
    part: crate::domain::workflow::Part,
    exhibits: Vec<ExhibitView>,
    bundles: Vec<(BundleRow, String)>,
}

/// The case by number, scoped to the viewer in the query; missing and hidden look the same.
/// The case page is a busy page: what only staff need is read for staff only, and what only
/// exists once there is a proposal, only then.
pub async fn load(state: &AppState, user: &User, raw: &str) -> Result<Loaded, AppError> {
    let number = CaseNumber::parse(raw).ok_or(AppError::NotFound)?;
    let scope = case_scope(user);
    let staff = policy::is_officer(user);
    let (me, role) = (user.id, user.role);
    let viewer = user.clone();
    state
        .db(move |c| {
            let case = case::find_by_number(c, scope, &number)?.ok_or(AppError::NotFound)?;
            let id = CaseId(case.id);
            // Staff act by their office role; the others by their part in this case.
            let part = if staff {
                Default::default()
            } else {
                store::part_of(c, id, me)?
            };
            let who = Who::of(role, part);
            let inside = staff || who == Some(Who::Panel);
            let roster = if staff {
                user::active_with_roles(c, &[Role::Examiner, Role::Legal, Role::Mediator])?
            } else {
                Vec::new()
            };
            let officer = match (case.assigned_officer_id, staff) {
                (Some(o), true) if let Some(u) = roster.iter().find(|u| u.id.0 == o) => Some(u.name.clone()),
                (Some(o), _) => case::user_name(c, o)?,
                (None, _) => None,
            };
            let (mediators, officers) = roster.into_iter().partition(|u| u.role == Role::Mediator);
            let exhibits = exhibit::of_case(c, id, policy::viewer_of(&viewer, part))?;
            let bundles = bundle::of_case(c, id, &policy::visible_audiences(&viewer, part))?;
            // The history says what exists: a panel, sessions and a proposal only once the
            // actions that make them were taken, so most case pages skip those reads.
            let events = store::events_of(c, id)?;
            let happened = |actions: &[Action]| {
                events
                    .iter()
                    .any(|e| actions.iter().any(|a| a.as_str() == e.action))
            };
            let panel = if happened(&[Action::AssignPanel]) {
                store::panel_of(c, id)?
            } else {
                Vec::new()
            };
            let sessions = if happened(&[Action::ScheduleSession, Action::RecordSession]) {
                store::sessions_of(c, id)?
            } else {
                Vec::new()
            };
            let proposal = if happened(&[Action::IssueProposal]) {
                store::current_proposal(c, id)?
            } else {
                None
            };
            let (answers, party_refs) = match &proposal {
                Some(p) => (store::answers_of(c, p.id)?, store::party_refs(c, id)?),
                None => (Vec::new(), Vec::new()),
            };
            let closure = if case.state().is_terminal() {
                store::closure_of(c, id)?
            } else {
                None
            };
            Ok(Loaded {
                parties: case::parties_of(c, id)?,
                notes: case::notes_of(c, id, inside)?,
                changes: case::changes_of(c, id)?,
                officer,
                who,
                inside,
                events,
                deadlines: store::deadlines_of(c, id)?,
                panel,
                sessions,
                proposal,
                answers,
                party_refs,
                notices: if staff {
                    outbox::of_case(c, id.0)?
                } else {
                    Vec::new()
                },
                closure,
                mediators,
                officers,
                cited: right::of_case(c, id)?,
                part,
                exhibits,
                bundles,
                case,
            })
        })
        .await
}

pub fn render_case(
    ctx: &PageCtx,
    settings: &crate::config::Settings,
    user: &User,
    l: &Loaded,
    notice: Banner,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let state = l.case.state();
    let today = models::now().date();
    let offers = workflow_rules::available(state, l.who)
        .filter(|r| r.action != Action::ResponseLapsed)
        .map(|rule| Offer {
            rule,
            due: rule
                .opens
                .map(|k| crate::workflow::default_due(settings, k, today)),
        })
        .collect();
    let (note_errors, note_body) = match &notice {
        Banner::NoteErrors(e, body) => (e.clone(), body.as_str()),
        _ => (FieldErrors::default(), ""),
    };
    let page = CasePage {
        ctx,
        case: &l.case,
        case_no: l.case.case_no.as_deref().unwrap_or_default(),
        state,
        complainants: l.parties.iter().filter(|p| p.side == "complainant").collect(),
        respondents: l.parties.iter().filter(|p| p.side == "respondent").collect(),
        internal_notes: l.notes.iter().filter(|n| n.visibility == "internal").collect(),
        messages: l.notes.iter().filter(|n| n.visibility == "shared").collect(),
        changes: &l.changes,
        officer: l.officer.clone(),
        staff: policy::is_officer(user),
        inside: l.inside,
        note_errors,
        note_body,
        notice: &notice,
        offers,
        l,
        bodies: ReceivingBody::ALL,
        outcomes: InvestigationOutcome::ALL,
        rights: rights::RightsPanel {
            links: &l.cited,
            can_cite: policy::may_cite(user, l.case.state(), l.case.complainant_user_id.map(UserId)),
            base: format!("/cases/{}", l.case.case_no.as_deref().unwrap_or_default()),
            refused: match &notice {
                Banner::CiteErrors(e) => Some(e),
                _ => None,
            },
            roles: CitationRole::ALL,
            viewer: user,
        },
        exhibits: ExhibitsPanel {
            list: &l.exhibits,
            can_upload: policy::may_upload(user, l.case.state(), l.part),
            staff: policy::is_officer(user),
            base: format!("/cases/{}", l.case.case_no.as_deref().unwrap_or_default()),
            filings: exhibits::filings(&l.events, ctx),
            supersedable: l
                .exhibits
                .iter()
                .filter(|e| policy::may_supersede(user, l.part, e.row.side(), e.row.is_current()))
                .map(|e| (e.row.id, e.row.number, e.row.title.clone()))
                .collect(),
            refused: match &notice {
                Banner::ExhibitErrors(e) => Some(e),
                _ => None,
            },
            rows: 3,
            max_bytes: settings.exhibit_max_bytes,
        },
        bundles: BundlesPanel {
            list: &l.bundles,
            requestable: policy::requestable_audiences(user, l.part),
            base: format!("/cases/{}", l.case.case_no.as_deref().unwrap_or_default()),
        },
    };
    page::render(status, &page)
}

/// The case page again, saying with `banner` why something was refused.
pub async fn page_again(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    case_no: &str,
    banner: Banner,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let l = load(state, user, case_no).await?;
    render_case(ctx, &state.settings, user, &l, banner, status)
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    case_no: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let loaded = load(&state, &current.user, &case_no).await?;
    render_case(
        &ctx,
        &state.settings,
        &current.user,
        &loaded,
        Banner::None,
        StatusCode::OK,
    )
}

// ---- Corrections by staff ----

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    case_no: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let l = load(&state, &current.user, &case_no).await?;
    let input = CaseInput::from_case(&l.case, &l.parties);
    let page = FormPage {
        ctx: &ctx,
        input: &input,
        errors: FieldErrors::default(),
        choices: &CHOICES,
        action: format!("/cases/{}/edit", case_no.as_str()),
        case_no: Some(case_no.as_str()),
        version: l.case.version,
        staff: true,
        rights: None,
    };
    page::ok(&page)
}

/// Field by field, as the history shows it.
fn described(f: &CaseFields, parties: &[PartyFields]) -> Vec<(String, Option<String>)> {
    let mut out = vec![
        ("track".to_owned(), Some(f.track.clone())),
        ("kind".to_owned(), Some(f.kind.clone())),
        ("title".to_owned(), Some(f.title.clone())),
        ("description".to_owned(), Some(f.description.clone())),
        ("ipc_class".to_owned(), f.ipc_class.clone()),
        (
            "damages".to_owned(),
            f.damages_amount.map(|a| {
                format!(
                    "{} {}",
                    format_amount(a),
                    f.damages_currency.as_deref().unwrap_or("")
                )
            }),
        ),
        ("remedy".to_owned(), Some(f.remedy.clone())),
        ("origin".to_owned(), Some(f.origin.clone())),
        ("origin_reference".to_owned(), f.origin_reference.clone()),
    ];
    for p in parties {
        let summary = [
            Some(p.name.as_str()),
            p.registration_no.as_deref(),
            p.size.as_deref(),
            p.address.as_deref(),
            p.email.as_deref(),
            p.phone.as_deref(),
            p.counsel_name.as_deref(),
            p.counsel_firm.as_deref(),
            p.counsel_email.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        out.push((
            format!("{} {}", p.side, p.position + 1),
            Some(format!("{} ({})", summary, p.party_kind)),
        ));
    }
    out
}

pub async fn edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    case_no: web::Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let l = load(&state, &current.user, &case_no).await?;
    let input = CaseInput::from_pairs(&pairs);
    let sent_version = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse::<i32>().ok())
        .unwrap_or(-1);
    let refuse = |errors: FieldErrors| {
        let page = FormPage {
            ctx: &ctx,
            input: &input,
            errors,
            choices: &CHOICES,
            action: format!("/cases/{}/edit", case_no.as_str()),
            case_no: Some(case_no.as_str()),
            version: l.case.version,
            staff: true,
            rights: None,
        };
        page::invalid(&page)
    };
    if sent_version != l.case.version {
        return refuse(FieldErrors::one("form", "err-case-changed"));
    }
    let (fields, parties) = match input.parse(true) {
        Ok(parsed) => parsed,
        Err(errors) => return refuse(errors),
    };
    // Field by field, old → new, in the order the history shows them.
    let before: BTreeMap<String, Option<String>> =
        described(&l.case.fields(), &l.parties).into_iter().collect();
    let after: BTreeMap<String, Option<String>> = described(&fields, &parties).into_iter().collect();
    let changed: Vec<(String, Option<String>, Option<String>)> = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)))
        .filter_map(|k| {
            let (old, new) = (before.get(k).cloned().flatten(), after.get(k).cloned().flatten());
            (old != new).then(|| (k.clone(), old, new))
        })
        .collect();
    let id = CaseId(l.case.id);
    let version = l.case.version;
    let actor = current.user.clone();
    let number = case_no.to_string();
    let address = client_address(&req, state.settings.trusted_proxy);
    let applied = state
        .db(move |c| {
            write_tx(c, |c| {
                if changed.is_empty() {
                    return Ok(true);
                }
                if !case::update(c, id, Some(&number), &fields, &parties, version)? {
                    return Ok(false);
                }
                for (field, old, new) in &changed {
                    case::record_change(c, id, actor.id, field, old.as_deref(), new.as_deref())?;
                }
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&actor),
                        action: "case.corrected",
                        object: Some(("case", number.clone())),
                        details: json!({"fields": changed.iter().map(|(f, _, _)| f).collect::<Vec<_>>()}),
                        address,
                    },
                )?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !applied {
        return refuse(FieldErrors::one("form", "err-case-changed"));
    }
    flash::set(&req, Flash::CaseCorrected);
    Ok(page::see_other(&format!(
        "/cases/{}",
        l.case.case_no.as_deref().unwrap_or_default()
    )))
}

// ---- Notes and messages ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoteForm {
    visibility: String,
    body: String,
}

/// Staff write internal notes or messages to the parties; a party writes messages only.
pub async fn add_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    case_no: web::Path<String>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let l = load(&state, &user, &case_no).await?;
    let visibility = NoteVisibility::parse(&form.visibility).unwrap_or(NoteVisibility::Shared);
    if visibility == NoteVisibility::Internal && !l.inside {
        return Err(AppError::NotFound);
    }
    let body = form.body.trim();
    let mut errors = FieldErrors::default();
    if body.is_empty() {
        errors.add("body", "err-required");
    } else if body.chars().count() > 20_000 {
        errors.add("body", "err-too-long");
    }
    if !errors.is_empty() {
        return render_case(
            &ctx,
            &state.settings,
            &user,
            &l,
            Banner::NoteErrors(errors, form.body.clone()),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let body = body.to_owned();
    let id = CaseId(l.case.id);
    let number = l.case.case_no.clone().unwrap_or_default();
    let address = client_address(&req, state.settings.trusted_proxy);
    let author = user.clone();
    state
        .db(move |c| {
            write_tx(c, |c| {
                case::add_note(c, id, author.id, visibility, &body)?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&author),
                        action: if visibility == NoteVisibility::Internal {
                            "case.internal_note"
                        } else {
                            "case.message"
                        },
                        object: Some(("case", number.clone())),
                        details: json!({}),
                        address,
                    },
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    flash::set(&req, Flash::NoteAdded);
    Ok(page::see_other(&format!(
        "/cases/{}#notes",
        l.case.case_no.as_deref().unwrap_or_default()
    )))
}
