//! The case at a glance (issue 17 §3): its history as one timeline — actions, messages,
//! evidence filed and corrections, in the order they happened — and what happens next for
//! the reader, and by when.

use chrono::NaiveDateTime;

use crate::domain::NoteVisibility;
use crate::domain::next_step::{NextStep, Reader, Situation, next_step};
use crate::domain::workflow::DeadlineStatus;
use crate::models::case::{ChangeView, NoteView};
use crate::models::case_page::CaseView;
use crate::models::exhibit::ExhibitView;
use crate::models::user::User;
use crate::models::workflow::EventView;

/// One line of the timeline.
pub enum Moment<'a> {
    Event(&'a EventView),
    Note(&'a NoteView),
    Exhibit(&'a ExhibitView),
    Change(&'a ChangeView),
}

impl Moment<'_> {
    pub fn at(&self) -> NaiveDateTime {
        match self {
            Moment::Event(e) => e.at,
            Moment::Note(n) => n.created_at,
            Moment::Exhibit(x) => x.row.uploaded_at,
            Moment::Change(c) => c.changed_at,
        }
    }
}

/// Everything the reader may see of the case's history, oldest first (the case page loaded
/// only what the reader may see).
pub fn timeline(l: &CaseView) -> Vec<Moment<'_>> {
    let mut all: Vec<Moment<'_>> = l
        .events
        .iter()
        .map(Moment::Event)
        .chain(l.notes.iter().map(Moment::Note))
        .chain(l.exhibits.iter().map(Moment::Exhibit))
        .chain(l.changes.iter().map(Moment::Change))
        .collect();
    // Stable: what happened in one instant keeps the order of its kind.
    all.sort_by_key(Moment::at);
    all
}

/// The first line of a note, shortened, for the timeline (the note itself is below).
pub fn gist(n: &NoteView) -> String {
    const MAX: usize = 120;
    let line = n.body.lines().next().unwrap_or_default();
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None if n.body.lines().nth(1).is_some() => format!("{line}…"),
        None => line.to_owned(),
    }
}

pub fn is_internal(n: &NoteView) -> bool {
    n.visibility == NoteVisibility::Internal
}

/// What happens next for this reader, and by when; `None` for someone with no part in it.
pub fn next_for(l: &CaseView, user: &User, now: NaiveDateTime) -> Option<NextStep> {
    let reader = Reader::of(l.who?)?;
    let open: Vec<_> = l
        .deadlines
        .iter()
        .filter(|d| d.status == DeadlineStatus::Open)
        .map(|d| (d.kind, d.due_on))
        .collect();
    let session = l
        .sessions
        .iter()
        .filter(|s| !s.held && s.held_at >= now)
        .map(|s| s.held_at)
        .min();
    let mine = |side: &str, linked: Option<crate::models::id::UserId>| match reader {
        Reader::Complainant => side == "complainant",
        Reader::Respondent => linked == Some(user.id),
        Reader::Officer | Reader::Panel => false,
    };
    let answered = l.answers.iter().any(|(party, _)| {
        l.party_refs
            .iter()
            .any(|p| p.id == *party && mine(&p.side, p.user_id))
    });
    Some(next_step(
        l.case.state(),
        reader,
        &Situation {
            open: &open,
            session,
            answered,
        },
    ))
}
