//! The caller's wallet and its ledger, newest first, in pages. The cursor is opaque to the
//! app: the number of the last entry shown, encoded.

use super::Users;
use crate::auth_context::AuthContext;
use crate::crypto::{b64url, b64url_decode};
use crate::domain::{Error, LedgerEntry, Result, Wallet};

pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;

/// One page of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPage {
    pub items: Vec<LedgerEntry>,
    /// Pass back as `cursor` for the next (older) page; `None` on the last page.
    pub next_cursor: Option<String>,
}

fn encode_cursor(seq: u64) -> String {
    b64url(format!("ledger:{seq}").as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<u64> {
    b64url_decode(cursor)
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("ledger:")?.parse().ok())
        .ok_or_else(|| Error::invalid("cursor", "cursor is not one this API returned"))
}

impl Users<'_> {
    pub async fn wallet(&self, ctx: &AuthContext) -> Result<Wallet> {
        Ok(self.wallets.get_wallet(&ctx.user.user_id).await?)
    }

    /// Up to `limit` (1..=100, default 20) entries older than `cursor`, newest first.
    pub async fn transactions(
        &self,
        ctx: &AuthContext,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<LedgerPage> {
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid("limit", "limit must be 1 to 100"));
        }
        let before = cursor.map(decode_cursor).transpose()?;
        let limit = limit as usize;
        let mut items = self
            .wallets
            .list_ledger(&ctx.user.user_id, before, limit + 1)
            .await?;
        let next_cursor = match items.len() > limit {
            true => {
                items.truncate(limit);
                items.last().map(|e| encode_cursor(e.seq))
            }
            false => None,
        };
        Ok(LedgerPage { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        for bad in ["", "!!", &b64url(b"pools:1"), &b64url(b"ledger:x")] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
