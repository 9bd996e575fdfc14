//! Carrying out workflow actions (DESIGN §3). Each action is one transaction that checks the
//! table against the case as it is now, moves the case (only from the version the actor saw),
//! records the history and the audit entry, opens and closes deadlines, and queues the
//! notices. The deadline job runs here too: reminders, and responses that lapsed.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde_json::json;

use crate::audit::{self, Event};
use crate::calendar;
use crate::config::{PublicUrl, Settings};
use crate::db::{DbConn, write_tx};
use crate::domain::workflow::{
    self as flow, Action, Clock, DeadlineKind, DeadlineStatus, InvestigationOutcome, Mediator, PartyLinks,
    ReceivingBody, Refusal, Tell, Who,
};
use crate::domain::{Email, Lang, Role, State, Track};
use crate::mail::{self, Notice, Recipient};
use crate::models::case::{self, CaseRow};
use crate::models::id::{CaseId, PartyId, UserId};
use crate::models::user::User;
use crate::models::workflow as store;
use crate::services::Error;

/// What an action was given, parsed from its form.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    pub text: String,
    pub due: Option<NaiveDate>,
    pub email: Option<Email>,
    pub mediators: Vec<UserId>,
    pub session_at: Option<NaiveDateTime>,
    pub place: String,
    pub complainant_attended: bool,
    pub respondent_attended: bool,
    pub body: Option<ReceivingBody>,
    pub outcome: Option<InvestigationOutcome>,
    pub days: Option<i64>,
    pub officer: Option<UserId>,
    /// The party staff answer for (accepting or rejecting a proposal).
    pub party: Option<PartyId>,
}

/// How an action ended.
#[derive(Debug)]
pub enum Done {
    Moved(State),
    /// Someone acted on the case since the actor loaded it; nothing was changed.
    Stale,
    Refused(Refusal),
    /// An input the table could not check on its own (a conflicted mediator, say): the field
    /// and the message, with a detail to show.
    Invalid(&'static str, &'static str, String),
}

/// What carrying out an action needs besides the database.
pub struct Ctx<'a> {
    pub public_url: &'a PublicUrl,
    pub settings: &'a Settings,
    pub address: Option<String>,
}

fn period(settings: &Settings, kind: DeadlineKind) -> i64 {
    i64::from(match kind {
        DeadlineKind::Mediation => settings.mediation_days,
        DeadlineKind::Supplement => settings.supplement_days,
        DeadlineKind::Response => settings.response_days,
        DeadlineKind::Acceptance => settings.acceptance_days,
        DeadlineKind::Compliance => settings.compliance_days,
    })
}

/// The due date an action's form offers: today plus the setting.
pub fn default_due(settings: &Settings, kind: DeadlineKind, today: NaiveDate) -> NaiveDate {
    today + TimeDelta::days(period(settings, kind))
}

/// Starts the mediation clock of a case just filed on the mediation track.
pub fn on_filed(
    conn: &mut DbConn,
    settings: &Settings,
    case: CaseId,
    track: Track,
    now: NaiveDateTime,
) -> Result<(), Error> {
    if track == Track::Mediation {
        let due = default_due(
            settings,
            DeadlineKind::Mediation,
            settings.office_zone().day_of(now),
        );
        store::open_deadline(conn, case, DeadlineKind::Mediation, due, now)?;
    }
    Ok(())
}

