//! The prefix port of the SMS pumping defence: each prefix's control (mode, pause) and its
//! conversion counts per window. A send counts itself (and passes the rule) inside its own
//! reservation (`OtpStore::reserve_otp_send`); a verification adds one counter write here.

use super::StoreResult;
use crate::domain::{AuditRecord, Conversion, PrefixControl};
use async_trait::async_trait;

#[async_trait]
pub trait PrefixStore: Send + Sync {
    /// The prefix's control; `None` when never set nor paused (`AUTO`, open).
    async fn prefix_control(&self, prefix: &str) -> StoreResult<Option<PrefixControl>>;
    /// What a send reads before its reservation, in one round trip: the prefix's control, its
    /// counts in `window`, and how many prefixes of `country` paused in `window`.
    async fn prefix_standing(
        &self,
        prefix: &str,
        country: &str,
        window: i64,
    ) -> StoreResult<Standing>;
    /// Pauses the prefix until `until_ms` with `reason`, unless an admin set a mode other than
    /// `AUTO` meanwhile, and then counts one pause for its country in `window`. True when it
    /// paused (false also when a longer pause stands).
    async fn pause_prefix(
        &self,
        control: &PrefixControl,
        until_ms: i64,
        reason: &str,
        window: i64,
    ) -> StoreResult<bool>;
    /// Counts one verified code of a send counted in `window` (ending at `window_end_ms`).
    async fn count_verified(
        &self,
        prefix: &str,
        window: i64,
        window_end_ms: i64,
    ) -> StoreResult<()>;
    /// The prefix's counts in `window` (zero when none).
    async fn conversion(&self, prefix: &str, window: i64) -> StoreResult<Conversion>;
    /// Stores an admin's mode for the prefix (replacing its control, a pause included) with its
    /// audit record, in one atomic write.
    async fn set_prefix_mode(
        &self,
        control: &PrefixControl,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    /// Up to `limit` prefixes that sent in `window`, in prefix order after `after`, with their
    /// counts and control (keys-only index, then one batch read).
    async fn list_prefixes(
        &self,
        window: i64,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<PrefixHealthRow>>;
}

/// What a send reads before its reservation (see [`PrefixStore::prefix_standing`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub control: Option<PrefixControl>,
    pub conversion: Conversion,
    pub country_pauses: u32,
}

/// One listed prefix: its counts in the window and its control, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixHealthRow {
    pub prefix: String,
    pub conversion: Conversion,
    pub control: Option<PrefixControl>,
}
