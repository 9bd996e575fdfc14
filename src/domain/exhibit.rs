//! Evidence exhibits: who filed them, who may see them, how they are numbered,
//! and what an uploaded file is allowed to be.
//!
//! Everything here is pure: the HTTP layer hands over the first bytes of an
//! upload and the client's file name, and stores what comes back.

use std::fmt;

named_values!(
    /// The side that filed an exhibit. It decides the exhibit's number range,
    /// so that a number alone tells the panel whose evidence it is.
    Side, "side" {
        Complainant => "complainant",
        Respondent => "respondent",
        Office => "office",
    }
);

impl Side {
    /// The side's first exhibit number.
    pub fn first(self) -> i32 {
        match self {
            Side::Complainant => 1001,
            Side::Respondent => 2001,
            Side::Office => 3001,
        }
    }

    /// The side's last exhibit number: each side has 999, and a case that
    /// needs more is refused rather than spilling into the next side's range.
    pub fn last(self) -> i32 {
        self.first() + 998
    }
}

named_values!(
    /// Who may see an exhibit: `parties` both sides, `own_side` the filing
    /// side, `office` neither. The office and the panel always can, since they
    /// decide the case.
    Visibility, "visibility" {
        Parties => "parties",
        OwnSide => "own_side",
        Office => "office",
    }
);

named_values!(
    /// What happened to an exhibit, as its custody log records it (DESIGN §5).
    CustodyAction, "custody" {
        Uploaded => "uploaded",
        Downloaded => "downloaded",
        VisibilityChanged => "visibility_changed",
        Superseded => "superseded",
        Bundled => "bundled",
    }
);

/// An exhibit number inside one side's range, such as 1001 or 2014.
///
/// Only [`ExhibitNumber::new`], [`ExhibitNumber::parse`] and
/// [`ExhibitNumber::nth`] build one, so a value is always in a range and
/// [`ExhibitNumber::side`] needs no failure case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExhibitNumber(i32);

impl ExhibitNumber {
    /// The number, if it lies in one side's range (for values read back from
    /// storage).
    pub fn new(n: i32) -> Option<ExhibitNumber> {
        Side::ALL
            .iter()
            .any(|side| (side.first()..=side.last()).contains(&n))
            .then_some(ExhibitNumber(n))
    }

    /// Parses what a person typed or a URL carried: surrounding whitespace is
    /// ignored, anything but ASCII digits (signs included) is refused.
    pub fn parse(s: &str) -> Option<ExhibitNumber> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().and_then(ExhibitNumber::new)
    }

    /// The number that follows `n` earlier exhibits of `side` (`n == 0` gives
    /// the first); `None` once the side's range is used up.
    pub fn nth(side: Side, n: i32) -> Option<ExhibitNumber> {
        if n < 0 {
            return None;
        }
        side.first()
            .checked_add(n)
            .filter(|&number| number <= side.last())
            .map(ExhibitNumber)
    }

    /// The side whose range holds the number.
    pub fn side(self) -> Side {
        // The ranges are the thousands 1, 2 and 3, and the constructors only
        // let numbers inside them through.
        match self.0 / 1000 {
            1 => Side::Complainant,
            2 => Side::Respondent,
            _ => Side::Office,
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for ExhibitNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A SHA-256 digest in lowercase hex, as stored and compared: one spelling
/// per digest, however it was pasted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint(String);

/// Why a pasted fingerprint was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FingerprintError {
    /// Nothing but whitespace, separators or an algorithm label.
    Empty,
    /// Hex digits, but not 64 of them; carries how many were found.
    WrongLength(usize),
    /// Something other than hex digits and separators.
    NotHex,
}

impl FingerprintError {
    /// The Fluent key of the message shown to the person who pasted it.
    pub fn key(&self) -> &'static str {
        match self {
            FingerprintError::Empty => "fingerprint-empty",
            FingerprintError::WrongLength(_) => "fingerprint-length",
            FingerprintError::NotHex => "fingerprint-not-hex",
        }
    }
}

impl fmt::Display for FingerprintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FingerprintError::Empty => f.write_str("the fingerprint is empty"),
            FingerprintError::WrongLength(found) => {
                write!(f, "the fingerprint has {found} hex digits, not 64")
            }
            FingerprintError::NotHex => f.write_str("the fingerprint is not hexadecimal"),
        }
    }
}

impl std::error::Error for FingerprintError {}

