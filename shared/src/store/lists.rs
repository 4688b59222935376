//! How the admin lists are asked for: which users, in which direction, past which key; which
//! slice of the audit trail.

use crate::domain::{KycStatus, UserStatus};

/// Which users an admin list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserListing {
    /// By sign-up time: of one status, or all.
    Accounts(Option<UserStatus>),
    /// By KYC submission time: the users whose KYC record has this status (`PENDING` is the
    /// review queue). `NOT_SUBMITTED` has no record and lists nobody.
    Kyc(KycStatus),
}

/// Which audit records a page holds: of `target` only, when given, with sort keys
/// ([`crate::domain::audit_sort_key`]) at or above `from` and below `before`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditQuery<'a> {
    pub target: Option<&'a str>,
    pub from: Option<&'a str>,
    pub before: Option<&'a str>,
}

impl AuditQuery<'_> {
    /// Whether the sort key `key` is in the range.
    pub fn holds(&self, key: &str) -> bool {
        self.from.is_none_or(|f| key >= f) && self.before.is_none_or(|b| key < b)
    }
}

/// The direction of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    NewestFirst,
    OldestFirst,
}

impl ListOrder {
    /// Whether `key` comes after `past` in this order (everything does without `past`).
    pub fn is_past(self, key: &str, past: Option<&str>) -> bool {
        match (self, past) {
            (_, None) => true,
            (ListOrder::NewestFirst, Some(p)) => key < p,
            (ListOrder::OldestFirst, Some(p)) => key > p,
        }
    }
}
