//! The complaint form: what was typed (kept whole, so nothing is lost on a refusal), and its
//! parsing into case fields — leniently for a draft, completely for filing.

use crate::domain::case::{format_amount, parse_amount};
use crate::domain::{Country, Currency, Email, Kind, Origin, PartyKind, PartySize, Track};
use crate::models::case::{CaseFields, CaseRow, PartyFields};
use crate::web::page::FieldErrors;

/// Respondents one form can name.
pub const MAX_RESPONDENTS: usize = 10;

/// One party as typed. `prefix` names its fields: `c_` for the complainant, `r0_`, `r1_`… for
/// respondents.
#[derive(Clone, Debug, Default)]
pub struct PartyInput {
    pub prefix: String,
    pub kind: String,
    pub name: String,
    pub registration_no: String,
    pub size: String,
    pub address: String,
    pub email: String,
    pub phone: String,
    pub counsel_name: String,
    pub counsel_firm: String,
    pub counsel_email: String,
    pub country: String,
}

impl PartyInput {
    fn slot(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "kind" => &mut self.kind,
            "name" => &mut self.name,
            "registration_no" => &mut self.registration_no,
            "size" => &mut self.size,
            "address" => &mut self.address,
            "email" => &mut self.email,
            "phone" => &mut self.phone,
            "counsel_name" => &mut self.counsel_name,
            "counsel_firm" => &mut self.counsel_firm,
            "counsel_email" => &mut self.counsel_email,
            "country" => &mut self.country,
            _ => return None,
        })
    }

    fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.registration_no,
            &self.address,
            &self.email,
            &self.phone,
            &self.counsel_name,
            &self.counsel_firm,
            &self.counsel_email,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    fn from_row(prefix: String, p: &PartyFields) -> Self {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        PartyInput {
            prefix,
            kind: p.party_kind.clone(),
            name: p.name.clone(),
            registration_no: o(&p.registration_no),
            size: o(&p.size),
            address: o(&p.address),
            email: o(&p.email),
            phone: o(&p.phone),
            counsel_name: o(&p.counsel_name),
            counsel_firm: o(&p.counsel_firm),
            counsel_email: o(&p.counsel_email),
            country: o(&p.country),
        }
    }

    pub fn field(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The free-text fields in form order: name, value, input type, label key.
    pub fn text_fields(&self) -> [(&'static str, &str, &'static str, &'static str); 8] {
        [
            ("name", &self.name, "text", "party-field-name"),
            (
                "registration_no",
                &self.registration_no,
                "text",
                "party-field-registration",
            ),
            ("address", &self.address, "text", "party-field-address"),
            ("email", &self.email, "email", "party-field-email"),
            ("phone", &self.phone, "tel", "party-field-phone"),
            (
                "counsel_name",
                &self.counsel_name,
                "text",
                "party-field-counsel-name",
            ),
            (
                "counsel_firm",
                &self.counsel_firm,
                "text",
                "party-field-counsel-firm",
            ),
            (
                "counsel_email",
                &self.counsel_email,
                "email",
                "party-field-counsel-email",
            ),
        ]
    }
}

#[derive(Clone, Debug, Default)]
pub struct CaseInput {
    pub draft_key: String,
    pub track: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub ipc_class: String,
    pub damages_amount: String,
    pub damages_currency: String,
    pub remedy: String,
    pub origin: String,
    pub origin_reference: String,
    pub complainant: PartyInput,
    pub respondents: Vec<PartyInput>,
    /// Which button was pressed: `save`, `submit` or `add_respondent`.
    pub action: String,
}

fn respondent(i: usize) -> PartyInput {
    PartyInput {
        prefix: format!("r{i}_"),
        kind: PartyKind::Organisation.as_str().into(),
        ..PartyInput::default()
    }
}

impl CaseInput {
    /// A new, empty form.
    pub fn blank(draft_key: String) -> Self {
        CaseInput {
            draft_key,
            track: Track::Mediation.as_str().into(),
            origin: Origin::SelfFiled.as_str().into(),
            damages_currency: Currency::Krw.as_str().into(),
            complainant: PartyInput {
                prefix: "c_".into(),
                kind: PartyKind::Organisation.as_str().into(),
                ..PartyInput::default()
            },
            respondents: vec![respondent(0)],
            ..CaseInput::default()
        }
    }

    /// What the browser sent. Unknown fields are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut input = CaseInput::blank(String::new());
        input.respondents = (0..MAX_RESPONDENTS).map(respondent).collect();
        for (key, value) in pairs {
            if let Some(slot) = input.slot(key) {
                *slot = value.clone();
            }
        }
        input.respondents.retain(|r| !r.is_blank());
        for (i, r) in input.respondents.iter_mut().enumerate() {
            r.prefix = format!("r{i}_");
        }
        if input.respondents.is_empty() || input.action == "add_respondent" {
            let next = input.respondents.len();
            if next < MAX_RESPONDENTS {
                input.respondents.push(respondent(next));
            }
        }
        input
    }

    /// The field a form's name stands for, if any.
    fn slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "draft_key" => &mut self.draft_key,
            "track" => &mut self.track,
            "kind" => &mut self.kind,
            "title" => &mut self.title,
            "description" => &mut self.description,
            "ipc_class" => &mut self.ipc_class,
            "damages_amount" => &mut self.damages_amount,
            "damages_currency" => &mut self.damages_currency,
            "remedy" => &mut self.remedy,
            "origin" => &mut self.origin,
            "origin_reference" => &mut self.origin_reference,
            "action" => &mut self.action,
            other => {
                if let Some(field) = other.strip_prefix("c_") {
                    return self.complainant.slot(field);
                }
                let (index, field) = other.strip_prefix('r')?.split_once('_')?;
                return self
                    .respondents
                    .get_mut(index.parse::<usize>().ok()?)?
                    .slot(field);
            }
        })
    }

    /// The form with each refused field as a new form has it: what a draft saved while the
    /// form is typed can keep when a field is not valid yet (an e-mail address half written).
    pub fn keeping_valid(&self, errors: &FieldErrors) -> CaseInput {
        let mut blank = CaseInput::blank(String::new());
        blank.respondents = (0..MAX_RESPONDENTS).map(respondent).collect();
        let mut kept = self.clone();
        for (field, _) in errors.fields() {
            if let (Some(slot), Some(value)) = (kept.slot(field), blank.slot(field)) {
                *slot = value.clone();
            }
        }
        kept
    }

    /// The form for a saved case.
    pub fn from_case(row: &CaseRow, parties: &[PartyFields]) -> Self {
        let mut respondents: Vec<PartyInput> = parties
            .iter()
            .filter(|p| p.side == "respondent")
            .enumerate()
            .map(|(i, p)| PartyInput::from_row(format!("r{i}_"), p))
            .collect();
        if respondents.is_empty() {
            respondents.push(respondent(0));
        }
        let complainant = parties
            .iter()
            .find(|p| p.side == "complainant")
            .map(|p| PartyInput::from_row("c_".into(), p))
            .unwrap_or_else(|| PartyInput {
                prefix: "c_".into(),
                ..PartyInput::default()
            });
        CaseInput {
            draft_key: row.draft_key.clone(),
            track: row.track.as_str().to_owned(),
            kind: row.kind.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            ipc_class: row.ipc_class.clone().unwrap_or_default(),
            damages_amount: row.damages_amount.map(format_amount).unwrap_or_default(),
            damages_currency: row
                .damages_currency
                .clone()
                .unwrap_or_else(|| Currency::Krw.as_str().into()),
            remedy: row.remedy.clone(),
            origin: row.origin.as_str().to_owned(),
            origin_reference: row.origin_reference.clone().unwrap_or_default(),
            complainant,
            respondents,
            action: String::new(),
        }
    }

    pub fn can_add_respondent(&self) -> bool {
        self.respondents.len() < MAX_RESPONDENTS
    }

    /// Parses the form. For a draft (`complete` false) only what is too long or malformed
    /// is refused; filing needs everything.
    pub fn parse(&self, complete: bool) -> Result<(CaseFields, Vec<PartyFields>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut text = |field: &str, value: &str, max: usize, required: bool| -> String {
            let v = value.trim();
            if v.chars().count() > max {
                errors.add(field.to_owned(), "err-too-long");
            } else if complete && required && v.is_empty() {
                errors.add(field.to_owned(), "err-required");
            } else if v
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                errors.add(field.to_owned(), "err-control-characters");
            }
            v.to_owned()
        };
        let title = text("title", &self.title, 200, true);
        let description = text("description", &self.description, 20_000, true);
        let remedy = text("remedy", &self.remedy, 5_000, true);
        let ipc_class = text("ipc_class", &self.ipc_class, 50, false);
        let origin_reference = text("origin_reference", &self.origin_reference, 100, false);
        // A kind may wait until filing (its list starts with "choose"); a track and an origin
        // are preselected, and every case, a draft too, has one the database knows.
        if (complete || !self.kind.is_empty()) && Kind::parse(&self.kind).is_none() {
            errors.add("kind", "err-choose");
        }
        let kind = self.kind.clone();
        let track = Track::parse(&self.track);
        if track.is_none() {
            errors.add("track", "err-choose");
        }
        let origin = Origin::parse(&self.origin);
        if origin.is_none() {
            errors.add("origin", "err-choose");
        }
        let damages_amount = match self.damages_amount.trim() {
            "" => None,
            raw => match parse_amount(raw) {
                Some(v) => Some(v),
                None => {
                    errors.add("damages_amount", "err-amount");
                    None
                }
            },
        };
        let damages_currency = match damages_amount {
            Some(_) if Currency::parse(&self.damages_currency).is_none() => {
                errors.add("damages_currency", "err-choose");
                None
            }
            Some(_) => Some(self.damages_currency.clone()),
            None => None,
        };
        if complete && origin.is_some_and(|o| o != Origin::SelfFiled) && origin_reference.is_empty() {
            errors.add("origin_reference", "err-origin-reference");
        }
        let mut parties = Vec::new();
        let sides = std::iter::once(("complainant", &self.complainant))
            .chain(self.respondents.iter().map(|r| ("respondent", r)));
        let mut respondents = 0;
        for (side, p) in sides {
            if side == "respondent" && p.is_blank() {
                continue;
            }
            let position = if side == "respondent" {
                respondents += 1;
                respondents - 1
            } else {
                0
            };
            parties.push(self.party(side, position, p, complete, &mut errors));
        }
        if complete && respondents == 0 {
            errors.add("r0_name", "err-respondent-required");
        }
        let (Some(track), Some(origin), true) = (track, origin, errors.is_empty()) else {
            return Err(errors);
        };
        let fields = CaseFields {
            track,
            kind,
            title,
            description,
            ipc_class: Some(ipc_class).filter(|s| !s.is_empty()),
            damages_amount,
            damages_currency,
            remedy,
            origin,
            origin_reference: Some(origin_reference).filter(|s| !s.is_empty()),
        };
        Ok((fields, parties))
    }

    fn party(
        &self,
        side: &str,
        position: i32,
        p: &PartyInput,
        complete: bool,
        errors: &mut FieldErrors,
    ) -> PartyFields {
        let mut text = |name: &str, value: &str, max: usize, required: bool| -> Option<String> {
            let v = value.trim();
            let field = p.field(name);
            if v.chars().count() > max {
                errors.add(field, "err-too-long");
            } else if complete && required && v.is_empty() {
                errors.add(field, "err-required");
            } else if v.chars().any(char::is_control) {
                errors.add(field, "err-control-characters");
            }
            Some(v.to_owned()).filter(|v| !v.is_empty())
        };
        let name = text("name", &p.name, 200, true).unwrap_or_default();
        let registration_no = text("registration_no", &p.registration_no, 50, false);
        let address = text("address", &p.address, 500, false);
        let phone = text("phone", &p.phone, 50, false);
        let counsel_name = text("counsel_name", &p.counsel_name, 200, false);
        let counsel_firm = text("counsel_firm", &p.counsel_firm, 200, false);
        let mut email = |name: &str, value: &str| -> Option<String> {
            let v = value.trim();
            if v.is_empty() {
                return None;
            }
            match Email::parse(v) {
                Ok(e) => Some(e.as_str().to_owned()),
                Err(e) => {
                    errors.add(p.field(name), e.message_key());
                    Some(v.to_owned())
                }
            }
        };
        let email_ = email("email", &p.email);
        let counsel_email = email("counsel_email", &p.counsel_email);
        if complete && side == "complainant" && email_.is_none() && phone.is_none() {
            errors.add(p.field("email"), "err-contact-required");
        }
        for (field, valid) in [
            ("kind", PartyKind::parse(&p.kind).is_some()),
            ("size", p.size.is_empty() || PartySize::parse(&p.size).is_some()),
            (
                "country",
                p.country.is_empty() || Country::parse(&p.country).is_some(),
            ),
        ] {
            if !valid {
                errors.add(p.field(field), "err-choose");
            }
        }
        PartyFields {
            side: side.to_owned(),
            position,
            party_kind: PartyKind::parse(&p.kind)
                .unwrap_or(PartyKind::Organisation)
                .as_str()
                .to_owned(),
            name,
            registration_no,
            size: Some(p.size.clone()).filter(|s| !s.is_empty()),
            address,
            email: email_,
            phone,
            counsel_name,
            counsel_firm,
            counsel_email,
            country: Some(p.country.clone()).filter(|s| !s.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn complete() -> Vec<(String, String)> {
        pairs(&[
            ("track", "mediation"),
            ("kind", "trade_secret"),
            ("title", "Battery separator process copied"),
            (
                "description",
                "Our coating process was disclosed by a former employee.",
            ),
            ("remedy", "Stop using the process; damages."),
            ("origin", "self_filed"),
            ("damages_amount", "1,200,000,000"),
            ("damages_currency", "KRW"),
            ("c_kind", "organisation"),
            ("c_name", "(주)한빛테크"),
            ("c_email", "legal@hanbit.example"),
            ("r0_kind", "organisation"),
            ("r0_name", "Megacorp Ltd"),
            ("r3_name", "Second Respondent Co"),
        ])
    }

    #[test]
    fn a_complete_form_parses_with_its_respondents_renumbered() {
        let input = CaseInput::from_pairs(&complete());
        let (fields, parties) = input.parse(true).unwrap();
        assert_eq!(fields.damages_amount, Some(1_200_000_000));
        assert_eq!(parties.len(), 3);
        assert_eq!(
            (
                parties[2].side.as_str(),
                parties[2].position,
                parties[2].name.as_str()
            ),
            ("respondent", 1, "Second Respondent Co")
        );
    }

    #[test]
    fn filing_needs_everything_but_a_draft_does_not() {
        let input = CaseInput::from_pairs(&pairs(&[("title", "Half written"), ("c_name", "Kim")]));
        assert!(input.parse(false).is_ok());
        let errors = input.parse(true).unwrap_err();
        for field in ["kind", "description", "remedy", "r0_name", "c_email"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn malformed_values_are_refused_even_in_a_draft() {
        let input = CaseInput::from_pairs(&pairs(&[
            ("damages_amount", "lots"),
            ("c_email", "nope"),
            ("kind", "x"),
        ]));
        let errors = input.parse(false).unwrap_err();
        assert_eq!(errors.get("damages_amount"), Some("err-amount"));
        assert_eq!(errors.get("c_email"), Some("err-email-invalid"));
        assert_eq!(errors.get("kind"), Some("err-choose"));
        assert_eq!(input.damages_amount, "lots", "what was typed is kept");
    }

    #[test]
    fn a_draft_without_a_track_or_origin_is_refused_but_one_without_a_kind_is_not() {
        for field in ["track", "origin"] {
            let input = CaseInput::from_pairs(&pairs(&[("title", "Half written"), (field, "")]));
            let errors = input.parse(false).unwrap_err();
            assert_eq!(errors.get(field), Some("err-choose"), "{field}");
        }
        let input = CaseInput::from_pairs(&pairs(&[("title", "Half written"), ("kind", "")]));
        assert!(input.parse(false).is_ok());
    }

    #[test]
    fn a_referred_case_names_the_referring_bodys_number() {
        let mut p = complete();
        p.push(("origin".into(), "court".into()));
        let errors = CaseInput::from_pairs(&p).parse(true).unwrap_err();
        assert_eq!(errors.get("origin_reference"), Some("err-origin-reference"));
    }

    #[test]
    fn a_draft_keeps_what_is_valid_and_blanks_only_what_is_not_yet() {
        let input = CaseInput::from_pairs(&pairs(&[
            ("title", "Half written"),
            ("damages_amount", "12,0oo"),
            ("c_name", "Kim"),
            ("c_email", "kim@hanbit"),
            ("r0_name", "Megacorp"),
            ("r2_name", "Second Respondent Co"),
            ("r2_email", "legal@"),
        ]));
        let errors = input.parse(false).unwrap_err();
        let kept = input.keeping_valid(&errors);
        let (fields, parties) = kept.parse(false).unwrap();
        assert_eq!(fields.title, "Half written");
        assert_eq!(fields.damages_amount, None);
        assert_eq!(parties[0].name, "Kim");
        assert_eq!(parties[0].email, None);
        // The second respondent, renumbered r1_, loses its e-mail address and nothing else.
        assert_eq!(parties[2].name, "Second Respondent Co");
        assert_eq!(parties[2].email, None);
        assert_eq!(parties[1].name, "Megacorp");
    }

    #[test]
    fn add_respondent_opens_another_slot() {
        let mut p = complete();
        p.push(("action".into(), "add_respondent".into()));
        let input = CaseInput::from_pairs(&p);
        assert_eq!(input.respondents.len(), 3);
        assert_eq!(input.respondents[2].prefix, "r2_");
    }
}
