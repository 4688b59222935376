//! Pages of a list, newest first. A cursor is opaque to clients: a kind and the position of
//! the last item shown, encoded; a cursor of another kind, or not one this API made, is a 400.

use crate::crypto::{b64url, b64url_decode};
use crate::domain::{Error, Result};

pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;

/// `limit` (1..=100, default 20) as a count.
pub fn page_limit(limit: Option<i64>) -> Result<usize> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::invalid("limit", "limit must be 1 to 100"));
    }
    Ok(limit as usize)
}

pub fn encode_cursor(kind: &str, position: &str) -> String {
    b64url(format!("{kind}:{position}").as_bytes())
}

/// The position in a cursor of `kind`, if `valid` accepts it.
pub fn decode_cursor(kind: &str, cursor: &str, valid: impl Fn(&str) -> bool) -> Result<String> {
    b64url_decode(cursor)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| Some(s.strip_prefix(kind)?.strip_prefix(':')?.to_string()))
        .filter(|p| valid(p))
        .ok_or_else(|| Error::invalid("cursor", "cursor is not one this API returned"))
}

/// Trims `items` (read with one extra) to `limit`; the cursor of the last one kept when
/// more remain.
pub fn finish_page<T>(
    mut items: Vec<T>,
    limit: usize,
    cursor_of: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    if items.len() <= limit {
        return (items, None);
    }
    items.truncate(limit);
    let next = items.last().map(cursor_of);
    (items, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let digits = |p: &str| p.parse::<u64>().is_ok();
        let c = encode_cursor("ledger", "42");
        assert_eq!(decode_cursor("ledger", &c, digits).unwrap(), "42");
        for bad in [
            "",
            "!!",
            &b64url(b"pools:1"),
            &b64url(b"ledger:x"),
            &b64url(b"ledgerx:1"),
        ] {
            assert!(decode_cursor("ledger", bad, digits).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_keep_the_limit_and_point_past_it() {
        assert_eq!(
            finish_page(vec![1, 2], 2, |n| n.to_string()),
            (vec![1, 2], None)
        );
        assert_eq!(
            finish_page(vec![1, 2, 3], 2, |n| n.to_string()),
            (vec![1, 2], Some("2".into()))
        );
        assert!(page_limit(Some(0)).is_err() && page_limit(Some(101)).is_err());
        assert_eq!(page_limit(None).unwrap(), 20);
    }
}
