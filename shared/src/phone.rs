//! Phone numbers: parsing with libphonenumber's metadata (the `phonenumber` crate),
//! normalization to E.164, region allow-lists and masking for logs and responses.

use crate::domain::E164;
use phonenumber::{Mode, Type, country::Id};
use std::str::FromStr;

/// A validated phone number in E.164 form, with its region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    e164: E164,
    region: Option<Id>,
    calling_code: u16,
    mobile: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// Not a phone number, or not a valid one for its region.
    Invalid,
    /// The `country_code` field is neither `+NN` nor a known ISO region.
    BadCountryCode,
}

/// Parses an ISO region such as `IN`.
/// The region of a number prefix (`+9198164` → `IN`): the one calling code it starts with
/// (calling codes are prefix-free), and that code's main region; `ZZ` for a non-geographic
/// code. `None` when it is not `+` and 2 to 15 digits starting with a known calling code.
pub fn prefix_region(prefix: &str) -> Option<String> {
    let digits = prefix.strip_prefix('+')?;
    if !(2..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        let regions = phonenumber::metadata::DATABASE.by_code(&code)?;
        let main = regions.first()?.id();
        Some(
            match main.len() == 2 && main.bytes().all(|b| b.is_ascii_uppercase()) {
                true => main.to_string(),
                false => "ZZ".to_string(),
            },
        )
    })
}

pub fn parse_region(s: &str) -> Option<Id> {
    Id::from_str(&s.trim().to_ascii_uppercase()).ok()
}

impl Phone {
    /// Parses `raw` (E.164 or national digits) with an optional `country_code` (`"+91"` or `"IN"`),
    /// falling back to `default_region` for national numbers.
    pub fn parse(
        raw: &str,
        country_code: Option<&str>,
        default_region: Id,
    ) -> Result<Phone, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 32 {
            return Err(PhoneError::Invalid);
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
        {
            return Err(PhoneError::Invalid);
        }
        // An empty `country_code` is the same as none; otherwise it is taken exactly as given.
        let country_code = country_code.filter(|c| !c.is_empty());
        let parsed = match country_code {
            Some(cc) if cc.starts_with('+') => {
                let digits = &cc[1..];
                if digits.is_empty()
                    || digits.len() > 3
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(PhoneError::BadCountryCode);
                }
                if raw.starts_with('+') {
                    phonenumber::parse(None, raw)
                } else {
                    phonenumber::parse(None, format!("{cc}{raw}"))
                }
            }
            Some(cc) => {
                let region = parse_region(cc).ok_or(PhoneError::BadCountryCode)?;
                phonenumber::parse(Some(region), raw)
            }
            None => phonenumber::parse(Some(default_region), raw),
        }
        .map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&parsed) {
            return Err(PhoneError::Invalid);
        }
        // If the caller named a country by calling code, the number must belong to it.
        if let Some(cc) = country_code.filter(|c| c.starts_with('+'))
            && cc[1..].parse::<u16>().ok() != Some(parsed.code().value())
        {
            return Err(PhoneError::Invalid);
        }
        let kind = parsed.number_type(&phonenumber::metadata::DATABASE);
        Ok(Phone {
            e164: E164::new(parsed.format().mode(Mode::E164).to_string()),
            region: parsed.country().id(),
            calling_code: parsed.code().value(),
            mobile: matches!(kind, Type::Mobile | Type::FixedLineOrMobile),
        })
    }

    /// Re-parses a stored E.164 string (trusted input).
    pub fn from_e164(e164: &str) -> Result<Phone, PhoneError> {
        Phone::parse(e164, None, Id::IN)
    }

    pub fn e164(&self) -> &E164 {
        &self.e164
    }

    pub fn region(&self) -> Option<Id> {
        self.region
    }

    /// A number that can receive SMS: mobile, or fixed-line-or-mobile where the metadata cannot
    /// tell (toll-free, premium-rate, shared-cost, UAN, VoIP, pager and fixed-line cannot).
    pub fn is_mobile(&self) -> bool {
        self.mobile
    }

    /// The ISO region (`IN`), or `ZZ` for a number of no single region (metrics).
    pub fn country(&self) -> String {
        self.region
            .map_or_else(|| "ZZ".to_string(), |r| r.as_ref().to_string())
    }

    /// The block a number belongs to, for the per-prefix send cap: `+`, the calling code and the
    /// first `digits` digits after it (`+9198164` for `+919816456565` with 5). Pumping rings
    /// buy ranges of numbers, so their sends share a prefix.
    pub fn prefix(&self, digits: usize) -> String {
        let cc = format!("+{}", self.calling_code);
        let national = self.e164.strip_prefix(&cc).unwrap_or_default();
        let end = national
            .char_indices()
            .nth(digits)
            .map_or(national.len(), |(i, _)| i);
        format!("{cc}{}", &national[..end])
    }

    /// `+91******6565`: the calling code, then stars, then the last 4 digits.
    pub fn masked(&self) -> String {
        mask_e164(&self.e164, self.calling_code)
    }
}

