//! The workflow of DESIGN §3 as data. One table says, for every action, from which states it
//! may be taken, by whom, what it asks for and what it does; the server enforces it and the
//! case page reads it to offer exactly the actions a user may take now.
//!
//! Filing itself (draft → filed) is the complaint form's own submit button and is not here.

use super::{Role, State};

named_values!(
    /// Something done to a filed case.
    Action, "action" {
        StartReview => "start_review",
        AssignOfficer => "assign_officer",
        RequestSupplement => "request_supplement",
        Supply => "supply",
        Reject => "reject",
        NotifyRespondent => "notify_respondent",
        RespondentAgrees => "respondent_agrees",
        RespondentDeclines => "respondent_declines",
        ResponseLapsed => "response_lapsed",
        AssignPanel => "assign_panel",
        ScheduleSession => "schedule_session",
        RecordSession => "record_session",
        IssueProposal => "issue_proposal",
        AcceptProposal => "accept_proposal",
        RejectProposal => "reject_proposal",
        Settle => "settle",
        DeclareNotSettled => "declare_not_settled",
        StartInvestigation => "start_investigation",
        RecommendCorrection => "recommend_correction",
        OrderCorrection => "order_correction",
        ReferOut => "refer_out",
        Close => "close",
        Discontinue => "discontinue",
        Withdraw => "withdraw",
        ExtendClock => "extend_clock",
    }
);

named_values!(
    /// A dated obligation on a case: who owes what by when.
    DeadlineKind, "deadline" {
        Mediation => "mediation",
        Supplement => "supplement",
        Response => "response",
        Acceptance => "acceptance",
        Compliance => "compliance",
    }
);

named_values!(
    /// Whether a deadline still runs: open, paused (the mediation clock while awaiting a
    /// supplement), or closed as met, lapsed or cancelled.
    DeadlineStatus, "deadline-status" {
        Open => "open",
        Paused => "paused",
        Met => "met",
        Lapsed => "lapsed",
        Cancelled => "cancelled",
    }
);

named_values!(
    /// Where a referred case goes.
    ReceivingBody, "body" {
        TechnologyPolice => "technology_police",
        Prosecutor => "prosecutor",
        Court => "court",
        TrialBoard => "trial_board",
        Other => "other",
    }
);

named_values!(
    /// How an investigation ends.
    InvestigationOutcome, "investigation-outcome" {
        Complied => "complied",
        NoViolation => "no_violation",
    }
);

/// Who takes an action, as the table names them. A user acts as one of these for a given
/// case: their office role, or their part in this case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    Complainant,
    Respondent,
    Examiner,
    Legal,
    Admin,
    /// A mediator on this case's panel.
    Panel,
    /// The server itself, where the table says it acts on its own.
    System,
}

impl Who {
    pub const ALL: [Who; 7] = [
        Who::Complainant,
        Who::Respondent,
        Who::Examiner,
        Who::Legal,
        Who::Admin,
        Who::Panel,
        Who::System,
    ];

    /// What a user is to a case: their office role, or their part in it (or nothing).
    pub fn of(role: Role, part: Part) -> Option<Who> {
        match (role, part) {
            (Role::Examiner, _) => Some(Who::Examiner),
            (Role::Legal, _) => Some(Who::Legal),
            (Role::Admin, _) => Some(Who::Admin),
            (Role::Mediator, Part { on_panel: true, .. }) => Some(Who::Panel),
            (
                Role::Complainant,
                Part {
                    complainant: true, ..
                },
            ) => Some(Who::Complainant),
            (Role::Respondent, Part { respondent: true, .. }) => Some(Who::Respondent),
            _ => None,
        }
    }

    /// How the history names them.
    pub fn as_str(self) -> &'static str {
        match self {
            Who::Complainant => "complainant",
            Who::Respondent => "respondent",
            Who::Examiner => "examiner",
            Who::Legal => "legal",
            Who::Admin => "admin",
            Who::Panel => "mediator",
            Who::System => "system",
        }
    }
}

