//! Document numbers of patents, utility models, designs and (KR) trademarks.
//!
//! A [`PatentNumber`] identifies one published document the way EPO DOCDB does: WIPO ST.3 country, DOCDB
//! number and, when known, WIPO ST.16 kind. It is read from what people type ([`PatentNumber::parse`]), from
//! the parts of an office's XML document-id ([`PatentNumber::from_parts`]) and from its own DOCDB key
//! ([`PatentNumber::from_docdb`]).
//!
//! Application numbers are not documents. Where their form gives them away (US `13/648,029`, EP 8 digits,
//! `PCT/…`, CN with check digit, JP `特願`) they are refused with `number-application`. Where it does not
//! (US serials below 20,000,000, JP `yyyy-nnnnnn`, KR `tt-yyyy-nnnnnnn`, plain digits of other offices)
//! they read as the publication of the same form, so callers pass publication references only.

use std::fmt;
use std::hash::{Hash, Hasher};

named_values!(
    /// The kind of right a number denotes.
    RightKind, "right-kind" { Patent => "patent", UtilityModel => "utility_model", Design => "design", Trademark => "trademark" }
);

/// A published document number: ST.3 country, DOCDB number and, when known, ST.16 kind.
///
/// Equality and hashing ignore whether the kind was presumed: "KR 10-1503659" and "KR 10-1503659 B1" name
/// the same document.
#[derive(Clone, Debug)]
pub struct PatentNumber {
    country: String,
    number: String,
    kind: Option<String>,
    presumed: bool,
    /// `None` where neither the number's form nor its kind tells (a JP registration without kind, a KR
    /// publication in DOCDB form without kind, other offices' plain numbers).
    right: Option<RightKind>,
}

impl PartialEq for PatentNumber {
    fn eq(&self, other: &Self) -> bool {
        (&self.country, &self.number, &self.kind, self.right)
            == (&other.country, &other.number, &other.kind, other.right)
    }
}

impl Eq for PatentNumber {}

impl Hash for PatentNumber {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.country, &self.number, &self.kind, self.right).hash(state);
    }
}

impl PatentNumber {
    /// Reads what people type and what documents print: "US 8,930,553 B2", "KR 10-1503659", "KR10-2015-0012345",
    /// "EP 1 000 000 A1", "WO 2019/123456 A1", "WO 98/10617", "JP 2006-147056 A", "JP H10-123456 A",
    /// "特開平10-123456", "US 2015/0012345 A1", "USD460971S", "US RE45,123 E", "USPP12345", "DE 10 2004 012 345 A1",
    /// "CN 101234567 A", EPO citation style "EP-A1- 3 109 871", and DOCDB keys.
    ///
    /// Case, spacing, full-width forms (U+FF01..U+FF5E, U+3000), dash variants, dots, commas and slashes are
    /// forgiven. A kind code missing from the input is presumed only where the office's numbering makes it
    /// certain (see [`PatentNumber::kind_presumed`]).
    pub fn parse(input: &str) -> Result<PatentNumber, NumberError> {
        let (text, kanji_kind) = rewrite_kanji(input)?;
        read_text(&normalize(&text)?, kanji_kind.map(String::from))
    }

    /// Builds a number from a document-id as offices' XML gives it: country, doc-number in the office's own
    /// format (USPTO "08930553", "D0460971", "RE045123", "2014/0101322", "20140101323"; KIPRIS 13 digits
    /// "1019850010013" and "1000319440000"; WO "03/015838", "02/64032", "2004008765"; EP "1000000" or epodoc
    /// "EP1000000"; …) and kind. The doc-number may carry the country itself ("WO 03/015838").
    ///
    /// KIPRIS 13-digit numbers are `tt yyyy nnnnnnn` (application/publication) or `tt nnnnnnn 0000`
    /// (registration); a 13-digit number ending in "0000" is read as a registration.
    pub fn from_parts(country: &str, number: &str, kind: Option<&str>) -> Result<PatentNumber, NumberError> {
        let country = normalize(country)?;
        let country = country.trim();
        if country.is_empty() {
            return Err(NumberError::new(
                "number-no-country",
                vec![("input", number.trim().to_string())],
            ));
        }
        if !is_st3(country) {
            return Err(NumberError::new(
                "number-unknown-country",
                vec![("country", country.to_string())],
            ));
        }
        let (number, kanji_kind) = rewrite_kanji(number)?;
        let number = normalize(&number)?;
        let number = number.trim_matches(SEPARATORS);
        let kind = match kind.map(str::trim) {
            None | Some("") => None,
            Some(kind) => Some(kind_syntax(&normalize(kind)?)?),
        };
        let kind = merge_kind(kanji_kind.map(String::from), kind)?;
        if number.starts_with(country) {
            read_text(number, kind)
        } else {
            read_text(&format!("{country} {number}"), kind)
        }
    }

    /// Reads the `/rights/{docdb}` URL key back: accepts exactly what [`PatentNumber::docdb`] produces.
    pub fn from_docdb(s: &str) -> Result<PatentNumber, NumberError> {
        let number = Self::parse(s)?;
        if number.docdb() == s {
            Ok(number)
        } else {
            Err(NumberError::new(
                "number-not-docdb",
                vec![("input", s.to_string()), ("docdb", number.docdb())],
            ))
        }
    }

    /// The ST.3 country or organisation code, e.g. "KR".
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The DOCDB number part, e.g. "101503659", "2015012345", "D460971".
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The ST.16 kind code, e.g. "B1"; `None` when unknown.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// Whether the kind was not given but presumed from the office's numbering (KR `10-nnnnnnn` → B1,
    /// KR `10-yyyy-nnnnnnn` from 1998 → A, US `yyyy/nnnnnnn` → A1, US D → S, US RE → E, US H → H,
    /// JP `yyyy-nnnnnn` → A).
    pub fn kind_presumed(&self) -> bool {
        self.presumed
    }

    /// The kind of right; `Patent` when neither the number's form nor its kind tells.
    pub fn right_kind(&self) -> RightKind {
        self.right.unwrap_or(RightKind::Patent)
    }

    /// The DOCDB key: "US8930553B2", "KR101503659B1", "EP1000000A1"; without kind when unknown: "US8930553".
    pub fn docdb(&self) -> String {
        format!("{}{}", self.base(), self.kind().unwrap_or(""))
    }

    /// Country and number without kind, grouping all kinds of one number: "KR101503659".
    ///
    /// KR publications of patents and utility models share DOCDB numbers (`yyyy` + serial), as in DOCDB.
    pub fn base(&self) -> String {
        format!("{}{}", self.country, self.number)
    }

    /// The human form in the office's own style: "US 8,930,553 B2", "KR 10-1503659 B1",
    /// "KR 10-2015-0012345 A", "EP 1 000 000 A1", "WO 2019/123456 A1", "JP 2006-147056 A", "US 2015/0012345 A1".
    pub fn display(&self) -> String {
        let number = &self.number;
        let shown = match self.country.as_str() {
            "US" => show_us(number),
            "KR" => show_kr(number, self.right),
            "JP" => show_jp(number),
            "EP" => format!("{} {} {}", &number[..1], &number[1..4], &number[4..]),
            "WO" if number.len() == 10 => format!("{}/{}", &number[..4], &number[4..]),
            "WO" => format!("{}/{}", &number[..2], &number[2..]),
            "DE" => show_de(number),
            _ => number.clone(),
        };
        match self.kind() {
            Some(kind) => format!("{} {shown} {kind}", self.country),
            None => format!("{} {shown}", self.country),
        }
    }
}

impl fmt::Display for PatentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Why an input cannot be read, translatable: a Fluent message key plus named arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberError {
    key: &'static str,
    args: Vec<(&'static str, String)>,
}

impl NumberError {
    fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        NumberError { key, args }
    }

