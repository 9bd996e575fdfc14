//! Cases: filing (by complainants, and by staff for paper complaints), drafts, the case page,
//! corrections, notes and messages, and the case list.

pub mod actions;
pub mod autosave;
pub mod form;
pub mod list;
pub mod rights;
pub mod timeline;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use serde::Deserialize;

use self::form::CaseInput;
use crate::auth::policy;
use crate::auth::policy::case_scope;
use crate::domain::case::format_amount;
use crate::domain::clock::{ClockReading, MediationClock};
use crate::domain::office_time::OfficeZone;
use crate::domain::workflow::{
    self as workflow_rules, Action, DeadlineKind, DeadlineStatus, Input, InvestigationOutcome, ReceivingBody,
    Refusal, Rule,
};
use crate::domain::{
    BundleStatus, CaseNumber, CitationRole, Country, Currency, Kind, Lang, NoteVisibility, NoticeStatus,
    Origin, PartyKind, PartySize, Role, State, Track,
};
use crate::models::case::{self, CaseRow, NoteView, PartyFields};
use crate::models::case_page::{self, CaseView, Reader};
use crate::models::id::PartyId;
use crate::models::right;
use crate::models::user::User;
use crate::models::workflow::DeadlineRow;
use crate::routes::bundles::BundlesPanel;
use crate::routes::exhibits::{self, ExhibitsPanel};
use crate::services::corrections::{self, Corrected, Correction};
use crate::services::filing::{self, DraftDeleted, Saved};
use crate::services::notes;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::CurrentUser;
use chrono::NaiveDate;

use self::timeline::Moment;
use crate::domain::next_step::NextStep;

/// The choices the form offers, for its select boxes.
pub struct Choices {
    pub kinds: &'static [Kind],
    pub tracks: &'static [Track],
    pub origins: &'static [Origin],
    pub party_kinds: &'static [PartyKind],
    pub sizes: &'static [PartySize],
    pub countries: &'static [Country],
    pub currencies: &'static [Currency],
}

pub const CHOICES: Choices = Choices {
    kinds: Kind::ALL,
    tracks: Track::ALL,
    origins: Origin::ALL,
    party_kinds: PartyKind::ALL,
    sizes: PartySize::ALL,
    countries: Country::ALL,
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
            let parties = case::parties_of(c, row.id)?;
            let cited = right::of_case(c, row.id)?;
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
        can_cite: policy::may_cite(user, row.state(), row.complainant_user_id),
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
    let address = client_address(&req, state.settings.trusted_proxy);
    let deleted = state
        .db(move |c| Ok(filing::delete_draft(c, &user, &key, address)?))
        .await?;
    match deleted {
        // Filed meanwhile: a case is never deleted.
        DraftDeleted::Filed(no) => Ok(page::see_other(&format!("/cases/{no}"))),
        DraftDeleted::Deleted => {
            flash::set(&req, Flash::DraftDeleted);
            Ok(page::see_other("/cases"))
        }
    }
}

/// Saves the form as a draft, or files it (`services::filing::save`); a refused filing comes
/// back filled in, kept as a draft once it has a title.
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
    let submitted = input.action == "submit";
    let (fields, parties, refusal) = match input.parse(submitted) {
        Ok((fields, parties)) => (fields, parties, None),
        // A refused filing still keeps what can be kept, as a draft.
        Err(errors) => match input.parse(false) {
            Ok((fields, parties)) if submitted => (fields, parties, Some(errors)),
            _ => return form_page(&ctx, &user, &input, errors, StatusCode::UNPROCESSABLE_ENTITY),
        },
    };
    let file_now = submitted && refusal.is_none();
    let keep_new = file_now || input.action == "save" || !fields.title.trim().is_empty();
    let form = filing::Form {
        draft_key: input.draft_key.clone(),
        fields,
        parties,
        file: file_now,
        keep_new,
    };
    let saved = save_form(&req, &state, &user, ctx.lang, form).await?;
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
    /// Today as an office day, against which deadlines are overdue.
    today: chrono::NaiveDate,
    /// The mediation clock, while one runs or is paused.
    clock: Option<ClockBar>,
    complainants: Vec<&'a PartyFields>,
    respondents: Vec<&'a PartyFields>,
    internal_notes: Vec<&'a NoteView>,
    messages: Vec<&'a NoteView>,
    officer: Option<String>,
    staff: bool,
    /// Staff and the panel read internal notes.
    inside: bool,
    note_errors: FieldErrors,
    note_body: &'a str,
    notice: &'a Banner,
    offers: Vec<Offer>,
    l: &'a CaseView,
    bodies: &'static [ReceivingBody],
    outcomes: &'static [InvestigationOutcome],
    rights: rights::RightsPanel<'a>,
    exhibits: ExhibitsPanel<'a>,
    bundles: BundlesPanel<'a>,
    timeline: Vec<timeline::Moment<'a>>,
    /// What happens next for the reader, and by when.
    next: Option<NextStep>,
}

/// The mediation clock drawn as a bar: the share of the period run, paused and left.
struct ClockBar {
    reading: ClockReading,
    /// Percentages of the bar's width, each kept visible when not zero.
    running: f64,
    paused: f64,
}

