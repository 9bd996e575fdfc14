//! Rights a case cites (DESIGN §4): staff link them at any time, the complainant while the
//! case is a draft or awaits a supplement (`services::citations` links them).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{Banner, page_again};
use crate::auth::policy;
use crate::auth::policy::case_scope;
use crate::domain::{CitationRole, Claims, PatentNumber};
use crate::i18n;
use crate::models::case::{self, CaseRow};
use crate::models::id::CitationId;
use crate::models::right::{CaseRightView, RightRow};
use crate::models::user::User;
use crate::services::citations::{self, Citation, Cited, Uncited};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

/// The longest note kept with a citation.
const NOTE_MAX: usize = 2_000;

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct CiteForm {
    pub number: String,
    /// One of the publications offered when the number typed had several.
    pub choice: String,
    pub role: String,
    pub claims: String,
    pub note: String,
}

/// A refused citation: a message per field, what was typed, and, when the number has
/// several publications, the ones to choose from.
#[derive(Default, Clone, Debug)]
pub struct CiteErrors {
    pub typed: CiteForm,
    pub messages: Vec<(&'static str, String)>,
    pub choices: Vec<(String, String)>,
}

/// The rights section of the case page and of the draft form.
pub struct RightsPanel<'a> {
    pub links: &'a [CaseRightView],
    pub can_cite: bool,
    /// The case's own path; the forms post below it.
    pub base: String,
    pub refused: Option<&'a CiteErrors>,
    pub roles: &'static [CitationRole],
    /// Who looks: staff remove any link, a party only its own.
    pub viewer: &'a User,
}

impl RightsPanel<'_> {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.refused?
            .messages
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn typed(&self, field: &str) -> &str {
        let Some(r) = self.refused else { return "" };
        match field {
            "number" => &r.typed.number,
            "role" => &r.typed.role,
            "claims" => &r.typed.claims,
            "note" => &r.typed.note,
            _ => "",
        }
    }

    pub fn can_remove(&self, link: &CaseRightView) -> bool {
        self.can_cite && (policy::is_officer(self.viewer) || link.linked_by_id == self.viewer.id)
    }

    pub fn choices(&self) -> &[(String, String)] {
        self.refused.map_or(&[], |r| r.choices.as_slice())
    }

    pub fn role_chosen(&self, role: &CitationRole) -> bool {
        match self.refused {
            Some(r) => r.typed.role == role.as_str(),
            None => *role == CitationRole::Asserted,
        }
    }
}

/// Which case a citation is for: a filed case by number, or a draft by its key.
pub enum Target {
    Filed(String),
    Draft(String),
}

/// Both citation routes name their case in the path: `{case_no}` or `drafts/{key}`.
impl actix_web::FromRequest for Target {
    type Error = AppError;
    type Future = std::future::Ready<Result<Target, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let path = req.match_info();
        let target = match (path.get("key"), path.get("case_no")) {
            (Some(key), _) => Ok(Target::Draft(key.to_owned())),
            (None, Some(no)) => Ok(Target::Filed(no.to_owned())),
            (None, None) => Err(AppError::NotFound),
        };
        std::future::ready(target)
    }
}

/// The citation a removal names.
#[derive(Deserialize)]
pub struct LinkPath {
    link: i64,
}

impl Target {
    fn path(&self) -> String {
        match self {
            Target::Filed(no) => format!("/cases/{no}"),
            Target::Draft(key) => format!("/cases/drafts/{key}"),
        }
    }
}

/// The case a citation is for, scoped to the viewer: missing and hidden look the same.
async fn find(state: &AppState, user: &User, target: &Target) -> Result<CaseRow, AppError> {
    let scope = case_scope(user);
    let found = match target {
        Target::Filed(raw) => {
            let number = crate::domain::CaseNumber::parse(raw).ok_or(AppError::NotFound)?;
            state
                .db(move |c| Ok(case::find_by_number(c, scope, &number)?))
                .await?
        }
        Target::Draft(key) => {
            let key = key.clone();
            state.db(move |c| Ok(case::find_draft(c, scope, &key)?)).await?
        }
    };
    found.ok_or(AppError::NotFound)
}