    /// The Fluent message key, e.g. "number-empty", "number-unknown-country", "number-kr-prefix".
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The message's named arguments, e.g. `[("country", "XX")]`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        self.args.clone()
    }

    fn arg(&self, name: &str) -> &str {
        self.args.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v)
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = |name| self.arg(name);
        match self.key {
            "number-empty" => write!(f, "No number was entered."),
            "number-no-country" => {
                write!(
                    f,
                    "\"{}\" has no country code; put it first, e.g. KR 10-1503659.",
                    a("input")
                )
            }
            "number-unknown-country" => write!(f, "{} is not a WIPO ST.3 country code.", a("country")),
            "number-garbage" => write!(
                f,
                "The character \"{}\" cannot appear in a patent number.",
                a("character")
            ),
            "number-missing" => write!(
                f,
                "Only the country code {} was given; the number is missing.",
                a("country")
            ),
            "number-length" => write!(
                f,
                "{} {} has too few or too many digits; expected {}.",
                a("country"),
                a("number"),
                a("expected")
            ),
            "number-form" => write!(
                f,
                "{} {} is not written the way this office numbers its documents; expected {}.",
                a("country"),
                a("number"),
                a("expected")
            ),
            "number-unsupported" => write!(
                f,
                "For {0} only digits with an optional kind code can be read (e.g. {0} 1234567 A1), not \"{1}\".",
                a("country"),
                a("number")
            ),
            "number-application" => write!(
                f,
                "{} {} is an application number, not a publication or registration number.",
                a("country"),
                a("number")
            ),
            "number-kr-prefix" => write!(
                f,
                "KR numbers start with 10 (patent), 20 (utility model), 30 (design) or 40 (trademark), not {}.",
                a("prefix")
            ),
            "number-jp-era" => write!(
                f,
                "JP era year {} does not occur in JP numbers; they used Showa S01–S64 and Heisei H01–H11, \
                 then the Western year from 2000.",
                a("era")
            ),
            "number-kind-unknown" => write!(
                f,
                "{0} kind code {1} does not exist; {0} uses {2}.",
                a("country"),
                a("kind"),
                a("allowed")
            ),
            "number-kind-form" => write!(
                f,
                "Kind code {} does not fit {} {}; expected {}.",
                a("kind"),
                a("country"),
                a("number"),
                a("allowed")
            ),
            "number-kind-none" => write!(
                f,
                "{} {} is a trademark registration and takes no kind code, not {}.",
                a("country"),
                a("number"),
                a("kind")
            ),
            "number-kind-syntax" => write!(
                f,
                "\"{}\" is not a kind code; kind codes are a letter and an optional digit, e.g. B1.",
                a("kind")
            ),
            "number-kind-conflict" => {
                write!(
                    f,
                    "Two different kind codes were given: {} and {}.",
                    a("given"),
                    a("found")
                )
            }
            "number-not-docdb" => write!(
                f,
                "\"{}\" is not a DOCDB key; its DOCDB key is {}.",
                a("input"),
                a("docdb")
            ),
            key => f.write_str(key),
        }
    }
}

impl std::error::Error for NumberError {}

/// Characters that separate groups of digits as people write them.
const SEPARATORS: &[char] = &[' ', '-', '.', ',', '/'];

/// One way an office writes its numbers, with the kinds valid for it.
struct Form {
    /// Valid kinds; `#` stands for any digit 1–9, `*` for any kind.
    kinds: &'static [&'static str],
    /// The kind the office's numbering makes certain when none is given.
    presumed: Option<&'static str>,
    right: Option<RightKind>,
}

/// Why an office reader refused a number; turned into a [`NumberError`] with the office's context.
enum Miss {
    Length,
    Shape,
    Application,
    Error(NumberError),
}

/// A patent office whose numbering is understood in detail, or the generic reader for the others.
struct Office {
    forms: &'static [&'static Form],
    /// The written forms, for error messages.
    expected: &'static str,
    /// The right by the first letter of the kind, where the form leaves it open.
    kind_rights: &'static [(char, RightKind)],
    /// The error key for a number this office does not write that way.
    shape_key: &'static str,
    read: fn(&str) -> Result<(String, &'static Form), Miss>,
}

use RightKind::{Design, Patent, Trademark, UtilityModel};

// USPTO kind codes before and after 2 January 2001 (USPTO "Patent Document Kind Codes"; ST.16).
const US_GRANT: Form = Form {
    kinds: &["A", "B1", "B2", "B3", "C#", "F#", "J#", "K#", "O#"],
    presumed: None,
    right: Some(Patent),
};
const US_PUBLICATION: Form = Form {
    kinds: &["A1", "A2", "A9", "P1", "P4", "P9"],
    presumed: Some("A1"),
    right: Some(Patent),
};
const US_DESIGN: Form = Form {
    kinds: &["S", "C#"],
    presumed: Some("S"),
    right: Some(Design),
};
const US_REISSUE: Form = Form {
    kinds: &["E", "C#"],
    presumed: Some("E"),
    right: Some(Patent),
};
// P2 or P3 depends on an earlier publication, so no kind is presumed.
const US_PLANT: Form = Form {
    kinds: &["P", "P2", "P3", "C#"],
    presumed: None,
    right: Some(Patent),
};
const US_SIR: Form = Form {
    kinds: &["H"],
    presumed: Some("H"),
    right: Some(Patent),
};
const US: Office = Office {
    forms: &[
        &US_GRANT,
        &US_PUBLICATION,
        &US_DESIGN,
        &US_REISSUE,
        &US_PLANT,
        &US_SIR,
    ],
    expected: "8,930,553 / 2015/0012345 / D460,971 / RE45,123 / PP12,345 / H1,234",
    kind_rights: &[],
    shape_key: "number-form",
    read: read_us,
};

// KIPO (EPO "Numbering system – Korea"): tt 10 patent, 20 utility model, 30 design, 40 trademark.
// Before the 1998 reform `yyyy-nnnnnnn` also numbered examined (B/Y) publications, so A/U is presumed from 1998.
const KR_PATENT_PUBLICATION: Form = Form {
    kinds: &["A", "B1"],
    presumed: Some("A"),
    right: Some(Patent),
};
const KR_PATENT_PUBLICATION_OLD: Form = Form {
    kinds: &["A", "B1"],
    presumed: None,
    right: Some(Patent),
};
const KR_UM_PUBLICATION: Form = Form {
    kinds: &["U", "Y1"],
    presumed: Some("U"),
    right: Some(UtilityModel),
};
const KR_UM_PUBLICATION_OLD: Form = Form {
    kinds: &["U", "Y1"],
    presumed: None,
    right: Some(UtilityModel),
};
/// DOCDB drops `tt` from publications, so only the kind tells patent from utility model.
const KR_PUBLICATION: Form = Form {
    kinds: &["A", "B1", "U", "Y1"],
    presumed: None,
    right: None,
};
const KR_PATENT: Form = Form {
    kinds: &["B1"],
    presumed: Some("B1"),
    right: Some(Patent),
};
const KR_UM: Form = Form {
    kinds: &["Y1"],
    presumed: Some("Y1"),
    right: Some(UtilityModel),
};
const KR_DESIGN: Form = Form {
    kinds: &["S"],
    presumed: Some("S"),
    right: Some(Design),
};
/// DOCDB does not cover trademarks: a KR trademark registration is kept as `KR40nnnnnnn` without kind.
const KR_TRADEMARK: Form = Form {
    kinds: &[],
    presumed: None,
    right: Some(Trademark),
};
const KR: Office = Office {
    forms: &[
        &KR_PATENT_PUBLICATION,
        &KR_PATENT_PUBLICATION_OLD,
        &KR_UM_PUBLICATION,
        &KR_UM_PUBLICATION_OLD,
        &KR_PUBLICATION,
        &KR_PATENT,
        &KR_UM,
        &KR_DESIGN,
        &KR_TRADEMARK,
    ],
    expected: "10-NNNNNNN / 10-YYYY-NNNNNNN / 20-… / 30-NNNNNNN / 40-NNNNNNN / 1020150012345",
    kind_rights: &[
        ('A', Patent),
        ('B', Patent),
        ('U', UtilityModel),
        ('Y', UtilityModel),
    ],
    shape_key: "number-form",
    read: read_kr,
};

// JPO (EPO "Numbering system – Japan"): era years until 1999, Western years from 2000, grants without year.
const JP_ERA: Form = Form {
    kinds: &["A", "B1", "B2", "U", "Y1", "Y2"],
    presumed: None,
    right: None,
};
const JP_PUBLICATION: Form = Form {
    kinds: &["A"],
    presumed: Some("A"),
    right: Some(Patent),
};
const JP_REGISTRATION: Form = Form {
    kinds: &["B1", "B2", "C", "U", "Y2", "S"],
    presumed: None,
    right: None,
};
const JP: Office = Office {
    forms: &[&JP_ERA, &JP_PUBLICATION, &JP_REGISTRATION],
    expected: "2006-147056 / H10-123456 / S63-12345 / 5123456",
    kind_rights: &[
        ('A', Patent),
        ('B', Patent),
        ('C', Patent),
        ('U', UtilityModel),
        ('Y', UtilityModel),
        ('S', Design),
    ],
    shape_key: "number-form",
    read: read_jp,
};

const EP_PUBLICATION: Form = Form {
    kinds: &["A1", "A2", "A3", "A4", "A8", "A9", "B1", "B2", "B3", "B8", "B9"],
    presumed: None,
    right: Some(Patent),
};
const EP: Office = Office {
    forms: &[&EP_PUBLICATION],
    expected: "1 000 000",
    kind_rights: &[],
    shape_key: "number-form",
    read: read_ep,
};

const WO_PUBLICATION: Form = Form {
    kinds: &["A1", "A2", "A3", "A4", "A8", "A9"],
    presumed: None,
    right: Some(Patent),
};
const WO: Office = Office {
    forms: &[&WO_PUBLICATION],
    expected: "2019/123456 / 02/064032 / 98/10617",
    kind_rights: &[],
    shape_key: "number-form",
    read: read_wo,
};

// CNIPA (EPO "Numbering system – China"): the first digit is the right; B/U/S before 1993 and again from
// 2010, C/Y/D in between.
const CN_PATENT: Form = Form {
    kinds: &["A", "B", "C"],
    presumed: None,
    right: Some(Patent),
};
const CN_UM: Form = Form {
    kinds: &["U", "Y"],
    presumed: None,
    right: Some(UtilityModel),
};
const CN_DESIGN: Form = Form {
    kinds: &["S", "D"],
    presumed: None,
    right: Some(Design),
};
const CN: Office = Office {
    forms: &[&CN_PATENT, &CN_UM, &CN_DESIGN],
    expected: "101234567 / 1234567",
    kind_rights: &[],
    shape_key: "number-form",
    read: read_cn,
};

