//! The case (DESIGN §2): its number, what kind of dispute it is, which track it follows,
//! where it stands, who the parties are. Values the forms send are parsed here, once.

use std::fmt;

named_values!(
    /// What the dispute is about.
    Kind, "kind" {
        Patent => "patent",
        UtilityModel => "utility_model",
        Design => "design",
        Trademark => "trademark",
        TradeSecret => "trade_secret",
        UnfairCompetition => "unfair_competition",
        EmployeeInvention => "employee_invention",
        Licence => "licence",
    }
);

named_values!(
    /// Mediation of a dispute, or investigation of a report.
    Track, "track" {
        Mediation => "mediation",
        Investigation => "investigation",
    }
);

named_values!(
    /// Where a case stands (DESIGN §3); the workflow moves it.
    State, "state" {
        Draft => "draft",
        Filed => "filed",
        IntakeReview => "intake_review",
        AwaitingSupplement => "awaiting_supplement",
        RespondentNotified => "respondent_notified",
        PanelAssignment => "panel_assignment",
        InMediation => "in_mediation",
        ProposalIssued => "proposal_issued",
        UnderInvestigation => "under_investigation",
        CorrectionRecommended => "correction_recommended",
        CorrectionOrdered => "correction_ordered",
        Settled => "settled",
        NotSettled => "not_settled",
        DeemedNotSettled => "deemed_not_settled",
        Withdrawn => "withdrawn",
        Discontinued => "discontinued",
        Rejected => "rejected",
        ReferredOut => "referred_out",
        Closed => "closed",
    }
);

named_values!(
    /// How the case came to the office.
    Origin, "origin" {
        SelfFiled => "self_filed",
        Prosecutor => "prosecutor",
        TrialBoard => "trial_board",
        Court => "court",
    }
);

named_values!(PartyKind, "party-kind" { Person => "person", Organisation => "organisation" });

named_values!(PartySize, "party-size" { Individual => "individual", Sme => "sme", Large => "large" });

named_values!(
    /// Where a party is established (ISO 3166 alpha-2): Korea, the countries the office's
    /// disputes most often involve, and any other.
    Country, "country" {
        Kr => "KR",
        Us => "US",
        Jp => "JP",
        Cn => "CN",
        Tw => "TW",
        De => "DE",
        Fr => "FR",
        Gb => "GB",
        Nl => "NL",
        Ch => "CH",
        Se => "SE",
        Fi => "FI",
        It => "IT",
        Il => "IL",
        In => "IN",
        Sg => "SG",
        Vn => "VN",
        Ca => "CA",
        Other => "ZZ",
    }
);

named_values!(
    /// Who may read a note: the office and panel only, or the parties too.
    NoteVisibility, "note" {
        Internal => "internal",
        Shared => "shared",
    }
);

named_values!(Currency, "currency" { Krw => "KRW", Usd => "USD", Eur => "EUR", Jpy => "JPY", Cny => "CNY" });

impl State {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            State::Settled
                | State::NotSettled
                | State::DeemedNotSettled
                | State::Withdrawn
                | State::Discontinued
                | State::Rejected
                | State::ReferredOut
                | State::Closed
        )
    }
}

/// `IPD-YYYY-NNNNN`: sequential per calendar year of filing, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CaseNumber {
    pub year: i32,
    pub seq: i32,
}

impl CaseNumber {
    pub fn parse(s: &str) -> Option<CaseNumber> {
        let rest = s.trim().strip_prefix("IPD-")?;
        let (year, seq) = rest.split_once('-')?;
        let ok = year.len() == 4
            && seq.len() >= 5
            && (year.chars().chain(seq.chars())).all(|c| c.is_ascii_digit());
        if !ok {
            return None;
        }
        let number = CaseNumber {
            year: year.parse().ok()?,
            seq: seq.parse().ok()?,
        };
        // One spelling only: a number with extra leading zeros is not the same URL.
        (number.seq >= 1 && number.to_string() == s.trim()).then_some(number)
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IPD-{:04}-{:05}", self.year, self.seq)
    }
}

/// An amount of money as people type it: digits with optional thousands separators.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let digits: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{a0}'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Shown with thousands separators, as people read it.
pub fn format_amount(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_have_one_spelling() {
        let n = CaseNumber { year: 2026, seq: 42 };
        assert_eq!(n.to_string(), "IPD-2026-00042");
        assert_eq!(CaseNumber::parse("IPD-2026-00042"), Some(n));
        assert_eq!(
            CaseNumber::parse("IPD-2026-123456"),
            Some(CaseNumber {
                year: 2026,
                seq: 123_456
            })
        );
        for bad in [
            "IPD-2026-0042",
            "IPD-2026-000042",
            "ipd-2026-00042",
            "IPD-26-00042",
            "IPD-2026-00000",
            "IPD-2026-0004a",
            "1",
        ] {
            assert_eq!(CaseNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn named_values_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(State::parse("in_mediation"), Some(State::InMediation));
        assert_eq!(State::Filed.label_key(), "state-filed");
        assert!(State::Closed.is_terminal() && !State::Filed.is_terminal());
        assert_eq!(Currency::parse("KRW"), Some(Currency::Krw));
    }

    #[test]
    fn amounts_are_read_as_people_write_them() {
        assert_eq!(parse_amount("1,250,000,000"), Some(1_250_000_000));
        assert_eq!(parse_amount(" 300 000 "), Some(300_000));
        assert_eq!(parse_amount("12.5"), None);
        assert_eq!(parse_amount("-5"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(format_amount(1_250_000_000), "1,250,000,000");
        assert_eq!(format_amount(999), "999");
    }
}