/// A message per refused field, in the reader's language.
type Messages = Vec<(&'static str, String)>;

/// Reads the form into what is linked, or the reasons it cannot be.
fn parse(lang: crate::domain::Lang, form: &CiteForm) -> Result<Citation, Messages> {
    let mut messages = Vec::new();
    let typed = if form.choice.is_empty() {
        &form.number
    } else {
        &form.choice
    };
    let number = match PatentNumber::parse(typed) {
        Ok(n) => Some(n),
        Err(e) => {
            messages.push(("number", i18n::text_with(lang, e.key(), &e.args())));
            None
        }
    };
    let role = CitationRole::parse(&form.role);
    if role.is_none() {
        messages.push(("role", i18n::text(lang, "err-choose")));
    }
    let claims = match Claims::parse(&form.claims) {
        Ok(c) => Some(c),
        Err(e) => {
            messages.push((
                "claims",
                i18n::text_with(lang, e.key(), &[("part", e.part().to_string())]),
            ));
            None
        }
    };
    let note = form.note.trim().to_string();
    if note.chars().count() > NOTE_MAX {
        messages.push(("note", i18n::text(lang, "err-too-long")));
    }
    match (number, role, claims) {
        (Some(number), Some(role), Some(claims)) if messages.is_empty() => Ok(Citation {
            number,
            role,
            claims,
            note,
        }),
        _ => Err(messages),
    }
}

pub async fn cite(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    target: Target,
    CsrfForm(form): CsrfForm<CiteForm>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let case = find(&state, &user, &target).await?;
    if !policy::may_cite(&user, case.state(), case.complainant_user_id) {
        return refuse(&state, &ctx, &user, &case).await;
    }
    let citation = match parse(ctx.lang, &form) {
        Ok(citation) => citation,
        Err(messages) => {
            let errors = CiteErrors {
                typed: form,
                messages,
                choices: Vec::new(),
            };
            return refused_page(&state, &ctx, &user, &target, errors).await;
        }
    };
    let (id, by) = (case.id, user.clone());
    let address = client_address(&req, state.settings.trusted_proxy);
    let zone = state.settings.office_zone();
    let object = case.case_no.clone().unwrap_or_else(|| case.draft_key.clone());
    let outcome = state
        .db(move |c| Ok(citations::cite(c, &by, id, &object, &citation, zone, address)?))
        .await?;
    let lang = ctx.lang;
    match outcome {
        Cited::Done => {
            flash::set(&req, Flash::RightCited);
            Ok(page::see_other(&format!("{}#rights", target.path())))
        }
        Cited::Ambiguous(several) => {
            let errors = ambiguous(lang, form, &several);
            refused_page(&state, &ctx, &user, &target, errors).await
        }
        Cited::AlreadyCited => {
            let errors = CiteErrors {
                typed: form,
                messages: vec![("number", i18n::text(lang, "cite-already"))],
                choices: Vec::new(),
            };
            refused_page(&state, &ctx, &user, &target, errors).await
        }
        Cited::NotAllowed => refuse(&state, &ctx, &user, &case).await,
    }
}

fn ambiguous(lang: crate::domain::Lang, typed: CiteForm, several: &[RightRow]) -> CiteErrors {
    CiteErrors {
        typed,
        messages: vec![("number", i18n::text(lang, "cite-ambiguous"))],
        choices: several
            .iter()
            .map(|r| (r.display.clone(), r.title.clone()))
            .collect(),
    }
}

/// The page again, the form filled in as it was sent, with the reasons next to the fields.
async fn refused_page(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    target: &Target,
    errors: CiteErrors,
) -> Result<HttpResponse, AppError> {
    match target {
        Target::Filed(no) => {
            page_again(
                state,
                ctx,
                user,
                no,
                Banner::CiteErrors(errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Target::Draft(key) => {
            super::draft_page(
                state,
                ctx,
                user,
                key,
                Some(errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The case may be seen but not changed by this viewer, or not any more: its page says so.
async fn refuse(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    case: &CaseRow,
) -> Result<HttpResponse, AppError> {
    // Only a filed case can be out of a party's reach: a draft is its author's.
    let Some(no) = &case.case_no else {
        return Err(AppError::NotFound);
    };
    page_again(state, ctx, user, no, Banner::CiteRefused, StatusCode::FORBIDDEN).await
}

pub async fn uncite(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    target: Target,
    link: web::Path<LinkPath>,
    CsrfForm(_): CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let (user, link_id) = (current.user, CitationId(link.link));
    let case = find(&state, &user, &target).await?;
    if !policy::may_cite(&user, case.state(), case.complainant_user_id) {
        return refuse(&state, &ctx, &user, &case).await;
    }
    let (id, by) = (case.id, user.clone());
    let address = client_address(&req, state.settings.trusted_proxy);
    let zone = state.settings.office_zone();
    let object = case.case_no.clone().unwrap_or_else(|| case.draft_key.clone());
    let outcome = state
        .db(move |c| Ok(citations::uncite(c, &by, id, &object, link_id, zone, address)?))
        .await?;
    if outcome == Uncited::NotAllowed {
        return refuse(&state, &ctx, &user, &case).await;
    }
    flash::set(&req, Flash::RightUncited);
    Ok(page::see_other(&format!("{}#rights", target.path())))
}
