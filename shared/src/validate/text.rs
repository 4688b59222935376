//! The contract's one rule for free text (names, cities, states, addresses, reasons,
//! purposes). Text people type is shown to other people (operators, pool members), so it must
//! not be able to hide, reorder or overflow what is around it: no control, format or
//! bidirectional-override characters, no invisible fillers, no towers of combining marks, and
//! at least one visible character. Format characters that writing needs stay allowed where
//! they do their job: ZWJ between emoji (👩🏽‍💻) and ZWJ/ZWNJ after a virama or between letters
//! (Indic and Persian conjuncts), tags inside a flag sequence (🏴 + tags).

use crate::domain::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, is_combining_mark};

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';
const BLACK_FLAG: char = '\u{1F3F4}';
/// More combining marks than this on one base character are refused (real scripts stack at
/// most a few; "Zalgo" text stacks dozens and spills over neighbouring lines).
const MAX_MARKS: usize = 4;

/// Checks `v` given in `field` (at most `max` characters as given) and returns it trimmed and
/// in NFC.
pub fn free_text(field: &str, v: &str, max: usize) -> Result<String, Error> {
    let t = v.trim();
    if t.is_empty() || v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    check_characters(t).map_err(|why| Error::invalid(field, format!("{field} {why}")))?;
    Ok(t.nfc().collect())
}

fn check_characters(t: &str) -> Result<(), &'static str> {
    let chars: Vec<char> = t.chars().collect();
    let mut marks = 0;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        if is_combining_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                return Err("must not stack more than 4 combining marks on one character");
            }
            continue;
        }
        marks = 0;
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            return Err("must not contain control characters or line separators");
        }
        if is_filler(c) || is_private_or_noncharacter(c) {
            return Err("must not contain invisible or private-use characters");
        }
        if super::is_invisible_format(c) && !joins(c, prev, next) {
            return Err("must not contain format or bidirectional-control characters");
        }
    }
    if !chars.iter().any(|&c| visible(c)) {
        return Err("must contain a visible character");
    }
    Ok(())
}

/// Whether the format character `c` between `prev` and `next` is one writing needs.
fn joins(c: char, prev: Option<char>, next: Option<char>) -> bool {
    let Some(p) = prev else {
        return false;
    };
    if matches!(c, '\u{E0020}'..='\u{E007F}') {
        return p == BLACK_FLAG || matches!(p, '\u{E0020}'..='\u{E007E}');
    }
    let Some(n) = next else {
        return false;
    };
    match c {
        ZWJ if is_emoji(n) && (is_emoji(p) || is_emoji_modifier(p) || p == '\u{FE0F}') => true,
        ZWJ | ZWNJ => {
            let after_virama = canonical_combining_class(p) == 9;
            after_virama || (p.is_alphabetic() && (n.is_alphabetic() || is_combining_mark(n)))
        }
        _ => false,
    }
}

fn visible(c: char) -> bool {
    !c.is_whitespace() && !is_combining_mark(c) && !super::is_invisible_format(c)
}

/// Characters that draw nothing though they are not white space or format characters.
fn is_filler(c: char) -> bool {
    matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{FFFC}'
    )
}

fn is_private_or_noncharacter(c: char) -> bool {
    let low = u32::from(c) & 0xFFFF;
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}' | '\u{FDD0}'..='\u{FDEF}')
        || low >= 0xFFFE
}

/// Extended pictographic characters (the emoji blocks and the older symbols used as emoji).
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{00A9}'
            | '\u{00AE}'
            | '\u{203C}'
            | '\u{2049}'
            | '\u{2122}'
            | '\u{2139}'
            | '\u{2194}'..='\u{21FF}'
            | '\u{2300}'..='\u{23FF}'
            | '\u{24C2}'
            | '\u{25A0}'..='\u{27BF}'
            | '\u{2934}'..='\u{2935}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{3030}'
            | '\u{303D}'
            | '\u{3297}'
            | '\u{3299}'
            | '\u{1F000}'..='\u{1FAFF}'
    )
}

/// The skin-tone modifiers.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(v: &str) -> bool {
        free_text("city", v, 100).is_ok()
    }

    #[test]
    fn writing_people_use_is_accepted() {
        for v in [
            "Pune",
            "👩🏽‍💻",
            "Asha 👨‍👩‍👧",
            "🏳️‍🌈",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "क्‍ष",
            "क्‌ष",
            "می‌خواهم",
            "São Paulo",
            "Ře\u{301}na",
            "ಬೆಂಗಳೂರು",
        ] {
            assert!(ok(v), "{v:?}");
        }
        assert_eq!(
            free_text("city", "  Re\u{301}na ", 100).unwrap(),
            "R\u{E9}na"
        );
    }

    #[test]
    fn hidden_reordering_and_overflowing_text_is_refused() {
        let zalgo = format!("a{}", "\u{0301}".repeat(99));
        for v in [
            "Pune\u{202E}enuP",
            "\u{3164}",
            "Asha\u{2028}Verma",
            zalgo.as_str(),
            "\u{200D}",
            "a\u{200D}",
            "\u{200B}Pune",
            "Pu\u{0000}ne",
            "\u{2800}",
            "\u{115F}\u{1160}",
            "\u{E000}",
            "\u{0301}\u{0301}",
            "a\u{E0041}",
            "   ",
            "\u{FEFF}Pune",
        ] {
            assert!(!ok(v), "{v:?}");
        }
        assert!(!ok(&"a".repeat(101)));
        assert!(ok(&"a".repeat(100)));
    }
}