/// A user's part in one case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Part {
    pub complainant: bool,
    pub respondent: bool,
    pub on_panel: bool,
}

/// What an action asks for; each is one field (or a small group) of its form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Free text, required; the label says what it is for this action.
    Text,
    /// Free text, optional.
    OptionalText,
    /// A due date, defaulting to today plus the setting for the deadline it opens.
    Due,
    /// The respondent's e-mail address for the invitation.
    RespondentEmail,
    /// One to three mediators from the roster.
    Mediators,
    /// When and where (a place, or an online link).
    Session,
    /// Who attended a session.
    Attendance,
    ReceivingBody,
    InvestigationOutcome,
    /// A number of days to add.
    Days,
    /// An officer from the office's examiners and legal officers.
    Officer,
    /// Staff recording a party's answer say which party.
    OnBehalfOf,
}

/// Where an action leaves the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    State(State),
    /// The state does not change (a session recorded, a clock extended).
    Same,
    /// Settled once every party has accepted; until then the state stays.
    SettledWhenAllAccept,
}

/// The mediation clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    Keep,
    Pause,
    Resume,
    /// The case leaves mediation (an investigation starts).
    Stop,
}

/// Who hears of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tell {
    Complainant,
    Respondents,
    Panel,
    Officer,
}

pub struct Rule {
    pub action: Action,
    pub from: &'static [State],
    pub to: To,
    pub by: &'static [Who],
    pub inputs: &'static [Input],
    pub opens: Option<DeadlineKind>,
    pub closes: &'static [DeadlineKind],
    pub clock: Clock,
    pub tell: &'static [Tell],
}

use State as S;
use Who as W;

/// Every state a filed case can still move from.
const OPEN: &[State] = &[
    S::Filed,
    S::IntakeReview,
    S::AwaitingSupplement,
    S::RespondentNotified,
    S::PanelAssignment,
    S::InMediation,
    S::ProposalIssued,
    S::UnderInvestigation,
    S::CorrectionRecommended,
    S::CorrectionOrdered,
];

/// Where the mediation clock runs (or is paused) and may be extended.
const MEDIATING: &[State] = &[
    S::Filed,
    S::IntakeReview,
    S::AwaitingSupplement,
    S::RespondentNotified,
    S::PanelAssignment,
    S::InMediation,
    S::ProposalIssued,
];

const OFFICERS: &[Who] = &[W::Examiner, W::Legal];
const PARTIES_OR_STAFF: &[Who] = &[W::Complainant, W::Respondent, W::Examiner, W::Legal];
const EVERYONE: &[Tell] = &[Tell::Complainant, Tell::Respondents, Tell::Officer];

macro_rules! rule {
    ($action:ident: $from:expr => $to:expr, by $by:expr, needs $inputs:expr
     $(, opens $opens:ident)? $(, closes $closes:expr)? $(, clock $clock:ident)? $(, tell $tell:expr)?) => {
        Rule {
            action: Action::$action,
            from: $from,
            to: $to,
            by: $by,
            inputs: $inputs,
            opens: rule!(@opt $($opens)?),
            closes: rule!(@or $($closes)?; &[]),
            clock: rule!(@or $(Clock::$clock)?; Clock::Keep),
            tell: rule!(@or $($tell)?; &[]),
        }
    };
    (@opt $k:ident) => { Some(DeadlineKind::$k) };
    (@opt) => { None };
    (@or $v:expr; $d:expr) => { $v };
    (@or ; $d:expr) => { $d };
}

use Input as I;
use To::{Same, State as Go};