impl Fingerprint {
    /// Parses a fingerprint as people copy it from certificate viewers and
    /// tools: any case, surrounding whitespace, byte separators (spaces,
    /// colons, hyphens, line breaks) and a leading `sha256`/`SHA-256` label,
    /// optionally followed by `Fingerprint` and `:` or `=` as OpenSSL prints it.
    pub fn parse(s: &str) -> Result<Fingerprint, FingerprintError> {
        let digits: String = strip_algorithm(s.trim())
            .chars()
            .filter(|&c| !(c.is_whitespace() || c == ':' || c == '-'))
            .collect();
        if digits.is_empty() {
            Err(FingerprintError::Empty)
        } else if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            Err(FingerprintError::NotHex)
        } else if digits.len() != 64 {
            Err(FingerprintError::WrongLength(digits.len()))
        } else {
            Ok(Fingerprint(digits.to_ascii_lowercase()))
        }
    }

    /// The fingerprint of a digest computed by the server.
    pub fn from_digest(bytes: [u8; 32]) -> Fingerprint {
        Fingerprint(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Drops a leading algorithm label such as `sha256:`, `SHA-256 ` or
/// `SHA256 Fingerprint=`. The label cannot eat digest digits: `s` is not hex.
fn strip_algorithm(s: &str) -> &str {
    let Some(rest) = strip_prefix_ignore_case(s, "sha-256").or_else(|| strip_prefix_ignore_case(s, "sha256"))
    else {
        return s;
    };
    let rest = rest.trim_start();
    let rest = strip_prefix_ignore_case(rest, "fingerprint")
        .unwrap_or(rest)
        .trim_start();
    rest.strip_prefix([':', '=']).unwrap_or(rest)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    // `get` keeps a prefix length that falls inside a multi-byte character
    // from panicking.
    s.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

/// The longest cleaned file name, in characters.
const MAX_FILE_NAME: usize = 200;
/// The longest extension kept when a long name is shortened.
const MAX_EXTENSION: usize = 16;

/// Cleans the client's file name for display and as a download name hint.
///
/// The result is metadata only and never a path on disk, so reserved device
/// names such as `con` are left alone. It drops any directory part (`/` or
/// `\`), control characters and the invisible bidi/format characters used to
/// disguise extensions (`a\u{202E}gpj.exe` shows as `aexe.jpg`), trims
/// whitespace and trailing dots, and keeps at most 200 characters, keeping the
/// extension. A name with nothing left, or only `.`/`..`, becomes `""`.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_or_format(c))
        .collect();
    let name = trim_name(&kept);
    if name.chars().count() <= MAX_FILE_NAME {
        return name.to_owned();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= MAX_EXTENSION => {
            let room = MAX_FILE_NAME - 1 - ext.chars().count();
            let stem: String = stem.chars().take(room).collect();
            format!("{}.{ext}", trim_name(&stem))
        }
        _ => {
            let cut: String = name.chars().take(MAX_FILE_NAME).collect();
            trim_name(&cut).to_owned()
        }
    }
}

/// Trims whitespace on both ends and dots at the end, which Windows drops
/// when saving and which make `.` and `..` vanish.
fn trim_name(name: &str) -> &str {
    name.trim_start()
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Characters that change how the text around them is shown without showing
/// themselves.
fn is_bidi_or_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The type of an accepted upload, decided from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    pub mime: &'static str,
    /// The extension to give the file when it is downloaded, so that it
    /// opens as what it is rather than as what its name claimed.
    pub extension: &'static str,
}

/// Why an upload was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A program or script.
    Executable,
    /// HTML, SVG, XML or script that a browser could run.
    Markup,
    /// A type that is not on the allow-list.
    NotAllowed,
    /// No bytes at all.
    Empty,
}

impl Refusal {
    /// The Fluent key of the message shown to the uploader.
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::Executable => "exhibit-refused-executable",
            Refusal::Markup => "exhibit-refused-markup",
            Refusal::NotAllowed => "exhibit-refused-type",
            Refusal::Empty => "exhibit-refused-empty",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Executable => "programs and scripts are not accepted as exhibits",
            Refusal::Markup => "web pages, SVG and XML are not accepted as exhibits",
            Refusal::NotAllowed => "this type of file is not accepted as an exhibit",
            Refusal::Empty => "the file is empty",
        })
    }
}

impl std::error::Error for Refusal {}

const TEXT: Detected = Detected {
    mime: "text/plain; charset=utf-8",
    extension: "txt",
};
const EMAIL: Detected = Detected {
    mime: "message/rfc822",
    extension: "eml",
};
const HWPX: Detected = Detected {
    mime: "application/hwp+zip",
    extension: "hwpx",
};
const CFB_MIME: &str = "application/x-ole-storage";

