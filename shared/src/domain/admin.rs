//! Administration: admin sessions (opaque cookies, two factors to open), the changes an admin
//! makes to an account, and the audit trail that records each change in the same atomic write.

use super::ids::UserId;
use super::state_enum;
use super::user::{Role, UserStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An admin session lives at most this long, whatever its use.
pub const ADMIN_SESSION_MAX_MS: i64 = 8 * 3_600_000;
/// An admin session unused this long is dead.
pub const ADMIN_SESSION_IDLE_MS: i64 = 30 * 60_000;

/// A signed-in admin console. Stored under a keyed hash of the cookie value; the value itself
/// exists only in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSession {
    pub user_id: UserId,
    /// The user's session epoch at sign-in: a password reset or suspension ends it too.
    pub epoch: u64,
    pub created_at_ms: i64,
    pub last_used_at_ms: i64,
}

impl AdminSession {
    pub fn expires_at_ms(&self) -> i64 {
        self.created_at_ms + ADMIN_SESSION_MAX_MS
    }

    /// Neither past its lifetime nor idle too long at `now_ms`.
    pub fn is_fresh(&self, now_ms: i64) -> bool {
        now_ms < self.expires_at_ms() && now_ms < self.last_used_at_ms + ADMIN_SESSION_IDLE_MS
    }
}

state_enum!(
    /// What an admin did.
    AuditAction {
        StatusChanged => "user.status",
        RoleChanged => "user.role",
        KycReviewed => "kyc.review",
        WalletAdjusted => "wallet.adjust",
        LoanDisbursed => "loan.disburse",
        LoanRepaid => "loan.repay",
        PasskeyRemoved => "passkey.remove",
        PrefixModeChanged => "sms.prefix_mode",
    }
);

/// One entry of the audit trail. Written with the change it records; never updated or deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub audit_id: String,
    pub at_ms: i64,
    pub admin_id: UserId,
    pub action: AuditAction,
    pub target_user_id: UserId,
    /// The changed values before and after (never a secret or a full document number).
    pub before: Value,
    pub after: Value,
}

impl AuditRecord {
    /// The sort key of the trail: time, then id (newest first when listed).
    pub fn sort_key(&self) -> String {
        audit_sort_key(self.at_ms, &self.audit_id)
    }
}

pub fn audit_sort_key(at_ms: i64, audit_id: &str) -> String {
    format!("{at_ms:013}#{audit_id}")
}

/// Who is making an audited change, and when: the store completes the record with the values
/// it read inside the atomic write (a wallet's balance before and after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditStamp {
    pub audit_id: String,
    pub admin_id: UserId,
    pub at_ms: i64,
}

/// An admin's change to an account's status and role, applied only if both are still what
/// was read (`from_*`), so the audit's `before` is exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessChange {
    pub user_id: UserId,
    pub from_status: UserStatus,
    pub from_role: Role,
    pub status: UserStatus,
    pub role: Role,
    /// Set when suspending: every session stamped otherwise is dead, in the same write.
    pub new_epoch: Option<u64>,
    pub now_ms: i64,
}

/// The sort key of the users list: creation time, then id (newest first when listed).
pub fn user_sort_key(created_at_ms: i64, user_id: &str) -> String {
    format!("{created_at_ms:013}#{user_id}")
}

/// True for a sort key [`user_sort_key`] or [`audit_sort_key`] could have made (a cursor
/// from a client is checked before it reaches a store).
pub fn is_sort_key(k: &str) -> bool {
    match k.split_once('#') {
        Some((ms, id)) => {
            ms.len() == 13
                && ms.bytes().all(|b| b.is_ascii_digit())
                && uuid::Uuid::parse_str(id).is_ok()
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_after_eight_hours_or_thirty_idle_minutes() {
        let s = AdminSession {
            user_id: "u".into(),
            epoch: 1,
            created_at_ms: 0,
            last_used_at_ms: 0,
        };
        assert!(s.is_fresh(ADMIN_SESSION_IDLE_MS - 1));
        assert!(!s.is_fresh(ADMIN_SESSION_IDLE_MS));
        let busy = AdminSession {
            last_used_at_ms: ADMIN_SESSION_MAX_MS - 1,
            ..s
        };
        assert!(busy.is_fresh(ADMIN_SESSION_MAX_MS - 1));
        assert!(!busy.is_fresh(ADMIN_SESSION_MAX_MS));
    }

    #[test]
    fn sort_keys_order_by_time_and_validate() {
        let id = "0b6c7a1e-3f1d-4c55-9c4e-1a2b3c4d5e6f";
        let (a, b) = (user_sort_key(5, id), user_sort_key(40, id));
        assert!(a < b);
        assert!(is_sort_key(&a));
        assert!(!is_sort_key("5#x"));
        assert!(!is_sort_key(&format!("{:013}#{}", 5, "not-a-uuid")));
    }
}