/// The transition table of DESIGN §3.
pub const RULES: &[Rule] = &[
    rule!(StartReview: &[S::Filed] => Go(S::IntakeReview), by OFFICERS, needs &[]),
    rule!(AssignOfficer: OPEN => Same, by &[W::Examiner, W::Legal, W::Admin], needs &[I::Officer],
        tell &[Tell::Officer]),
    rule!(RequestSupplement: &[S::IntakeReview] => Go(S::AwaitingSupplement), by OFFICERS,
        needs &[I::Text, I::Due], opens Supplement, clock Pause, tell &[Tell::Complainant]),
    rule!(Supply: &[S::AwaitingSupplement] => Go(S::IntakeReview),
        by &[W::Complainant, W::Examiner, W::Legal], needs &[I::Text],
        closes &[DeadlineKind::Supplement], clock Resume, tell &[Tell::Officer]),
    rule!(Reject: &[S::IntakeReview] => Go(S::Rejected), by OFFICERS, needs &[I::Text],
        tell &[Tell::Complainant]),
    rule!(NotifyRespondent: &[S::IntakeReview] => Go(S::RespondentNotified), by OFFICERS,
        needs &[I::RespondentEmail, I::Due], opens Response, tell &[Tell::Respondents, Tell::Complainant]),
    rule!(RespondentAgrees: &[S::RespondentNotified] => Go(S::PanelAssignment),
        by &[W::Respondent, W::Examiner, W::Legal], needs &[I::OptionalText],
        closes &[DeadlineKind::Response], tell &[Tell::Complainant, Tell::Officer]),
    rule!(RespondentDeclines: &[S::RespondentNotified] => Go(S::DeemedNotSettled),
        by &[W::Respondent, W::Examiner, W::Legal], needs &[I::OptionalText],
        closes &[DeadlineKind::Response], tell EVERYONE),
    rule!(ResponseLapsed: &[S::RespondentNotified] => Go(S::DeemedNotSettled), by &[W::System],
        needs &[], closes &[DeadlineKind::Response], tell EVERYONE),
    rule!(AssignPanel: &[S::PanelAssignment] => Go(S::InMediation), by &[W::Legal, W::Admin],
        needs &[I::Mediators], tell &[Tell::Complainant, Tell::Respondents, Tell::Panel]),
    rule!(ScheduleSession: &[S::InMediation] => Same, by &[W::Panel], needs &[I::Session],
        tell &[Tell::Complainant, Tell::Respondents, Tell::Panel]),
    rule!(RecordSession: &[S::InMediation] => Same, by &[W::Panel],
        needs &[I::Session, I::Attendance, I::Text]),
    rule!(IssueProposal: &[S::InMediation] => Go(S::ProposalIssued), by &[W::Panel],
        needs &[I::Text, I::Due], opens Acceptance, tell &[Tell::Complainant, Tell::Respondents]),
    rule!(AcceptProposal: &[S::ProposalIssued] => To::SettledWhenAllAccept, by PARTIES_OR_STAFF,
        needs &[I::OnBehalfOf], closes &[DeadlineKind::Acceptance], tell &[Tell::Panel, Tell::Officer]),
    rule!(RejectProposal: &[S::ProposalIssued] => Go(S::NotSettled), by PARTIES_OR_STAFF,
        needs &[I::OnBehalfOf, I::OptionalText], tell &[Tell::Complainant, Tell::Respondents, Tell::Panel]),
    rule!(Settle: &[S::InMediation] => Go(S::Settled), by &[W::Panel], needs &[I::Text], tell EVERYONE),
    rule!(DeclareNotSettled: &[S::InMediation] => Go(S::NotSettled), by &[W::Panel], needs &[I::Text],
        tell EVERYONE),
    rule!(StartInvestigation: &[S::IntakeReview] => Go(S::UnderInvestigation), by &[W::Legal],
        needs &[], clock Stop, tell &[Tell::Complainant]),
    rule!(RecommendCorrection: &[S::UnderInvestigation] => Go(S::CorrectionRecommended), by &[W::Legal],
        needs &[I::Text], tell &[Tell::Complainant, Tell::Respondents]),
    rule!(OrderCorrection: &[S::CorrectionRecommended] => Go(S::CorrectionOrdered), by &[W::Legal],
        needs &[I::Text, I::Due], opens Compliance, tell &[Tell::Complainant, Tell::Respondents]),
    rule!(ReferOut: &[S::IntakeReview, S::UnderInvestigation, S::CorrectionOrdered] => Go(S::ReferredOut),
        by &[W::Legal], needs &[I::ReceivingBody, I::Text], tell EVERYONE),
    rule!(Close: &[S::UnderInvestigation, S::CorrectionRecommended, S::CorrectionOrdered] => Go(S::Closed),
        by &[W::Legal], needs &[I::InvestigationOutcome, I::OptionalText], tell EVERYONE),
    rule!(Discontinue: OPEN => Go(S::Discontinued), by &[W::Legal], needs &[I::Text], tell EVERYONE),
    rule!(Withdraw: OPEN => Go(S::Withdrawn), by &[W::Complainant, W::Examiner, W::Legal],
        needs &[I::OptionalText], tell EVERYONE),
    rule!(ExtendClock: MEDIATING => Same, by &[W::Legal], needs &[I::Days, I::Text]),
];

