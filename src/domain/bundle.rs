//! Evidence bundles (DESIGN §6): for whom a bundle is made, and where its build stands.

named_values!(
    /// Whose view of the evidence a bundle holds: `office` everything; `parties` what both
    /// sides may see; `complainant` and `respondent` what that side may see.
    Audience, "audience" {
        Office => "office",
        Parties => "parties",
        Complainant => "complainant",
        Respondent => "respondent",
    }
);

named_values!(
    /// A bundle's build, which runs in the background on whichever app server claims it.
    BundleStatus, "bundle-status" {
        Queued => "queued",
        Building => "building",
        Done => "done",
        Failed => "failed",
    }
);

impl Audience {
    /// The sides whose `own_side` exhibits go in: (complainant, respondent). `None` for the
    /// office, which gets every exhibit.
    pub fn sides(self) -> Option<(bool, bool)> {
        match self {
            Audience::Office => None,
            Audience::Parties => Some((false, false)),
            Audience::Complainant => Some((true, false)),
            Audience::Respondent => Some((false, true)),
        }
    }

    /// Whether someone who sees the evidence of `sides` (complainant, respondent) sees all
    /// of this audience's: a party may have its own side's bundles and the parties' one.
    pub fn within(self, sides: (bool, bool)) -> bool {
        match self {
            Audience::Office => false,
            Audience::Parties => sides.0 || sides.1,
            Audience::Complainant => sides.0,
            Audience::Respondent => sides.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_sees_its_own_sides_bundle_and_the_parties_one_only() {
        let complainant = (true, false);
        assert!(Audience::Complainant.within(complainant));
        assert!(Audience::Parties.within(complainant));
        assert!(!Audience::Respondent.within(complainant));
        assert!(!Audience::Office.within(complainant));
        assert!(!Audience::Parties.within((false, false)));
    }
}
