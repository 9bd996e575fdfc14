//! The access policy in one place: which roles hold which permission, what each route needs
//! (the table itself is in `routes`, next to the routes it guards), and what someone may do
//! with one case given their role and their part in it.

use crate::domain::workflow::Part;
use crate::domain::{Audience, Role, Side, State, Visibility};
use crate::models::case::CaseScope;
use crate::models::exhibit::Viewer;
use crate::models::id::UserId;
use crate::models::user::User;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Create staff accounts, deactivate and reactivate accounts.
    ManageUsers,
    /// Read and search the audit log.
    ViewAudit,
    /// See every notice's fate and send failed ones again.
    ManageOutbox,
    /// Make a new office signing key, which signs every bundle from then on.
    ManageKeys,
    /// File a complaint: complainants their own, office staff on someone's behalf.
    FileCase,
    /// Correct a filed case's data and write internal notes.
    EditCase,
    /// Add and correct rights in the registry by hand.
    EditRights,
    /// Load offices' bibliographic files into the registry.
    ImportRights,
    /// Read the office's statistics, unsuppressed and with the rights cases cite.
    ViewStatistics,
}

/// Which roles hold each permission. Nothing is granted that is not listed here.
const GRANTS: &[(Permission, &[Role])] = &[
    (Permission::ManageUsers, &[Role::Admin]),
    (Permission::ViewAudit, &[Role::Admin]),
    (Permission::ManageOutbox, &[Role::Admin]),
    (Permission::ManageKeys, &[Role::Admin]),
    (
        Permission::FileCase,
        &[Role::Complainant, Role::Examiner, Role::Legal],
    ),
    (Permission::EditCase, &[Role::Examiner, Role::Legal, Role::Admin]),
    (
        Permission::EditRights,
        &[Role::Examiner, Role::Legal, Role::Admin],
    ),
    (Permission::ImportRights, &[Role::Admin]),
    (
        Permission::ViewStatistics,
        &[Role::Examiner, Role::Legal, Role::Admin],
    ),
];

/// Which cases a role sees: the office all filed cases, a complainant their own, a
/// respondent the cases they were invited to, a mediator their panels' cases.
pub fn case_scope(user: &User) -> CaseScope {
    match user.role {
        Role::Admin | Role::Examiner | Role::Legal => CaseScope::Office(user.id),
        Role::Complainant => CaseScope::OwnedBy(user.id),
        Role::Respondent => CaseScope::RespondentIn(user.id),
        Role::Mediator => CaseScope::PanelOf(user.id),
    }
}