/// The allow-list: infer's extension for a type, then the MIME type and
/// extension stored for it (the registered type where infer's is unofficial).
const ALLOWED: &[(&str, &str, &str)] = &[
    ("pdf", "application/pdf", "pdf"),
    ("png", "image/png", "png"),
    ("jpg", "image/jpeg", "jpg"),
    ("gif", "image/gif", "gif"),
    ("tif", "image/tiff", "tif"),
    ("webp", "image/webp", "webp"),
    // infer's "heif" requires the HEVC brand, which is what phones call HEIC.
    ("heif", "image/heic", "heic"),
    ("bmp", "image/bmp", "bmp"),
    ("zip", "application/zip", "zip"),
    ("docx", DOCX, "docx"),
    ("xlsx", XLSX, "xlsx"),
    ("pptx", PPTX, "pptx"),
    ("odt", "application/vnd.oasis.opendocument.text", "odt"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("odp", "application/vnd.oasis.opendocument.presentation", "odp"),
    ("mp3", "audio/mpeg", "mp3"),
    ("mp4", "video/mp4", "mp4"),
    ("m4v", "video/x-m4v", "m4v"),
    ("mov", "video/quicktime", "mov"),
    ("m4a", "audio/mp4", "m4a"),
    ("wav", "audio/wav", "wav"),
    ("7z", "application/x-7z-compressed", "7z"),
    ("gz", "application/gzip", "gz"),
    ("rar", "application/vnd.rar", "rar"),
];
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// OLE2 Compound File Binary: legacy Office, Outlook `.msg` and HWP 5.
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// The CFB formats whose extension is taken from the file name, since the
/// container looks the same for all of them.
const CFB_EXTENSIONS: &[&str] = &["doc", "xls", "ppt", "msg", "hwp"];
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// What a browser would render as a page when it comes first.
const MARKUP_STARTS: &[&[u8]] = &[
    b"!doctype",
    b"html",
    b"svg",
    b"?xml",
    b"script",
    b"head",
    b"body",
    b"iframe",
];
/// What makes text dangerous wherever it appears.
const MARKUP_ANYWHERE: &[&[u8]] = &[b"<script", b"<svg"];

/// Decides from the bytes what an upload is, or why it is refused.
///
/// `head` is the start of the file (up to 64 KiB; the whole file when it is
/// shorter). The client's name and Content-Type are never trusted: `file_name`
/// only picks the extension among the formats that share the OLE2 container.
pub fn detect(head: &[u8], file_name: &str) -> Result<Detected, Refusal> {
    if head.is_empty() {
        return Err(Refusal::Empty);
    }
    if head.starts_with(b"#!") {
        return Err(Refusal::Executable);
    }
    // Checked by hand before infer, which would parse the container with the
    // cfb crate: that needs the whole file, not its head, and is a parser of
    // untrusted input that we don't need.
    if head.starts_with(CFB_MAGIC) {
        return Ok(Detected {
            mime: CFB_MIME,
            extension: cfb_extension(file_name),
        });
    }
    // infer calls HWPX a plain zip.
    if is_hwpx(head) {
        return Ok(HWPX);
    }
    match infer::get(head) {
        Some(kind) if kind.matcher_type() == infer::MatcherType::App && is_program(kind, head) => {
            Err(Refusal::Executable)
        }
        // infer's text matchers are HTML, XML and `#!` (handled above).
        Some(kind) if kind.matcher_type() == infer::MatcherType::Text => Err(Refusal::Markup),
        Some(kind) => match ALLOWED.iter().find(|(ext, ..)| *ext == kind.extension()) {
            Some(&(ext, mime, extension)) if confirmed(ext, head) => Ok(Detected { mime, extension }),
            // A type off the list, or a signature that turned out to be a
            // coincidence: it may still be harmless text.
            _ => plain_text(head),
        },
        None => plain_text(head),
    }
}

/// Whether an infer "application" match is really a program. Certificates and
/// disk images are not, and infer's LLVM bitcode check is only `BC`, which
/// plenty of text starts with.
fn is_program(kind: infer::Type, head: &[u8]) -> bool {
    match kind.extension() {
        "der" | "pem" | "qcow2" => false,
        "bc" => head.starts_with(b"BC\xC0\xDE"),
        _ => true,
    }
}

/// Re-checks allowed types whose infer signature is so short, or so loose,
/// that ordinary text or a web page can carry it.
fn confirmed(extension: &str, head: &[u8]) -> bool {
    match extension {
        // infer looks for `%PDF` anywhere in the first KiB, as Acrobat does;
        // that would let an HTML page carrying the marker be served as a PDF.
        "pdf" => head.starts_with(b"%PDF-"),
        "gif" => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        "webp" => head.starts_with(b"RIFF"),
        // `BM` and then a known DIB header size.
        "bmp" => matches!(
            head.get(14..18)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_le_bytes),
            Some(12 | 40 | 52 | 56 | 64 | 108 | 124)
        ),
        // `ID3` and then a binary major version.
        "mp3" => !head.starts_with(b"ID3") || head.get(3).is_some_and(|v| (2..=4).contains(v)),
        "m4a" => head.get(4..8) == Some(&b"ftyp"[..]),
        _ => true,
    }
}

/// Plain text and e-mail, for whatever has no binary signature.
fn plain_text(head: &[u8]) -> Result<Detected, Refusal> {
    if looks_like_markup(head) {
        return Err(Refusal::Markup);
    }
    let text = utf8_prefix(head)
        .filter(|text| !text.contains('\0'))
        .ok_or(Refusal::NotAllowed)?;
    Ok(if looks_like_email(text) { EMAIL } else { TEXT })
}

