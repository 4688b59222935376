//! What a new password may not be (NIST SP 800-63B 3.1.1.2): a commonly used or breached
//! value, or one built from what an attacker knows about the account (its phone number, its
//! name). No composition rules. Passwords are compared after Unicode NFKC normalization,
//! case-insensitively for the list and the name; the list is compared without surrounding
//! white space (`"password1 "` is `password1`).

use std::collections::HashSet;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// On the list of common and breached passwords.
    Common,
    /// Holds the account's phone number.
    ContainsPhone,
    /// Holds the account's name.
    ContainsName,
}

impl Weakness {
    pub fn reason(self) -> &'static str {
        match self {
            Weakness::Common => "is too common; choose one that is harder to guess",
            Weakness::ContainsPhone => "must not contain your phone number",
            Weakness::ContainsName => "must not contain your name",
        }
    }
}

/// Built on the first check (never at start): 19,640 entries, a few milliseconds.
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common-passwords.txt").lines().collect());

/// The form a password is hashed and compared in.
pub fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

/// Checks a new password (as given) against what the account is known by: `phone` in E.164
/// and `name`.
pub fn check(password: &str, phone: &str, name: &str) -> Result<(), Weakness> {
    let lower = normalize(password).to_lowercase();
    if COMMON.contains(lower.trim()) {
        return Err(Weakness::Common);
    }
    let digits: String = lower.chars().filter(char::is_ascii_digit).collect();
    let national = national_digits(phone);
    if national.len() >= 6 && digits.contains(&national) {
        return Err(Weakness::ContainsPhone);
    }
    if name_parts(name).any(|part| lower.contains(&part)) {
        return Err(Weakness::ContainsName);
    }
    Ok(())
}

/// The phone's digits after its calling code (the last 10 for Indian numbers).
fn national_digits(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let code_len = phonenumber::parse(None, e164)
        .map(|p| p.code().value().to_string().len())
        .unwrap_or(0);
    digits.get(code_len..).unwrap_or_default().to_string()
}

/// The name as a whole (spaces removed) when 3+ characters, and each word of 4+ characters,
/// lower-cased: shorter pieces would forbid too many unrelated passwords.
fn name_parts(name: &str) -> impl Iterator<Item = String> {
    let lower = normalize(name).to_lowercase();
    let whole: String = lower.split_whitespace().collect();
    let words: Vec<String> = lower
        .split_whitespace()
        .filter(|w| w.chars().count() >= 4)
        .map(String::from)
        .collect();
    std::iter::once(whole)
        .filter(|w| w.chars().count() >= 3)
        .chain(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = "+919816456565";

    #[test]
    fn the_list_holds_the_usual_suspects() {
        assert!(COMMON.len() >= 10_000);
        for pw in ["password", "12345678", "qwertyuiop", "iloveyou", "PassWord"] {
            assert_eq!(check(pw, PHONE, "Asha"), Err(Weakness::Common), "{pw}");
        }
        assert_eq!(check("correct horse battery", PHONE, "Asha"), Ok(()));
        assert_eq!(check(" password1 ", PHONE, "Asha"), Err(Weakness::Common));
    }

    #[test]
    fn phone_digits_and_name_are_refused() {
        assert_eq!(
            check("my9816456565!", PHONE, "Asha"),
            Err(Weakness::ContainsPhone)
        );
        assert_eq!(
            check("98-1645-6565 x", PHONE, "Asha"),
            Err(Weakness::ContainsPhone)
        );
        assert_eq!(
            check("ashaverma-2026", PHONE, "Asha Verma"),
            Err(Weakness::ContainsName)
        );
        assert_eq!(
            check("xx VERMA rules", PHONE, "Asha Verma"),
            Err(Weakness::ContainsName)
        );
        assert_eq!(
            check("saturday sun 7", PHONE, "Al"),
            Ok(()),
            "short names are not words"
        );
    }

    #[test]
    fn normalization_folds_compatibility_forms() {
        // Fullwidth letters are the same password as ASCII ones after NFKC.
        assert_eq!(normalize("ｐａｓｓｗｏｒｄ"), "password");
        assert_eq!(
            check("ｐａｓｓｗｏｒｄ", PHONE, "Asha"),
            Err(Weakness::Common)
        );
    }
}
