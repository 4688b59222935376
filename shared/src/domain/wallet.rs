//! The wallet: a balance in minor units (INR paise), loyalty points, and the ledger of every
//! change. Users only read it; admins adjust it. A balance change and its ledger entry are one
//! atomic write, neither balance nor points ever goes below zero, and an adjustment repeated
//! with its idempotency key applies once.

use super::admin::{AuditAction, AuditRecord, AuditStamp};
use super::ids::{LoanId, UserId};
use serde::{Deserialize, Serialize};

/// The wallet's currency.
pub const WALLET_CURRENCY: &str = "INR";

/// Largest single adjustment, in minor units either way (10^12 paise = 10^10 rupees).
pub const MAX_ADJUSTMENT: i64 = 1_000_000_000_000;

/// A wallet as stored. `seq` counts the entries of its ledger; each write is conditional on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallet {
    pub balance: i64,
    pub points: i64,
    pub seq: u64,
    pub updated_at_ms: Option<i64>,
}

/// One ledger entry. `seq` orders the ledger (newest first when listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub transaction_id: String,
    pub seq: u64,
    pub amount: i64,
    pub points: i64,
    pub balance_after: i64,
    pub points_after: i64,
    pub reason: String,
    pub created_at_ms: i64,
    /// Who made the change (an admin's user id).
    pub actor: Option<UserId>,
}

/// An adjustment to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletAdjustment {
    pub user_id: UserId,
    pub idempotency_key: String,
    /// Digest of what was asked (amount, points, reason): the same key with another request
    /// is refused instead of replayed.
    pub fingerprint: String,
    pub amount: i64,
    pub points: i64,
    pub reason: String,
    /// The id the entry gets if this adjustment is the one applied.
    pub transaction_id: String,
    pub actor: Option<UserId>,
    pub now_ms: i64,
    /// An admin's adjustment: its audit record is written with it (and not on a replay).
    pub audit: Option<AuditStamp>,
}

impl WalletAdjustment {
    /// The wallet and ledger entry after applying this to `w`, or `None` when the balance or
    /// the points would go below zero.
    pub fn apply(&self, w: &Wallet) -> Option<(Wallet, LedgerEntry)> {
        let balance = w.balance.checked_add(self.amount).filter(|b| *b >= 0)?;
        let points = w.points.checked_add(self.points).filter(|p| *p >= 0)?;
        let seq = w.seq + 1;
        let wallet = Wallet {
            balance,
            points,
            seq,
            updated_at_ms: Some(self.now_ms),
        };
        let entry = LedgerEntry {
            transaction_id: self.transaction_id.clone(),
            seq,
            amount: self.amount,
            points: self.points,
            balance_after: balance,
            points_after: points,
            reason: self.reason.clone(),
            created_at_ms: self.now_ms,
            actor: self.actor.clone(),
        };
        Some((wallet, entry))
    }

    /// The audit record of this adjustment applied to `before`, if an admin makes it.
    pub fn audit_record(&self, before: &Wallet, done: &Adjusted) -> Option<AuditRecord> {
        let stamp = self.audit.as_ref()?;
        let values = |w: &Wallet| serde_json::json!({ "balance": w.balance, "points": w.points });
        let mut after = values(&done.wallet);
        after["amount"] = self.amount.into();
        after["points_delta"] = self.points.into();
        after["reason"] = self.reason.clone().into();
        after["idempotency_key"] = self.idempotency_key.clone().into();
        after["transaction_id"] = done.entry.transaction_id.clone().into();
        Some(AuditRecord {
            audit_id: stamp.audit_id.clone(),
            at_ms: stamp.at_ms,
            admin_id: stamp.admin_id.clone(),
            action: AuditAction::WalletAdjusted,
            target_user_id: self.user_id.clone(),
            before: values(before),
            after,
        })
    }
}

/// The result of an adjustment: the wallet right after it, and its ledger entry. A replay
/// returns the stored result of the first application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjusted {
    pub wallet: Wallet,
    pub entry: LedgerEntry,
}

/// Why an adjustment was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustDenied {
    /// The balance or the points would go below zero.
    InsufficientFunds,
    /// The idempotency key was used for a different adjustment.
    KeyReused,
    /// The user does not exist.
    NoUser,
}

/// What an account deletion left: a non-zero wallet, and the account's loans (all closed: an
/// account with an active loan cannot be deleted), kept as a closing record under a keyed hash
/// of the phone, so the balance can be settled and the history shown when the owner proves the
/// number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedWallet {
    pub user_id: UserId,
    /// Keyed hash of the phone the account had.
    pub phone_ref: String,
    pub balance: i64,
    pub points: i64,
    pub closed_at_ms: i64,
    #[serde(default)]
    pub loans: Vec<ClosedLoan>,
}

impl ClosedWallet {
    /// The closing record of an account deleted at `now_ms` with `wallet` and `loans` (its
    /// summaries), or `None` when there is nothing to keep: an empty wallet and no loan.
    pub fn of(
        user_id: &UserId,
        phone_ref: &str,
        wallet: &Wallet,
        loans: Vec<ClosedLoan>,
        now_ms: i64,
    ) -> Option<ClosedWallet> {
        let empty = wallet.balance == 0 && wallet.points == 0 && loans.is_empty();
        (!empty).then(|| ClosedWallet {
            user_id: user_id.clone(),
            phone_ref: phone_ref.to_string(),
            balance: wallet.balance,
            points: wallet.points,
            closed_at_ms: now_ms,
            loans,
        })
    }
}

/// A closed loan as the closing record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedLoan {
    pub loan_id: LoanId,
    pub amount_disbursed: i64,
    pub payback_amount: i64,
    pub repaid_amount: i64,
    pub disbursed_at_ms: i64,
    pub closed_at_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adj(amount: i64, points: i64) -> WalletAdjustment {
        WalletAdjustment {
            user_id: "u".into(),
            idempotency_key: "k".into(),
            fingerprint: "f".into(),
            amount,
            points,
            reason: "r".into(),
            transaction_id: "t".into(),
            actor: None,
            now_ms: 5,
            audit: None,
        }
    }

    #[test]
    fn never_below_zero() {
        let w = Wallet::default();
        let (w, e) = adj(100, 3).apply(&w).unwrap();
        assert_eq!(
            (w.balance, w.points, w.seq, e.balance_after, e.seq),
            (100, 3, 1, 100, 1)
        );
        assert!(adj(-101, 0).apply(&w).is_none());
        assert!(adj(0, -4).apply(&w).is_none());
        assert_eq!(adj(-100, -3).apply(&w).unwrap().0.balance, 0);
        assert!(adj(i64::MAX, 0).apply(&w).is_none(), "overflow is refused");
    }
}
