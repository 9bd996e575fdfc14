//! "What happens next, and by when" (issue 17 §2, §3): for a case in a given state, what the
//! reader is expected to do — or whom they are waiting for — and the date that sets the pace.
//! The case page says it once at the top; the home pages list it for every case of the reader.

use chrono::{NaiveDate, NaiveDateTime};

use super::State;
use super::workflow::{DeadlineKind, Who};

/// Whose next step is described: the office acts as one, the panel as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Officer,
    Panel,
    Complainant,
    Respondent,
}

impl Reader {
    pub fn of(who: Who) -> Option<Reader> {
        match who {
            Who::Examiner | Who::Legal | Who::Admin => Some(Reader::Officer),
            Who::Panel => Some(Reader::Panel),
            Who::Complainant => Some(Reader::Complainant),
            Who::Respondent => Some(Reader::Respondent),
            Who::System => None,
        }
    }
}

/// What the case holds that decides the next step besides its state.
#[derive(Clone, Debug, Default)]
pub struct Situation<'a> {
    /// The running (open) deadlines: kind and due day.
    pub open: &'a [(DeadlineKind, NaiveDate)],
    /// The next session not yet held.
    pub session: Option<NaiveDateTime>,
    /// The reader has answered the current proposal already.
    pub answered: bool,
}

/// The pace-setting date of a next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Day(NaiveDate),
    /// A session, with its time.
    Session(NaiveDateTime),
}

impl By {
    /// A day already past: the step is late.
    pub fn is_before(&self, today: &NaiveDate) -> bool {
        matches!(self, By::Day(d) if d < today)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextStep {
    /// The message that says it, in the reader's terms.
    pub key: &'static str,
    pub by: Option<By>,
    /// The reader has to act; otherwise they are waiting for someone else.
    pub yours: bool,
}

pub fn next_step(state: State, reader: Reader, s: &Situation<'_>) -> NextStep {
    use DeadlineKind as D;
    use Reader as R;
    use State as S;
    let due = |kind: DeadlineKind| {
        s.open
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .min()
            .map(By::Day)
    };
    let session = s.session.map(By::Session);
    let step = |key, by, yours| NextStep { key, by, yours };
    if state.is_terminal() {
        return step("next-closed", None, false);
    }
    match (reader, state) {
        (_, S::Draft) => step("next-draft", None, reader == R::Complainant),

        (R::Officer, S::Filed) => step("next-officer-start-review", due(D::Mediation), true),
        (R::Officer, S::IntakeReview) => step("next-officer-decide", due(D::Mediation), true),
        (R::Officer, S::AwaitingSupplement) => {
            step("next-officer-await-supplement", due(D::Supplement), false)
        }
        (R::Officer, S::RespondentNotified) => step("next-officer-await-response", due(D::Response), false),
        (R::Officer, S::PanelAssignment) => step("next-officer-assign-panel", due(D::Mediation), true),
        (R::Officer, S::InMediation) => step("next-officer-mediation-runs", due(D::Mediation), false),
        (R::Officer | R::Panel, S::ProposalIssued) => step("next-await-answers", due(D::Acceptance), false),
        (R::Officer, S::UnderInvestigation) => step("next-officer-investigate", None, true),
        (R::Officer, S::CorrectionRecommended) => step("next-officer-order-or-close", None, true),
        (R::Officer, S::CorrectionOrdered) => step("next-officer-check-compliance", due(D::Compliance), true),

        (R::Panel, S::InMediation) if session.is_some() => step("next-panel-hold-session", session, true),
        (R::Panel, S::InMediation) => step("next-panel-mediate", due(D::Mediation), true),
        (R::Panel, _) => step("next-office-working", None, false),

        (R::Complainant, S::AwaitingSupplement) => step("next-complainant-supply", due(D::Supplement), true),
        (R::Complainant, S::RespondentNotified) => {
            step("next-complainant-await-respondent", due(D::Response), false)
        }
        (R::Respondent, S::RespondentNotified) => step("next-respondent-reply", due(D::Response), true),
        (_, S::PanelAssignment) => step("next-party-panel", None, false),
        (_, S::InMediation) if session.is_some() => step("next-party-attend-session", session, true),
        (_, S::InMediation) => step("next-party-mediation", due(D::Mediation), false),
        (_, S::ProposalIssued) if s.answered => step("next-party-answered", due(D::Acceptance), false),
        (_, S::ProposalIssued) => step("next-party-answer-proposal", due(D::Acceptance), true),
        (R::Respondent, S::CorrectionOrdered) => step("next-respondent-comply", due(D::Compliance), true),
        (_, S::CorrectionOrdered) => step("next-complainant-await-compliance", due(D::Compliance), false),
        (_, S::UnderInvestigation | S::CorrectionRecommended) => {
            step("next-party-investigation", None, false)
        }
        (_, _) => step("next-office-working", None, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn the_respondent_is_told_to_reply_by_the_response_deadline() {
        let open = [
            (DeadlineKind::Mediation, day(30)),
            (DeadlineKind::Response, day(10)),
        ];
        let s = Situation {
            open: &open,
            ..Default::default()
        };
        let mine = next_step(State::RespondentNotified, Reader::Respondent, &s);
        assert_eq!(mine.key, "next-respondent-reply");
        assert_eq!(mine.by, Some(By::Day(day(10))));
        assert!(mine.yours);
        let theirs = next_step(State::RespondentNotified, Reader::Complainant, &s);
        assert_eq!(theirs.key, "next-complainant-await-respondent");
        assert!(!theirs.yours, "the complainant waits");
        assert_eq!(theirs.by, Some(By::Day(day(10))));
    }

    #[test]
    fn a_scheduled_session_sets_the_pace_of_mediation() {
        let at = day(5).and_hms_opt(5, 0, 0).unwrap();
        let open = [(DeadlineKind::Mediation, day(30))];
        let with = Situation {
            open: &open,
            session: Some(at),
            answered: false,
        };
        assert_eq!(
            next_step(State::InMediation, Reader::Complainant, &with).by,
            Some(By::Session(at))
        );
        assert_eq!(
            next_step(State::InMediation, Reader::Panel, &with).key,
            "next-panel-hold-session"
        );
        let without = Situation {
            open: &open,
            ..Default::default()
        };
        let panel = next_step(State::InMediation, Reader::Panel, &without);
        assert_eq!(panel.key, "next-panel-mediate");
        assert_eq!(panel.by, Some(By::Day(day(30))));
    }

    #[test]
    fn a_party_that_answered_the_proposal_waits_for_the_other() {
        let open = [(DeadlineKind::Acceptance, day(12))];
        let answered = Situation {
            open: &open,
            answered: true,
            ..Default::default()
        };
        let step = next_step(State::ProposalIssued, Reader::Respondent, &answered);
        assert!(!step.yours);
        assert_eq!(step.key, "next-party-answered");
    }

    #[test]
    fn every_state_has_a_next_step_for_every_reader_and_closed_cases_have_none_to_take() {
        for state in State::ALL {
            for reader in [
                Reader::Officer,
                Reader::Panel,
                Reader::Complainant,
                Reader::Respondent,
            ] {
                let step = next_step(*state, reader, &Situation::default());
                assert!(step.key.starts_with("next-"));
                if state.is_terminal() {
                    assert!(!step.yours && step.by.is_none(), "{state:?}");
                }
            }
        }
    }
}
