//! Field rules of the contract. Each returns the domain's `Invalid` error naming the field.
//! Lengths are counted on the value as given (as JSON Schema's `maxLength` does); surrounding
//! white space is then trimmed, and a value that is only white space is refused.

use crate::domain::Error;
use chrono::NaiveDate;

mod text;
pub use text::free_text;

/// Invisible format characters (Unicode category Cf): bidirectional overrides and isolates,
/// zero-width characters, word joiners, the byte-order mark, tag characters. In a name they
/// can reorder or hide what others are shown.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// A person's or a pool's name: free text of 1 to 100 characters.
pub fn name(field: &str, v: &str) -> Result<String, Error> {
    free_text(field, v, 100)
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn email(v: &str) -> Result<String, Error> {
    let bad = || Error::invalid("email", "email must be a valid address");
    let t = v.trim();
    if t.len() > 254 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = t.split_once('@').ok_or_else(bad)?;
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return Err(bad());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    {
        return Err(bad());
    }
    Ok(t.to_string())
}

const EARLIEST_DOB: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// A past `YYYY-MM-DD` date (strictly before `today`), not before 1900-01-01. Only four-digit
/// years parse: chrono would read `-001` and `0000` as years.
pub fn dob(v: &str, today: NaiveDate) -> Result<String, Error> {
    let t = v.trim();
    let d = Some(t)
        .filter(|t| t.len() == 10 && t.as_bytes()[0].is_ascii_digit())
        .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .ok_or_else(|| Error::invalid("dob", "dob must be a date YYYY-MM-DD"))?;
    if d >= today {
        return Err(Error::invalid("dob", "dob must be in the past"));
    }
    if d < EARLIEST_DOB {
        return Err(Error::invalid("dob", "dob must not be before 1900-01-01"));
    }
    Ok(d.format("%Y-%m-%d").to_string())
}

pub fn security_number(v: &str) -> Result<String, Error> {
    if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_string())
    } else {
        Err(Error::invalid(
            "security_number",
            "security_number must be exactly 4 digits",
        ))
    }
}

/// The character rules every new password meets (registration, reset and change alike),
/// applied to its NFKC form, the form it is hashed in: 8 to 128 characters, no control
/// characters, and something besides white space and combining marks.
pub fn password(field: &str, v: &str) -> Result<(), Error> {
    let n = crate::password::policy::normalize(v);
    let why = if !crate::password::valid_length(&n) {
        "must be 8 to 128 characters"
    } else if n.chars().any(char::is_control) {
        "must not contain control characters"
    } else if n
        .chars()
        .all(|c| c.is_whitespace() || unicode_normalization::char::is_combining_mark(c))
    {
        "must hold more than white space and combining marks"
    } else {
        return Ok(());
    };
    Err(Error::invalid(field, format!("{field} {why}")))
}

/// A new password: the character rules, then the policy (not common, not built from the account's
/// phone number or name), with the reason in the message.
pub fn new_password(field: &str, v: &str, phone: &str, name: &str) -> Result<(), Error> {
    password(field, v)?;
    crate::password::policy::check(v, phone, name)
        .map_err(|weak| Error::invalid(field, format!("{field} {}", weak.reason())))
}

/// Digits only, 1..=10 of them.
pub fn code(v: &str) -> Result<(), Error> {
    if !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid("code", "code must be digits"))
    }
}

/// A bounded technical field (device ids, versions, push tokens): no control characters.
/// Text people read goes through [`free_text`].
pub fn short_text(field: &str, v: &str, max: usize) -> Result<String, Error> {
    let t = v.trim();
    if t.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// An idempotency key: 8 to 64 of `A-Z a-z 0-9 - _`.
pub fn idempotency_key(key: &str) -> Result<(), Error> {
    let ok = (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    match ok {
        true => Ok(()),
        false => Err(Error::invalid(
            "idempotency_key",
            "idempotency_key must be 8 to 64 letters, digits, '-' or '_'",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert!(name("name", "Asha").is_ok());
        assert!(name("name", "  ").is_err());
        assert!(name("name", &"a".repeat(101)).is_err());
        assert!(name("name", &"अ".repeat(100)).is_ok());
        for bad in [
            "Asha\u{202E}ttam",
            "\u{200B}",
            "A\u{2066}b",
            "\u{FEFF}Asha",
            " \u{200D} ",
        ] {
            assert!(name("name", bad).is_err(), "{bad:?}");
        }
        // NFC: a decomposed é (e + combining acute) is stored composed.
        assert_eq!(name("name", "Re\u{301}na").unwrap(), "R\u{E9}na");
        assert!(email("a@b.co").is_ok());
        for bad in ["a@b", "@b.co", "a b@c.co", "a@@b.co", "a@b..co", "a@-b.co"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(dob("1990-01-31", today).is_ok());
        assert!(dob("2026-11-22", today).is_err());
        assert!(dob("1990-1-31", today).is_err());
        assert!(dob("1990-02-30", today).is_err());
        for old in ["0000-01-01", "-001-01-01", "1800-01-01", "1899-12-31"] {
            assert!(dob(old, today).is_err(), "{old}");
        }
        assert_eq!(dob("1900-01-01", today).unwrap(), "1900-01-01");
        assert!(security_number("0123").is_ok());
        assert!(security_number("123").is_err());
        assert!(security_number("12a4").is_err());
        assert!(code("012345").is_ok());
        assert!(code("01234a").is_err());
        assert!(code("").is_err());
        assert!(password("password", "12345678").is_ok());
        for bad in [
            "        ",
            "pass\u{0}word1",
            &"\u{0301}".repeat(8),
            " \u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}",
            "tab\tinside!",
        ] {
            assert!(password("new_password", bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            password("new_password", "1"),
            Err(Error::Invalid { field, .. }) if field == "new_password"
        ));
    }
}