/// Carries out `action` on the case for `actor` (or the system, with `None`), if the case is
/// still at `version`.
#[allow(clippy::too_many_arguments)]
pub fn act(
    conn: &mut DbConn,
    ctx: &Ctx<'_>,
    case_id: CaseId,
    version: i32,
    action: Action,
    actor: Option<&User>,
    inputs: &Inputs,
    now: NaiveDateTime,
) -> Result<Done, Error> {
    let result = write_tx(conn, |c| {
        // Claim the case at the version the actor saw before anything else: a second action
        // on the same case waits here (PostgreSQL locks the row; SQLite's write transaction
        // is exclusive) and then finds the version moved on, before it has changed anything.
        if !store::claim(c, case_id, version)? {
            return Err(Stop::Done(Done::Stale));
        }
        let case = case::find_by_id(c, case_id)?.ok_or(Error::NotFound)?;
        let who = match actor {
            Some(u) => Who::of(u.role, store::part_of(c, case_id, u.id)?),
            None => Some(Who::System),
        };
        let rule = action.rule();
        let from = case.state();
        if let Err(refusal) = rule.check(from, who) {
            return Err(Stop::Done(Done::Refused(refusal)));
        }
        let step = Step {
            case: case_id,
            action,
            who: who.unwrap_or(Who::System),
            actor,
            inputs,
            now,
        };
        let Particulars {
            mut details,
            all_accepted,
        } = particulars(c, &step, &case)?;
        if !inputs.text.is_empty() {
            details["text"] = json!(inputs.text);
        }
        let to = rule.target(from, all_accepted);
        store::set_state(c, case_id, to, now)?;
        follow_rule(c, ctx, &step, rule, to)?;
        store::record_event(
            c,
            store::NewEvent {
                case: case_id,
                action,
                from,
                to,
                actor: actor.map(|u| u.id),
                who: step.who,
                details: &details,
                at: now,
            },
        )?;
        crate::models::stats::refresh(c, case_id, ctx.settings.office_zone())?;
        audit::record(
            c,
            Event {
                actor: &actor.map_or_else(audit::Actor::system, audit::Actor::user),
                action: &format!("case.{}", action.as_str()),
                object: Some(("case", case.case_no.clone().unwrap_or_default())),
                details: json!({ "from": from.as_str(), "to": to.as_str(), "as": step.who.as_str() }),
                address: ctx.address.clone(),
            },
        )?;
        notify(c, ctx, &case, action, inputs, now)?;
        Ok(Done::Moved(to))
    });
    match result {
        Ok(done) | Err(Stop::Done(done)) => Ok(done),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// One action being carried out: what, on which case, by whom, with what.
struct Step<'a> {
    case: CaseId,
    action: Action,
    who: Who,
    actor: Option<&'a User>,
    inputs: &'a Inputs,
    now: NaiveDateTime,
}

impl Step<'_> {
    /// The person acting: sessions, proposals and answers are a person's (the table gives
    /// them to no system).
    fn person(&self) -> Result<UserId, Error> {
        self.actor
            .map(|u| u.id)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("{} needs a person", self.action)))
    }
}

/// What an action did besides moving the case, for its history entry.
struct Particulars {
    details: serde_json::Value,
    /// Whether every party has now accepted the proposal (an acceptance settles only then).
    all_accepted: bool,
}

impl Particulars {
    fn of(details: serde_json::Value) -> Result<Particulars, Stop> {
        Ok(Particulars {
            details,
            all_accepted: false,
        })
    }
}

/// The part of an action the table does not say: what it records, checked against the case.
fn particulars(c: &mut DbConn, step: &Step<'_>, case: &CaseRow) -> Result<Particulars, Stop> {
    let (case_id, inputs, now) = (step.case, step.inputs, step.now);
    match step.action {
        Action::StartReview => {
            if case.assigned_officer_id.is_none()
                && let Some(u) = step.actor
            {
                case::set_officer(c, case_id, u.id)?;
            }
            Particulars::of(json!({}))
        }
        Action::AssignOfficer => {
            let officer = inputs.officer.ok_or_else(officer_required)?;
            let ok = crate::models::user::find(c, officer)?
                .is_some_and(|u| u.active && matches!(u.role, Role::Examiner | Role::Legal));
            if !ok {
                return Err(officer_required());
            }
            case::set_officer(c, case_id, officer)?;
            Particulars::of(json!({ "officer": officer.0 }))
        }
        Action::NotifyRespondent => {
            let email = inputs
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default();
            Particulars::of(json!({ "email": email, "due": inputs.due }))
        }
        Action::AssignPanel => {
            if let Some(reason) = panel_conflict(c, case_id, &inputs.mediators)? {
                return Err(Stop::Done(reason));
            }
            store::set_panel(c, case_id, &inputs.mediators, now)?;
            Particulars::of(json!({ "mediators": inputs.mediators.iter().map(|m| m.0).collect::<Vec<_>>() }))
        }
        Action::ScheduleSession | Action::RecordSession => {
            let at = inputs.session_at.unwrap_or(now);
            let record = (step.action == Action::RecordSession).then_some((
                inputs.complainant_attended,
                inputs.respondent_attended,
                inputs.text.as_str(),
            ));
            let session = store::NewSession {
                at,
                place: &inputs.place,
                record,
            };
            store::add_session(c, case_id, session, step.person()?, now)?;
            Particulars::of(json!({
                "at": at, "place": inputs.place,
                "complainant_attended": record.map(|r| r.0),
                "respondent_attended": record.map(|r| r.1),
            }))
        }
        Action::IssueProposal => {
            store::issue_proposal(c, case_id, &inputs.text, step.person()?, now)?;
            Particulars::of(json!({}))
        }
        Action::AcceptProposal | Action::RejectProposal => answer_proposal(c, step),
        Action::StartInvestigation => {
            store::set_track(c, case_id, "investigation")?;
            Particulars::of(json!({}))
        }
        Action::ExtendClock => {
            let days = inputs.days.unwrap_or(0);
            if !store::extend_clock(c, case_id, days)? {
                return Err(Stop::Done(Done::Refused(Refusal::NotNow)));
            }
            Particulars::of(json!({ "days": days }))
        }
        Action::ReferOut => Particulars::of(json!({ "body": inputs.body.map(|b| b.as_str()) })),
        Action::Close => Particulars::of(json!({ "outcome": inputs.outcome.map(|o| o.as_str()) })),
        _ => Particulars::of(json!({})),
    }
}