impl Action {
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|r| r.action == self)
            .expect("every action has a rule (tested)")
    }
}

/// Why an action cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not from the case's current state.
    NotNow,
    /// Not for this user.
    NotYours,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NotNow => "err-action-not-now",
            Refusal::NotYours => "err-action-not-yours",
        }
    }
}

impl Rule {
    /// Whether `who` may take this action on a case in `state`. The state is checked first:
    /// an action nobody could take now is "not now" whoever asks.
    pub fn check(&self, state: State, who: Option<Who>) -> Result<(), Refusal> {
        if !self.from.contains(&state) {
            return Err(Refusal::NotNow);
        }
        match who {
            Some(w) if self.by.contains(&w) => Ok(()),
            _ => Err(Refusal::NotYours),
        }
    }

    /// The state the action leads to, given whether every party has now accepted.
    pub fn target(&self, current: State, all_accepted: bool) -> State {
        match self.to {
            To::State(s) => s,
            To::Same => current,
            To::SettledWhenAllAccept if all_accepted => State::Settled,
            To::SettledWhenAllAccept => current,
        }
    }

    pub fn needs(&self, input: Input) -> bool {
        self.inputs.contains(&input)
    }
}

/// The actions `who` may take on a case in `state`, in table order.
pub fn available(state: State, who: Option<Who>) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |r| r.check(state, who).is_ok())
}

/// Why a mediator may not sit on a case's panel (DESIGN §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// The mediator's name or organisation is a party's or its counsel's name.
    Name(String),
    /// The mediator's e-mail domain is a party's or its counsel's.
    EmailDomain(String),
    /// The mediator's organisation has a party's registration number.
    RegistrationNo(String),
}

impl Conflict {
    pub fn message_key(&self) -> &'static str {
        match self {
            Conflict::Name(_) => "conflict-name",
            Conflict::EmailDomain(_) => "conflict-email-domain",
            Conflict::RegistrationNo(_) => "conflict-registration-no",
        }
    }

    /// What matched, for the message.
    pub fn detail(&self) -> &str {
        match self {
            Conflict::Name(s) | Conflict::EmailDomain(s) | Conflict::RegistrationNo(s) => s,
        }
    }
}

/// What the conflict check knows of a mediator.
pub struct Mediator<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub organisation: Option<&'a str>,
    pub registration_no: Option<&'a str>,
}

/// What the conflict check knows of a party.
pub struct PartyLinks<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub registration_no: Option<&'a str>,
    pub counsel_name: Option<&'a str>,
    pub counsel_firm: Option<&'a str>,
    pub counsel_email: Option<&'a str>,
}

/// Mail providers anyone can use: sharing one says nothing about a link between people.
const PUBLIC_MAIL: &[&str] = &[
    "gmail.com",
    "naver.com",
    "daum.net",
    "hanmail.net",
    "kakao.com",
    "nate.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
];

