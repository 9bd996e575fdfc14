//! The claims at issue when a case cites a right: `1, 3-5` read into ascending, disjoint
//! ranges and written back the one canonical way.

use std::fmt;

/// No patent office allows anything near this many claims; a larger number is a typo.
pub const MAX_CLAIM: u32 = 999;

/// Claim numbers as ascending, non-overlapping, non-adjacent inclusive ranges. Empty means
/// the link is to the right as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims(Vec<(u32, u32)>);

/// Why a claims list cannot be read; each names the offending part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimsError {
    /// Not a number or a range of numbers.
    NotANumber(String),
    /// Claim numbering starts at 1 and stops well before `MAX_CLAIM`.
    OutOfRange(String),
    /// A range whose end comes before its start, like `5-3`.
    Backwards(String),
}

impl ClaimsError {
    pub fn key(&self) -> &'static str {
        match self {
            ClaimsError::NotANumber(_) => "claims-not-a-number",
            ClaimsError::OutOfRange(_) => "claims-out-of-range",
            ClaimsError::Backwards(_) => "claims-backwards",
        }
    }

    /// The part of the input the message is about.
    pub fn part(&self) -> &str {
        match self {
            ClaimsError::NotANumber(p) | ClaimsError::OutOfRange(p) | ClaimsError::Backwards(p) => p,
        }
    }
}

impl Claims {
    /// Reads `1, 3-5`, `1,3–5`, `claims 1 and 3 to 5`-free lists: numbers and ranges
    /// separated by commas, semicolons or spaces; ranges with `-`, `–`, `~` or `to`.
    /// Overlaps and repeats are merged, order does not matter.
    pub fn parse(input: &str) -> Result<Claims, ClaimsError> {
        let normalized = input
            .replace(['–', '—', '~', '‒', '−'], "-")
            .replace(" to ", "-")
            .replace(['，', '、'], ",");
        let mut ranges = Vec::new();
        for part in normalized
            .split([',', ';'])
            .flat_map(|p| split_spaces(p.trim()))
            .filter(|p| !p.is_empty())
        {
            let part = part.as_str();
            let (start, end) = match part.split_once('-') {
                Some((a, b)) => (number(a.trim(), part)?, number(b.trim(), part)?),
                None => {
                    let n = number(part, part)?;
                    (n, n)
                }
            };
            if end < start {
                return Err(ClaimsError::Backwards(part.to_string()));
            }
            ranges.push((start, end));
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1 + 1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Ok(Claims(merged))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `3 - 5` stays one range; `1 3 5` is three numbers.
fn split_spaces(part: &str) -> Vec<String> {
    let joined = part.replace(" -", "-").replace("- ", "-");
    joined.split_whitespace().map(str::to_string).collect()
}

fn number(text: &str, part: &str) -> Result<u32, ClaimsError> {
    let digits = text.trim_start_matches(['#']);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ClaimsError::NotANumber(part.to_string()));
    }
    match digits.parse::<u32>() {
        Ok(n) if (1..=MAX_CLAIM).contains(&n) => Ok(n),
        _ => Err(ClaimsError::OutOfRange(part.to_string())),
    }
}

impl fmt::Display for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match b - a {
                0 => write!(f, "{a}")?,
                1 => write!(f, "{a}, {b}")?,
                _ => write!(f, "{a}-{b}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(s: &str) -> String {
        Claims::parse(s).unwrap().to_string()
    }

    #[test]
    fn lists_and_ranges_read_into_one_canonical_form() {
        assert_eq!(canonical("1, 3-5"), "1, 3-5");
        assert_eq!(canonical("3-5,1"), "1, 3-5");
        assert_eq!(canonical("1 3 4 5"), "1, 3-5");
        assert_eq!(canonical("1; 3 – 5"), "1, 3-5");
        assert_eq!(canonical("3 to 5, 4, 1"), "1, 3-5");
        assert_eq!(canonical("1-2"), "1, 2");
        assert_eq!(canonical("2-4, 5-7"), "2-7");
        assert_eq!(canonical("  "), "");
        assert!(Claims::parse("").unwrap().is_empty());
    }

    #[test]
    fn what_is_not_a_claim_number_is_named() {
        assert_eq!(
            Claims::parse("1, 3a").unwrap_err(),
            ClaimsError::NotANumber("3a".into())
        );
        assert_eq!(
            Claims::parse("0").unwrap_err(),
            ClaimsError::OutOfRange("0".into())
        );
        assert_eq!(
            Claims::parse("1-1000").unwrap_err(),
            ClaimsError::OutOfRange("1-1000".into())
        );
        assert_eq!(
            Claims::parse("5-3").unwrap_err(),
            ClaimsError::Backwards("5-3".into())
        );
        assert_eq!(
            Claims::parse("1--3").unwrap_err(),
            ClaimsError::NotANumber("1--3".into())
        );
        assert_eq!(
            Claims::parse("99999999999").unwrap_err(),
            ClaimsError::OutOfRange("99999999999".into())
        );
    }

    #[test]
    fn the_canonical_form_reads_back_to_itself() {
        for s in ["1", "1, 3-5", "2, 3", "7-9, 11, 20-999"] {
            let once = Claims::parse(s).unwrap();
            assert_eq!(Claims::parse(&once.to_string()).unwrap(), once);
        }
    }
}
