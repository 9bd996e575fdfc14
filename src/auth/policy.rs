//! The access policy in one place: which roles hold which permission, and what each route
//! needs (the table itself is in `routes`, next to the routes it guards).

use crate::domain::Role;
use crate::models::case::CaseScope;
use crate::models::user::User;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Create staff accounts, deactivate and reactivate accounts.
    ManageUsers,
    /// Read and search the audit log.
    ViewAudit,
    /// See every notice's fate and send failed ones again.
    ManageOutbox,
    /// File a complaint: complainants their own, office staff on someone's behalf.
    FileCase,
    /// Correct a filed case's data and write internal notes.
    EditCase,
    /// Add and correct rights in the registry by hand.
    EditRights,
    /// Load offices' bibliographic files into the registry.
    ImportRights,
}

/// Which roles hold each permission. Nothing is granted that is not listed here.
const GRANTS: &[(Permission, &[Role])] = &[
    (Permission::ManageUsers, &[Role::Admin]),
    (Permission::ViewAudit, &[Role::Admin]),
    (Permission::ManageOutbox, &[Role::Admin]),
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
            ] {
                assert_eq!(allows(role, p), role == Role::Admin, "{role} {p:?}");
            }
        }
    }
}