fn officer_required() -> Stop {
    Stop::Done(Done::Invalid("officer", "err-officer-required", String::new()))
}

/// A party's answer to the current proposal: the complainant's own, a respondent's own, or
/// the one staff record for the party they name.
fn answer_proposal(c: &mut DbConn, step: &Step<'_>) -> Result<Particulars, Stop> {
    let Some(proposal) = store::current_proposal(c, step.case)? else {
        return Err(Stop::Done(Done::Refused(Refusal::NotNow)));
    };
    let parties = store::party_refs(c, step.case)?;
    let party = match (step.who, step.actor) {
        (Who::Complainant, _) => parties.iter().find(|p| p.side == "complainant").map(|p| p.id),
        (Who::Respondent, Some(u)) => parties
            .iter()
            .find(|p| p.side == "respondent" && p.user_id == Some(u.id))
            .map(|p| p.id),
        _ => step.inputs.party.filter(|id| parties.iter().any(|p| p.id == *id)),
    };
    let Some(party) = party else {
        return Err(Stop::Done(Done::Invalid(
            "party",
            "err-party-required",
            String::new(),
        )));
    };
    let accepted = step.action == Action::AcceptProposal;
    if !store::answer(c, proposal.id, party, accepted, step.person()?, step.now)? {
        return Err(Stop::Done(Done::Invalid(
            "party",
            "err-party-answered",
            String::new(),
        )));
    }
    let answers = store::answers_of(c, proposal.id)?;
    Ok(Particulars {
        details: json!({ "party": party, "proposal": proposal.id }),
        all_accepted: parties
            .iter()
            .all(|p| answers.iter().any(|(id, yes)| *id == p.id && *yes)),
    })
}

/// What the table says follows the move to `to`: the deadlines it answers or opens, and the
/// mediation clock.
fn follow_rule(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    step: &Step<'_>,
    rule: &flow::Rule,
    to: State,
) -> Result<(), Error> {
    let (case_id, now) = (step.case, step.now);
    let today = ctx.settings.office_zone().day_of(now);
    if to.is_terminal() {
        let status = if step.action == Action::ResponseLapsed {
            DeadlineStatus::Lapsed
        } else {
            DeadlineStatus::Met
        };
        store::close_deadlines(c, case_id, rule.closes, status, now)?;
        store::cancel_all(c, case_id, now)?;
        store::record_closure(c, case_id, to, now, ctx.settings.office_zone())?;
    } else if rule.to != flow::To::SettledWhenAllAccept {
        // An acceptance answers its deadline only once everyone has accepted (terminal).
        store::close_deadlines(c, case_id, rule.closes, DeadlineStatus::Met, now)?;
    }
    if let Some(kind) = rule.opens {
        let due = step
            .inputs
            .due
            .unwrap_or_else(|| default_due(ctx.settings, kind, today));
        store::open_deadline(c, case_id, kind, due, now)?;
    }
    match rule.clock {
        Clock::Keep => {}
        Clock::Pause => store::pause_clock(c, case_id, today)?,
        Clock::Resume => store::resume_clock(c, case_id, today)?,
        Clock::Stop => {
            let mediation = [DeadlineKind::Mediation];
            store::close_deadlines(c, case_id, &mediation, DeadlineStatus::Cancelled, now)?;
        }
    }
    Ok(())
}

