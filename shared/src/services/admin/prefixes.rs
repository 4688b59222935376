//! The SMS pumping defence as admins see and steer it: the prefixes that sent in the current
//! conversion window (counts, conversion, mode, state, pause) and a prefix's mode (`AUTO`,
//! `BLOCKED`, `ALLOWED`), changed with its audit record in one write.

use super::{AdminCaller, audit_id};
use crate::domain::{
    AuditAction, AuditRecord, Conversion, Error, PrefixControl, PrefixMode, PrefixState, Result,
};
use crate::phone::prefix_region;
use crate::store::PrefixHealthRow;
use serde_json::json;

/// `prefix_health` as the contract names it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefixHealth {
    pub prefix: String,
    pub country: String,
    pub window_start_ms: i64,
    pub conversion: Conversion,
    pub mode: PrefixMode,
    pub state: PrefixState,
    pub paused_until_ms: Option<i64>,
    pub reason: Option<String>,
}

/// A page of prefixes and the cursor of the next.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefixPage {
    pub items: Vec<PrefixHealth>,
    pub next_cursor: Option<String>,
}

/// A prefix as the contract writes it: `+`, a calling code and some digits.
fn checked_prefix(field: &str, prefix: &str) -> Result<String> {
    prefix_region(prefix).ok_or_else(|| {
        Error::invalid(
            field,
            format!("{field} must be + and 2 to 15 digits of a known calling code"),
        )
    })
}

impl super::Admin<'_> {
    /// The current conversion window and when it started.
    fn window_of(&self, now_ms: i64) -> (i64, i64) {
        let d = &self.config.defence;
        let window = d.window_at(now_ms);
        (window, d.window_start_ms(window))
    }

    fn health(&self, row: PrefixHealthRow, window_start_ms: i64) -> PrefixHealth {
        let now_ms = self.now_ms();
        let country = prefix_region(&row.prefix).unwrap_or_else(|| "ZZ".into());
        let control = row
            .control
            .unwrap_or_else(|| PrefixControl::open(&row.prefix, &country));
        let state = control.state(now_ms);
        PrefixHealth {
            prefix: row.prefix,
            country,
            window_start_ms,
            conversion: row.conversion,
            mode: control.mode,
            state,
            paused_until_ms: control.paused_until_ms.filter(|u| *u > now_ms),
            reason: control.reason,
        }
    }

    /// Prefixes that sent in the current window, in prefix order (`limit` 1..=100), those in
    /// `state` only when given.
    pub async fn sms_prefixes(
        &self,
        state: Option<PrefixState>,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<PrefixPage> {
        if let Some(c) = cursor {
            checked_prefix("cursor", c)?;
        }
        let (window, start_ms) = self.window_of(self.now_ms());
        let rows = self.prefixes.list_prefixes(window, cursor, limit).await?;
        let next_cursor = (rows.len() == limit)
            .then(|| rows.last().map(|r| r.prefix.clone()))
            .flatten();
        let items = rows
            .into_iter()
            .map(|r| self.health(r, start_ms))
            .filter(|h| state.is_none_or(|s| h.state == s))
            .collect();
        Ok(PrefixPage { items, next_cursor })
    }

    /// Sets a prefix's mode (any prefix, sent to or not); `AUTO` also lifts a pause. Audited.
    pub async fn set_prefix_mode(
        &self,
        caller: &AdminCaller,
        prefix: &str,
        mode: PrefixMode,
        reason: &str,
    ) -> Result<PrefixHealth> {
        let country = checked_prefix("prefix", prefix)?;
        let reason = crate::validate::free_text("reason", reason, 500)?;
        let now_ms = self.now_ms();
        let before = self.prefixes.prefix_control(prefix).await?;
        let control = PrefixControl {
            prefix: prefix.to_string(),
            country,
            mode,
            reason: Some(reason.clone()),
            paused_until_ms: None,
            updated_at_ms: now_ms,
        };
        let audit = AuditRecord {
            audit_id: audit_id(),
            at_ms: now_ms,
            admin_id: caller.user.user_id.clone(),
            action: AuditAction::PrefixModeChanged,
            target_user_id: caller.user.user_id.clone(),
            before: json!({ "prefix": prefix, "mode": before.as_ref().map_or(PrefixMode::Auto, |c| c.mode) }),
            after: json!({ "prefix": prefix, "mode": mode, "reason": reason }),
        };
        self.prefixes.set_prefix_mode(&control, &audit).await?;
        tracing::info!(prefix, mode = %mode, "prefix mode set");
        let (window, start_ms) = self.window_of(now_ms);
        let conversion = self.prefixes.conversion(prefix, window).await?;
        let row = PrefixHealthRow {
            prefix: prefix.to_string(),
            conversion,
            control: Some(control),
        };
        Ok(self.health(row, start_ms))
    }
}
