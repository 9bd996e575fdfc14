//! A demo case's life, as the office would have lived it: a walk through the workflow table
//! from filing, taking at each state one of the actions the table allows there (with the odds
//! and delays of a real desk), until the case ends or the walk reaches "now". What is still
//! waiting at "now" is what the home pages list: a supplement not yet sent, a session next
//! week, a proposal half answered, a compliance deadline already past.
//!
//! Pure: no database. Each step has the effects `workflow::act` gives it (deadlines opened,
//! met, lapsed or cancelled, the mediation clock paused, resumed or stopped, the panel,
//! sessions, the proposal and its answers, the figures kept at closure), so that a seeded
//! case reads as if people had taken every action through the pages.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};
use rand::Rng;
use rand::rngs::StdRng;

use crate::config::Settings;
use crate::domain::office_time::OfficeZone;
use crate::domain::workflow::{
    Action, Clock, DeadlineKind, DeadlineStatus, InvestigationOutcome, ReceivingBody, To, Who,
};
use crate::domain::{Side, State, Track};
use crate::models::id::UserId;

/// The office's periods, in days, as its settings have them.
#[derive(Clone, Copy, Debug)]
pub struct Periods {
    pub mediation: i64,
    pub supplement: i64,
    pub response: i64,
    pub acceptance: i64,
    pub compliance: i64,
    pub remind_before: i64,
    pub invitation: i64,
}

impl Periods {
    pub fn of(s: &Settings) -> Periods {
        Periods {
            mediation: s.mediation_days.into(),
            supplement: s.supplement_days.into(),
            response: s.response_days.into(),
            acceptance: s.acceptance_days.into(),
            compliance: s.compliance_days.into(),
            remind_before: s.reminder_days_before.into(),
            invitation: s.invitation_days.into(),
        }
    }

    fn of_kind(&self, kind: DeadlineKind) -> i64 {
        match kind {
            DeadlineKind::Mediation => self.mediation,
            DeadlineKind::Supplement => self.supplement,
            DeadlineKind::Response => self.response,
            DeadlineKind::Acceptance => self.acceptance,
            DeadlineKind::Compliance => self.compliance,
        }
    }
}

/// The people who work cases. Each list is non-empty; its first member is the one the demo
/// shows off (they get a larger share of the work, so their home page is full).
pub struct Office<'a> {
    pub examiners: &'a [UserId],
    pub legal: &'a [UserId],
    pub mediators: &'a [UserId],
}

/// How much more of the work the first of each list gets than the others.
const FIRST_SHARE: f64 = 0.35;

fn pick(rng: &mut StdRng, people: &[UserId]) -> UserId {
    if rng.random_bool(FIRST_SHARE) {
        people[0]
    } else {
        people[rng.random_range(0..people.len())]
    }
}

/// Where a case begins.
pub struct Start {
    pub filed_at: NaiveDateTime,
    pub track: Track,
    /// The complainant's own account, when they filed themselves.
    pub complainant: Option<UserId>,
    /// The account that joins the case as its respondent once invited, if any.
    pub respondent: Option<UserId>,
    pub korean: bool,
}

/// What a history entry records besides who, what and when.
#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    None,
    Text(&'static str),
    Officer(UserId),
    Notified {
        due: NaiveDate,
    },
    /// The panel as assigned (`History::panel`).
    Panel,
    /// The session made by this step (`History::sessions[i]`).
    Session(usize),
    Answer {
        side: Side,
        text: Option<&'static str>,
    },
    ReferOut {
        body: ReceivingBody,
        text: &'static str,
    },
    Close {
        outcome: InvestigationOutcome,
        text: Option<&'static str>,
    },
    Extend {
        days: i64,
        text: &'static str,
    },
}

#[derive(Clone, Debug)]
pub struct Step {
    pub action: Action,
    pub from: State,
    pub to: State,
    pub who: Who,
    /// `None` when the system acted.
    pub actor: Option<UserId>,
    pub at: NaiveDateTime,
    pub detail: Detail,
}

#[derive(Clone, Debug)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub status: DeadlineStatus,
    pub paused_on: Option<NaiveDate>,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub paused_days: i32,
    pub reminded_before: bool,
    pub reminded_on_day: bool,
}

impl Deadline {
    fn running(&self) -> bool {
        matches!(self.status, DeadlineStatus::Open | DeadlineStatus::Paused)
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub held_at: NaiveDateTime,
    pub place: &'static str,
    /// Attendance (complainant, respondent) and minutes, once it was held.
    pub record: Option<(bool, bool, &'static str)>,
    pub by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug)]
pub struct Proposal {
    pub body: &'static str,
    pub by: UserId,
    pub at: NaiveDateTime,
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub side: Side,
    pub accepted: bool,
    pub by: UserId,
    pub at: NaiveDateTime,
}

#[derive(Clone, Debug)]
pub struct Invitation {
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// When the respondent's account took it up.
    pub used: Option<(NaiveDateTime, UserId)>,
}

#[derive(Clone, Debug)]
pub struct Note {
    pub author: UserId,
    pub shared: bool,
    pub body: &'static str,
    pub at: NaiveDateTime,
}

/// The figures kept at closure (`workflow::record_closure`).
#[derive(Clone, Debug)]
pub struct Closure {
    pub outcome: State,
    pub closed_at: NaiveDateTime,
    pub days_open: i32,
    pub sessions: i32,
    pub respondent_appeared: bool,
    pub track: Track,
}

/// Everything the workflow would have stored for one case.
#[derive(Clone, Debug)]
pub struct History {
    pub state: State,
    pub track: Track,
    pub officer: Option<UserId>,
    pub steps: Vec<Step>,
    pub deadlines: Vec<Deadline>,
    pub panel: Vec<UserId>,
    pub panel_at: Option<NaiveDateTime>,
    pub sessions: Vec<Session>,
    pub proposal: Option<Proposal>,
    pub answers: Vec<Answer>,
    pub invitation: Option<Invitation>,
    pub notes: Vec<Note>,
    pub closure: Option<Closure>,
    /// When each person last had the case open: when they last acted on it or wrote in it.
    pub reads: Vec<(UserId, NaiveDateTime)>,
}

impl History {
    /// The respondent's account, once it joined the case.
    pub fn respondent(&self) -> Option<UserId> {
        self.invitation.as_ref()?.used.map(|(_, u)| u)
    }

