//! JSON Schema's `integer` is a number with no fractional part, however it is written: `2048.0`
//! and `2.048e3` are 2048. serde reads those as floats and refuses them for integer fields, so
//! before typed parsing every number literal whose value is an exact integer is rewritten in
//! integer form. The rewrite is exact (decimal digits are shifted, never rounded through a
//! float) and cannot change what a float field receives; literals inside strings are untouched.

use std::borrow::Cow;

/// Longest integer part written out; longer values fit no integer type and stay as given.
const MAX_DIGITS: usize = 40;

/// `body` with integral non-integer literals written as integers (borrowed when none is).
pub(super) fn integral_literals(body: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let end = body[i..]
                .iter()
                .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .map_or(body.len(), |n| i + n);
            if let Some(int) = as_integer(&body[i..end]) {
                let buf = out.get_or_insert_with(|| Vec::with_capacity(body.len()));
                buf.extend_from_slice(&body[copied..i]);
                buf.extend_from_slice(int.as_bytes());
                copied = end;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    match out {
        Some(mut buf) => {
            buf.extend_from_slice(&body[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(body),
    }
}

/// The integer a fraction or exponent literal denotes exactly, if it is one.
fn as_integer(token: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(token).ok()?;
    if !text.contains(['.', 'e', 'E']) {
        return None;
    }
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.strip_prefix('+').unwrap_or(e).parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let well_formed = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (!mantissa.contains('.') || !frac.is_empty())
        && (int == "0" || !int.starts_with('0'));
    if !well_formed || exponent.unsigned_abs() > MAX_DIGITS as u64 {
        return None;
    }
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + exponent;
    let (whole, rest) = if point <= 0 {
        ("", digits.as_str())
    } else if point as usize >= digits.len() {
        ("", "")
    } else {
        digits.split_at(point as usize)
    };
    if rest.bytes().any(|b| b != b'0') {
        return None;
    }
    let whole = if point as usize >= digits.len() && point > 0 {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        whole.to_string()
    };
    let whole = whole.trim_start_matches('0');
    if whole.len() > MAX_DIGITS {
        return None;
    }
    Some(match (whole.is_empty(), negative) {
        (true, _) => "0".to_string(),
        (false, true) => format!("-{whole}"),
        (false, false) => whole.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(s: &str) -> String {
        String::from_utf8(integral_literals(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn integral_literals_become_integers() {
        let cases = [
            ("2048.0", "2048"),
            ("2.048e3", "2048"),
            ("2048E0", "2048"),
            ("-5.000", "-5"),
            ("-0.0", "0"),
            ("1e2", "100"),
            ("120e-1", "12"),
            ("0.0", "0"),
            ("2048.5", "2048.5"),
            ("1.5e-3", "1.5e-3"),
            ("2048", "2048"),
            ("1e400", "1e400"),
            ("01.0", "01.0"),
            ("1.", "1."),
        ];
        for (given, expected) in cases {
            assert_eq!(rewrite(given), expected, "{given}");
        }
    }

    #[test]
    fn strings_and_structure_are_untouched() {
        let body = r#"{"amount": 2048.0, "note": "2048.0 \"3.0\"", "list": [1.0,2.50, 3e0]}"#;
        assert_eq!(
            rewrite(body),
            r#"{"amount": 2048, "note": "2048.0 \"3.0\"", "list": [1,2.50, 3]}"#
        );
        assert!(matches!(integral_literals(b"{\"a\": 1}"), Cow::Borrowed(_)));
    }
}