impl ClockBar {
    fn of(deadlines: &[DeadlineRow], zone: OfficeZone, today: chrono::NaiveDate) -> Option<ClockBar> {
        let d = deadlines.iter().find(|d| {
            d.kind == DeadlineKind::Mediation
                && matches!(d.status, DeadlineStatus::Open | DeadlineStatus::Paused)
        })?;
        let clock = MediationClock {
            started: zone.day_of(d.opened_at),
            due: d.due_on,
            paused_days: i64::from(d.paused_days),
            paused_since: d.paused_on.filter(|_| d.status == DeadlineStatus::Paused),
        };
        let reading = clock.read(today);
        let total = reading.total().max(1) as f64;
        let share = |days: i64| (days as f64 * 100.0 / total * 100.0).round() / 100.0;
        Some(ClockBar {
            running: share(reading.running),
            paused: share(reading.paused),
            reading,
        })
    }

    /// Where the paused part starts, in percent.
    fn paused_at(&self) -> f64 {
        self.running
    }
}

impl CasePage<'_> {
    /// The clock in words: the bar's text alternative, shown beneath it.
    fn clock_text(&self, bar: &ClockBar) -> String {
        let r = &bar.reading;
        let args = [
            ("day", (r.running + r.paused).to_string()),
            ("total", r.total().to_string()),
            ("running", r.running.to_string()),
            ("paused", r.paused.to_string()),
            ("left", r.left.to_string()),
        ];
        let mut text = crate::i18n::text_with(self.ctx.lang, "clock-summary", &args);
        if r.is_paused {
            text = format!("{text} {}", self.ctx.t("clock-paused-now"));
        }
        if r.over > 0 {
            text = format!("{text} {}", self.ctx.t1("clock-over", "n", r.over));
        }
        text
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
        self.case.assigned_officer_id == Some(u.id)
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
        d.status == DeadlineStatus::Open && d.due_on < self.today
    }

    /// Details of a history entry worth showing: the text given, if any.
    fn event_text(&self, details: &str) -> String {
        serde_json::from_str::<serde_json::Value>(details)
            .ok()
            .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }

    fn answer_of(&self, party_id: &PartyId) -> Option<bool> {
        self.l
            .answers
            .iter()
            .find(|(p, _)| p == party_id)
            .map(|(_, a)| *a)
    }

    fn party_name(&self, party_id: &PartyId) -> &str {
        self.l
            .party_refs
            .iter()
            .find(|p| p.id == *party_id)
            .map_or("", |p| p.name.as_str())
    }
}

/// The case by number as `user` may see it; missing and hidden look the same.
pub async fn load(state: &AppState, user: &User, raw: &str) -> Result<CaseView, AppError> {
    let number = CaseNumber::parse(raw).ok_or(AppError::NotFound)?;
    let user = user.clone();
    let found = state
        .db(move |c| {
            let reader = Reader {
                user: &user,
                scope: case_scope(&user),
                officer: policy::is_officer(&user),
                evidence: policy::viewer_of,
                bundles: policy::visible_audiences,
            };
            Ok(case_page::load(c, &reader, &number)?)
        })
        .await?;
    found.ok_or(AppError::NotFound)
}

pub fn render_case(
    ctx: &PageCtx,
    settings: &crate::config::Settings,
    user: &User,
    l: &CaseView,
    notice: Banner,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let state = l.case.state();
    let today = settings.today();
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
        timeline: timeline::timeline(l),
        next: timeline::next_for(l, user, settings.now()),
        ctx,
        case: &l.case,
        case_no: l.case.case_no.as_deref().unwrap_or_default(),
        state,
        today,
        clock: ClockBar::of(&l.deadlines, settings.office_zone(), today),
        complainants: l.parties.iter().filter(|p| p.side == "complainant").collect(),
        respondents: l.parties.iter().filter(|p| p.side == "respondent").collect(),
        internal_notes: l
            .notes
            .iter()
            .filter(|n| n.visibility == NoteVisibility::Internal)
            .collect(),
        messages: l
            .notes
            .iter()
            .filter(|n| n.visibility == NoteVisibility::Shared)
            .collect(),
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
            can_cite: policy::may_cite(user, l.case.state(), l.case.complainant_user_id),
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
    if loaded.has_news() {
        // What the reader has now seen is no longer new on their home page.
        let (me, case, now) = (current.user.id, loaded.case.id, state.settings.now());
        state
            .db(move |c| Ok(crate::models::workbench::mark_read(c, me, case, now)?))
            .await?;
    }
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
    let correction = Correction {
        case: l.case.id,
        case_no: case_no.to_string(),
        version: l.case.version,
        before: (l.case.fields(), l.parties.clone()),
        after: (fields, parties),
    };
    let actor = current.user.clone();
    let address = client_address(&req, state.settings.trusted_proxy);
    let zone = state.settings.office_zone();
    let corrected = state
        .db(move |c| Ok(corrections::correct(c, &actor, &correction, zone, address)?))
        .await?;
    if corrected == Corrected::Stale {
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
    let id = l.case.id;
    let number = l.case.case_no.clone().unwrap_or_default();
    let address = client_address(&req, state.settings.trusted_proxy);
    let author = user.clone();
    state
        .db(move |c| Ok(notes::add(c, &author, id, &number, visibility, &body, address)?))
        .await?;
    flash::set(&req, Flash::NoteAdded);
    Ok(page::see_other(&format!(
        "/cases/{}#notes",
        l.case.case_no.as_deref().unwrap_or_default()
    )))
}

/// Saves the complaint form (as a draft, or filed) for the form's own submit and its autosave.
pub(super) async fn save_form(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    user: &User,
    lang: Lang,
    form: filing::Form,
) -> Result<Saved, AppError> {
    let address = client_address(req, state.settings.trusted_proxy);
    let app = state.clone();
    let author = user.clone();
    state
        .db(move |c| {
            Ok(filing::save(
                c,
                &app.settings,
                &app.public_url,
                &author,
                lang,
                &form,
                address,
            )?)
        })
        .await
}