/// The head as text, if it is UTF-8 but for a character cut off by the end
/// of the head.
fn utf8_prefix(head: &[u8]) -> Option<&str> {
    match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

fn looks_like_markup(head: &[u8]) -> bool {
    let start = skip_blank(head);
    let starts_as_page = start.strip_prefix(b"<").is_some_and(|rest| {
        MARKUP_STARTS
            .iter()
            .any(|tag| rest.get(..tag.len()).is_some_and(|h| h.eq_ignore_ascii_case(tag)))
    });
    starts_as_page
        || MARKUP_ANYWHERE
            .iter()
            .any(|needle| head.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle)))
}

/// Skips leading ASCII whitespace and byte order marks, as browsers do when
/// sniffing.
fn skip_blank(mut bytes: &[u8]) -> &[u8] {
    loop {
        let trimmed = bytes.trim_ascii_start();
        match trimmed.strip_prefix(UTF8_BOM) {
            Some(rest) => bytes = rest,
            None => return trimmed,
        }
    }
}

/// A saved message (`.eml`): a header block, every line a `Name: value`
/// field or a folded continuation, up to the first blank line, with a `From`
/// field. Requiring the whole block and `From` keeps a memo that starts with
/// `Note: ...` plain text.
fn looks_like_email(text: &str) -> bool {
    let mut has_from = false;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if i == 0 {
                return false;
            }
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        has_from |= name.eq_ignore_ascii_case("from");
    }
    has_from
}

/// An HWPX document: a zip whose first entry is a stored `mimetype` file
/// reading `application/hwp+zip` (the same layout as ODF and EPUB).
fn is_hwpx(head: &[u8]) -> bool {
    let Some(header) = head.get(..30).filter(|h| h.starts_with(b"PK\x03\x04")) else {
        return false;
    };
    let name_len = usize::from(u16::from_le_bytes([header[26], header[27]]));
    let extra_len = usize::from(u16::from_le_bytes([header[28], header[29]]));
    let data = 30 + name_len + extra_len;
    head.get(30..30 + name_len) == Some(&b"mimetype"[..])
        && head
            .get(data..)
            .is_some_and(|d| d.starts_with(b"application/hwp+zip"))
}

fn cfb_extension(file_name: &str) -> &'static str {
    clean_file_name(file_name)
        .rsplit_once('.')
        .and_then(|(_, ext)| {
            CFB_EXTENSIONS
                .iter()
                .copied()
                .find(|known| known.eq_ignore_ascii_case(ext))
        })
        .unwrap_or("cfb")
}

/// Types served under their own name: browsers display them but never run
/// them as script or page.
const SERVED_AS_IS: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    DOCX,
    XLSX,
    PPTX,
    "application/zip",
];

/// The Content-Type for serving a stored exhibit (always with `nosniff` and
/// as an attachment). Everything off a short list is served as
/// `application/octet-stream`, text and e-mail included, so that no stored
/// file can be shown as a page from the app's origin.
pub fn download_type(mime: &str) -> &'static str {
    SERVED_AS_IS
        .iter()
        .copied()
        .find(|&served| served == mime)
        .unwrap_or("application/octet-stream")
}