// DPMA: 12 digits `tt yyyy nnnnnn` from 2004, 8 digits `t yy nnnnn` 1995–2003, 7 digits before.
const DE_PATENT_KINDS: &[&str] = &[
    "A1", "A8", "A9", "B3", "B4", "C1", "C2", "C5", "C8", "C9", "D1", "D2", "T", "T1", "T2", "T3", "T5",
    "T8", "T9",
];
const DE_PATENT: Form = Form {
    kinds: DE_PATENT_KINDS,
    presumed: None,
    right: Some(Patent),
};
const DE_UM: Form = Form {
    kinds: &["U1", "U8", "U9"],
    presumed: None,
    right: Some(UtilityModel),
};
const DE_OLD: Form = Form {
    kinds: &[
        "A", "A1", "A8", "A9", "B", "B3", "B4", "C", "C1", "C2", "C5", "C8", "C9", "D1", "D2", "T", "T1",
        "T2", "T3", "T5", "T8", "T9", "U", "U1", "U8", "U9",
    ],
    presumed: None,
    right: None,
};
const DE: Office = Office {
    forms: &[&DE_PATENT, &DE_UM, &DE_OLD],
    expected: "10 2004 012 345 / 199 05 327 / 35 46 191",
    kind_rights: &[
        ('U', UtilityModel),
        ('A', Patent),
        ('B', Patent),
        ('C', Patent),
        ('D', Patent),
        ('T', Patent),
    ],
    shape_key: "number-form",
    read: read_de,
};

const GENERIC_FORM: Form = Form {
    kinds: &["*"],
    presumed: None,
    right: None,
};
const GENERIC: Office = Office {
    forms: &[&GENERIC_FORM],
    expected: "1234567",
    kind_rights: &[],
    shape_key: "number-unsupported",
    read: read_generic,
};

fn office(country: &str) -> &'static Office {
    match country {
        "US" => &US,
        "KR" => &KR,
        "JP" => &JP,
        "EP" => &EP,
        "WO" => &WO,
        "CN" => &CN,
        "DE" => &DE,
        _ => &GENERIC,
    }
}

/// WIPO ST.3 codes: the ISO 3166-1 alpha-2 states and territories, the intellectual property organisations,
/// and the former states (DD, SU, CS, YU) whose documents DOCDB still holds. XX ("unknown") is left out.
const ST3: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR \
BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET \
FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ \
IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML \
MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS \
PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL \
TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW \
AP BX EA EM EP GC IB OA QZ WO XN XU XV DD SU CS YU";

fn is_st3(code: &str) -> bool {
    code.len() == 2 && ST3.split(' ').any(|c| c == code)
}

/// Japanese document-type words and what they say about the kind; the number follows them.
const JP_DOCUMENTS: &[(&str, Option<&str>)] = &[
    ("特開", Some("A")),
    ("特表", Some("A")),
    ("特公", Some("B2")),
    ("実開", Some("U")),
    ("実公", Some("Y2")),
    ("特許", None),
];
const JP_APPLICATIONS: &[&str] = &["特願", "実願"];

/// Turns "特開平10-123456" into "JP H10-123456" with kind A, so that the ASCII reader can take it.
fn rewrite_kanji(input: &str) -> Result<(String, Option<&'static str>), NumberError> {
    if JP_APPLICATIONS.iter().any(|word| input.contains(word)) {
        return Err(NumberError::new(
            "number-application",
            vec![("country", "JP".into()), ("number", input.trim().into())],
        ));
    }
    let Some(&(word, kind)) = JP_DOCUMENTS.iter().find(|(word, _)| input.contains(word)) else {
        return Ok((input.to_string(), None));
    };
    let rest: String = input
        .replacen(word, " ", 1)
        .chars()
        .filter(|c| !matches!(c, '第' | '号'))
        .map(|c| match c {
            '平' => 'H',
            '昭' => 'S',
            '令' => 'R',
            c => c,
        })
        .collect();
    let has_country = rest
        .trim_start()
        .get(..2)
        .is_some_and(|cc| cc.eq_ignore_ascii_case("JP"));
    Ok((if has_country { rest } else { format!("JP {rest}") }, kind))
}

/// Maps full-width forms, odd spaces and dashes to ASCII, upper-cases, and refuses anything else.
fn normalize(input: &str) -> Result<String, NumberError> {
    input
        .chars()
        .map(|c| {
            let ascii = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{30FC}' => '-',
                c if c.is_whitespace() => ' ',
                c => c,
            };
            match ascii {
                'A'..='Z' | '0'..='9' | ' ' | '-' | '.' | ',' | '/' => Ok(ascii),
                'a'..='z' => Ok(ascii.to_ascii_uppercase()),
                _ => Err(NumberError::new(
                    "number-garbage",
                    vec![("character", c.to_string())],
                )),
            }
        })
        .collect()
}

/// Reads normalized text: country, optional EPO-citation kind ("EP-A1- 3 109 871"), number, optional kind.
fn read_text(text: &str, given_kind: Option<String>) -> Result<PatentNumber, NumberError> {
    let text = text.trim_matches(SEPARATORS);
    if text.is_empty() {
        return Err(NumberError::new("number-empty", vec![]));
    }
    if text.starts_with("PCT") {
        return Err(NumberError::new(
            "number-application",
            vec![("country", "WO".into()), ("number", text.into())],
        ));
    }
    let country = text
        .get(..2)
        .filter(|cc| cc.bytes().all(|b| b.is_ascii_uppercase()));
    let Some(country) = country else {
        return Err(NumberError::new(
            "number-no-country",
            vec![("input", text.to_string())],
        ));
    };
    if !is_st3(country) {
        return Err(NumberError::new(
            "number-unknown-country",
            vec![("country", country.to_string())],
        ));
    }
    let mut rest = text[2..].trim_start_matches(SEPARATORS);
    let mut kind = given_kind;
    if let Some((lead, after)) = leading_kind(rest) {
        kind = merge_kind(kind, Some(lead.to_string()))?;
        rest = after;
    }
    if let Some((before, trail)) = trailing_kind(rest) {
        kind = merge_kind(kind, Some(trail.to_string()))?;
        rest = before;
    }
    let body = rest.trim_matches(SEPARATORS);
    if body.is_empty() {
        return Err(NumberError::new(
            "number-missing",
            vec![("country", country.to_string())],
        ));
    }
    build(country, body, kind)
}

/// The length of a kind code at the start of `s`: a capital letter and an optional digit.
fn kind_len(s: &[u8]) -> Option<usize> {
    match s {
        [letter, digit, ..] if letter.is_ascii_uppercase() && digit.is_ascii_digit() => Some(2),
        [letter, ..] if letter.is_ascii_uppercase() => Some(1),
        _ => None,
    }
}

/// EPO search reports cite "GB-A- 693 448": a kind, a hyphen and a space before the number.
fn leading_kind(rest: &str) -> Option<(&str, &str)> {
    let len = kind_len(rest.as_bytes())?;
    let after = rest[len..].strip_prefix('-')?;
    after.starts_with(' ').then(|| (&rest[..len], after))
}

/// A kind code at the end, standing apart from letters before it ("USPP12345P2", not the "D" of "USD").
fn trailing_kind(rest: &str) -> Option<(&str, &str)> {
    let bytes = rest.as_bytes();
    let n = bytes.len();
    let len = (1..=2)
        .rev()
        .find(|&len| n > len && kind_len(&bytes[n - len..]) == Some(len))?;
    (!bytes[n - len - 1].is_ascii_alphabetic()).then(|| (&rest[..n - len], &rest[n - len..]))
}

fn kind_syntax(kind: &str) -> Result<String, NumberError> {
    if kind_len(kind.as_bytes()) == Some(kind.len()) {
        Ok(kind.to_string())
    } else {
        Err(NumberError::new(
            "number-kind-syntax",
            vec![("kind", kind.to_string())],
        ))
    }
}

fn merge_kind(a: Option<String>, b: Option<String>) -> Result<Option<String>, NumberError> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Err(NumberError::new(
            "number-kind-conflict",
            vec![("given", a), ("found", b)],
        )),
        (a, b) => Ok(a.or(b)),
    }
}

fn kind_fits(pattern: &str, kind: &str) -> bool {
    pattern == "*"
        || pattern == kind
        || pattern.strip_suffix('#').is_some_and(|letter| {
            kind.len() == 2 && kind.starts_with(letter) && matches!(kind.as_bytes()[1], b'1'..=b'9')
        })
}

fn list_kinds(kinds: &[&str]) -> String {
    let mut shown: Vec<String> = kinds.iter().map(|k| k.replace('#', "1–9")).collect();
    shown.dedup();
    shown.join(", ")
}

