//! The audit trail as operators read it: newest first, of one user, one action and a range of
//! UTC days, with the names of the admins and users it mentions. Users and days are key
//! conditions; the action is matched in code over at most [`ROUNDS`] reads, so a rare action
//! can give a short page (with a cursor to go on).

use super::Admin;
use crate::domain::{AuditAction, AuditRecord, Error, Result, UserId, audit_sort_key, is_sort_key};
use crate::services::paging::{decode_cursor, encode_cursor, page_limit};
use crate::store::AuditQuery;
use chrono::NaiveDate;
use std::collections::BTreeMap;

const CURSOR: &str = "audit";
/// Reads one page may take when an action filter skips records.
const ROUNDS: usize = 5;

/// What the trail is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<String>,
    pub action: Option<AuditAction>,
    /// First and last UTC day, inclusive (`YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
}

pub struct AuditPage {
    pub items: Vec<AuditRecord>,
    pub next_cursor: Option<String>,
    /// The name of every admin and user the page mentions, by user id (deleted ones absent).
    pub names: BTreeMap<String, String>,
}

fn day(v: &Option<String>, field: &str) -> Result<Option<NaiveDate>> {
    v.as_deref()
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| Error::invalid(field, format!("{field} must be a date YYYY-MM-DD")))
        })
        .transpose()
}

fn day_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

impl Admin<'_> {
    /// The audit trail newest first, `limit` (1..=100, default 20) at a time.
    pub async fn audit(
        &self,
        filter: &AuditFilter,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<AuditPage> {
        let limit = page_limit(limit)?;
        let target = filter.user_id.as_deref();
        if target.is_some_and(|u| uuid::Uuid::parse_str(u).is_err()) {
            return Err(Error::invalid("user_id", "user_id must be a UUID"));
        }
        let (first, last) = (day(&filter.from, "from")?, day(&filter.to, "to")?);
        if let (Some(f), Some(t)) = (first, last)
            && f > t
        {
            return Err(Error::invalid("from", "from must not be after to"));
        }
        let from = first.map(|d| audit_sort_key(day_start_ms(d), ""));
        let until = last
            .and_then(|d| d.succ_opt())
            .map(|d| audit_sort_key(day_start_ms(d), ""));
        let cursor = cursor
            .map(|c| decode_cursor(CURSOR, c, is_sort_key))
            .transpose()?;
        let mut before = match (cursor, until) {
            (Some(c), Some(u)) => Some(c.min(u)),
            (c, u) => c.or(u),
        };
        let mut items = Vec::new();
        let mut more = false;
        for _ in 0..ROUNDS {
            let query = AuditQuery {
                target,
                from: from.as_deref(),
                before: before.as_deref(),
            };
            let batch = self.admin.list_audit(query, limit + 1).await?;
            more = batch.len() > limit;
            before = batch.last().map(AuditRecord::sort_key);
            let wanted = |a: &AuditRecord| filter.action.is_none_or(|x| a.action == x);
            items.extend(batch.into_iter().filter(wanted));
            if items.len() > limit || !more {
                break;
            }
        }
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|a| encode_cursor(CURSOR, &a.sort_key()))
        } else if more {
            before.map(|b| encode_cursor(CURSOR, &b))
        } else {
            None
        };
        let names = self.names_in(&items).await?;
        Ok(AuditPage {
            items,
            next_cursor,
            names,
        })
    }

    async fn names_in(&self, items: &[AuditRecord]) -> Result<BTreeMap<String, String>> {
        let mut ids: Vec<UserId> = items
            .iter()
            .flat_map(|a| [a.admin_id.clone(), a.target_user_id.clone()])
            .collect();
        ids.sort();
        ids.dedup();
        let users = self.users.get_users(&ids).await?;
        Ok(users
            .into_iter()
            .map(|u| (u.user_id.into_string(), u.name))
            .collect())
    }
}