/// `1.5 MiB`, `200 MiB`: sizes as people read them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else if value >= 10.0 || value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn side_ranges_and_keys() {
        assert_eq!(
            (Side::Complainant.first(), Side::Complainant.last()),
            (1001, 1999)
        );
        assert_eq!((Side::Respondent.first(), Side::Respondent.last()), (2001, 2999));
        assert_eq!((Side::Office.first(), Side::Office.last()), (3001, 3999));
        assert_eq!(Side::parse("respondent"), Some(Side::Respondent));
        assert_eq!(Side::Office.label_key(), "side-office");
        assert_eq!(Visibility::parse("own_side"), Some(Visibility::OwnSide));
        assert_eq!(Visibility::OwnSide.label_key(), "visibility-own_side");
        assert_eq!(Visibility::Parties.to_string(), "parties");
    }

    #[test]
    fn exhibit_numbers_parse_inside_ranges_only() {
        let n = ExhibitNumber::parse(" 2014\n").unwrap();
        assert_eq!(
            (n.get(), n.side(), n.to_string()),
            (2014, Side::Respondent, "2014".to_owned())
        );
        assert_eq!(ExhibitNumber::parse("1001").unwrap().side(), Side::Complainant);
        assert_eq!(ExhibitNumber::parse("3999").unwrap().side(), Side::Office);
        for bad in [
            "",
            " ",
            "1000",
            "2000",
            "3000",
            "4000",
            "4001",
            "999",
            "0",
            "+1001",
            "-1001",
            "10 01",
            "1001a",
            "1e3",
            "99999999999",
            "١٠٠١",
        ] {
            assert_eq!(ExhibitNumber::parse(bad), None, "{bad:?}");
        }
        // Leading zeros are digits too, and name the same exhibit.
        assert_eq!(ExhibitNumber::parse("01001").map(ExhibitNumber::get), Some(1001));
        assert_eq!(ExhibitNumber::new(1999).map(ExhibitNumber::get), Some(1999));
        assert_eq!(ExhibitNumber::new(Side::Complainant.last() + 1), None);
    }

    #[test]
    fn nth_advances_until_the_range_is_used_up() {
        assert_eq!(
            ExhibitNumber::nth(Side::Complainant, 0).map(ExhibitNumber::get),
            Some(1001)
        );
        assert_eq!(
            ExhibitNumber::nth(Side::Respondent, 13).map(ExhibitNumber::get),
            Some(2014)
        );
        assert_eq!(
            ExhibitNumber::nth(Side::Office, 998).map(ExhibitNumber::get),
            Some(3999)
        );
        assert_eq!(ExhibitNumber::nth(Side::Office, 999), None);
        assert_eq!(ExhibitNumber::nth(Side::Office, -1), None);
        assert_eq!(ExhibitNumber::nth(Side::Office, i32::MAX), None);
    }

    const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn fingerprints_accept_what_people_paste() {
        let colons =
            "9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08";
        for pasted in [
            DIGEST.to_owned(),
            format!("  {}\n", DIGEST.to_uppercase()),
            colons.to_owned(),
            format!("SHA256 Fingerprint={colons}"),
            format!("sha256:{DIGEST}"),
            format!("SHA-256: {colons}"),
            format!("sha-256 {}", DIGEST.replace('0', "0-")),
            format!("{}\r\n{}", &DIGEST[..32], &DIGEST[32..]),
            format!("9f 86 d0 81 {}", &DIGEST[8..]),
        ] {
            assert_eq!(
                Fingerprint::parse(&pasted).map(|f| f.to_string()),
                Ok(DIGEST.to_owned()),
                "{pasted:?}"
            );
        }
    }

    #[test]
    fn fingerprint_errors() {
        assert_eq!(Fingerprint::parse(""), Err(FingerprintError::Empty));
        assert_eq!(Fingerprint::parse(" \n"), Err(FingerprintError::Empty));
        assert_eq!(Fingerprint::parse("sha256:"), Err(FingerprintError::Empty));
        assert_eq!(Fingerprint::parse("abcd"), Err(FingerprintError::WrongLength(4)));
        assert_eq!(
            Fingerprint::parse(&DIGEST[..40]),
            Err(FingerprintError::WrongLength(40))
        );
        assert_eq!(
            Fingerprint::parse(&format!("{DIGEST}0")),
            Err(FingerprintError::WrongLength(65))
        );
        assert_eq!(
            Fingerprint::parse(&DIGEST.replace('9', "g")),
            Err(FingerprintError::NotHex)
        );
        assert_eq!(Fingerprint::parse("sha1:abcd"), Err(FingerprintError::NotHex));
        assert_eq!(Fingerprint::parse("가나다"), Err(FingerprintError::NotHex));
        assert_eq!(FingerprintError::Empty.key(), "fingerprint-empty");
        assert_eq!(FingerprintError::WrongLength(3).key(), "fingerprint-length");
        assert_eq!(FingerprintError::NotHex.key(), "fingerprint-not-hex");
    }

    #[test]
    fn fingerprint_from_digest_is_lowercase_hex() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xAB;
        bytes[31] = 0x01;
        let fp = Fingerprint::from_digest(bytes);
        assert_eq!(fp.as_str().len(), 64);
        assert!(fp.as_str().starts_with("ab00") && fp.as_str().ends_with("0001"));
    }

    #[test]
    fn file_names_are_cleaned() {
        let cases = [
            ("../../etc/passwd", "passwd"),
            ("a\u{202E}gpj.exe", "agpj.exe"),
            ("C:\\x\\y.pdf", "y.pdf"),
            ("con", "con"),
            ("증거자료 1.pdf", "증거자료 1.pdf"),
            ("  report.pdf. . ", "report.pdf"),
            ("\u{FEFF}a\u{200B}b\u{2066}c\u{061C}.txt", "abc.txt"),
            ("tab\there\0.txt", "tabhere.txt"),
            (".bashrc", ".bashrc"),
            ("", ""),
            (".", ""),
            ("..", ""),
            ("dir/..", ""),
            ("dir/", ""),
            ("...", ""),
        ];
        for (raw, clean) in cases {
            assert_eq!(clean_file_name(raw), clean, "{raw:?}");
        }
    }

    #[test]
    fn long_file_names_keep_their_extension() {
        let long = format!("{}.pdf", "가".repeat(300));
        let cleaned = clean_file_name(&long);
        assert_eq!(cleaned.chars().count(), 200);
        assert!(cleaned.ends_with("가.pdf"));

        assert_eq!(clean_file_name(&"a".repeat(300)), "a".repeat(200));
        // An "extension" too long to be one is cut like the rest.
        let odd = format!("a.{}", "b".repeat(300));
        assert_eq!(clean_file_name(&odd).chars().count(), 200);
        assert!(clean_file_name(&odd).starts_with("a.b"));
    }

    /// A zip made only of stored local file entries: all that infer and the
    /// HWPX check read. CRCs are left zero since nothing here checks them.
    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, data) in entries {
            let size = u32::try_from(data.len()).unwrap().to_le_bytes();
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
            out.extend_from_slice(&[0; 4]); // CRC-32
            out.extend_from_slice(&size);
            out.extend_from_slice(&size);
            out.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
            out.extend_from_slice(&[0, 0]); // no extra field
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    /// The entry order Word writes, which infer's OOXML check relies on.
    fn ooxml(dir: &str, main: &str) -> Vec<u8> {
        let rels = format!("{dir}/_rels/{main}.rels");
        let part = format!("{dir}/{main}");
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            (&rels, b"<Relationships/>"),
            (&part, b"<document/>"),
        ])
    }

    fn with_tail(start: &[u8], len: usize) -> Vec<u8> {
        let mut bytes = start.to_vec();
        bytes.resize(len.max(start.len()), 0);
        bytes
    }

    fn detected(head: &[u8]) -> (&'static str, &'static str) {
        let d = detect(head, "upload.bin")
            .unwrap_or_else(|r| panic!("refused {r:?}: {:?}", &head[..head.len().min(16)]));
        (d.mime, d.extension)
    }

    #[test]
    fn allowed_binary_types_by_magic() {
        let cases: Vec<(Vec<u8>, &str, &str)> = vec![
            (
                b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec(),
                "application/pdf",
                "pdf",
            ),
            // Some generators write pure-ASCII PDFs; the header still decides.
            (
                b"%PDF-1.4\n1 0 obj << >> endobj\n".to_vec(),
                "application/pdf",
                "pdf",
            ),
            (
                with_tail(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 32),
                "image/png",
                "png",
            ),
            (
                with_tail(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", 32),
                "image/jpeg",
                "jpg",
            ),
            (with_tail(b"GIF89a\x01\0\x01\0\x80", 32), "image/gif", "gif"),
            (with_tail(b"GIF87a\x01\0\x01\0\x80", 32), "image/gif", "gif"),
            (with_tail(b"II*\0\x08\0\0\0", 32), "image/tiff", "tif"),
            (with_tail(b"MM\0*\0\0\0\x08", 32), "image/tiff", "tif"),
            (with_tail(b"RIFF\x24\0\0\0WEBPVP8 ", 32), "image/webp", "webp"),
            (
                with_tail(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", 64),
                "image/heic",
                "heic",
            ),
            (
                with_tail(b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 64),
                "image/bmp",
                "bmp",
            ),
            (with_tail(b"ID3\x04\0\0\0\0\x0f\x76", 32), "audio/mpeg", "mp3"),
            (with_tail(b"\xFF\xFB\x90\x64", 32), "audio/mpeg", "mp3"),
            (
                with_tail(b"\0\0\0\x18ftypmp42\0\0\0\0isommp42", 64),
                "video/mp4",
                "mp4",
            ),
            (
                with_tail(b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ", 64),
                "video/quicktime",
                "mov",
            ),
            (
                with_tail(b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42isom", 64),
                "audio/mp4",
                "m4a",
            ),
            (
                with_tail(b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0", 64),
                "audio/wav",
                "wav",
            ),
            (
                with_tail(b"7z\xBC\xAF\x27\x1C\0\x04", 32),
                "application/x-7z-compressed",
                "7z",
            ),
            (with_tail(b"\x1F\x8B\x08\0\0\0\0\0", 32), "application/gzip", "gz"),
            (with_tail(b"Rar!\x1A\x07\x01\0", 32), "application/vnd.rar", "rar"),
            (zip(&[("hello.txt", b"hello")]), "application/zip", "zip"),
        ];
        for (head, mime, extension) in cases {
            assert_eq!(detected(&head), (mime, extension), "{:?}", &head[..12]);
        }
    }

    #[test]
    fn office_documents_by_zip_entries() {
        assert_eq!(detected(&ooxml("word", "document.xml")).1, "docx");
        assert_eq!(detected(&ooxml("xl", "workbook.xml")).1, "xlsx");
        assert_eq!(detected(&ooxml("ppt", "presentation.xml")).1, "pptx");
        for (kind, extension) in [("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp")] {
            let mime = format!("application/vnd.oasis.opendocument.{kind}");
            let odf = zip(&[
                ("mimetype", mime.as_bytes()),
                ("content.xml", b"<office:document-content/>"),
            ]);
            assert_eq!(detected(&odf), (mime.as_str(), extension));
        }
        let hwpx = zip(&[
            ("mimetype", b"application/hwp+zip"),
            ("version.xml", b"<hv:HCFVersion/>"),
        ]);
        assert_eq!(detected(&hwpx), ("application/hwp+zip", "hwpx"));
        // A zip-based format off the list is not waved through as a zip.
        let epub = zip(&[
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", b"<container/>"),
        ]);
        assert_eq!(detect(&epub, "book.epub"), Err(Refusal::NotAllowed));
    }

    #[test]
    fn ole2_takes_its_extension_from_the_name() {
        let cfb = with_tail(CFB_MAGIC, 512);
        for (name, extension) in [
            ("증거.hwp", "hwp"),
            ("memo.DOC", "doc"),
            ("sheet.xls", "xls"),
            ("slides.ppt", "ppt"),
            ("mail.msg", "msg"),
            ("C:\\mail\\x.Msg ", "msg"),
            // An installer is OLE2 too; it is stored as an opaque container.
            ("setup.msi", "cfb"),
            ("noext", "cfb"),
            ("hwp", "cfb"),
        ] {
            assert_eq!(
                detect(&cfb, name),
                Ok(Detected {
                    mime: CFB_MIME,
                    extension
                }),
                "{name:?}"
            );
        }
        assert_eq!(download_type(CFB_MIME), "application/octet-stream");
    }

    #[test]
    fn programs_are_refused() {
        let cases: Vec<Vec<u8>> = vec![
            with_tail(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF", 128),
            with_tail(b"\x7FELF\x02\x01\x01\0", 64),
            with_tail(b"\xCF\xFA\xED\xFE\x07\0\0\x01", 32),
            with_tail(b"\0asm\x01\0\0\0", 16),
            with_tail(b"\xCA\xFE\xBA\xBE\0\0\0\x34", 16),
            with_tail(b"BC\xC0\xDE\x35\x14\0\0", 16),
            b"#!/bin/sh\nrm -rf ~\n".to_vec(),
            b"#!".to_vec(),
        ];
        for head in cases {
            assert_eq!(
                detect(&head, "evidence.pdf"),
                Err(Refusal::Executable),
                "{:?}",
                &head[..8.min(head.len())]
            );
        }
        // infer's PE check is `MZ` alone; text starting so is refused too,
        // which errs on the safe side.
        assert_eq!(
            detect(b"MZ Holdings annual report", "r.txt"),
            Err(Refusal::Executable)
        );
    }

    #[test]
    fn markup_is_refused() {
        let cases: &[&[u8]] = &[
            b"<!DOCTYPE html><html><body>not a pdf</body></html>",
            b"  \r\n<HTML lang=ko>",
            b"\xEF\xBB\xBF\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"<?xml version=\"1.0\"?><svg><script>alert(1)</script></svg>",
            b"<?xml version=\"1.0\"?><root/>",
            b"<svg onload=alert(1)>",
            b"<script>alert(1)</script>",
            b"<iframe src=x>",
            b"<p>hello</p>",
            b"<head><title>x",
            b"Meeting notes\nsee <ScRiPt src=//evil></script>",
            // A page carrying the PDF marker within its first KiB.
            b"<html><script>alert(1)</script>%PDF-1.4",
            // A coincidental signature does not hide a page behind it.
            b"MAC <svg onload=alert(1)>",
        ];
        for head in cases {
            assert_eq!(
                detect(head, "evidence.pdf"),
                Err(Refusal::Markup),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn gif_polyglot_is_a_gif() {
        // A real GIF header followed by JavaScript. It is stored and served
        // as image/gif with nosniff and as an attachment: a browser will not
        // run an image/gif response as script or render it as a page, so the
        // script half is inert.
        let polyglot = b"GIF89a/*\x01\0\x01\0\x80\0\0*/=alert(1);";
        assert_eq!(detected(polyglot), ("image/gif", "gif"));
        assert_eq!(download_type("image/gif"), "image/gif");
    }

    #[test]
    fn text_and_email() {
        assert_eq!(detected(b"Hello, world\n"), ("text/plain; charset=utf-8", "txt"));
        assert_eq!(
            detected(b"date,from,to\n2024-01-01,a,b\n"),
            ("text/plain; charset=utf-8", "txt")
        );
        assert_eq!(
            detected(b"if a < b and c > d then"),
            ("text/plain; charset=utf-8", "txt")
        );
        // No AV scanner runs here and the EICAR string is printable ASCII, so
        // it is plain text like any other; it is never served as text.
        let eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        assert_eq!(detected(eicar), ("text/plain; charset=utf-8", "txt"));

        // The head ends in the middle of a Korean character.
        let korean = "증거자료 목록: 계약서 사본\n".repeat(10);
        let cut = &korean.as_bytes()[..korean.len() - 2];
        assert!(std::str::from_utf8(cut).is_err());
        assert_eq!(detected(cut), ("text/plain; charset=utf-8", "txt"));

        let email = b"Received: from mx.example.com\r\n\tby mail.example.org; Mon, 1 Jan 2024\r\nReturn-Path: <a@example.com>\r\nFrom: A <a@example.com>\r\nTo: b@example.org\r\nSubject: =?UTF-8?B?7KaV6rGw?=\r\nMIME-Version: 1.0\r\n\r\nbody <b>bold</b>\r\n";
        assert_eq!(detected(email), ("message/rfc822", "eml"));
        assert_eq!(
            detected(b"Delivered-To: b@example.org\nFrom: a@example.com\n\nhi"),
            ("message/rfc822", "eml")
        );
        // A memo that opens with a label, headers without a sender, and an
        // mbox separator line are text.
        assert_eq!(detected(b"Note: call back\nThe meeting moved.\n").1, "txt");
        assert_eq!(detected(b"Subject: x\nDate: y\n\nbody").1, "txt");
        assert_eq!(
            detected(b"From a@example.com Mon Jan  1 00:00:00 2024\nFrom: a\n").1,
            "txt"
        );
    }

    #[test]
    fn coincidental_signatures_in_text_stay_text() {
        // Each starts with bytes infer takes for a binary format.
        for head in [
            &b"GIF images attached separately\n"[..],
            b"BMW lease contract\n",
            b"BC Hydro invoice\n",
            b"ID3 tags explained\n",
            b"MAC address list\n",
            b"DSD report\n",
            b"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n",
            // RTF is text; stored as such, which is harmless.
            b"{\\rtf1\\ansi hello}",
        ] {
            assert_eq!(detected(head).1, "txt", "{}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn other_refusals() {
        assert_eq!(detect(b"", "a.pdf"), Err(Refusal::Empty));
        assert_eq!(
            detect(b"\x13\x37\0\0binary\0\xFF", "a.txt"),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(detect(b"text with a \0 in it", "a.txt"), Err(Refusal::NotAllowed));
        // Legacy-encoded text (here Latin-1) is not UTF-8.
        assert_eq!(detect(b"caf\xE9 au lait", "a.txt"), Err(Refusal::NotAllowed));
        // A DER certificate is not a program, but not on the list either.
        assert_eq!(
            detect(&with_tail(b"\x30\x82\x01\x0a\x02\x82", 64), "c.der"),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(Refusal::Executable.key(), "exhibit-refused-executable");
        assert_eq!(Refusal::Markup.key(), "exhibit-refused-markup");
        assert_eq!(Refusal::NotAllowed.key(), "exhibit-refused-type");
        assert_eq!(Refusal::Empty.key(), "exhibit-refused-empty");
    }

    #[test]
    fn download_types() {
        for served in SERVED_AS_IS {
            assert_eq!(download_type(served), *served);
        }
        for other in [
            TEXT.mime,
            EMAIL.mime,
            HWPX.mime,
            "image/bmp",
            "image/heic",
            "image/svg+xml",
            "text/html",
            "video/mp4",
            "",
        ] {
            assert_eq!(download_type(other), "application/octet-stream", "{other}");
        }
    }

    fn is_forbidden_in_name(c: char) -> bool {
        c == '/' || c == '\\' || c.is_control() || is_bidi_or_format(c)
    }

    proptest! {
        #[test]
        fn fingerprint_round_trips(bytes: [u8; 32]) {
            let fp = Fingerprint::from_digest(bytes);
            prop_assert_eq!(Fingerprint::parse(fp.as_str()), Ok(fp.clone()));
            let upper = fp.as_str().to_uppercase();
            let colons = upper.as_bytes().chunks(2).map(|pair| std::str::from_utf8(pair).unwrap()).collect::<Vec<_>>().join(":");
            prop_assert_eq!(Fingerprint::parse(&upper), Ok(fp.clone()));
            prop_assert_eq!(Fingerprint::parse(&colons), Ok(fp));
        }

        #[test]
        fn clean_file_name_is_safe(chars in prop::collection::vec(
            prop_oneof![
                any::<char>(),
                prop::sample::select(vec!['/', '\\', '.', ' ', '\u{202E}', '\u{FEFF}', '\u{200B}', '\0', '\n', 'a', '가']),
            ],
            0..300,
        )) {
            let raw: String = chars.into_iter().collect();
            let clean = clean_file_name(&raw);
            prop_assert!(!clean.chars().any(is_forbidden_in_name), "{:?}", clean);
            prop_assert!(clean.chars().count() <= MAX_FILE_NAME);
            prop_assert!(clean != "." && clean != "..");
            prop_assert_eq!(clean_file_name(&clean), clean.clone());
        }

        #[test]
        fn detect_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = detect(&bytes, "x");
        }

        #[test]
        fn detect_never_panics_behind_a_signature(
            magic in prop::sample::select(vec![
                &b"PK\x03\x04"[..], CFB_MAGIC, b"\0\0\0\x18ftyp", b"RIFF", b"%PDF-", b"GIF89a", b"BM", b"ID3", b"<", b"\xEF\xBB\xBF",
            ]),
            tail in prop::collection::vec(any::<u8>(), 0..1024),
        ) {
            let _ = detect(&[magic, &tail].concat(), "x.doc");
        }
    }
}
