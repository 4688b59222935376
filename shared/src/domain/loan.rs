//! Loans: an admin disburses one to a user whose KYC is verified; the user repays from the
//! wallet, or an admin records a repayment received outside the app. Amounts are minor units
//! (INR paise). `outstanding = payback_amount - repaid_amount`; at 0 the loan is closed and takes
//! no more repayments. Every write is one atomic step with its idempotency record (and the
//! wallet debit and its ledger entry, for a repayment from the wallet, and the admin's audit
//! record): a key repeated with the same request returns the first result and writes nothing.

use super::admin::{AuditAction, AuditRecord, AuditStamp};
use super::ids::{LoanId, UserId};
use super::state_enum;
use super::wallet::{ClosedLoan, LedgerEntry, WALLET_CURRENCY, Wallet};
use serde::{Deserialize, Serialize};

/// Largest disbursal (10^12 paise) and largest payback (10^13 paise).
pub const MAX_DISBURSAL: i64 = 1_000_000_000_000;
pub const MAX_PAYBACK: i64 = 10_000_000_000_000;

state_enum!(
    /// How often an installment falls due.
    InstallmentPeriod { Daily => "DAILY", Weekly => "WEEKLY", Monthly => "MONTHLY" }
);

state_enum!(
    /// Whether a loan still takes repayments.
    LoanStatus { Active => "ACTIVE", Closed => "CLOSED" }
);

state_enum!(
    /// Where a repayment's money came from.
    RepaymentSource { Wallet => "WALLET", Admin => "ADMIN" }
);

/// A loan as stored. `version` counts its repayments; each write is conditional on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub loan_id: LoanId,
    pub user_id: UserId,
    pub amount_disbursed: i64,
    pub payback_amount: i64,
    pub repaid_amount: i64,
    pub installment_amount: i64,
    pub installment_period: InstallmentPeriod,
    pub purpose: String,
    pub loan_type: String,
    pub status: LoanStatus,
    pub currency: String,
    pub disbursed_at_ms: i64,
    pub closed_at_ms: Option<i64>,
    pub version: u64,
}

/// The terms an admin asks for (validated by the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanTerms {
    pub amount_disbursed: i64,
    pub payback_amount: i64,
    pub installment_amount: i64,
    pub installment_period: InstallmentPeriod,
    pub purpose: String,
    pub loan_type: String,
}

impl Loan {
    /// A new active loan of `terms`, nothing repaid.
    pub fn new(loan_id: LoanId, user_id: UserId, terms: LoanTerms, now_ms: i64) -> Loan {
        Loan {
            loan_id,
            user_id,
            amount_disbursed: terms.amount_disbursed,
            payback_amount: terms.payback_amount,
            repaid_amount: 0,
            installment_amount: terms.installment_amount,
            installment_period: terms.installment_period,
            purpose: terms.purpose,
            loan_type: terms.loan_type,
            status: LoanStatus::Active,
            currency: WALLET_CURRENCY.to_string(),
            disbursed_at_ms: now_ms,
            closed_at_ms: None,
            version: 0,
        }
    }

    /// What a closing record keeps of it.
    pub fn summary(&self) -> ClosedLoan {
        ClosedLoan {
            loan_id: self.loan_id.clone(),
            amount_disbursed: self.amount_disbursed,
            payback_amount: self.payback_amount,
            repaid_amount: self.repaid_amount,
            disbursed_at_ms: self.disbursed_at_ms,
            closed_at_ms: self.closed_at_ms,
        }
    }

    pub fn outstanding(&self) -> i64 {
        self.payback_amount - self.repaid_amount
    }

    /// The loan after `amount` more is repaid at `now_ms` (closed when nothing is left), or
    /// `None` when the loan is closed or `amount` is over what is outstanding.
    pub fn after_repayment(&self, amount: i64, now_ms: i64) -> Option<Loan> {
        if self.status != LoanStatus::Active || amount < 1 || amount > self.outstanding() {
            return None;
        }
        let mut loan = self.clone();
        loan.repaid_amount += amount;
        loan.version += 1;
        if loan.outstanding() == 0 {
            loan.status = LoanStatus::Closed;
            loan.closed_at_ms = Some(now_ms);
        }
        Some(loan)
    }
}

/// One repayment of a loan; `seq` is the loan's version it made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repayment {
    pub repayment_id: String,
    pub loan_id: LoanId,
    pub seq: u64,
    pub amount: i64,
    pub source: RepaymentSource,
    pub note: Option<String>,
    pub at_ms: i64,
}

/// A disbursal to write: the loan, its idempotency key and the admin's audit stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disbursal {
    pub loan: Loan,
    pub idempotency_key: String,
    /// Digest of what was asked: the same key with another request is refused.
    pub fingerprint: String,
    pub audit: AuditStamp,
}

impl Disbursal {
    pub fn audit_record(&self) -> AuditRecord {
        let l = &self.loan;
        AuditRecord {
            audit_id: self.audit.audit_id.clone(),
            at_ms: self.audit.at_ms,
            admin_id: self.audit.admin_id.clone(),
            action: AuditAction::LoanDisbursed,
            target_user_id: l.user_id.clone(),
            before: serde_json::Value::Null,
            after: serde_json::json!({
                "loan_id": l.loan_id,
                "amount_disbursed": l.amount_disbursed,
                "payback_amount": l.payback_amount,
                "installment_amount": l.installment_amount,
                "installment_period": l.installment_period,
                "idempotency_key": self.idempotency_key,
            }),
        }
    }
}