/// Why an action's transaction ends early: a refusal (rolled back, nothing changed) or a failure.
enum Stop {
    Done(Done),
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Failed(e.into())
    }
}

/// The first conflict among the chosen mediators, or a refusal of the choice itself.
fn panel_conflict(c: &mut DbConn, case_id: CaseId, chosen: &[UserId]) -> Result<Option<Done>, Error> {
    if chosen.is_empty() || chosen.len() > 3 {
        return Ok(Some(Done::Invalid("mediators", "err-panel-size", String::new())));
    }
    let roster = store::mediator_affiliations(c, chosen)?;
    if roster.len() != chosen.len() {
        return Ok(Some(Done::Invalid("mediators", "err-panel-size", String::new())));
    }
    let parties = case::parties_of(c, case_id)?;
    let links: Vec<PartyLinks<'_>> = parties
        .iter()
        .map(|p| PartyLinks {
            name: &p.name,
            email: p.email.as_deref(),
            registration_no: p.registration_no.as_deref(),
            counsel_name: p.counsel_name.as_deref(),
            counsel_firm: p.counsel_firm.as_deref(),
            counsel_email: p.counsel_email.as_deref(),
        })
        .collect();
    for m in &roster {
        let mediator = Mediator {
            name: &m.name,
            email: &m.email,
            organisation: m.organisation.as_deref(),
            registration_no: m.registration_no.as_deref(),
        };
        if let Some(conflict) = flow::conflict(&mediator, &links) {
            return Ok(Some(Done::Invalid(
                "mediators",
                conflict.message_key(),
                format!("{}: {}", m.name, conflict.detail()),
            )));
        }
    }
    Ok(None)
}

/// Someone a notice goes to.
struct Addressee {
    email: String,
    name: String,
    lang: Option<Lang>,
}

impl From<User> for Addressee {
    fn from(u: User) -> Self {
        Addressee {
            email: u.email,
            name: u.name,
            lang: u.language,
        }
    }
}

/// Who is told of a case's events, looked up once per notice run.
struct Audience {
    case: CaseRow,
    parties: Vec<store::PartyRef>,
    /// The accounts tied to the case: its complainant, its joined respondents, its officer.
    accounts: Vec<User>,
}

impl Audience {
    fn load(c: &mut DbConn, case: &CaseRow) -> Result<Audience, Error> {
        let parties = store::party_refs(c, case.id)?;
        let ids: Vec<UserId> = parties
            .iter()
            .filter_map(|p| p.user_id)
            .chain(case.complainant_user_id)
            .chain(case.assigned_officer_id)
            .collect();
        Ok(Audience {
            case: case.clone(),
            accounts: crate::models::user::find_many(c, &ids)?,
            parties,
        })
    }

    fn account(&self, id: Option<UserId>) -> Option<Addressee> {
        let id = id?;
        self.accounts
            .iter()
            .find(|u| u.id == id)
            .cloned()
            .map(Addressee::from)
    }

    /// The complainant's account, or for a paper complaint the party's own e-mail.
    fn complainant(&self) -> Option<Addressee> {
        self.account(self.case.complainant_user_id).or_else(|| {
            let p = self.parties.iter().find(|p| p.side == "complainant")?;
            Some(Addressee {
                email: p.email.clone()?,
                name: p.name.clone(),
                lang: None,
            })
        })
    }

    /// Each respondent's account once they joined; before, their e-mail once invited (a
    /// respondent hears of a case first through its invitation).
    fn respondents(&self) -> Vec<Addressee> {
        self.parties
            .iter()
            .filter(|p| p.side == "respondent")
            .filter_map(|p| {
                self.account(p.user_id).or_else(|| {
                    let email = p.email.clone().filter(|_| p.invited)?;
                    Some(Addressee {
                        email,
                        name: p.name.clone(),
                        lang: None,
                    })
                })
            })
            .collect()
    }