fn comparable_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn domain_of(email: &str) -> Option<String> {
    let domain = email.rsplit_once('@')?.1.trim().to_lowercase();
    (!domain.is_empty() && !PUBLIC_MAIL.contains(&domain.as_str())).then_some(domain)
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The first link found between the mediator and any party (or its counsel), if any.
pub fn conflict(m: &Mediator<'_>, parties: &[PartyLinks<'_>]) -> Option<Conflict> {
    let own_names: Vec<String> = [Some(m.name), m.organisation]
        .into_iter()
        .flatten()
        .map(comparable_name)
        .filter(|n| !n.is_empty())
        .collect();
    let own_domain = domain_of(m.email);
    let own_reg = m.registration_no.map(digits).filter(|d| !d.is_empty());
    for p in parties {
        for name in [Some(p.name), p.counsel_name, p.counsel_firm]
            .into_iter()
            .flatten()
        {
            if own_names.contains(&comparable_name(name)) {
                return Some(Conflict::Name(name.to_owned()));
            }
        }
        for email in [p.email, p.counsel_email].into_iter().flatten() {
            if let (Some(mine), Some(theirs)) = (&own_domain, domain_of(email))
                && *mine == theirs
            {
                return Some(Conflict::EmailDomain(theirs));
            }
        }
        if let (Some(mine), Some(theirs)) = (&own_reg, p.registration_no)
            && *mine == digits(theirs)
        {
            return Some(Conflict::RegistrationNo(theirs.to_owned()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party<'a>(name: &'a str, email: Option<&'a str>, reg: Option<&'a str>) -> PartyLinks<'a> {
        PartyLinks {
            name,
            email,
            registration_no: reg,
            counsel_name: None,
            counsel_firm: Some("Kim & Partners"),
            counsel_email: Some("lee@kimpartners.kr"),
        }
    }

    #[test]
    fn a_mediator_linked_to_a_party_is_in_conflict_with_the_reason() {
        let parties = [
            party(
                "Hanbit Tech Co., Ltd.",
                Some("ceo@hanbit.co.kr"),
                Some("123-45-67890"),
            ),
            party("MegaCorp", Some("legal@gmail.com"), None),
        ];
        let m = |email, org, reg| Mediator {
            name: "Park Ji-won",
            email,
            organisation: org,
            registration_no: reg,
        };
        assert_eq!(
            conflict(&m("park@hanbit.co.kr", None, None), &parties),
            Some(Conflict::EmailDomain("hanbit.co.kr".into()))
        );
        assert_eq!(
            conflict(
                &m("park@uni.ac.kr", Some("  hanbit tech co., ltd. "), None),
                &parties
            ),
            Some(Conflict::Name("Hanbit Tech Co., Ltd.".into()))
        );
        assert_eq!(
            conflict(&m("park@uni.ac.kr", None, Some("1234567890")), &parties),
            Some(Conflict::RegistrationNo("123-45-67890".into()))
        );
        assert_eq!(
            conflict(&m("park@kimpartners.kr", None, None), &parties),
            Some(Conflict::EmailDomain("kimpartners.kr".into()))
        );
        assert_eq!(
            conflict(&m("park@uni.ac.kr", Some("Kim & Partners"), None), &parties),
            Some(Conflict::Name("Kim & Partners".into()))
        );
        // Sharing a public mail provider is no link.
        assert_eq!(conflict(&m("park@gmail.com", None, None), &parties), None);
        assert_eq!(conflict(&m("park@uni.ac.kr", None, Some("999")), &parties), None);
    }

    #[test]
    fn every_action_has_exactly_one_rule() {
        for a in Action::ALL {
            assert_eq!(RULES.iter().filter(|r| r.action == *a).count(), 1, "{a:?}");
        }
        assert_eq!(RULES.len(), Action::ALL.len());
    }

    #[test]
    fn no_action_leaves_a_terminal_state_or_a_draft() {
        for r in RULES {
            for s in r.from {
                assert!(
                    !s.is_terminal() && *s != State::Draft,
                    "{:?} from {s:?}",
                    r.action
                );
            }
        }
    }

    #[test]
    fn every_open_state_has_a_way_out_and_every_terminal_state_is_reachable() {
        for s in State::ALL
            .iter()
            .filter(|s| !s.is_terminal() && **s != State::Draft)
        {
            assert!(
                RULES.iter().any(|r| r.from.contains(s) && r.to != To::Same),
                "{s:?} is a dead end"
            );
        }
        for s in State::ALL.iter().filter(|s| s.is_terminal()) {
            let reachable = RULES.iter().any(|r| match r.to {
                To::State(t) => t == *s,
                To::SettledWhenAllAccept => *s == State::Settled,
                To::Same => false,
            });
            assert!(reachable, "{s:?} cannot be reached");
        }
    }

    #[test]
    fn only_the_system_lets_a_response_lapse_and_the_system_does_nothing_else() {
        for r in RULES {
            assert_eq!(
                r.by.contains(&Who::System),
                r.action == Action::ResponseLapsed,
                "{:?}",
                r.action
            );
        }
    }

    #[test]
    fn a_response_that_lapsed_closes_the_response_deadline() {
        // The lapse is the answer to the response deadline (recorded as lapsed), as an
        // agreement or a refusal is (recorded as met).
        for action in [
            Action::ResponseLapsed,
            Action::RespondentAgrees,
            Action::RespondentDeclines,
        ] {
            assert_eq!(action.rule().closes, [DeadlineKind::Response], "{action:?}");
        }
    }

    #[test]
    fn refusals_say_whether_it_is_the_state_or_the_user() {
        let r = Action::AssignPanel.rule();
        assert_eq!(r.check(State::PanelAssignment, Some(Who::Legal)), Ok(()));
        assert_eq!(
            r.check(State::PanelAssignment, Some(Who::Examiner)),
            Err(Refusal::NotYours)
        );
        assert_eq!(r.check(State::PanelAssignment, None), Err(Refusal::NotYours));
        assert_eq!(r.check(State::Filed, Some(Who::Legal)), Err(Refusal::NotNow));
    }

    #[test]
    fn a_user_acts_by_role_or_by_part_in_the_case() {
        let none = Part::default();
        let panel = Part {
            on_panel: true,
            ..Part::default()
        };
        assert_eq!(Who::of(Role::Legal, none), Some(Who::Legal));
        assert_eq!(Who::of(Role::Mediator, none), None);
        assert_eq!(Who::of(Role::Mediator, panel), Some(Who::Panel));
        assert_eq!(Who::of(Role::Complainant, panel), None);
        let respondent = Part {
            respondent: true,
            ..Part::default()
        };
        assert_eq!(Who::of(Role::Respondent, respondent), Some(Who::Respondent));
        assert_eq!(Who::of(Role::Complainant, respondent), None);
    }

    #[test]
    fn acceptance_settles_only_when_everyone_accepted() {
        let r = Action::AcceptProposal.rule();
        assert_eq!(r.target(State::ProposalIssued, false), State::ProposalIssued);
        assert_eq!(r.target(State::ProposalIssued, true), State::Settled);
    }

    #[test]
    fn a_party_sees_only_its_own_actions() {
        let mine: Vec<Action> = available(State::ProposalIssued, Some(Who::Respondent))
            .map(|r| r.action)
            .collect();
        assert_eq!(mine, [Action::AcceptProposal, Action::RejectProposal]);
        let complainant: Vec<Action> = available(State::AwaitingSupplement, Some(Who::Complainant))
            .map(|r| r.action)
            .collect();
        assert_eq!(complainant, [Action::Supply, Action::Withdraw]);
    }
}