fn build(country: &str, body: &str, kind: Option<String>) -> Result<PatentNumber, NumberError> {
    let office = office(country);
    let args = |expected: bool| {
        let mut args = vec![("country", country.to_string()), ("number", body.to_string())];
        if expected {
            args.push(("expected", office.expected.to_string()));
        }
        args
    };
    let (number, form) = (office.read)(body).map_err(|miss| match miss {
        Miss::Length => NumberError::new("number-length", args(true)),
        Miss::Shape => NumberError::new(office.shape_key, args(office.shape_key == "number-form")),
        Miss::Application => NumberError::new("number-application", args(false)),
        Miss::Error(error) => error,
    })?;
    if let Some(kind) = &kind {
        let office_kinds: Vec<&str> = office
            .forms
            .iter()
            .flat_map(|f| f.kinds.iter().copied())
            .collect();
        if !office_kinds.iter().any(|p| kind_fits(p, kind)) {
            let mut unique = office_kinds.clone();
            unique.sort_unstable();
            unique.dedup();
            return Err(NumberError::new(
                "number-kind-unknown",
                vec![
                    ("country", country.into()),
                    ("kind", kind.clone()),
                    ("allowed", list_kinds(&unique)),
                ],
            ));
        }
        if form.kinds.is_empty() {
            let mut args = args(false);
            args.push(("kind", kind.clone()));
            return Err(NumberError::new("number-kind-none", args));
        }
        if !form.kinds.iter().any(|p| kind_fits(p, kind)) {
            let mut args = args(false);
            args.extend([("kind", kind.clone()), ("allowed", list_kinds(form.kinds))]);
            return Err(NumberError::new("number-kind-form", args));
        }
    }
    let presumed = kind.is_none() && form.presumed.is_some();
    let kind = kind.or(form.presumed.map(String::from));
    let right = form.right.or_else(|| {
        let letter = kind.as_deref()?.chars().next()?;
        office
            .kind_rights
            .iter()
            .find(|(l, _)| *l == letter)
            .map(|(_, right)| *right)
    });
    Ok(PatentNumber {
        country: country.to_string(),
        number,
        kind,
        presumed,
        right,
    })
}

/// The digits of `s` once separators are dropped; letters make it a shape the office does not use.
fn plain_digits(s: &str) -> Result<String, Miss> {
    let digits: String = s.chars().filter(|c| !SEPARATORS.contains(c)).collect();
    if digits.is_empty() {
        Err(Miss::Length)
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Miss::Shape)
    }
}

/// A serial without its leading zeros, at most `max` digits; an all-zero serial names nothing.
fn serial(digits: &str, max: usize) -> Result<&str, Miss> {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        Err(Miss::Shape)
    } else if trimmed.len() > max {
        Err(Miss::Length)
    } else {
        Ok(trimmed)
    }
}

fn number_in(digits: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, Miss> {
    digits
        .parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(Miss::Shape)
}

/// Groups split at separators other than thousands commas and dots.
fn groups(body: &str) -> Result<Vec<String>, Miss> {
    let cleaned: String = body.chars().filter(|c| !matches!(c, ',' | '.')).collect();
    let groups: Vec<String> = cleaned
        .split([' ', '-', '/'])
        .filter(|g| !g.is_empty())
        .map(String::from)
        .collect();
    if groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        Ok(groups)
    } else {
        Err(Miss::Shape)
    }
}

fn read_us(body: &str) -> Result<(String, &'static Form), Miss> {
    let letters = body.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (prefix, form, max) = match &body[..letters] {
        "" => return read_us_numeric(body),
        "D" | "DES" => ("D", &US_DESIGN, 7),
        "RE" => ("RE", &US_REISSUE, 6),
        "PP" => ("PP", &US_PLANT, 6),
        "H" => ("H", &US_SIR, 7),
        _ => return Err(Miss::Shape),
    };
    let digits = plain_digits(&body[letters..])?;
    Ok((format!("{prefix}{}", serial(&digits, max)?), form))
}

/// Utility grants, and pre-grant publications `yyyy/nnnnnnn` which DOCDB writes as year + 6 digits.
fn read_us_numeric(body: &str) -> Result<(String, &'static Form), Miss> {
    if let Some((head, tail)) = body.split_once('/') {
        let head = head.trim_matches(SEPARATORS);
        return match head.len() {
            // Series code and serial: "13/648,029".
            2 if head.bytes().all(|b| b.is_ascii_digit()) => Err(Miss::Application),
            4 => us_publication(number_in(head, 2001..=2099)?, &plain_digits(tail)?),
            _ => Err(Miss::Shape),
        };
    }
    let digits = plain_digits(body)?;
    match digits.len() {
        10 | 11 => us_publication(number_in(&digits[..4], 2001..=2099)?, &digits[4..]),
        1..=8 => {
            let number = serial(&digits, 8)?;
            // No grant is numbered that high; such 8 digits are application serials (e.g. provisional 60/968,023).
            if number.len() == 8 && number >= "20000000" {
                Err(Miss::Application)
            } else {
                Ok((number.to_string(), &US_GRANT))
            }
        }
        _ => Err(Miss::Length),
    }
}

fn us_publication(year: u32, digits: &str) -> Result<(String, &'static Form), Miss> {
    // The USPTO's 7-digit serial starts with a zero that DOCDB drops.
    Ok((format!("{year}{:0>6}", serial(digits, 6)?), &US_PUBLICATION))
}

fn show_us(number: &str) -> String {
    match ["RE", "PP", "D", "H"].into_iter().find(|p| number.starts_with(p)) {
        Some(prefix) => format!("{prefix}{}", thousands(&number[prefix.len()..])),
        None if number.len() == 10 => format!("{}/0{}", &number[..4], &number[4..]),
        None => thousands(number),
    }
}

fn thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn read_kr(body: &str) -> Result<(String, &'static Form), Miss> {
    let groups = groups(body)?;
    match groups.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [tt, year, serial] if tt.len() == 2 && year.len() == 4 => kr_publication(Some(tt), year, serial),
        [year, serial] if year.len() == 4 => kr_publication(None, year, serial),
        [tt, serial] if tt.len() == 2 => kr_registration(tt, serial),
        [d] => match d.len() {
            // KIPRIS registerNumber: tt + nnnnnnn + "0000".
            13 if d.ends_with("0000") => kr_registration(&d[..2], &d[2..9]),
            13 => kr_publication(Some(&d[..2]), &d[2..6], &d[6..]),
            11 => kr_publication(None, &d[..4], &d[4..]),
            9 => kr_registration(&d[..2], &d[2..]),
            _ => Err(Miss::Length),
        },
        _ => Err(Miss::Shape),
    }
}

fn kr_right(tt: &str) -> Result<RightKind, Miss> {
    match tt {
        "10" => Ok(Patent),
        "20" => Ok(UtilityModel),
        "30" => Ok(Design),
        "40" => Ok(Trademark),
        _ => Err(Miss::Error(NumberError::new(
            "number-kr-prefix",
            vec![("prefix", tt.to_string())],
        ))),
    }
}

/// `tt-yyyy-nnnnnnn` is an application number too; it is read as the publication that carries it.
fn kr_publication(tt: Option<&str>, year: &str, digits: &str) -> Result<(String, &'static Form), Miss> {
    let right = tt.map(kr_right).transpose()?;
    let year = number_in(year, 1948..=2099)?;
    let number = format!("{year}{:0>7}", serial(digits, 7)?);
    let form = match right {
        None => &KR_PUBLICATION,
        Some(Patent) if year >= 1998 => &KR_PATENT_PUBLICATION,
        Some(Patent) => &KR_PATENT_PUBLICATION_OLD,
        Some(UtilityModel) if year >= 1998 => &KR_UM_PUBLICATION,
        Some(UtilityModel) => &KR_UM_PUBLICATION_OLD,
        // Designs and trademarks are published by registration number only.
        Some(Design | Trademark) => return Err(Miss::Application),
    };
    Ok((number, form))
}

fn kr_registration(tt: &str, digits: &str) -> Result<(String, &'static Form), Miss> {
    let form = match kr_right(tt)? {
        Patent => &KR_PATENT,
        UtilityModel => &KR_UM,
        Design => &KR_DESIGN,
        Trademark => &KR_TRADEMARK,
    };
    Ok((format!("{tt}{:0>7}", serial(digits, 7)?), form))
}

fn show_kr(number: &str, right: Option<RightKind>) -> String {
    if number.len() == 9 {
        return format!("{}-{}", &number[..2], &number[2..]);
    }
    let tt = match right {
        Some(Patent) => "10-",
        Some(UtilityModel) => "20-",
        _ => "",
    };
    format!("{tt}{}-{}", &number[..4], &number[4..])
}

fn read_jp(body: &str) -> Result<(String, &'static Form), Miss> {
    if body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return jp_era(body);
    }
    match groups(body)?.as_slice() {
        [year, serial] if year.len() == 4 => jp_publication(year, serial),
        [d] if d.len() == 10 => jp_publication(&d[..4], &d[4..]),
        [d] if d.len() <= 7 => Ok((serial(d, 7)?.to_string(), &JP_REGISTRATION)),
        [_] => Err(Miss::Length),
        _ => Err(Miss::Shape),
    }
}