    fn officer(&self) -> Option<Addressee> {
        self.account(self.case.assigned_officer_id)
    }
}

/// Queues the notice once per addressee, each with their own link into the case.
fn send_all(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    case: &CaseRow,
    event: &str,
    people: Vec<Addressee>,
    notice: &Notice<'_>,
    invitation: Option<&store::SessionRow>,
) -> Result<(), Error> {
    let case_no = case.case_no.as_deref().unwrap_or_default();
    for person in people {
        let link = mail::tracked_link(ctx.public_url, case.id);
        let lang = person.lang.unwrap_or_default();
        let to = Recipient {
            email: &person.email,
            name: &person.name,
            lang,
        };
        let notice = notice.with_link(&link.url);
        let ics = invitation.map(|s| {
            let writer = calendar::Writer {
                lang,
                public_url: ctx.public_url,
                zone: ctx.settings.office_zone().name(),
            };
            writer.invitation(&calendar::Session {
                id: s.id.0,
                case_no,
                title: &case.title,
                at: s.held_at,
                place: &s.place,
            })
        });
        mail::queue_tracked(c, ctx.public_url, event, &to, &notice, &link, ics.as_deref())?;
    }
    Ok(())
}

/// Serves filed exhibits on those who must hear of them (DESIGN §7, "exhibit filed"): the
/// complainant, the respondents, or both. `listing` names the exhibits, one per line.
pub fn serve_exhibits(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    case: &CaseRow,
    (complainant, respondents): (bool, bool),
    event: &str,
    listing: &str,
) -> Result<(), Error> {
    let audience = Audience::load(c, case)?;
    let mut people = Vec::new();
    if complainant {
        people.extend(audience.complainant());
    }
    if respondents {
        people.extend(audience.respondents());
    }
    let case_no = case.case_no.clone().unwrap_or_default();
    let notice = Notice::ExhibitFiled {
        case_no: &case_no,
        title: &case.title,
        detail: listing,
        link: "",
    };
    send_all(c, ctx, case, event, people, &notice, None)
}

/// Queues the action's notices. The respondent's invitation carries a single-use link to join
/// the case instead.
fn notify(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    case: &CaseRow,
    action: Action,
    inputs: &Inputs,
    now: NaiveDateTime,
) -> Result<(), Error> {
    // The version the action moved the case from: one event per action, stable if re-run.
    let case_no = case.case_no.clone().unwrap_or_default();
    let event = format!("case:{case_no}:v{}:{}", case.version, action.as_str());
    if action == Action::NotifyRespondent {
        invite_respondents(c, ctx, case, inputs, now, &event)?;
    }
    let audience = Audience::load(c, case)?;
    let mut people = Vec::new();
    for tell in action.rule().tell {
        match tell {
            Tell::Complainant => people.extend(audience.complainant()),
            // Invited just now: the invitation is their notice.
            Tell::Respondents if action == Action::NotifyRespondent => {}
            Tell::Respondents => people.extend(audience.respondents()),
            Tell::Panel => people.extend(store::panel_of(c, case.id)?.into_iter().map(Addressee::from)),
            Tell::Officer => people.extend(audience.officer()),
        }
    }
    let notice = Notice::CaseUpdate {
        case_no: &case_no,
        title: &case.title,
        action,
        detail: &inputs.text,
        link: "",
    };
    // The session just scheduled goes along as a calendar invitation.
    let invitation = if action == Action::ScheduleSession {
        store::sessions_of(c, case.id)?.into_iter().max_by_key(|s| s.id.0)
    } else {
        None
    };
    send_all(c, ctx, case, &event, people, &notice, invitation.as_ref())
}

