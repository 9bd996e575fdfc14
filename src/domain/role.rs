use std::fmt;

/// Who someone is to the office (DESIGN §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Complainant,
    Respondent,
    Examiner,
    Legal,
    Mediator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Complainant,
        Role::Respondent,
        Role::Examiner,
        Role::Legal,
        Role::Mediator,
        Role::Admin,
    ];

    /// Roles an administrator gives to office accounts; parties come in by themselves.
    pub const OFFICE_ACCOUNTS: [Role; 4] = [Role::Examiner, Role::Legal, Role::Mediator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Complainant => "complainant",
            Role::Respondent => "respondent",
            Role::Examiner => "examiner",
            Role::Legal => "legal",
            Role::Mediator => "mediator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// An account the administrator gives (mediators included), not one a party registers.
    /// Who handles every case is the access policy's question (`auth::policy::is_officer`).
    pub fn is_office_account(self) -> bool {
        Role::OFFICE_ACCOUNTS.contains(&self)
    }

    /// The translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Complainant => "role-complainant",
            Role::Respondent => "role-respondent",
            Role::Examiner => "role-examiner",
            Role::Legal => "role-legal",
            Role::Mediator => "role-mediator",
            Role::Admin => "role-admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