    /// When anything last happened to the case.
    pub fn updated_at(&self) -> Option<NaiveDateTime> {
        self.steps.last().map(|s| s.at)
    }
}

/// Walks one case from its filing up to `now`.
pub fn walk(
    rng: &mut StdRng,
    office: &Office<'_>,
    periods: Periods,
    zone: OfficeZone,
    now: NaiveDateTime,
    start: &Start,
) -> History {
    let mut w = Walk {
        rng,
        office,
        periods,
        zone,
        now,
        korean: start.korean,
        complainant: start.complainant,
        respondent: start.respondent,
        filed_at: start.filed_at,
        t: start.filed_at,
        officer: None,
        supplements: 0,
        sessions_planned: 0,
        scheduled: None,
        extended: false,
        then_investigate: false,
        answers_planned: Vec::new(),
        h: History {
            state: State::Filed,
            track: start.track,
            officer: None,
            steps: Vec::new(),
            deadlines: Vec::new(),
            panel: Vec::new(),
            panel_at: None,
            sessions: Vec::new(),
            proposal: None,
            answers: Vec::new(),
            invitation: None,
            notes: Vec::new(),
            closure: None,
            reads: Vec::new(),
        },
    };
    // `workflow::on_filed`: the mediation clock starts with the filing.
    if start.track == Track::Mediation {
        let due = w.day(start.filed_at) + TimeDelta::days(periods.mediation);
        w.open(DeadlineKind::Mediation, due, start.filed_at);
    }
    while !w.h.state.is_terminal() {
        let next = w.plan();
        if next.at > now {
            break;
        }
        w.take(next);
    }
    w.finish()
}

/// The next action the walk would take, and when.
struct Next {
    action: Action,
    at: NaiveDateTime,
    who: Who,
    actor: Option<UserId>,
    detail: Detail,
}

struct Walk<'a, 'o> {
    rng: &'a mut StdRng,
    office: &'a Office<'o>,
    periods: Periods,
    zone: OfficeZone,
    now: NaiveDateTime,
    korean: bool,
    complainant: Option<UserId>,
    respondent: Option<UserId>,
    filed_at: NaiveDateTime,
    /// When the last step was taken.
    t: NaiveDateTime,
    officer: Option<(UserId, Who)>,
    supplements: u32,
    sessions_planned: usize,
    /// A session scheduled and not yet held: its time and place.
    scheduled: Option<(NaiveDateTime, &'static str)>,
    extended: bool,
    /// The officer handed the case to a legal officer to investigate it.
    then_investigate: bool,
    /// The answers to the proposal still to come, in order: side, accepted, when.
    answers_planned: Vec<(Side, bool, NaiveDateTime)>,
    h: History,
}

/// Picks one of the weighted choices.
fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total.max(1));
    for (choice, w) in choices {
        if n < *w {
            return *choice;
        }
        n -= w;
    }
    choices[0].0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Intake {
    Notify,
    Supplement,
    Reject,
    Investigate,
    ReferOut,
    Withdraw,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Proposal,
    Settle,
    NotSettled,
    Withdraw,
    Discontinue,
}

impl Walk<'_, '_> {
    fn say(&self, text: (&'static str, &'static str)) -> &'static str {
        if self.korean { text.0 } else { text.1 }
    }