/// Invites every respondent party that has no account yet: a single-use link, in Korean and
/// English (a respondent's language is not known before they join).
fn invite_respondents(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    case: &CaseRow,
    inputs: &Inputs,
    now: NaiveDateTime,
    event: &str,
) -> Result<(), Error> {
    let case_id = case.id;
    let case_no = case.case_no.clone().unwrap_or_default();
    let parties = store::party_refs(c, case_id)?;
    let complainant = parties
        .iter()
        .find(|p| p.side == "complainant")
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let due = inputs.due.unwrap_or_else(|| {
        default_due(
            ctx.settings,
            DeadlineKind::Response,
            ctx.settings.office_zone().day_of(now),
        )
    });
    // The e-mail given on the form is the first respondent's; others keep theirs.
    for (i, p) in parties.iter().filter(|p| p.side == "respondent").enumerate() {
        let email = match (i, &inputs.email, &p.email) {
            (0, Some(e), _) => e.as_str().to_owned(),
            (_, _, Some(e)) if p.user_id.is_none() => e.clone(),
            _ => continue,
        };
        let token = crate::auth::token::generate();
        let expires = now + TimeDelta::days(i64::from(ctx.settings.invitation_days));
        store::invite(
            c,
            case_id,
            p.id,
            &email,
            &crate::auth::token::hash(&token),
            now,
            expires,
        )?;
        // The invitation's own link is the tracked one: opening it is the proof of notice.
        let link =
            mail::tracked_token_link(ctx.public_url, case.id, &format!("/invitations/{token}"), &token);
        let notice = Notice::RespondentInvitation {
            case_no: &case_no,
            title: &case.title,
            complainant: &complainant,
            due,
            link: &link.url,
            bilingual: true,
        };
        let to = Recipient {
            email: &email,
            name: &p.name,
            lang: Lang::Ko,
        };
        mail::queue_tracked(c, ctx.public_url, event, &to, &notice, &link, None)?;
    }
    Ok(())
}

/// One pass of the deadline job at `now`: reminders before and on the due day, and the
/// respondent's silence turned into `deemed_not_settled` once their deadline has passed.
/// Safe to run on several servers at once: each reminder is claimed by one update, each
/// lapse by the case's version.
pub fn sweep(conn: &mut DbConn, ctx: &Ctx<'_>, now: NaiveDateTime) -> Result<SweepReport, Error> {
    let today = ctx.settings.office_zone().day_of(now);
    let mut report = SweepReport::default();
    let ahead = today + TimeDelta::days(i64::from(ctx.settings.reminder_days_before));
    for (until, on_day) in [(ahead, false), (today, true)] {
        for d in store::needing_reminder(conn, until, on_day)? {
            let sent = write_tx(conn, |c| {
                if !store::mark_reminded(c, d.id, on_day)? {
                    return Ok::<_, Error>(false);
                }
                remind(c, ctx, &d, on_day)?;
                Ok(true)
            })?;
            report.reminders += usize::from(sent);
        }
    }
    for id in store::lapsed_responses(conn, today)? {
        let Some(case) = case::find_by_id(conn, id)? else {
            continue;
        };
        let done = act(
            conn,
            ctx,
            id,
            case.version,
            Action::ResponseLapsed,
            None,
            &Inputs::default(),
            now,
        )?;
        if matches!(done, Done::Moved(_)) {
            report.lapsed += 1;
        }
    }
    Ok(report)
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub reminders: usize,
    pub lapsed: usize,
}

/// Reminds whoever owes the deadline (the complainant of a supplement, the respondents of a
/// response or compliance, both sides of an acceptance) and the case's officer.
fn remind(c: &mut DbConn, ctx: &Ctx<'_>, d: &store::DeadlineRow, on_day: bool) -> Result<(), Error> {
    let kind = d.kind;
    let Some(case) = case::find_by_id(c, d.case_id)? else {
        return Ok(());
    };
    let audience = Audience::load(c, &case)?;
    let mut people = Vec::new();
    if matches!(kind, DeadlineKind::Supplement | DeadlineKind::Acceptance) {
        people.extend(audience.complainant());
    }
    if matches!(
        kind,
        DeadlineKind::Response | DeadlineKind::Compliance | DeadlineKind::Acceptance
    ) {
        people.extend(audience.respondents());
    }
    people.extend(audience.officer());
    let case_no = case.case_no.clone().unwrap_or_default();
    let event = format!(
        "deadline:{}:{}:{}",
        d.id,
        d.due_on,
        if on_day { "day" } else { "before" }
    );
    let notice = Notice::DeadlineReminder {
        case_no: &case_no,
        title: &case.title,
        kind,
        due: d.due_on,
        link: "",
    };
    send_all(c, ctx, &case, &event, people, &notice, None)
}
