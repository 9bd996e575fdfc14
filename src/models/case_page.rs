//! Everything the case page shows of one case to one reader, read in one go. The case page
//! is a busy page: what only staff need is read for staff only, and what only exists once
//! there is a panel, a session or a proposal, only then.

use super::bundle::{self, BundleRow};
use super::case::{self, CaseRow, CaseScope, ChangeView, NoteView, PartyFields};
use super::exhibit::{self, ExhibitView, Viewer};
use super::outbox::{self, NoticeView};
use super::right::{self, CaseRightView};
use super::user::{self, User};
use super::workflow::{self as store, ClosureRow, DeadlineRow, EventView, PartyRef, ProposalRow, SessionRow};
use crate::db::DbConn;
use crate::domain::workflow::{Action, Part, Who};
use crate::domain::{Audience, CaseNumber, Role};
use crate::models::id::PartyId;
use chrono::NaiveDateTime;
use diesel::QueryResult;

/// Who reads the case, with the access policy's answers the read depends on (the policy is
/// above the repositories, so the caller hands them down).
pub struct Reader<'a> {
    pub user: &'a User,
    /// The cases this reader may see at all.
    pub scope: CaseScope,
    /// An officer of the office, who acts by their role rather than a part in the case.
    pub officer: bool,
    /// What the reader sees of the evidence, given their part in the case.
    pub evidence: fn(&User, Part) -> Viewer,
    /// Whose bundles the reader may have, given their part in the case.
    pub bundles: fn(&User, Part) -> Vec<Audience>,
}

/// One case as the page shows it to one reader.
pub struct CaseView {
    pub case: CaseRow,
    pub parties: Vec<PartyFields>,
    pub notes: Vec<NoteView>,
    pub changes: Vec<ChangeView>,
    pub officer: Option<String>,
    pub who: Option<Who>,
    /// Staff and the panel: they read internal notes.
    pub inside: bool,
    pub events: Vec<EventView>,
    pub deadlines: Vec<DeadlineRow>,
    pub panel: Vec<User>,
    pub sessions: Vec<SessionRow>,
    pub proposal: Option<ProposalRow>,
    pub answers: Vec<(PartyId, bool)>,
    pub party_refs: Vec<PartyRef>,
    /// Proof of notice: the office's view of every notice about the case.
    pub notices: Vec<NoticeView>,
    pub closure: Option<ClosureRow>,
    /// Choices for the action forms (staff only).
    pub mediators: Vec<User>,
    pub officers: Vec<User>,
    pub cited: Vec<CaseRightView>,
    pub part: Part,
    pub exhibits: Vec<ExhibitView>,
    pub bundles: Vec<(BundleRow, String)>,
    /// When the reader last opened the case before now.
    pub seen_at: Option<NaiveDateTime>,
}

impl CaseView {
    /// Something the reader can see happened since they last opened the case.
    pub fn has_news(&self) -> bool {
        let latest = self
            .events
            .iter()
            .map(|e| e.at)
            .chain(self.notes.iter().map(|n| n.created_at))
            .chain(self.exhibits.iter().map(|x| x.row.uploaded_at))
            .max();
        match (latest, self.seen_at) {
            (Some(latest), Some(seen)) => latest > seen,
            (_, None) => true,
            (None, Some(_)) => false,
        }
    }
}

/// The case by number as `reader` may see it, scoped in the query: `None` when it is missing
/// or hidden from them, which look the same.
pub fn load(conn: &mut DbConn, reader: &Reader<'_>, number: &CaseNumber) -> QueryResult<Option<CaseView>> {
    let staff = reader.officer;
    let Some(case) = case::find_by_number(conn, reader.scope, number)? else {
        return Ok(None);
    };
    let id = case.id;
    // Staff act by their office role; the others by their part in this case.
    let part = if staff {
        Default::default()
    } else {
        store::part_of(conn, id, reader.user.id)?
    };
    let who = Who::of(reader.user.role, part);
    let inside = staff || who == Some(Who::Panel);
    let roster = if staff {
        user::active_with_roles(conn, &[Role::Examiner, Role::Legal, Role::Mediator])?
    } else {
        Vec::new()
    };
    let officer = match (case.assigned_officer_id, staff) {
        (Some(o), true) if let Some(u) = roster.iter().find(|u| u.id == o) => Some(u.name.clone()),
        (Some(o), _) => case::user_name(conn, o)?,
        (None, _) => None,
    };
    let (mediators, officers) = roster.into_iter().partition(|u| u.role == Role::Mediator);
    let exhibits = exhibit::of_case(conn, id, (reader.evidence)(reader.user, part))?;
    let bundles = bundle::of_case(conn, id, &(reader.bundles)(reader.user, part))?;
    // The history says what exists: a panel, sessions and a proposal only once the actions
    // that make them were taken, so most case pages skip those reads.
    let events = store::events_of(conn, id)?;
    let happened = |actions: &[Action]| {
        events
            .iter()
            .any(|e| actions.iter().any(|a| a.as_str() == e.action))
    };
    let panel = if happened(&[Action::AssignPanel]) {
        store::panel_of(conn, id)?
    } else {
        Vec::new()
    };
    let sessions = if happened(&[Action::ScheduleSession, Action::RecordSession]) {
        store::sessions_of(conn, id)?
    } else {
        Vec::new()
    };
    let proposal = if happened(&[Action::IssueProposal]) {
        store::current_proposal(conn, id)?
    } else {
        None
    };
    let (answers, party_refs) = match &proposal {
        Some(p) => (store::answers_of(conn, p.id)?, store::party_refs(conn, id)?),
        None => (Vec::new(), Vec::new()),
    };
    let closure = if case.state().is_terminal() {
        store::closure_of(conn, id)?
    } else {
        None
    };
    Ok(Some(CaseView {
        parties: case::parties_of(conn, id)?,
        notes: case::notes_of(conn, id, inside)?,
        changes: case::changes_of(conn, id)?,
        officer,
        who,
        inside,
        events,
        deadlines: store::deadlines_of(conn, id)?,
        panel,
        sessions,
        proposal,
        answers,
        party_refs,
        notices: if staff {
            outbox::of_case(conn, id)?
        } else {
            Vec::new()
        },
        closure,
        mediators,
        officers,
        cited: right::of_case(conn, id)?,
        part,
        exhibits,
        bundles,
        seen_at: super::workbench::seen_at(conn, reader.user.id, id)?,
        case,
    }))
}