    fn say_any(&mut self, texts: &[(&'static str, &'static str)]) -> &'static str {
        let t = texts[self.rng.random_range(0..texts.len())];
        self.say(t)
    }

    fn day(&self, at: NaiveDateTime) -> NaiveDate {
        self.zone.day_of(at)
    }

    /// The instant an office day begins.
    fn start_of(&self, day: NaiveDate) -> NaiveDateTime {
        self.zone
            .utc_of(day.and_time(NaiveTime::MIN))
            .unwrap_or_else(|| day.and_time(NaiveTime::MIN))
    }

    /// A time during office hours (09:00–18:00) on `day`, after the last step.
    fn during(&mut self, day: NaiveDate) -> NaiveDateTime {
        let minute = self.rng.random_range(9 * 60..18 * 60);
        let at = self.start_of(day) + TimeDelta::minutes(minute);
        if at > self.t {
            at
        } else {
            self.t + TimeDelta::minutes(self.rng.random_range(10..90))
        }
    }

    /// A working day from `min` to `max` days after the last step, at office hours: when
    /// the office acts.
    fn office_time(&mut self, min: i64, max: i64) -> NaiveDateTime {
        let mut day = self.day(self.t) + TimeDelta::days(self.rng.random_range(min..=max));
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day += TimeDelta::days(1);
        }
        self.during(day)
    }

    /// Any day from `first` to `last` (office days), at a daytime hour: when a party acts.
    fn party_time(&mut self, first: NaiveDate, last: NaiveDate) -> NaiveDateTime {
        let today = self.day(self.t);
        let first = first.max(today);
        let last = last.max(first);
        let day = first + TimeDelta::days(self.rng.random_range(0..=(last - first).num_days()));
        self.during(day)
    }

    fn party_days(&mut self, min: i64, max: i64) -> NaiveDateTime {
        let today = self.day(self.t);
        self.party_time(today + TimeDelta::days(min), today + TimeDelta::days(max))
    }

    fn running(&self, kind: DeadlineKind) -> Option<&Deadline> {
        self.h.deadlines.iter().find(|d| d.kind == kind && d.running())
    }

    fn due(&self, kind: DeadlineKind) -> NaiveDate {
        self.running(kind).map_or_else(|| self.day(self.t), |d| d.due_on)
    }

    // ---- Who acts ----

    fn officer(&mut self) -> (UserId, Who) {
        if let Some(o) = self.officer {
            return o;
        }
        // Reports of technology theft mostly go to the legal officers.
        let legal = match self.h.track {
            Track::Investigation => self.rng.random_bool(0.6),
            Track::Mediation => self.rng.random_bool(0.25),
        };
        if legal {
            (pick(self.rng, self.office.legal), Who::Legal)
        } else {
            (pick(self.rng, self.office.examiners), Who::Examiner)
        }
    }

    /// A legal officer: the case's own if it has one, or a colleague.
    fn legal(&mut self) -> (UserId, Who) {
        match self.officer {
            Some((id, Who::Legal)) => (id, Who::Legal),
            _ => (pick(self.rng, self.office.legal), Who::Legal),
        }
    }

    fn panel_member(&mut self) -> UserId {
        let i = self.rng.random_range(0..self.h.panel.len());
        self.h.panel[i]
    }

    /// The complainant, or the officer recording what they sent on paper.
    fn complainant(&mut self) -> (Option<UserId>, Who) {
        match self.complainant {
            Some(u) => (Some(u), Who::Complainant),
            None => {
                let (id, who) = self.officer();
                (Some(id), who)
            }
        }
    }

    /// The respondent once their account joined before `at`, or the officer recording their
    /// paper reply.
    fn respondent(&mut self, at: NaiveDateTime) -> (Option<UserId>, Who) {
        match self.h.invitation.as_ref().and_then(|i| i.used) {
            Some((joined, u)) if joined < at => (Some(u), Who::Respondent),
            _ => {
                let (id, who) = self.officer();
                (Some(id), who)
            }
        }
    }

    fn next(&self, action: Action, at: NaiveDateTime, (actor, who): (Option<UserId>, Who)) -> Next {
        Next {
            action,
            at,
            who,
            actor,
            detail: Detail::None,
        }
    }

    fn staff(&self, action: Action, at: NaiveDateTime, (id, who): (UserId, Who)) -> Next {
        self.next(action, at, (Some(id), who))
    }

    // ---- What happens next ----

    fn plan(&mut self) -> Next {
        match self.h.state {
            State::Filed => {
                if self.rng.random_bool(0.02) {
                    return self.withdraw(1, 10);
                }
                // Intake has a queue of its own.
                let at = self.office_time(0, 10);
                let officer = self.officer();
                self.staff(Action::StartReview, at, officer)
            }
            State::IntakeReview => self.intake(),
            State::AwaitingSupplement => self.awaiting_supplement(),
            State::RespondentNotified => self.awaiting_response(),
            State::PanelAssignment => {
                if self.rng.random_bool(0.03) {
                    return self.withdraw(2, 20);
                }
                let at = self.office_time(3, 20);
                let legal = self.legal();
                let size = weighted(self.rng, &[(1, 25), (2, 15), (3, 60)]);
                let mut panel: Vec<UserId> = Vec::new();
                while panel.len() < size.min(self.office.mediators.len()) {
                    let m = pick(self.rng, self.office.mediators);
                    if !panel.contains(&m) {
                        panel.push(m);
                    }
                }
                self.h.panel = panel;
                self.sessions_planned = weighted(self.rng, &[(1, 45), (2, 35), (3, 20)]);
                Next {
                    detail: Detail::Panel,
                    ..self.staff(Action::AssignPanel, at, legal)
                }
            }
            State::InMediation => self.mediation(),
            State::ProposalIssued => self.answers(),
            State::UnderInvestigation => self.investigation(),
            State::CorrectionRecommended => {
                let legal = self.legal();
                match weighted(self.rng, &[(0, 50), (1, 44), (2, 6)]) {
                    0 => {
                        let at = self.office_time(20, 60);
                        Next {
                            detail: Detail::Text(self.say(ORDER)),
                            ..self.staff(Action::OrderCorrection, at, legal)
                        }
                    }
                    1 => {
                        let at = self.office_time(20, 90);
                        self.close(at, legal, InvestigationOutcome::Complied)
                    }
                    _ => self.withdraw(5, 40),
                }
            }
            State::CorrectionOrdered => {
                let due = self.due(DeadlineKind::Compliance);
                let legal = self.legal();
                match weighted(self.rng, &[(0, 45), (1, 25), (2, 24), (3, 6)]) {
                    0 => {
                        let at = self.party_time(self.day(self.t) + TimeDelta::days(5), due);
                        self.close(at, legal, InvestigationOutcome::Complied)
                    }
                    1 => {
                        let at = self.party_time(due + TimeDelta::days(3), due + TimeDelta::days(40));
                        self.close(at, legal, InvestigationOutcome::Complied)
                    }
                    2 => {
                        let at = self.party_time(due + TimeDelta::days(5), due + TimeDelta::days(30));
                        let body = if self.rng.random_bool(0.6) {
                            ReceivingBody::TechnologyPolice
                        } else {
                            ReceivingBody::Prosecutor
                        };
                        self.refer_out(at, legal, body, REFER_NON_COMPLIANCE)
                    }
                    _ => self.discontinue(5, 60),
                }
            }
            // Terminal and draft states are never planned from.
            _ => self.withdraw(0, 0),
        }
    }

    fn intake(&mut self) -> Next {
        let officer = self.officer();
        if self.then_investigate {
            let at = self.office_time(0, 3);
            return self.staff(Action::StartInvestigation, at, officer);
        }
        let again = match self.supplements {
            0 => 30,
            1 => 8,
            _ => 0,
        };
        let choice = if self.h.track == Track::Investigation {
            weighted(
                self.rng,
                &[
                    (Intake::Investigate, 72),
                    (Intake::Supplement, again / 2),
                    (Intake::Reject, 8),
                    (Intake::ReferOut, 5),
                    (Intake::Withdraw, 3),
                ],
            )
        } else {
            weighted(
                self.rng,
                &[
                    (Intake::Notify, 62),
                    (Intake::Supplement, again),
                    (Intake::Reject, 6),
                    (Intake::Investigate, 3),
                    (Intake::ReferOut, 2),
                    (Intake::Withdraw, 2),
                ],
            )
        };
        let at = self.office_time(2, 15);
        match choice {
            Intake::Notify => {
                let due = self.day(at) + TimeDelta::days(self.periods.response);
                Next {
                    detail: Detail::Notified { due },
                    ..self.staff(Action::NotifyRespondent, at, officer)
                }
            }
            Intake::Supplement => Next {
                detail: Detail::Text(self.say_any(SUPPLEMENT_REQUESTS)),
                ..self.staff(Action::RequestSupplement, at, officer)
            },
            Intake::Reject => Next {
                detail: Detail::Text(self.say_any(REJECTIONS)),
                ..self.staff(Action::Reject, at, officer)
            },
            Intake::Investigate if officer.1 == Who::Legal => {
                self.staff(Action::StartInvestigation, at, officer)
            }
            Intake::Investigate => {
                // Only legal officers investigate: the examiner hands the case over first.
                let to = pick(self.rng, self.office.legal);
                self.then_investigate = true;
                Next {
                    detail: Detail::Officer(to),
                    ..self.staff(Action::AssignOfficer, at, officer)
                }
            }
            Intake::ReferOut => {
                let legal = self.legal();
                self.refer_out(at, legal, ReceivingBody::Court, REFER_COURT)
            }
            Intake::Withdraw => self.withdraw(1, 20),
        }
    }

    fn awaiting_supplement(&mut self) -> Next {
        let due = self.due(DeadlineKind::Supplement);
        let today = self.day(self.t);
        match weighted(self.rng, &[(0, 58), (1, 30), (2, 8), (3, 4)]) {
            late @ (0 | 1) => {
                let at = if late == 0 {
                    self.party_time(today + TimeDelta::days(1), due)
                } else {
                    self.party_time(due + TimeDelta::days(1), due + TimeDelta::days(40))
                };
                let by = self.complainant();
                Next {
                    detail: Detail::Text(self.say_any(SUPPLIES)),
                    ..self.next(Action::Supply, at, by)
                }
            }
            2 => self.withdraw(3, 30),
            _ => {
                let at = self.party_time(due + TimeDelta::days(5), due + TimeDelta::days(30));
                let legal = self.legal();
                Next {
                    detail: Detail::Text(self.say(DISCONTINUE_NO_SUPPLEMENT)),
                    ..self.staff(Action::Discontinue, at, legal)
                }
            }
        }
    }

    fn awaiting_response(&mut self) -> Next {
        let due = self.due(DeadlineKind::Response);
        let today = self.day(self.t);
        let joined = self
            .h
            .invitation
            .as_ref()
            .and_then(|i| i.used)
            .map_or(today, |(at, _)| self.day(at));
        match weighted(self.rng, &[(0, 70), (1, 12), (2, 14), (3, 4)]) {
            answer @ (0 | 1) => {
                let at = self.party_time(joined.max(today + TimeDelta::days(1)), due);
                let by = self.respondent(at);
                let (action, text) = if answer == 0 {
                    (Action::RespondentAgrees, self.say(AGREES))
                } else {
                    (Action::RespondentDeclines, self.say(DECLINES))
                };
                Next {
                    detail: Detail::Text(text),
                    ..self.next(action, at, by)
                }
            }
            2 => {
                // The deadline job's first pass after the due day ends.
                let at = self.start_of(due + TimeDelta::days(1))
                    + TimeDelta::minutes(self.rng.random_range(1..30));
                self.next(Action::ResponseLapsed, at.max(self.t), (None, Who::System))
            }
            _ => self.withdraw(2, 14),
        }
    }

    fn mediation(&mut self) -> Next {
        if let Some((held_at, place)) = self.scheduled {
            if self.rng.random_bool(0.02) {
                return self.withdraw(1, 5);
            }
            let at = held_at + TimeDelta::minutes(self.rng.random_range(90..300));
            let by = self.panel_member();
            let record = (
                self.rng.random_bool(0.95),
                self.rng.random_bool(0.8),
                self.say_any(MINUTES),
            );
            self.h.sessions.push(Session {
                held_at,
                place,
                record: Some(record),
                by,
                created_at: at,
            });
            return Next {
                detail: Detail::Session(self.h.sessions.len() - 1),
                ..self.next(Action::RecordSession, at, (Some(by), Who::Panel))
            };
        }
        let held = self.h.sessions.iter().filter(|s| s.record.is_some()).count();
        if held < self.sessions_planned {
            let clock = self.running(DeadlineKind::Mediation).map(|d| d.due_on);
            let today = self.day(self.t);
            if let Some(due) = clock
                && !self.extended
                && (due - today).num_days() < 20
                && self.rng.random_bool(0.4)
            {
                self.extended = true;
                let at = self.office_time(0, 3);
                let legal = self.legal();
                return Next {
                    detail: Detail::Extend {
                        days: 30,
                        text: self.say(EXTENSION),
                    },
                    ..self.staff(Action::ExtendClock, at, legal)
                };
            }
            let at = self.office_time(3, 15);
            let mut day = self.day(at) + TimeDelta::days(self.rng.random_range(10..=30));
            while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                day += TimeDelta::days(1);
            }
            let hour = if self.rng.random_bool(0.5) { 10 } else { 14 };
            let held_at = self.start_of(day) + TimeDelta::hours(hour);
            let place = self.say_any(PLACES);
            let by = self.panel_member();
            self.h.sessions.push(Session {
                held_at,
                place,
                record: None,
                by,
                created_at: at,
            });
            return Next {
                detail: Detail::Session(self.h.sessions.len() - 1),
                ..self.next(Action::ScheduleSession, at, (Some(by), Who::Panel))
            };
        }
        let at = self.office_time(3, 20);
        let by = (Some(self.panel_member()), Who::Panel);
        match weighted(
            self.rng,
            &[
                (Outcome::Proposal, 50),
                (Outcome::Settle, 26),
                (Outcome::NotSettled, 15),
                (Outcome::Withdraw, 5),
                (Outcome::Discontinue, 4),
            ],
        ) {
            Outcome::Proposal => Next {
                detail: Detail::Text(self.say_any(PROPOSALS)),
                ..self.next(Action::IssueProposal, at, by)
            },
            Outcome::Settle => Next {
                detail: Detail::Text(self.say_any(SETTLEMENTS)),
                ..self.next(Action::Settle, at, by)
            },
            Outcome::NotSettled => Next {
                detail: Detail::Text(self.say(NOT_SETTLED)),
                ..self.next(Action::DeclareNotSettled, at, by)
            },
            Outcome::Withdraw => self.withdraw(2, 14),
            Outcome::Discontinue => self.discontinue(2, 30),
        }
    }

    /// Plans, once, how the parties answer the proposal; then gives the next answer.
    fn answers(&mut self) -> Next {
        if self.answers_planned.is_empty() && self.h.answers.is_empty() {
            let due = self.due(DeadlineKind::Acceptance);
            let today = self.day(self.t);
            let order = if self.rng.random_bool(0.5) {
                [Side::Complainant, Side::Respondent]
            } else {
                [Side::Respondent, Side::Complainant]
            };
            let (late, first_yes, second_yes) =
                match weighted(self.rng, &[(0, 52), (1, 12), (2, 16), (3, 20)]) {
                    0 => (false, true, true),
                    1 => (false, false, false),
                    2 => (false, true, false),
                    _ => (true, true, self.rng.random_bool(0.5)),
                };
            let (from, to) = if late {
                (due + TimeDelta::days(2), due + TimeDelta::days(20))
            } else {
                (today + TimeDelta::days(2), due)
            };
            let first = self.party_time(from, to);
            let span = (to - self.day(first)).num_days().max(0);
            let second_day = self.day(first) + TimeDelta::days(self.rng.random_range(0..=span));
            let second =
                self.start_of(second_day) + TimeDelta::minutes(self.rng.random_range(9 * 60..18 * 60));
            let second = second.max(first + TimeDelta::minutes(30));
            self.answers_planned = vec![(order[0], first_yes, first), (order[1], second_yes, second)];
            if !first_yes {
                // A rejection ends it: the other side has nothing left to answer.
                self.answers_planned.truncate(1);
            }
        }
        let (side, yes, at) = self.answers_planned.remove(0);
        let by = match side {
            Side::Respondent => self.respondent(at),
            _ => self.complainant(),
        };
        let text = (!yes).then(|| self.say(REJECTS_PROPOSAL));
        let action = if yes {
            Action::AcceptProposal
        } else {
            Action::RejectProposal
        };
        Next {
            detail: Detail::Answer { side, text },
            ..self.next(action, at.max(self.t + TimeDelta::minutes(1)), by)
        }
    }

    fn investigation(&mut self) -> Next {
        let legal = self.legal();
        match weighted(self.rng, &[(0, 45), (1, 28), (2, 15), (3, 7), (4, 5)]) {
            0 => {
                let at = self.office_time(30, 150);
                Next {
                    detail: Detail::Text(self.say(RECOMMEND)),
                    ..self.staff(Action::RecommendCorrection, at, legal)
                }
            }
            1 => {
                let at = self.office_time(45, 180);
                self.close(at, legal, InvestigationOutcome::NoViolation)
            }
            2 => {
                let at = self.office_time(20, 90);
                self.refer_out(at, legal, ReceivingBody::TechnologyPolice, REFER_POLICE)
            }
            3 => self.discontinue(10, 90),
            _ => self.withdraw(5, 60),
        }
    }

    fn withdraw(&mut self, min: i64, max: i64) -> Next {
        let at = self.party_days(min, max);
        let by = self.complainant();
        Next {
            detail: Detail::Text(self.say(WITHDRAWALS)),
            ..self.next(Action::Withdraw, at, by)
        }
    }

    fn discontinue(&mut self, min: i64, max: i64) -> Next {
        let at = self.office_time(min, max);
        let legal = self.legal();
        Next {
            detail: Detail::Text(self.say(DISCONTINUED)),
            ..self.staff(Action::Discontinue, at, legal)
        }
    }

    fn close(&mut self, at: NaiveDateTime, legal: (UserId, Who), outcome: InvestigationOutcome) -> Next {
        let text = match outcome {
            InvestigationOutcome::Complied => self.say(COMPLIED),
            InvestigationOutcome::NoViolation => self.say(NO_VIOLATION),
        };
        Next {
            detail: Detail::Close {
                outcome,
                text: Some(text),
            },
            ..self.staff(Action::Close, at, legal)
        }
    }

    fn refer_out(
        &mut self,
        at: NaiveDateTime,
        legal: (UserId, Who),
        body: ReceivingBody,
        text: (&'static str, &'static str),
    ) -> Next {
        Next {
            detail: Detail::ReferOut {
                body,
                text: self.say(text),
            },
            ..self.staff(Action::ReferOut, at, legal)
        }
    }

    // ---- Taking a step: what `workflow::act` does ----

    fn take(&mut self, n: Next) {
        let rule = n.action.rule();
        let from = self.h.state;
        debug_assert!(
            rule.check(from, Some(n.who)).is_ok(),
            "{:?} by {:?} from {from:?}",
            n.action,
            n.who
        );
        let mut all_accepted = false;
        // What `workflow::particulars` records.
        match (&n.action, &n.detail) {
            (Action::StartReview, _) if self.officer.is_none() => {
                self.officer = n.actor.map(|u| (u, n.who));
            }
            (Action::AssignOfficer, Detail::Officer(to)) => self.officer = Some((*to, Who::Legal)),
            (Action::AssignPanel, _) => self.h.panel_at = Some(n.at),
            (Action::ScheduleSession, Detail::Session(i)) => {
                self.scheduled = Some((self.h.sessions[*i].held_at, self.h.sessions[*i].place));
            }
            (Action::RecordSession, _) => self.scheduled = None,
            (Action::IssueProposal, Detail::Text(body)) => {
                self.h.proposal = n.actor.map(|by| Proposal { body, by, at: n.at });
            }
            (Action::AcceptProposal | Action::RejectProposal, Detail::Answer { side, .. }) => {
                if let Some(by) = n.actor {
                    self.h.answers.push(Answer {
                        side: *side,
                        accepted: n.action == Action::AcceptProposal,
                        by,
                        at: n.at,
                    });
                }
                all_accepted = [Side::Complainant, Side::Respondent]
                    .iter()
                    .all(|s| self.h.answers.iter().any(|a| a.side == *s && a.accepted));
            }
            (Action::StartInvestigation, _) => {
                self.h.track = Track::Investigation;
                self.then_investigate = false;
            }
            (Action::ExtendClock, Detail::Extend { days, .. }) => {
                if let Some(d) = self
                    .h
                    .deadlines
                    .iter_mut()
                    .find(|d| d.kind == DeadlineKind::Mediation && d.running())
                {
                    d.due_on += TimeDelta::days(*days);
                }
            }
            (Action::NotifyRespondent, _) => {
                let joins = self.respondent.map(|u| {
                    let at = n.at + TimeDelta::minutes(self.rng.random_range(240..4 * 24 * 60));
                    (at, u)
                });
                self.h.invitation = Some(Invitation {
                    created_at: n.at,
                    expires_at: n.at + TimeDelta::days(self.periods.invitation),
                    used: joins,
                });
            }
            (Action::RequestSupplement, _) => self.supplements += 1,
            _ => {}
        }
        let to = rule.target(from, all_accepted);
        self.h.state = to;
        self.follow_rule(n.action, to, n.at);
        self.h.steps.push(Step {
            action: n.action,
            from,
            to,
            who: n.who,
            actor: n.actor,
            at: n.at,
            detail: n.detail,
        });
        self.t = n.at;
    }

    /// `workflow::follow_rule`: the deadlines the action answers or opens, the mediation
    /// clock, and the closure.
    fn follow_rule(&mut self, action: Action, to: State, at: NaiveDateTime) {
        let rule = action.rule();
        let today = self.day(at);
        if to.is_terminal() {
            let status = if action == Action::ResponseLapsed {
                DeadlineStatus::Lapsed
            } else {
                DeadlineStatus::Met
            };
            self.close_deadlines(rule.closes, status, at);
            self.close_deadlines(DeadlineKind::ALL, DeadlineStatus::Cancelled, at);
            self.record_closure(to, at);
        } else if rule.to != To::SettledWhenAllAccept {
            self.close_deadlines(rule.closes, DeadlineStatus::Met, at);
        }
        if let Some(kind) = rule.opens {
            self.open(kind, today + TimeDelta::days(self.periods.of_kind(kind)), at);
        }
        match rule.clock {
            Clock::Keep => {}
            Clock::Pause => {
                for d in self.clock_mut(DeadlineStatus::Open) {
                    d.status = DeadlineStatus::Paused;
                    d.paused_on = Some(today);
                }
            }
            Clock::Resume => {
                for d in self.clock_mut(DeadlineStatus::Paused) {
                    let stood = (today - d.paused_on.unwrap_or(today)).max(TimeDelta::zero());
                    d.status = DeadlineStatus::Open;
                    d.paused_on = None;
                    d.due_on += stood;
                    d.paused_days += stood.num_days() as i32;
                }
            }
            Clock::Stop => self.close_deadlines(&[DeadlineKind::Mediation], DeadlineStatus::Cancelled, at),
        }
    }

    fn clock_mut(&mut self, status: DeadlineStatus) -> impl Iterator<Item = &mut Deadline> {
        self.h
            .deadlines
            .iter_mut()
            .filter(move |d| d.kind == DeadlineKind::Mediation && d.status == status)
    }

    fn open(&mut self, kind: DeadlineKind, due_on: NaiveDate, at: NaiveDateTime) {
        self.h.deadlines.push(Deadline {
            kind,
            due_on,
            status: DeadlineStatus::Open,
            paused_on: None,
            opened_at: at,
            closed_at: None,
            paused_days: 0,
            reminded_before: false,
            reminded_on_day: false,
        });
    }

    fn close_deadlines(&mut self, kinds: &[DeadlineKind], status: DeadlineStatus, at: NaiveDateTime) {
        for d in &mut self.h.deadlines {
            if kinds.contains(&d.kind) && d.running() {
                d.status = status;
                d.closed_at = Some(at);
            }
        }
    }

    fn record_closure(&mut self, outcome: State, at: NaiveDateTime) {
        let held: Vec<&Session> = self.h.sessions.iter().filter(|s| s.record.is_some()).collect();
        self.h.closure = Some(Closure {
            outcome,
            closed_at: at,
            days_open: (self.day(at) - self.day(self.filed_at)).num_days() as i32,
            sessions: held.len() as i32,
            respondent_appeared: held.iter().any(|s| s.record.is_some_and(|r| r.1)),
            track: self.h.track,
        });
    }

    // ---- After the walk ----

    fn finish(mut self) -> History {
        let end = self.h.closure.as_ref().map_or(self.now, |c| c.closed_at);
        // What the walk planned for after it stopped did not happen.
        self.h.sessions.retain(|s| s.created_at <= self.now);
        if self.h.panel_at.is_none() {
            self.h.panel.clear();
        }
        if let Some(inv) = &mut self.h.invitation
            && inv.used.is_some_and(|(at, _)| at > end)
        {
            inv.used = None;
        }
        self.remind(end);
        self.write_notes(end);
        self.h.officer = self.officer.map(|(u, _)| u);
        let mut reads: Vec<(UserId, NaiveDateTime)> = Vec::new();
        let seen = self
            .h
            .steps
            .iter()
            .filter_map(|s| s.actor.map(|a| (a, s.at)))
            .chain(self.h.notes.iter().map(|n| (n.author, n.at)));
        for (who, at) in seen {
            match reads.iter_mut().find(|(u, _)| *u == who) {
                Some(r) => r.1 = r.1.max(at),
                None => reads.push((who, at)),
            }
        }
        self.h.reads = reads;
        self.h
    }

    /// The reminders the deadline job would have sent: the one ahead once a running deadline
    /// came within reach, the one on the day once it was due.
    fn remind(&mut self, end: NaiveDateTime) {
        let before = self.periods.remind_before;
        for d in &mut self.h.deadlines {
            if d.status == DeadlineStatus::Paused {
                continue;
            }
            let last = self.zone.day_of(d.closed_at.unwrap_or(end));
            d.reminded_before = last >= d.due_on - TimeDelta::days(before);
            d.reminded_on_day = last >= d.due_on;
        }
    }

    /// Messages and notes the people on the case wrote along the way.
    fn write_notes(&mut self, end: NaiveDateTime) {
        let first_review = self
            .h
            .steps
            .iter()
            .find(|s| s.action == Action::StartReview)
            .map(|s| s.at);
        let mut notes = Vec::new();
        let at_between = |rng: &mut StdRng, from: NaiveDateTime, to: NaiveDateTime| {
            let span = (to - from).num_minutes();
            (span > 0).then(|| from + TimeDelta::minutes(rng.random_range(0..span)))
        };
        if let (Some((officer, _)), Some(reviewed)) = (self.officer, first_review) {
            if self.rng.random_bool(0.35)
                && let Some(at) = at_between(self.rng, reviewed, (reviewed + TimeDelta::hours(48)).min(end))
            {
                notes.push(Note {
                    author: officer,
                    shared: false,
                    body: self.say_any(OFFICER_NOTES),
                    at,
                });
            }
            if self.rng.random_bool(0.25)
                && let Some(at) = at_between(self.rng, reviewed, end)
            {
                notes.push(Note {
                    author: officer,
                    shared: true,
                    body: self.say_any(OFFICE_MESSAGES),
                    at,
                });
            }
        }
        if let Some(complainant) = self.complainant
            && self.rng.random_bool(0.35)
        {
            // On a case still open, the latest word is often the complainant's.
            let from = if self.h.closure.is_none() && self.rng.random_bool(0.5) {
                (end - TimeDelta::days(20)).max(self.filed_at)
            } else {
                self.filed_at
            };
            if let Some(at) = at_between(self.rng, from, end) {
                notes.push(Note {
                    author: complainant,
                    shared: true,
                    body: self.say_any(COMPLAINANT_MESSAGES),
                    at,
                });
            }
        }
        if let Some((joined, respondent)) = self.h.invitation.as_ref().and_then(|i| i.used)
            && self.rng.random_bool(0.35)
            && let Some(at) = at_between(self.rng, joined, end)
        {
            notes.push(Note {
                author: respondent,
                shared: true,
                body: self.say_any(RESPONDENT_MESSAGES),
                at,
            });
        }
        for s in self.h.sessions.clone() {
            if s.record.is_some()
                && self.rng.random_bool(0.5)
                && let Some(at) = at_between(
                    self.rng,
                    s.created_at,
                    (s.created_at + TimeDelta::hours(20)).min(end),
                )
            {
                notes.push(Note {
                    author: s.by,
                    shared: false,
                    body: self.say_any(PANEL_NOTES),
                    at,
                });
            }
        }
        notes.sort_by_key(|n| n.at);
        self.h.notes = notes;
    }
}