/// Masks an E.164 string given its calling code.
fn mask_e164(e164: &str, calling_code: u16) -> String {
    let cc = format!("+{calling_code}");
    let rest = e164
        .strip_prefix(&cc)
        .unwrap_or(e164.trim_start_matches('+'));
    let keep = rest.len().min(4);
    let hidden = rest.len() - keep;
    format!("{cc}{}{}", "*".repeat(hidden), &rest[hidden..])
}

/// Masks a stored E.164 phone for logs; falls back to a fully hidden form.
pub fn mask(e164: &str) -> String {
    match Phone::from_e164(e164) {
        Ok(p) => p.masked(),
        Err(_) => "+***".to_string(),
    }
}

/// The regions codes may be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedCountries {
    Any,
    Only(Vec<Id>),
}

impl AllowedCountries {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s == "*" {
            return Some(AllowedCountries::Any);
        }
        let ids: Option<Vec<Id>> = s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(parse_region)
            .collect();
        ids.filter(|v| !v.is_empty()).map(AllowedCountries::Only)
    }

    pub fn allows(&self, phone: &Phone) -> bool {
        match self {
            AllowedCountries::Any => true,
            AllowedCountries::Only(ids) => phone.region().is_some_and(|r| ids.contains(&r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_keeps_the_calling_code_and_the_next_digits() {
        let p = Phone::parse("+919816456565", None, Id::IN).unwrap();
        assert_eq!(p.prefix(5), "+9198164");
        assert_eq!(p.prefix(0), "+91");
        assert_eq!(p.prefix(40), "+919816456565");
        let us = Phone::parse("+12025550143", None, Id::IN).unwrap();
        assert_eq!(us.prefix(3), "+1202");
        assert_eq!((p.country().as_str(), us.country().as_str()), ("IN", "US"));
    }

    #[test]
    fn parses_national_and_e164_to_the_same_number() {
        let a = Phone::parse("9816456565", None, Id::IN).unwrap();
        let b = Phone::parse("+919816456565", None, Id::IN).unwrap();
        let c = Phone::parse("9816456565", Some("+91"), Id::US).unwrap();
        let d = Phone::parse("9816456565", Some("in"), Id::US).unwrap();
        for p in [&a, &b, &c, &d] {
            assert_eq!(p.e164(), "+919816456565");
            assert_eq!(p.region(), Some(Id::IN));
        }
    }

    #[test]
    fn masks_keep_calling_code_and_last_four() {
        let p = Phone::parse("+919816456565", None, Id::IN).unwrap();
        assert_eq!(p.masked(), "+91******6565");
        assert_eq!(mask("+919816456565"), "+91******6565");
        let us = Phone::parse("+12025550123", None, Id::IN).unwrap();
        assert_eq!(us.masked(), "+1******0123");
    }

    #[test]
    fn rejects_invalid_numbers_and_codes() {
        assert_eq!(
            Phone::parse("12345", None, Id::IN),
            Err(PhoneError::Invalid)
        );
        assert_eq!(Phone::parse("", None, Id::IN), Err(PhoneError::Invalid));
        assert_eq!(
            Phone::parse("98164abc65", None, Id::IN),
            Err(PhoneError::Invalid)
        );
        assert_eq!(
            Phone::parse("9816456565", Some("XX"), Id::IN),
            Err(PhoneError::BadCountryCode)
        );
        // A number of another country than the one named.
        assert_eq!(
            Phone::parse("+12025550123", Some("+91"), Id::IN),
            Err(PhoneError::Invalid)
        );
    }

    #[test]
    fn only_mobile_numbers_take_sms() {
        let mobile = Phone::parse("9816456565", None, Id::IN).unwrap();
        assert!(mobile.is_mobile());
        for (raw, what) in [
            ("01123456789", "Delhi fixed line"),
            ("18001031234", "toll-free"),
            ("+18005550123", "US toll-free"),
            ("+19005550123", "US premium rate"),
        ] {
            let p = Phone::parse(raw, None, Id::IN).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
            assert!(!p.is_mobile(), "{what} {raw}");
        }
        // The US plan does not separate mobiles from fixed lines: both take SMS.
        assert!(
            Phone::parse("+12025550123", None, Id::IN)
                .unwrap()
                .is_mobile()
        );
    }

    #[test]
    fn allow_list() {
        let in_only = AllowedCountries::parse("IN").unwrap();
        let us = Phone::parse("+12025550123", None, Id::IN).unwrap();
        let ind = Phone::parse("+919816456565", None, Id::IN).unwrap();
        assert!(in_only.allows(&ind));
        assert!(!in_only.allows(&us));
        assert!(AllowedCountries::parse("*").unwrap().allows(&us));
        assert!(AllowedCountries::parse("IN, US").unwrap().allows(&us));
        assert!(AllowedCountries::parse("ZZ").is_none());
    }
}