/// "H10-123456" or DOCDB "H10123456": era letter, year of the era, serial without leading zeros.
fn jp_era(body: &str) -> Result<(String, &'static Form), Miss> {
    let (era, rest) = body.split_at(1);
    let rest = rest.trim_start_matches(SEPARATORS);
    let (year, digits) = match rest.split_once(SEPARATORS) {
        Some(split) => split,
        None if rest.len() > 2 => rest.split_at(2),
        None => return Err(Miss::Shape),
    };
    // Publications used era years until 1999 (Heisei 11); Reiwa (2019-) never appears in JP numbers.
    let last = match era {
        "H" => 11,
        "S" => 64,
        _ => 0,
    };
    let era_error = || {
        Miss::Error(NumberError::new(
            "number-jp-era",
            vec![("era", format!("{era}{year}"))],
        ))
    };
    if year.is_empty() || year.len() > 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Miss::Shape);
    }
    let year = number_in(year, 1..=last).map_err(|_| era_error())?;
    Ok((
        format!("{era}{year:02}{}", serial(&plain_digits(digits)?, 6)?),
        &JP_ERA,
    ))
}

fn jp_publication(year: &str, digits: &str) -> Result<(String, &'static Form), Miss> {
    let year = number_in(year, 2000..=2099)?;
    Ok((format!("{year}{:0>6}", serial(digits, 6)?), &JP_PUBLICATION))
}

fn show_jp(number: &str) -> String {
    if number.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("{}-{}", &number[..3], &number[3..])
    } else if number.len() == 10 {
        format!("{}-{}", &number[..4], &number[4..])
    } else {
        number.to_string()
    }
}

fn read_ep(body: &str) -> Result<(String, &'static Form), Miss> {
    let digits = plain_digits(body)?;
    match digits.len() {
        // EP application numbers are yy + 6 digits, e.g. 99203729.
        8 => Err(Miss::Application),
        _ => Ok((format!("{:0>7}", serial(&digits, 7)?), &EP_PUBLICATION)),
    }
}

/// WIPO switched from 5- to 6-digit serials on 1 July 2002; serials of 2002 at or above this were published
/// after the switch (WO 02/64032 is WO02064032).
const WO_2002_SIX_DIGITS_FROM: u32 = 50_000;

fn read_wo(body: &str) -> Result<(String, &'static Form), Miss> {
    // Letters mean an application: "PCT/US2013/050328", epodoc "WO2013US50328".
    if body.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Err(Miss::Application);
    }
    if let Some((year, digits)) = body.split_once('/') {
        return wo_publication(year.trim_matches(SEPARATORS), &plain_digits(digits)?);
    }
    let digits = plain_digits(body)?;
    match digits.len() {
        7 | 8 => wo_publication(&digits[..2], &digits[2..]),
        10 => wo_publication(&digits[..4], &digits[4..]),
        _ => Err(Miss::Length),
    }
}

/// DOCDB: yy + 5 digits until June 2002, yy + 6 digits until 2003, yyyy + 6 digits from 2004.
fn wo_publication(year: &str, digits: &str) -> Result<(String, &'static Form), Miss> {
    let year = match year.len() {
        2 => number_in(year, 0..=99).map(|yy| if yy >= 78 { 1900 + yy } else { 2000 + yy })?,
        4 => number_in(year, 1978..=2099)?,
        _ => return Err(Miss::Shape),
    };
    let serial = serial(digits, 6)?;
    let width = match year {
        ..=2001 => 5,
        2002 if number_in(serial, 0..=WO_2002_SIX_DIGITS_FROM - 1).is_ok() => 5,
        _ => 6,
    };
    if serial.len() > width {
        return Err(Miss::Length);
    }
    let number = if year < 2004 {
        format!("{:02}{serial:0>width$}", year % 100)
    } else {
        format!("{year}{serial:0>6}")
    };
    Ok((number, &WO_PUBLICATION))
}

fn read_cn(body: &str) -> Result<(String, &'static Form), Miss> {
    // "ZL 200810012345.6" and "200810012345.6" are application numbers with their check digit.
    if body.starts_with("ZL") || body.contains('.') {
        return Err(Miss::Application);
    }
    let digits = plain_digits(body)?;
    let form = match (digits.len(), digits.as_bytes()[0]) {
        (12, _) => return Err(Miss::Application),
        (7 | 9, b'1') => &CN_PATENT,
        (7 | 9, b'2') => &CN_UM,
        (7 | 9, b'3') => &CN_DESIGN,
        (7 | 9, _) => return Err(Miss::Shape),
        _ => return Err(Miss::Length),
    };
    Ok((digits, form))
}

fn read_de(body: &str) -> Result<(String, &'static Form), Miss> {
    // "10 2004 012 345.6" carries the check digit of the application number.
    if body.rsplit_once('.').is_some_and(|(_, check)| check.len() == 1) {
        return Err(Miss::Application);
    }
    let digits = plain_digits(body)?;
    let form = match (digits.len(), digits.get(..2).unwrap_or("")) {
        (12, "10" | "11" | "12" | "50" | "60") => &DE_PATENT,
        (12, "20" | "21") => &DE_UM,
        (8, lead) if matches!(lead.as_bytes()[0], b'1' | b'5' | b'6') => &DE_PATENT,
        (8, lead) if lead.starts_with('2') => &DE_UM,
        (12 | 8, _) => return Err(Miss::Shape),
        (1..=7, _) => return Ok((serial(&digits, 7)?.to_string(), &DE_OLD)),
        _ => return Err(Miss::Length),
    };
    Ok((digits, form))
}

fn show_de(number: &str) -> String {
    let cuts: &[usize] = match number.len() {
        12 => &[2, 6, 9],
        8 => &[3, 5],
        7 => &[2, 4],
        _ => &[],
    };
    let mut out = String::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([number.len()].iter()) {
        if start > 0 {
            out.push(' ');
        }
        out.push_str(&number[start..cut]);
        start = cut;
    }
    out
}