// What people wrote, in Korean and English.

type Said = (&'static str, &'static str);

const SUPPLEMENT_REQUESTS: &[Said] = &[
    (
        "공급계약서 사본과 기술자료 제공 내역(일자, 수령자)을 보완해 주십시오.",
        "Please send a copy of the supply contract and a record of what technical data was handed over, when and to whom.",
    ),
    (
        "침해로 주장하는 제품의 사진과 구입 영수증을 제출해 주십시오.",
        "Please send photographs of the product you say infringes and the receipt for buying it.",
    ),
    (
        "인용 특허의 청구항 중 침해되었다고 보는 청구항을 특정해 주십시오.",
        "Please say which claims of the cited patent you consider infringed.",
    ),
];
const SUPPLIES: &[Said] = &[
    (
        "요청하신 계약서와 관련 이메일 사본을 제출합니다.",
        "Attached are the contract and the e-mails you asked for.",
    ),
    (
        "제품 사진과 영수증, 청구항 대비표를 첨부합니다.",
        "Here are the product photographs, the receipt and a claim chart.",
    ),
];
const REJECTIONS: &[Said] = &[
    (
        "산업재산권 분쟁에 해당하지 않아 조정 대상이 아닙니다.",
        "This is not an industrial-property dispute and is outside the committee's remit.",
    ),
    (
        "동일한 사안이 이미 법원에 계속 중입니다.",
        "The same matter is already before a court.",
    ),
];
const AGREES: Said = ("조정 절차에 참여하겠습니다.", "We agree to mediation.");
const DECLINES: Said = (
    "이미 특허심판원에 무효심판을 청구하였으므로 조정에 응하지 않겠습니다.",
    "We decline: we have asked the Trial and Appeal Board to invalidate the patent.",
);
const PLACES: &[Said] = &[
    (
        "한국지식재산센터 조정실 2 (서울 강남구 테헤란로 131)",
        "Korea IP Center, mediation room 2 (131 Teheran-ro, Seoul)",
    ),
    (
        "화상 회의 (접속 링크는 이메일로 안내)",
        "Video call (the link is sent by e-mail)",
    ),
    (
        "정부대전청사 특허청 회의실 305",
        "KIPO, Government Complex Daejeon, meeting room 305",
    ),
];
const MINUTES: &[Said] = &[
    (
        "양측 입장을 청취하고 실시료 범위를 논의함. 다음 기일까지 피신청인이 매출 자료를 제출하기로 함.",
        "Heard both sides and discussed a royalty range. The respondent is to produce its sales figures before the next session.",
    ),
    (
        "기술자료의 제공 경위에 대해 양측 진술이 엇갈림. 추가 자료 확인 후 조정안 검토 예정.",
        "The parties' accounts of how the drawings were handed over differ. A proposal will be considered once the further documents are in.",
    ),
    (
        "피신청인이 설계 변경 의사를 밝힘. 손해배상액에 대해 이견이 남음.",
        "The respondent offered to change its design; the parties remain apart on damages.",
    ),
];
const PROPOSALS: &[Said] = &[
    (
        "피신청인은 신청인에게 5천만 원을 지급하고, 해당 공정의 사용을 6개월 내에 중지한다.",
        "The respondent pays the complainant KRW 50,000,000 and stops using the process within six months.",
    ),
    (
        "양 당사자는 매출액의 3%를 실시료로 하는 통상실시권 계약을 체결한다.",
        "The parties sign a non-exclusive licence at a royalty of 3% of sales.",
    ),
];
const SETTLEMENTS: &[Said] = &[
    (
        "양 당사자가 실시권 계약을 체결하고 분쟁을 종결하기로 합의함.",
        "The parties agreed to sign a licence and end the dispute.",
    ),
    (
        "피신청인이 제품 설계를 변경하고 신청인은 손해배상 청구를 포기하기로 합의함.",
        "The respondent will change its design and the complainant drops its claim for damages.",
    ),
];
const NOT_SETTLED: Said = (
    "손해배상액에 대한 입장 차이가 커 조정이 성립되지 않음.",
    "The parties are too far apart on damages for a settlement.",
);
const REJECTS_PROPOSAL: Said = (
    "조정안의 배상액이 실제 손해에 미치지 못합니다.",
    "The amount proposed falls short of the actual loss.",
);
const EXTENSION: Said = (
    "당사자 쌍방의 요청으로 조정 기간을 30일 연장함.",
    "Extended by 30 days at both parties' request.",
);
const RECOMMEND: Said = (
    "기술자료의 부당 사용을 중지하고 제공받은 자료를 반환할 것을 권고함.",
    "Recommended that the respondent stop using the technical data and return it.",
);
const ORDER: Said = (
    "권고가 이행되지 않아 30일 내 시정을 명함.",
    "The recommendation was not followed: correction ordered within 30 days.",
);
const COMPLIED: Said = (
    "피신청인이 자료를 반환하고 사용 중지 확인서를 제출함.",
    "The respondent returned the data and confirmed in writing that it stopped using it.",
);
const NO_VIOLATION: Said = (
    "조사 결과 기술 유용 사실이 확인되지 않음.",
    "The investigation found no misuse of the technology.",
);
const REFER_COURT: Said = (
    "당사자 간 본안 소송이 진행 중이어서 법원으로 이송함.",
    "A lawsuit between the parties is pending; referred to the court.",
);
const REFER_POLICE: Said = (
    "영업비밀 침해 혐의가 있어 기술경찰에 수사를 의뢰함.",
    "Suspected trade-secret theft: referred to the technology police.",
);
const REFER_NON_COMPLIANCE: Said = (
    "시정명령 불이행으로 수사기관에 통보함.",
    "The correction order was not complied with: reported to the investigating authority.",
);
const DISCONTINUED: Said = (
    "당사자 일방이 소를 제기하여 절차를 중단함.",
    "Discontinued: a party has gone to court.",
);
const DISCONTINUE_NO_SUPPLEMENT: Said = (
    "보완 기한이 지나도록 자료가 제출되지 않아 절차를 중단함.",
    "Discontinued: nothing was supplied long after the supplement deadline.",
);
const WITHDRAWALS: Said = (
    "당사자 간 합의가 이루어져 신청을 취하합니다.",
    "Withdrawn: the parties have come to terms between themselves.",
);
const OFFICER_NOTES: &[Said] = &[
    (
        "인용 특허 청구항 1–3과 제품 구성 대비 필요. 기술 자문 요청 예정.",
        "Compare the product with claims 1–3 of the cited patent; will ask for a technical adviser.",
    ),
    (
        "유사 사건(작년 배터리 분리막 건)과 쟁점이 겹침. 선례 확인할 것.",
        "Same issues as last year's battery-separator case; check how it went.",
    ),
];
const OFFICE_MESSAGES: &[Said] = &[
    (
        "다음 조정기일에 계약서 원본을 지참해 주시기 바랍니다.",
        "Please bring the original contract to the next session.",
    ),
    (
        "제출하신 자료를 검토하고 있습니다. 추가로 필요한 사항이 있으면 연락드리겠습니다.",
        "We are reviewing what you sent and will be in touch if anything more is needed.",
    ),
];
const COMPLAINANT_MESSAGES: &[Said] = &[
    (
        "사건 진행 상황을 알 수 있을까요? 상대방이 같은 제품을 계속 판매하고 있습니다.",
        "Could you tell us where the case stands? The other side is still selling the product.",
    ),
    (
        "조정기일을 오후로 조정할 수 있는지 문의드립니다.",
        "Could the session be moved to the afternoon?",
    ),
    (
        "추가 증거로 전 직원의 이메일 기록을 제출할 예정입니다.",
        "We will file the former employee's e-mails as further evidence.",
    ),
];
const RESPONDENT_MESSAGES: &[Said] = &[
    (
        "당사 대리인이 선임되었습니다. 이후 연락은 대리인에게 부탁드립니다.",
        "We have appointed counsel; please write to them from now on.",
    ),
    (
        "신청인 주장에 대한 의견서를 다음 주까지 제출하겠습니다.",
        "We will answer the complainant's statement next week.",
    ),
];
const PANEL_NOTES: &[Said] = &[
    (
        "양측 모두 실시권 계약에 관심. 다음 기일에 조정안 초안 제시 검토.",
        "Both sides open to a licence; consider a draft proposal at the next session.",
    ),
    (
        "피신청인 대리인이 손해액 산정 근거를 문제 삼음. 감정 필요 여부 검토.",
        "The respondent's counsel disputes how the loss was computed; consider an expert.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn office() -> (Vec<UserId>, Vec<UserId>, Vec<UserId>) {
        (
            vec![UserId(1), UserId(2)],
            vec![UserId(3), UserId(4)],
            vec![UserId(5), UserId(6), UserId(7)],
        )
    }

    fn periods() -> Periods {
        Periods::of(&Settings::default())
    }

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_opt(3, 0, 0))
            .unwrap()
    }

    fn walks(n: usize) -> Vec<(Start, History)> {
        let (examiners, legal, mediators) = office();
        let office = Office {
            examiners: &examiners,
            legal: &legal,
            mediators: &mediators,
        };
        let mut rng = StdRng::seed_from_u64(7);
        (0..n)
            .map(|i| {
                let start = Start {
                    filed_at: now() - TimeDelta::hours(rng.random_range(1..3 * 365 * 24)),
                    track: if i % 6 == 0 {
                        Track::Investigation
                    } else {
                        Track::Mediation
                    },
                    complainant: (i % 2 == 0).then_some(UserId(10)),
                    respondent: (i % 3 == 0).then_some(UserId(11)),
                    korean: i % 2 == 1,
                };
                let h = walk(&mut rng, &office, periods(), OfficeZone::SEOUL, now(), &start);
                (start, h)
            })
            .collect()
    }

    #[test]
    fn every_step_is_one_the_table_allows_from_where_the_case_was_and_in_time_order() {
        for (start, h) in walks(2000) {
            let mut state = State::Filed;
            let mut last = start.filed_at;
            for s in &h.steps {
                let rule = s.action.rule();
                assert_eq!(s.from, state, "{:?}", h.steps);
                assert!(rule.check(s.from, Some(s.who)).is_ok(), "{s:?}");
                assert!(s.at >= last && s.at <= now(), "{s:?}");
                assert_eq!(s.actor.is_none(), s.who == Who::System);
                state = s.to;
                last = s.at;
            }
            assert_eq!(state, h.state);
        }
    }

    #[test]
    fn deadlines_agree_with_where_the_case_stands() {
        for (_, h) in walks(2000) {
            let running = |k: DeadlineKind| h.deadlines.iter().filter(|d| d.kind == k && d.running()).count();
            if h.state.is_terminal() {
                assert!(h.deadlines.iter().all(|d| !d.running()), "{h:?}");
                assert!(h.closure.as_ref().is_some_and(|c| c.outcome == h.state));
            } else {
                assert!(h.closure.is_none());
            }
            for (kind, state) in [
                (DeadlineKind::Supplement, State::AwaitingSupplement),
                (DeadlineKind::Response, State::RespondentNotified),
                (DeadlineKind::Acceptance, State::ProposalIssued),
                (DeadlineKind::Compliance, State::CorrectionOrdered),
            ] {
                assert_eq!(running(kind), usize::from(h.state == state), "{kind:?} in {h:?}");
            }
            let paused = h.deadlines.iter().any(|d| d.status == DeadlineStatus::Paused);
            assert_eq!(
                paused,
                h.state == State::AwaitingSupplement && h.track == Track::Mediation
            );
            for d in &h.deadlines {
                assert_eq!(d.closed_at.is_some(), !d.running(), "{d:?}");
            }
        }
    }

    #[test]
    fn a_silent_respondent_lapses_the_day_after_the_deadline_and_the_deadline_says_so() {
        let lapsed: Vec<History> = walks(2000)
            .into_iter()
            .map(|(_, h)| h)
            .filter(|h| h.steps.iter().any(|s| s.action == Action::ResponseLapsed))
            .collect();
        assert!(!lapsed.is_empty());
        for h in lapsed {
            let response = h
                .deadlines
                .iter()
                .find(|d| d.kind == DeadlineKind::Response)
                .unwrap();
            let step = h.steps.last().unwrap();
            assert_eq!(step.who, Who::System);
            assert_eq!(
                OfficeZone::SEOUL.day_of(step.at),
                response.due_on + TimeDelta::days(1)
            );
            assert_eq!(response.status, DeadlineStatus::Lapsed);
        }
    }

    #[test]
    fn the_walks_reach_every_state_and_leave_work_waiting_now() {
        let all = walks(3000);
        for s in State::ALL.iter().filter(|s| **s != State::Draft) {
            assert!(all.iter().any(|(_, h)| h.state == *s), "no case in {s:?}");
        }
        let today = OfficeZone::SEOUL.day_of(now());
        let overdue = all
            .iter()
            .flat_map(|(_, h)| &h.deadlines)
            .filter(|d| d.status == DeadlineStatus::Open && d.due_on < today)
            .count();
        assert!(overdue > 0);
        let upcoming = all
            .iter()
            .flat_map(|(_, h)| &h.sessions)
            .filter(|s| s.record.is_none() && s.held_at > now())
            .count();
        assert!(upcoming > 0);
    }
}