/// Why a disbursal was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisburseDenied {
    /// The user does not exist (or is being deleted).
    NoUser,
    KycNotVerified,
    KeyReused,
}

/// A repayment to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanRepayment {
    pub user_id: UserId,
    pub loan_id: LoanId,
    pub amount: i64,
    pub source: RepaymentSource,
    pub note: Option<String>,
    pub idempotency_key: String,
    pub fingerprint: String,
    /// The ids the repayment and (from the wallet) its ledger entry get if this one applies.
    pub repayment_id: String,
    pub transaction_id: String,
    pub now_ms: i64,
    /// An admin's recording: its audit record is written with it.
    pub audit: Option<AuditStamp>,
}

/// The result of a repayment: the loan and (from the wallet) the wallet right after it. A
/// replay returns the stored result of the first application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repaid {
    pub loan: Loan,
    pub repayment: Repayment,
    pub wallet: Option<Wallet>,
    pub entry: Option<LedgerEntry>,
}

/// Why a repayment was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepayDenied {
    /// No such loan of this user.
    NoLoan,
    /// Over what is outstanding, or the loan is closed.
    Overpayment,
    /// The wallet holds less than the amount.
    InsufficientFunds,
    KeyReused,
}

impl LoanRepayment {
    /// The result of applying this to `loan` (and, from the wallet, to `wallet`).
    pub fn apply(&self, loan: &Loan, wallet: &Wallet) -> Result<Repaid, RepayDenied> {
        let after = loan
            .after_repayment(self.amount, self.now_ms)
            .ok_or(RepayDenied::Overpayment)?;
        let repayment = Repayment {
            repayment_id: self.repayment_id.clone(),
            loan_id: loan.loan_id.clone(),
            seq: after.version,
            amount: self.amount,
            source: self.source,
            note: self.note.clone(),
            at_ms: self.now_ms,
        };
        let (wallet, entry) = match self.source {
            RepaymentSource::Admin => (None, None),
            RepaymentSource::Wallet => {
                let (w, e) = self.debit(wallet).ok_or(RepayDenied::InsufficientFunds)?;
                (Some(w), Some(e))
            }
        };
        Ok(Repaid {
            loan: after,
            repayment,
            wallet,
            entry,
        })
    }

    /// The wallet and its ledger entry after the debit, or `None` when it holds too little.
    fn debit(&self, w: &Wallet) -> Option<(Wallet, LedgerEntry)> {
        let balance = w.balance.checked_sub(self.amount).filter(|b| *b >= 0)?;
        let seq = w.seq + 1;
        let wallet = Wallet {
            balance,
            points: w.points,
            seq,
            updated_at_ms: Some(self.now_ms),
        };
        let entry = LedgerEntry {
            transaction_id: self.transaction_id.clone(),
            seq,
            amount: -self.amount,
            points: 0,
            balance_after: balance,
            points_after: w.points,
            reason: format!("loan repayment {}", self.loan_id),
            created_at_ms: self.now_ms,
            actor: None,
        };
        Some((wallet, entry))
    }

    /// The audit record of an admin's recording, applied as `done`.
    pub fn audit_record(&self, before: &Loan, done: &Repaid) -> Option<AuditRecord> {
        let stamp = self.audit.as_ref()?;
        let values =
            |l: &Loan| serde_json::json!({ "repaid_amount": l.repaid_amount, "status": l.status });
        let mut after = values(&done.loan);
        after["loan_id"] = before.loan_id.to_string().into();
        after["amount"] = self.amount.into();
        after["idempotency_key"] = self.idempotency_key.clone().into();
        Some(AuditRecord {
            audit_id: stamp.audit_id.clone(),
            at_ms: stamp.at_ms,
            admin_id: stamp.admin_id.clone(),
            action: AuditAction::LoanRepaid,
            target_user_id: self.user_id.clone(),
            before: values(before),
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loan() -> Loan {
        let terms = LoanTerms {
            amount_disbursed: 1000,
            payback_amount: 1200,
            installment_amount: 100,
            installment_period: InstallmentPeriod::Weekly,
            purpose: "seeds".into(),
            loan_type: "crop".into(),
        };
        Loan::new(LoanId::new("l1"), UserId::new("u1"), terms, 5)
    }

    #[test]
    fn repayments_close_the_loan_at_zero_and_never_go_over() {
        let l = loan();
        assert_eq!(l.outstanding(), 1200);
        assert!(l.after_repayment(1201, 9).is_none());
        assert!(l.after_repayment(0, 9).is_none());
        let part = l.after_repayment(200, 9).unwrap();
        assert_eq!(
            (part.outstanding(), part.status, part.version),
            (1000, LoanStatus::Active, 1)
        );
        let done = part.after_repayment(1000, 10).unwrap();
        assert_eq!(
            (done.status, done.closed_at_ms),
            (LoanStatus::Closed, Some(10))
        );
        assert!(
            done.after_repayment(1, 11).is_none(),
            "a closed loan takes nothing"
        );
    }
}
