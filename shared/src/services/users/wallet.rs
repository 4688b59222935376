//! The caller's wallet and its ledger, newest first, in pages. The cursor is opaque to the
//! app: the number of the last entry shown, encoded.

use super::Users;
use crate::domain::Caller;
use crate::domain::{LedgerEntry, Result, Wallet};
use crate::services::paging::{decode_cursor, encode_cursor, finish_page, page_limit};

/// One page of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPage {
    pub items: Vec<LedgerEntry>,
    /// Pass back as `cursor` for the next (older) page; `None` on the last page.
    pub next_cursor: Option<String>,
}

const CURSOR: &str = "ledger";

impl Users<'_> {
    pub async fn wallet(&self, ctx: &Caller) -> Result<Wallet> {
        Ok(self.wallets.get_wallet(&ctx.user.user_id).await?)
    }

    /// Up to `limit` (1..=100, default 20) entries older than `cursor`, newest first.
    pub async fn transactions(
        &self,
        ctx: &Caller,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<LedgerPage> {
        let limit = page_limit(limit)?;
        let before = cursor
            .map(|c| decode_cursor(CURSOR, c, |p| p.parse::<u64>().is_ok()))
            .transpose()?
            .and_then(|p| p.parse().ok());
        let items = self
            .wallets
            .list_ledger(&ctx.user.user_id, before, limit + 1)
            .await?;
        let (items, next_cursor) =
            finish_page(items, limit, |e| encode_cursor(CURSOR, &e.seq.to_string()));
        Ok(LedgerPage { items, next_cursor })
    }
}