pub fn allows(role: Role, permission: Permission) -> bool {
    GRANTS
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// The office's officers — examiners, legal officers and administrators — see and handle
/// every filed case. Mediators hold office accounts too (`Role::is_office_account`) but see
/// only their panels' cases, as a party sees only its own.
pub fn is_officer(user: &User) -> bool {
    allows(user.role, Permission::EditCase)
}

/// What someone is to a case's evidence: officers and the panel see everything, a party what
/// its visibility allows.
pub fn viewer_of(user: &User, part: Part) -> Viewer {
    if is_officer(user) || part.on_panel {
        Viewer::Inside
    } else {
        Viewer::Party {
            user: user.id,
            complainant: part.complainant,
            respondent: part.respondent,
        }
    }
}

/// The side someone files evidence for: officers for the office, a party for its side; the
/// panel and strangers for none.
pub fn filing_side(user: &User, part: Part) -> Option<Side> {
    if is_officer(user) {
        Some(Side::Office)
    } else if part.complainant {
        Some(Side::Complainant)
    } else if part.respondent {
        Some(Side::Respondent)
    } else {
        None
    }
}

/// Officers add evidence to any filed case; a party to its own case while the case is open;
/// the panel and everyone else not at all.
pub fn may_upload(user: &User, state: State, part: Part) -> bool {
    if state == State::Draft {
        return false;
    }
    if is_officer(user) {
        return true;
    }
    filing_side(user, part).is_some() && !state.is_terminal() && user.role != Role::Mediator
}

/// Whether someone may correct an exhibit with a new one: officers any current exhibit, a
/// party the current exhibits of its own side.
pub fn may_supersede(user: &User, part: Part, side: Side, current: bool) -> bool {
    current && (is_officer(user) || filing_side(user, part) == Some(side))
}

/// Officers may cite rights on any case they see; the complainant on their own case only
/// while it is a draft or awaits a supplement; nobody else.
pub fn may_cite(user: &User, state: State, complainant: Option<UserId>) -> bool {
    is_officer(user)
        || (user.role == Role::Complainant
            && complainant == Some(user.id)
            && matches!(state, State::Draft | State::AwaitingSupplement))
}

/// The audiences whose bundles someone may have: officers and the panel all of them, a party
/// its own side's and the parties' one.
pub fn visible_audiences(user: &User, part: Part) -> Vec<Audience> {
    if is_officer(user) || part.on_panel {
        return Audience::ALL.to_vec();
    }
    let sides = (part.complainant, part.respondent);
    Audience::ALL
        .iter()
        .copied()
        .filter(|a| a.within(sides))
        .collect()
}

/// The audiences someone may ask a bundle for: officers any, a party its own side's.
pub fn requestable_audiences(user: &User, part: Part) -> Vec<Audience> {
    if is_officer(user) {
        return Audience::ALL.to_vec();
    }
    [
        part.complainant.then_some(Audience::Complainant),
        part.respondent.then_some(Audience::Respondent),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Who must be served with an exhibit of this side and visibility: (complainant,
/// respondents). Only what the other side may see is served on it.
pub fn served_on(side: Side, visibility: Visibility) -> (bool, bool) {
    match visibility {
        Visibility::Parties => (side != Side::Complainant, side != Side::Respondent),
        Visibility::OwnSide | Visibility::Office => (false, false),
    }
}

/// What a route needs from whoever asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a session: health checks and static files.
    Open,
    /// Anyone; a session is started so that the page's forms carry a CSRF token.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Signed-in accounts whose role holds the permission.
    Allowed(Permission),
}

/// What a signed-in route asks of the second factor (issue 20).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Factor {
    /// The policy's second factor must be set up (the default): someone held at setting it
    /// up is sent to do so.
    Required,
    /// Open to someone held at setting up a second factor (setting it up, signing out).
    Enrolling,
    /// A sensitive action: asks for the second factor again unless it was given in this
    /// session within `STEP_UP_WINDOW`.
    Fresh,
    /// Adding a second factor: open to an account without one (held or not); an account with
    /// one gives it again first, as for a sensitive action, so that a stolen session cannot
    /// add its thief's factor.
    Adding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Admit,
    /// Nobody is signed in: send them to sign in.
    SignIn,
    /// Signed in but not allowed: answer as if the thing did not exist.
    Hide,
}

impl Access {
    pub fn decide(self, user: Option<&User>) -> Decision {
        match (self, user) {
            (Access::Open | Access::Public, _) => Decision::Admit,
            (_, None) => Decision::SignIn,
            (Access::SignedIn, Some(_)) => Decision::Admit,
            (Access::Allowed(p), Some(u)) if allows(u.role, p) => Decision::Admit,
            (Access::Allowed(_), Some(_)) => Decision::Hide,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administrators_administer() {
        for role in Role::ALL {
            for p in [
                Permission::ManageUsers,
                Permission::ViewAudit,
                Permission::ManageOutbox,
                Permission::ManageKeys,
            ] {
                assert_eq!(allows(role, p), role == Role::Admin, "{role} {p:?}");
            }
        }
    }

    fn user(role: Role) -> User {
        User {
            id: UserId(7),
            email: "someone@example.org".into(),
            name: "Someone".into(),
            role,
            language: None,
            active: true,
            has_password: true,
            email_verified: true,
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc(),
        }
    }

    const NONE: Part = Part {
        complainant: false,
        respondent: false,
        on_panel: false,
    };
    const COMPLAINANT: Part = Part {
        complainant: true,
        ..NONE
    };
    const RESPONDENT: Part = Part {
        respondent: true,
        ..NONE
    };
    const PANEL: Part = Part {
        on_panel: true,
        ..NONE
    };

    /// One row of the table: a role, its part in a case, and what it may then do.
    struct Row {
        role: Role,
        part: Part,
        sees_all_evidence: bool,
        files_for: Option<Side>,
        uploads_while_open: bool,
        sees_bundles: &'static [Audience],
        requests_bundles: &'static [Audience],
    }

    const ALL: &[Audience] = &[
        Audience::Office,
        Audience::Parties,
        Audience::Complainant,
        Audience::Respondent,
    ];

    #[rustfmt::skip]
    const TABLE: &[Row] = &[
        Row { role: Role::Examiner, part: NONE, sees_all_evidence: true, files_for: Some(Side::Office), uploads_while_open: true, sees_bundles: ALL, requests_bundles: ALL },
        Row { role: Role::Legal, part: NONE, sees_all_evidence: true, files_for: Some(Side::Office), uploads_while_open: true, sees_bundles: ALL, requests_bundles: ALL },
        Row { role: Role::Admin, part: NONE, sees_all_evidence: true, files_for: Some(Side::Office), uploads_while_open: true, sees_bundles: ALL, requests_bundles: ALL },
        Row { role: Role::Mediator, part: PANEL, sees_all_evidence: true, files_for: None, uploads_while_open: false, sees_bundles: ALL, requests_bundles: &[] },
        Row { role: Role::Mediator, part: NONE, sees_all_evidence: false, files_for: None, uploads_while_open: false, sees_bundles: &[], requests_bundles: &[] },
        Row { role: Role::Complainant, part: COMPLAINANT, sees_all_evidence: false, files_for: Some(Side::Complainant), uploads_while_open: true, sees_bundles: &[Audience::Parties, Audience::Complainant], requests_bundles: &[Audience::Complainant] },
        Row { role: Role::Complainant, part: NONE, sees_all_evidence: false, files_for: None, uploads_while_open: false, sees_bundles: &[], requests_bundles: &[] },
        Row { role: Role::Respondent, part: RESPONDENT, sees_all_evidence: false, files_for: Some(Side::Respondent), uploads_while_open: true, sees_bundles: &[Audience::Parties, Audience::Respondent], requests_bundles: &[Audience::Respondent] },
        Row { role: Role::Respondent, part: NONE, sees_all_evidence: false, files_for: None, uploads_while_open: false, sees_bundles: &[], requests_bundles: &[] },
    ];

    #[test]
    fn what_each_role_may_do_with_a_case_follows_its_part_in_it() {
        for row in TABLE {
            let (u, what) = (user(row.role), format!("{} {:?}", row.role, row.part));
            assert_eq!(
                viewer_of(&u, row.part) == Viewer::Inside,
                row.sees_all_evidence,
                "{what}"
            );
            assert_eq!(filing_side(&u, row.part), row.files_for, "{what}");
            assert_eq!(
                may_upload(&u, State::InMediation, row.part),
                row.uploads_while_open,
                "{what}"
            );
            assert_eq!(visible_audiences(&u, row.part), row.sees_bundles, "{what}");
            assert_eq!(
                requestable_audiences(&u, row.part),
                row.requests_bundles,
                "{what}"
            );
            // Nobody adds evidence to a draft or a closed case but the office, to a closed one.
            assert!(!may_upload(&u, State::Draft, row.part), "{what}");
            assert_eq!(may_upload(&u, State::Closed, row.part), is_officer(&u), "{what}");
            // A party corrects only its own side's current exhibits.
            for side in [Side::Office, Side::Complainant, Side::Respondent] {
                assert_eq!(
                    may_supersede(&u, row.part, side, true),
                    row.files_for == Some(side) || is_officer(&u),
                    "{what} {side:?}"
                );
                assert!(
                    !may_supersede(&u, row.part, side, false),
                    "{what}: a superseded exhibit"
                );
            }
        }
    }

    #[test]
    fn only_officers_and_the_complainant_of_an_open_draft_cite_rights() {
        for role in Role::ALL {
            let u = user(role);
            for &state in State::ALL {
                let own = may_cite(&u, state, Some(u.id));
                let others = may_cite(&u, state, Some(UserId(99)));
                let drafting = matches!(state, State::Draft | State::AwaitingSupplement);
                assert_eq!(
                    own,
                    is_officer(&u) || (role == Role::Complainant && drafting),
                    "{role} {state}"
                );
                assert_eq!(others, is_officer(&u), "{role} {state}");
            }
        }
    }

    #[test]
    fn only_what_the_other_side_may_see_is_served_on_it() {
        assert_eq!(served_on(Side::Complainant, Visibility::Parties), (false, true));
        assert_eq!(served_on(Side::Respondent, Visibility::Parties), (true, false));
        assert_eq!(served_on(Side::Office, Visibility::Parties), (true, true));
        for side in [Side::Office, Side::Complainant, Side::Respondent] {
            for hidden in [Visibility::OwnSide, Visibility::Office] {
                assert_eq!(served_on(side, hidden), (false, false));
            }
        }
    }

    #[test]
    fn mediators_hold_office_accounts_but_are_not_officers() {
        assert!(Role::Mediator.is_office_account());
        assert!(!is_officer(&user(Role::Mediator)));
        for role in [Role::Examiner, Role::Legal, Role::Admin] {
            assert!(role.is_office_account() && is_officer(&user(role)), "{role}");
        }
        for role in [Role::Complainant, Role::Respondent] {
            assert!(!role.is_office_account() && !is_officer(&user(role)), "{role}");
        }
    }
}