/// Other ST.3 offices: plain digits as the office writes them.
fn read_generic(body: &str) -> Result<(String, &'static Form), Miss> {
    let digits = plain_digits(body)?;
    if digits.len() > 15 {
        return Err(Miss::Length);
    }
    Ok((digits, &GENERIC_FORM))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Asserts the DOCDB key, display, and whether the kind was presumed.
    fn check(n: &PatentNumber, docdb: &str, display: &str, presumed: bool) {
        assert_eq!(
            (n.docdb().as_str(), n.display().as_str(), n.kind_presumed()),
            (docdb, display, presumed)
        );
        assert_eq!(
            PatentNumber::parse(display).unwrap(),
            *n,
            "display {display} reads back"
        );
        assert_eq!(PatentNumber::from_docdb(docdb).unwrap().docdb(), docdb);
    }

    fn parsed(input: &str, docdb: &str, display: &str, presumed: bool) {
        let n = PatentNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        check(&n, docdb, display, presumed);
    }

    fn parts(country: &str, number: &str, kind: Option<&str>, docdb: &str, display: &str, presumed: bool) {
        let n = PatentNumber::from_parts(country, number, kind).unwrap_or_else(|e| panic!("{number}: {e}"));
        check(&n, docdb, display, presumed);
    }

    fn fails(input: &str, key: &str) {
        let error = PatentNumber::parse(input).expect_err(input);
        assert_eq!(error.key(), key, "{input}: {error}");
    }

    #[test]
    fn brief_examples() {
        parsed("US 8,930,553 B2", "US8930553B2", "US 8,930,553 B2", false);
        parsed("US 8930553", "US8930553", "US 8,930,553", false);
        parsed("KR 10-1503659", "KR101503659B1", "KR 10-1503659 B1", true);
        parsed(
            "KR10-2015-0012345",
            "KR20150012345A",
            "KR 10-2015-0012345 A",
            true,
        );
        parsed("EP 1 000 000 A1", "EP1000000A1", "EP 1 000 000 A1", false);
        parsed("WO 2019/123456 A1", "WO2019123456A1", "WO 2019/123456 A1", false);
        parsed("JP 2006-147056 A", "JP2006147056A", "JP 2006-147056 A", false);
        parsed("JP 2006-147056", "JP2006147056A", "JP 2006-147056 A", true);
        parsed(
            "US 2015/0012345 A1",
            "US2015012345A1",
            "US 2015/0012345 A1",
            false,
        );
        parsed("US 2015/0012345", "US2015012345A1", "US 2015/0012345 A1", true);
        parsed("USD460971S", "USD460971S", "US D460,971 S", false);
        parsed("US Des. 460,971", "USD460971S", "US D460,971 S", true);
        parsed("US RE45,123 E", "USRE45123E", "US RE45,123 E", false);
        parsed("USPP12345", "USPP12345", "US PP12,345", false);
        parsed("USPP12345P2", "USPP12345P2", "US PP12,345 P2", false);
        parsed("US H1,234", "USH1234H", "US H1,234 H", true);
        parsed(
            "DE 10 2004 012 345 A1",
            "DE102004012345A1",
            "DE 10 2004 012 345 A1",
            false,
        );
        parsed("CN 101234567 A", "CN101234567A", "CN 101234567 A", false);
        parsed("KR 20-0123456", "KR200123456Y1", "KR 20-0123456 Y1", true);
        parsed(
            "KR 20-2015-0001234",
            "KR20150001234U",
            "KR 20-2015-0001234 U",
            true,
        );
        parsed("KR 30-0572831", "KR300572831S", "KR 30-0572831 S", true);
        parsed("JP H10-123456 A", "JPH10123456A", "JP H10-123456 A", false);
        parsed("JP S63-12345 A", "JPS6312345A", "JP S63-12345 A", false);
        parsed("JPH0266215A", "JPH0266215A", "JP H02-66215 A", false);
        parsed("特開平10-123456", "JPH10123456A", "JP H10-123456 A", false);
        parsed("特表2005-533465", "JP2005533465A", "JP 2005-533465 A", false);
        parsed("特許第5123456号", "JP5123456", "JP 5123456", false);
        parsed("JP 2005-533465 A", "JP2005533465A", "JP 2005-533465 A", false);
        parsed("WO 98/10617", "WO9810617", "WO 98/10617", false);
        parsed("WO 02/064032 A2", "WO02064032A2", "WO 02/064032 A2", false);
        parsed("WO 2004/008765", "WO2004008765", "WO 2004/008765", false);
        parsed("CN 1234567 C", "CN1234567C", "CN 1234567 C", false);
    }

    #[test]
    fn trademark_registration_has_no_kind() {
        let n = PatentNumber::parse("KR 40-0123456").unwrap();
        assert_eq!((n.right_kind(), n.kind()), (RightKind::Trademark, None));
        check(&n, "KR400123456", "KR 40-0123456", false);
        assert_eq!(
            PatentNumber::parse("KR 40-0123456 S").unwrap_err().key(),
            "number-kind-none"
        );
    }

    #[test]
    fn right_kinds() {
        let right = |s: &str| PatentNumber::parse(s).unwrap().right_kind();
        assert_eq!(right("KR 10-1503659"), RightKind::Patent);
        assert_eq!(right("KR 20-0123456"), RightKind::UtilityModel);
        assert_eq!(right("KR20150012345U"), RightKind::UtilityModel);
        assert_eq!(right("KR 30-0572831"), RightKind::Design);
        assert_eq!(right("USD460971S"), RightKind::Design);
        assert_eq!(right("JP 3123456 U"), RightKind::UtilityModel);
        assert_eq!(right("CN 201234567 U"), RightKind::UtilityModel);
        assert_eq!(right("DE 20 2006 014 080 U1"), RightKind::UtilityModel);
    }

    #[test]
    fn spelling_variants_read_the_same() {
        let want = PatentNumber::parse("KR 10-1503659 B1").unwrap();
        for input in [
            "kr 10-1503659 b1",
            "  KR   10 1503659  B1 ",
            "ＫＲ１０－１５０３６５９Ｂ１",
            "KR\u{3000}10\u{2013}1503659",
            "KR101503659B1",
        ] {
            assert_eq!(PatentNumber::parse(input).unwrap(), want, "{input}");
        }
        let want = PatentNumber::parse("US 8930553 B2").unwrap();
        for input in [
            "us8,930,553b2",
            "US 8.930.553 B2",
            "US-8930553-B2",
            "US 08930553 B2",
        ] {
            assert_eq!(PatentNumber::parse(input).unwrap(), want, "{input}");
        }
        assert_eq!(
            PatentNumber::parse("WO 02/64032").unwrap(),
            PatentNumber::parse("WO 02/064032").unwrap()
        );
        assert_eq!(PatentNumber::parse("EP 680812").unwrap().docdb(), "EP0680812");
    }

    #[test]
    fn errors_say_why() {
        fails("", "number-empty");
        fails("   ", "number-empty");
        fails("10-1503659", "number-no-country");
        fails("XX 1234567", "number-unknown-country");
        fails("KR 10-1503659 €", "number-garbage");
        fails("KR", "number-missing");
        fails("KR 50-1503659", "number-kr-prefix");
        fails("KR 10-1503659 Z9", "number-kind-unknown");
        fails("KR 10-1503659 A", "number-kind-form");
        fails("US 8930553 A1", "number-kind-form");
        fails("EP 1000000 B", "number-kind-unknown");
        fails("US 123456789", "number-length");
        fails("KR 10-12345678", "number-length");
        fails("EP 99203729", "number-application");
        fails("US 13/648,029", "number-application");
        fails("PCT/US2013/050328", "number-application");
        fails("CN 200810012345.6", "number-application");
        fails("特願2005-505120", "number-application");
        fails("JP R01-123456", "number-jp-era");
        fails("JP H12-123456", "number-jp-era");
        fails("GB ABC123", "number-unsupported");
        fails("US XY123", "number-form");
        fails("EP-A1- 1000000 A2", "number-kind-conflict");
        let error = PatentNumber::parse("KR 10-1503659 Z9").unwrap_err();
        assert_eq!(
            error.to_string(),
            "KR kind code Z9 does not exist; KR uses A, B1, S, U, Y1."
        );
        assert_eq!(
            error.args()[..2],
            [("country", "KR".to_string()), ("kind", "Z9".to_string())]
        );
        let error = PatentNumber::from_parts("unknown", "123", None).unwrap_err();
        assert_eq!(error.args(), vec![("country", "UNKNOWN".to_string())]);
        assert_eq!(
            PatentNumber::from_parts("KR", "1019850010013", Some("A12"))
                .unwrap_err()
                .key(),
            "number-kind-syntax"
        );
        assert_eq!(
            PatentNumber::from_docdb("EP680812A1").unwrap_err().key(),
            "number-not-docdb"
        );
        assert_eq!(
            PatentNumber::from_docdb("US 8930553").unwrap_err().key(),
            "number-not-docdb"
        );
    }

    /// Every document number in /work/shared/fixtures/patents/.
    #[test]
    fn fixture_uspto_grants() {
        parts(
            "US",
            "08930553",
            Some("B2"),
            "US8930553B2",
            "US 8,930,553 B2",
            false,
        );
        parts(
            "US",
            "08926509",
            Some("B2"),
            "US8926509B2",
            "US 8,926,509 B2",
            false,
        );
        parts(
            "US",
            "20140101323",
            Some("A1"),
            "US2014101323A1",
            "US 2014/0101323 A1",
            false,
        );
        parts(
            "US",
            "20090054737",
            Some("A1"),
            "US2009054737A1",
            "US 2009/0054737 A1",
            false,
        );
        // Application references cannot be told from grants below 20,000,000; callers pass publications only.
        parts("US", "13648029", None, "US13648029", "US 13,648,029", false);
        parts("US", "12134151", None, "US12134151", "US 12,134,151", false);
        assert_eq!(
            PatentNumber::from_parts("US", "60968023", None)
                .unwrap_err()
                .key(),
            "number-application"
        );
        for (number, kind) in [
            ("4313443", "A"),
            ("4784162", "A"),
            ("5124128", "A"),
            ("5231990", "A"),
            ("5511553", "A"),
            ("5717848", "A"),
            ("5720770", "A"),
            ("5913727", "A"),
            ("5957854", "A"),
            ("6230970", "B1"),
            ("6275143", "B1"),
            ("6278499", "B1"),
            ("6295461", "B1"),
            ("6336900", "B1"),
            ("6436058", "B1"),
            ("6454708", "B1"),
            ("6463039", "B1"),
            ("6494829", "B1"),
            ("6527711", "B1"),
            ("6595929", "B2"),
            ("6605038", "B1"),
            ("6677852", "B1"),
            ("6694180", "B1"),
            ("6731962", "B1"),
            ("6885191", "B1"),
            ("6893396", "B2"),
            ("6909420", "B1"),
            ("7020508", "B2"),
            ("7103578", "B2"),
            ("7125382", "B2"),
            ("7206630", "B1"),
            ("7270633", "B1"),
            ("7294105", "B1"),
            ("7376234", "B1"),
            ("7382247", "B2"),
            ("7571369", "B2"),
            ("7602301", "B1"),
            ("7603255", "B2"),
            ("7733224", "B2"),
            ("7969307", "B2"),
            ("8611319", "B2"),
            ("7844851", "B2"),
            ("7995466", "B2"),
            ("8078737", "B2"),
        ] {
            let n = PatentNumber::from_parts("US", number, Some(kind)).unwrap();
            let display = format!("US {} {kind}", thousands(number));
            check(&n, &format!("US{number}{kind}"), &display, false);
        }
        parts("US", "D439981", Some("S"), "USD439981S", "US D439,981 S", false);
        parts("US", "D451604", Some("S"), "USD451604S", "US D451,604 S", false);
        parts("US", "D460971", Some("S"), "USD460971S", "US D460,971 S", false);
        parts("US", "D0460971", None, "USD460971S", "US D460,971 S", true);
        parts("US", "RE045123", None, "USRE45123E", "US RE45,123 E", true);
        parts(
            "US",
            "PP012345",
            Some("P2"),
            "USPP12345P2",
            "US PP12,345 P2",
            false,
        );
        parts(
            "US",
            "2005/0101841",
            Some("A9"),
            "US2005101841A9",
            "US 2005/0101841 A9",
            false,
        );
        for number in [
            "2001/0003163",
            "2001/0047127",
            "2002/0065828",
            "2003/0004403",
            "2003/0139903",
            "2003/0219035",
            "2003/0236103",
            "2004/0013097",
            "2004/0077975",
            "2004/0199056",
            "2004/0236192",
            "2005/0035852",
            "2005/0090718",
            "2005/0113167",
            "2005/0119533",
            "2005/0197680",
            "2005/0206518",
            "2005/0282633",
            "2006/0004303",
            "2006/0025657",
            "2006/0031102",
            "2006/0103534",
            "2006/0122473",
            "2006/0122474",
            "2006/0264767",
            "2007/0027388",
            "2007/0081505",
            "2007/0087780",
            "2007/0100219",
            "2007/0135866",
            "2007/0208233",
            "2007/0208262",
            "2007/0232234",
            "2007/0244383",
            "2007/0279217",
            "2007/0282218",
            "2008/0001735",
            "2008/0054880",
            "2008/0065877",
            "2008/0119707",
            "2008/0139894",
            "2008/0252596",
            "2009/0037670",
            "2009/0051544",
            "2009/0316618",
            "2010/0013607",
            "2010/0049006",
            "2010/0160746",
            "2010/0316043",
            "2011/0019595",
            "2011/0019824",
            "2012/0256492",
            "2014/0091947",
            "2007/0140112",
            "2007/0220302",
            "2007/0253328",
            "2009/0022145",
            "2009/0193057",
            "2010/0070563",
            "2010/0205263",
            "2011/0007732",
            "2011/0029812",
            "2013/0311825",
            "2014/0047122",
            "2014/0095723",
            "2014/0101322",
        ] {
            let docdb = format!("US{}{}A1", &number[..4], &number[6..]);
            parts(
                "US",
                number,
                Some("A1"),
                &docdb,
                &format!("US {number} A1"),
                false,
            );
        }
        parts(
            "EP",
            "1070479",
            Some("A2"),
            "EP1070479A2",
            "EP 1 070 479 A2",
            false,
        );
        parts(
            "EP",
            "1292218",
            Some("B1"),
            "EP1292218B1",
            "EP 1 292 218 B1",
            false,
        );
        parts("GB", "2420628", Some("A"), "GB2420628A", "GB 2420628 A", false);
        parts(
            "JP",
            "2006055530",
            Some("A"),
            "JP2006055530A",
            "JP 2006-055530 A",
            false,
        );
        // KR citations without kind: publications from 1998 on, so A is presumed.
        parts(
            "KR",
            "10-2004-0032451",
            None,
            "KR20040032451A",
            "KR 10-2004-0032451 A",
            true,
        );
        parts(
            "KR",
            "10-2004-0074056",
            None,
            "KR20040074056A",
            "KR 10-2004-0074056 A",
            true,
        );
        parts(
            "KR",
            "10-2005-0072558",
            None,
            "KR20050072558A",
            "KR 10-2005-0072558 A",
            true,
        );
        parts(
            "KR",
            "10 2005-0116274",
            None,
            "KR20050116274A",
            "KR 10-2005-0116274 A",
            true,
        );
        parts(
            "KR",
            "10-2007-0048168",
            None,
            "KR20070048168A",
            "KR 10-2007-0048168 A",
            true,
        );
        for (number, kind, docdb, display) in [
            ("WO 89/02682", "A1", "WO8902682A1", "WO 89/02682 A1"),
            ("WO 89/04093", "A1", "WO8904093A1", "WO 89/04093 A1"),
            ("WO 89/04578", "A1", "WO8904578A1", "WO 89/04578 A1"),
            ("WO 98/10617", "A1", "WO9810617A1", "WO 98/10617 A1"),
            ("WO 02/25773", "A1", "WO0225773A1", "WO 02/25773 A1"),
            ("WO 02/064032", "A2", "WO02064032A2", "WO 02/064032 A2"),
            ("WO 02/64032", "A3", "WO02064032A3", "WO 02/064032 A3"),
            ("WO 03/015005", "A2", "WO03015005A2", "WO 03/015005 A2"),
            ("WO 03/015005", "A3", "WO03015005A3", "WO 03/015005 A3"),
            ("WO 03/015838", "A2", "WO03015838A2", "WO 03/015838 A2"),
            ("WO 03/015838", "A3", "WO03015838A3", "WO 03/015838 A3"),
            ("WO 2004/002301", "A2", "WO2004002301A2", "WO 2004/002301 A2"),
            ("WO 2004/002301", "A3", "WO2004002301A3", "WO 2004/002301 A3"),
            ("WO 2004/084720", "A2", "WO2004084720A2", "WO 2004/084720 A2"),
            ("WO 2004/084720", "A3", "WO2004084720A3", "WO 2004/084720 A3"),
            ("WO 2005/029242", "A2", "WO2005029242A2", "WO 2005/029242 A2"),
            ("WO 2005/029242", "A3", "WO2005029242A3", "WO 2005/029242 A3"),
            ("WO 2006/094513", "A2", "WO2006094513A2", "WO 2006/094513 A2"),
            ("WO 2006/094513", "A3", "WO2006094513A3", "WO 2006/094513 A3"),
            ("WO 2008/035151", "A2", "WO2008035151A2", "WO 2008/035151 A2"),
            ("WO 2008/035151", "A3", "WO2008035151A3", "WO 2008/035151 A3"),
            ("WO 2008/097316", "A1", "WO2008097316A1", "WO 2008/097316 A1"),
        ] {
            parts("WO", number, Some(kind), docdb, display, false);
        }
    }

    #[test]
    fn fixture_epo() {
        // EP3404678B1 citations, both as document-ids and as EPO citation text.
        parts(
            "EP",
            "3109871",
            Some("A1"),
            "EP3109871A1",
            "EP 3 109 871 A1",
            false,
        );
        parts(
            "US",
            "2008197955",
            Some("A1"),
            "US2008197955A1",
            "US 2008/0197955 A1",
            false,
        );
        parts("GB", "693448", Some("A"), "GB693448A", "GB 693448 A", false);
        parsed("EP 3 109 871 A1", "EP3109871A1", "EP 3 109 871 A1", false);
        parsed("EP-A1- 3 109 871", "EP3109871A1", "EP 3 109 871 A1", false);
        parsed("GB 693,448 A", "GB693448A", "GB 693448 A", false);
        parsed("GB-A- 693 448", "GB693448A", "GB 693448 A", false);
        parsed("US 2008/197955 A1", "US2008197955A1", "US 2008/0197955 A1", false);
        parsed(
            "US-A1- 2008 197 955",
            "US2008197955A1",
            "US 2008/0197955 A1",
            false,
        );
        parsed("FR-E- 84 247", "FR84247E", "FR 84247 E", false);
        // OPS docdb and epodoc forms.
        parts(
            "AU",
            "2013290010",
            Some("A1"),
            "AU2013290010A1",
            "AU 2013290010 A1",
            false,
        );
        parts(
            "EP",
            "1000000",
            Some("A1"),
            "EP1000000A1",
            "EP 1 000 000 A1",
            false,
        );
        parts(
            "EP",
            "1000000",
            Some("B1"),
            "EP1000000B1",
            "EP 1 000 000 B1",
            false,
        );
        parts("EP", "EP1000000", None, "EP1000000", "EP 1 000 000", false);
        parts(
            "EP",
            "0680812",
            Some("A1"),
            "EP0680812A1",
            "EP 0 680 812 A1",
            false,
        );
        parts("EP", "EP0680812", None, "EP0680812", "EP 0 680 812", false);
        parts(
            "DE",
            "3546191",
            Some("A1"),
            "DE3546191A1",
            "DE 35 46 191 A1",
            false,
        );
        parts("DE", "DE3546191", None, "DE3546191", "DE 35 46 191", false);
        parts(
            "DE",
            "69905327",
            Some("D1"),
            "DE69905327D1",
            "DE 699 05 327 D1",
            false,
        );
        parts("NL", "9400663", Some("A"), "NL9400663A", "NL 9400663 A", false);
        parts("NL", "NL9400663", None, "NL9400663", "NL 9400663", false);
        parts("NL", "1010536", Some("C2"), "NL1010536C2", "NL 1010536 C2", false);
        parts("NL", "1010536", Some("A"), "NL1010536A", "NL 1010536 A", false);
        parts("AT", "232441", Some("T"), "AT232441T", "AT 232441 T", false);
        parts("AT", "AT232441", None, "AT232441", "AT 232441", false);
        parts("US", "6093011", Some("A"), "US6093011A", "US 6,093,011 A", false);
        parts("US", "US6093011", None, "US6093011", "US 6,093,011", false);
        parts(
            "JP",
            "2005533465",
            Some("A"),
            "JP2005533465A",
            "JP 2005-533465 A",
            false,
        );
        parts(
            "JP",
            "JP2005533465",
            None,
            "JP2005533465A",
            "JP 2005-533465 A",
            true,
        );
        parts(
            "JP",
            "2004088737",
            Some("A"),
            "JP2004088737A",
            "JP 2004-088737 A",
            false,
        );
        parts(
            "JP",
            "2004048632",
            Some("A"),
            "JP2004048632A",
            "JP 2004-048632 A",
            false,
        );
        assert_eq!(
            PatentNumber::parse("AU2013290010").unwrap().docdb(),
            "AU2013290010"
        );
        // Application references: refused where the form tells, read as a publication of the same form where not.
        let application =
            |c: &str, n: &str, k: Option<&str>| PatentNumber::from_parts(c, n, k).unwrap_err().key();
        assert_eq!(application("EP", "99203729", Some("A")), "number-application");
        assert_eq!(application("EP", "99203729", None), "number-application");
        assert_eq!(application("US", "13/547,826", None), "number-application");
        assert_eq!(application("WO", "US2013/050328", None), "number-application");
        assert_eq!(application("WO", "WO2013US50328", None), "number-application");
        assert_eq!(
            PatentNumber::from_docdb("EP19990203729").unwrap_err().key(),
            "number-length"
        );
        assert_eq!(
            PatentNumber::from_docdb("JP20050505120").unwrap_err().key(),
            "number-length"
        );
        assert_eq!(
            PatentNumber::from_docdb("US201213547826").unwrap_err().key(),
            "number-length"
        );
        assert_eq!(
            PatentNumber::from_docdb("US20020396363P").unwrap_err().key(),
            "number-kind-form"
        );
        parts(
            "JP",
            "2005505120",
            Some("A"),
            "JP2005505120A",
            "JP 2005-505120 A",
            false,
        );
        parts(
            "AU",
            "AU20130290010",
            None,
            "AU20130290010",
            "AU 20130290010",
            false,
        );
        parts(
            "US",
            "2002 396363",
            None,
            "US2002396363A1",
            "US 2002/0396363 A1",
            true,
        );
        parts(
            "DE",
            "69905327",
            Some("T"),
            "DE69905327T",
            "DE 699 05 327 T",
            false,
        );
        assert_eq!(application("US", "20685698", Some("A")), "number-application");
        parts(
            "NL",
            "NL19981010536",
            None,
            "NL19981010536",
            "NL 19981010536",
            false,
        );
    }

    #[test]
    fn fixture_kipris() {
        // applicationNumber and openNumber (before 1998: kind unknown, since examined publications shared the form).
        for (number, docdb, display) in [
            ("1019850010013", "KR19850010013", "KR 10-1985-0010013"),
            ("1019880012313", "KR19880012313", "KR 10-1988-0012313"),
            ("1019870006388", "KR19870006388", "KR 10-1987-0006388"),
            ("1019900004564", "KR19900004564", "KR 10-1990-0004564"),
            ("1019890002319", "KR19890002319", "KR 10-1989-0002319"),
        ] {
            parts("KR", number, None, docdb, display, false);
        }
        parts(
            "KR",
            "1019870006388",
            Some("A"),
            "KR19870006388A",
            "KR 10-1987-0006388 A",
            false,
        );
        parts(
            "KR",
            "1000319440000",
            None,
            "KR100031944B1",
            "KR 10-0031944 B1",
            true,
        );
        parts(
            "KR",
            "1000470810000",
            None,
            "KR100047081B1",
            "KR 10-0047081 B1",
            true,
        );
        parts(
            "KR",
            "1020150012345",
            None,
            "KR20150012345A",
            "KR 10-2015-0012345 A",
            true,
        );
        // DOCDB drops tt from publications: without a kind the right is unknown.
        let docdb = PatentNumber::from_docdb("KR19890002319").unwrap();
        assert_ne!(
            docdb,
            PatentNumber::from_parts("KR", "1019890002319", None).unwrap()
        );
        assert_eq!(docdb.display(), "KR 1989-0002319");
    }

    #[test]
    fn presumed_kind_does_not_change_identity() {
        let presumed = PatentNumber::parse("KR 10-1503659").unwrap();
        let given = PatentNumber::parse("KR 10-1503659 B1").unwrap();
        assert!(presumed.kind_presumed() && !given.kind_presumed());
        assert_eq!(presumed, given);
        assert_eq!(presumed.base(), "KR101503659");
        assert_eq!(format!("{presumed}"), "KR 10-1503659 B1");
    }

    #[test]
    fn labels() {
        assert_eq!(RightKind::UtilityModel.label_key(), "right-kind-utility_model");
        assert_eq!(RightKind::parse("design"), Some(RightKind::Design));
    }

    /// A valid number per office, as its DOCDB key.
    fn docdb_keys() -> impl Strategy<Value = String> {
        let kind = |kinds: &'static [&'static str]| proptest::sample::select(kinds);
        prop_oneof![
            (1u32..12_000_000, kind(&["B1", "B2", "A"])).prop_map(|(n, k)| format!("US{n}{k}")),
            (2001u32..2030, 1u32..1_000_000, kind(&["A1", "A2", "A9"]))
                .prop_map(|(y, n, k)| format!("US{y}{n:06}{k}")),
            (1u32..1_100_000).prop_map(|n| format!("USD{n}S")),
            (1u32..50_000).prop_map(|n| format!("USRE{n}E")),
            (1u32..40_000).prop_map(|n| format!("USPP{n}P3")),
            (0u32..3_000_000, kind(&["10", "20", "30"])).prop_map(|(n, tt)| {
                let kind = match tt {
                    "10" => "B1",
                    "20" => "Y1",
                    _ => "S",
                };
                format!("KR{tt}{n:07}{kind}")
            }),
            (1948u32..2030, 1u32..10_000_000, kind(&["A", "U", "B1", "Y1"]))
                .prop_map(|(y, n, k)| format!("KR{y}{n:07}{k}")),
            (0u32..3_000_000).prop_map(|n| format!("KR40{n:07}")),
            (2000u32..2030, 1u32..1_000_000).prop_map(|(y, n)| format!("JP{y}{n:06}A")),
            (1u32..12, 1u32..1_000_000, kind(&["A", "B2", "U", "Y2"]))
                .prop_map(|(y, n, k)| format!("JPH{y:02}{n}{k}")),
            (1u32..10_000_000, kind(&["B2", "U", "S"])).prop_map(|(n, k)| format!("JP{n}{k}")),
            (1u32..4_000_000, kind(&["A1", "B1", "A2"])).prop_map(|(n, k)| format!("EP{n:07}{k}")),
            (78u32..100, 1u32..100_000).prop_map(|(y, n)| format!("WO{y}{n:05}A1")),
            (1u32..50_000).prop_map(|n| format!("WO01{n:05}A1")),
            (3u32..4, 1u32..1_000_000).prop_map(|(y, n)| format!("WO{y:02}{n:06}A2")),
            (2004u32..2030, 1u32..1_000_000).prop_map(|(y, n)| format!("WO{y}{n:06}A1")),
            (100_000_000u32..400_000_000).prop_map(|n| {
                let kind = match n / 100_000_000 {
                    1 => "A",
                    2 => "U",
                    _ => "S",
                };
                format!("CN{n}{kind}")
            }),
            (2004u32..2030, 1u32..1_000_000, kind(&["10", "20"])).prop_map(|(y, n, tt)| {
                format!("DE{tt}{y}{n:06}{}", if tt == "10" { "A1" } else { "U1" })
            }),
            (1_000_000u32..10_000_000).prop_map(|n| format!("DE{n}C2")),
            (1u32..10_000_000, kind(&["A", "B", "C2", "T"])).prop_map(|(n, k)| format!("GB{n}{k}")),
        ]
    }

    proptest! {
        #[test]
        fn docdb_and_display_round_trip(key in docdb_keys()) {
            let n = PatentNumber::from_docdb(&key).unwrap();
            prop_assert_eq!(n.docdb(), key);
            prop_assert_eq!(PatentNumber::parse(&n.display()).unwrap(), n.clone());
            prop_assert_eq!(PatentNumber::from_docdb(&n.docdb()).unwrap(), n.clone());
            prop_assert_eq!(PatentNumber::from_parts(n.country(), n.number(), n.kind()).unwrap(), n);
        }

        #[test]
        fn spelling_variants(key in docdb_keys(), lower in any::<bool>(), wide in any::<bool>(), dash in any::<bool>()) {
            let n = PatentNumber::from_docdb(&key).unwrap();
            let mut text = format!("  {}  ", n.display().replace(' ', "  "));
            if lower { text = text.to_lowercase(); }
            if dash { text = text.replace('-', "\u{2010}"); }
            if wide {
                text = text.chars().map(|c| match c {
                    '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                    ' ' => '\u{3000}',
                    c => c,
                }).collect();
            }
            prop_assert_eq!(PatentNumber::parse(&text).unwrap(), n);
        }

        #[test]
        fn never_panics(s in "\\PC*", t in "[A-Za-z0-9 ./,\\-]{0,24}") {
            let _ = PatentNumber::parse(&s);
            let _ = PatentNumber::parse(&t);
            let _ = PatentNumber::from_docdb(&s);
            let _ = PatentNumber::from_parts(&t, &s, Some(&t));
            let _ = PatentNumber::from_parts("KR", &t, None);
            let _ = PatentNumber::from_parts("JP", &t, None);
            let _ = PatentNumber::from_parts("WO", &t, None);
        }
    }
}
