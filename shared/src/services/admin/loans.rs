//! Loans an admin disburses and repayments an admin records (money received outside the app),
//! each written with its audit record; and the roles an account may have.

use super::{Admin, AdminCaller};
use crate::domain::{
    Conflict, Disbursal, DisburseDenied, Error, Loan, LoanId, LoanRepayment, LoanTerms,
    MAX_DISBURSAL, MAX_PAYBACK, RepaymentSource, Result, Role, UserId,
};
use crate::services::users::repay_denied;
use crate::validate;

/// A disbursal as the admin asks for it (terms not yet checked).
#[derive(Debug, Clone)]
pub struct DisburseRequest {
    pub terms: LoanTerms,
    pub idempotency_key: String,
}

/// A repayment received outside the app, as the admin records it.
#[derive(Debug, Clone)]
pub struct RecordRepayment {
    pub amount: i64,
    pub note: Option<String>,
    pub idempotency_key: String,
}

/// The roles, each with what it may do.
pub const ROLES: [(Role, &str); 2] = [
    (
        Role::User,
        "A customer: signs in with the app, manages their own profile, KYC, wallet (read-only), loans and pools.",
    ),
    (
        Role::Admin,
        "An operator: signs in to the console, lists and finds users, suspends them, reviews KYC, adjusts wallets, disburses loans and records repayments; every change is audited.",
    ),
];

/// `t` if its amounts are in range and in order; its texts cleaned.
fn checked(t: LoanTerms) -> Result<LoanTerms> {
    if !(1..=MAX_DISBURSAL).contains(&t.amount_disbursed) {
        return Err(Error::invalid(
            "amount_disbursed",
            "amount_disbursed must be 1 to 10^12",
        ));
    }
    if !(t.amount_disbursed..=MAX_PAYBACK).contains(&t.payback_amount) {
        return Err(Error::invalid(
            "payback_amount",
            "payback_amount must be at least amount_disbursed and at most 10^13",
        ));
    }
    if !(1..=t.payback_amount).contains(&t.installment_amount) {
        return Err(Error::invalid(
            "installment_amount",
            "installment_amount must be 1 to payback_amount",
        ));
    }
    Ok(LoanTerms {
        purpose: validate::free_text("purpose", &t.purpose, 100)?,
        loan_type: validate::free_text("loan_type", &t.loan_type, 100)?,
        ..t
    })
}

impl Admin<'_> {
    /// Disburses a loan to a KYC-verified user once per `idempotency_key`: the loan, and
    /// whether it had been disbursed before (a replay writes nothing).
    pub async fn disburse(
        &self,
        caller: &AdminCaller,
        user_id: &UserId,
        req: DisburseRequest,
    ) -> Result<(Loan, bool)> {
        let terms = checked(req.terms)?;
        validate::idempotency_key(&req.idempotency_key)?;
        self.user(user_id).await?;
        let parts = [
            terms.amount_disbursed.to_string(),
            terms.payback_amount.to_string(),
            terms.installment_amount.to_string(),
            terms.installment_period.as_str().to_string(),
            terms.purpose.clone(),
            terms.loan_type.clone(),
        ];
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        let stamp = self.stamp(caller);
        let loan = Loan::new(LoanId::generate(), user_id.clone(), terms, stamp.at_ms);
        let d = Disbursal {
            fingerprint: self.secret.mac_hex("loan-disbursal", &bytes),
            idempotency_key: req.idempotency_key,
            loan,
            audit: stamp,
        };
        match self.loans.disburse(&d).await? {
            Ok(loan) => {
                let replayed = loan.loan_id != d.loan.loan_id;
                if !replayed {
                    tracing::info!(target_user = %user_id, loan = %loan.loan_id, "loan disbursed");
                }
                Ok((loan, replayed))
            }
            Err(DisburseDenied::NoUser) => Err(Error::NotFound("user")),
            Err(DisburseDenied::KycNotVerified) => Err(Error::Conflict(Conflict::KycNotVerified)),
            Err(DisburseDenied::KeyReused) => Err(Error::Conflict(Conflict::IdempotencyKeyReused)),
        }
    }

    /// Records a repayment received outside the app, once per `idempotency_key`.
    pub async fn record_repayment(
        &self,
        caller: &AdminCaller,
        user_id: &UserId,
        loan_id: &LoanId,
        req: RecordRepayment,
    ) -> Result<(Loan, bool)> {
        if req.amount < 1 {
            return Err(Error::invalid("amount", "amount must be at least 1"));
        }
        let note = req
            .note
            .map(|n| validate::free_text("note", &n, 500))
            .transpose()?;
        validate::idempotency_key(&req.idempotency_key)?;
        if !loan_id.is_well_formed() {
            return Err(Error::NotFound("loan"));
        }
        let amount = req.amount.to_string();
        let note_bytes = note.as_deref().unwrap_or_default();
        let fingerprint = self.secret.mac_hex(
            "loan-recorded-repayment",
            &[loan_id.as_bytes(), amount.as_bytes(), note_bytes.as_bytes()],
        );
        let stamp = self.stamp(caller);
        let r = LoanRepayment {
            user_id: user_id.clone(),
            loan_id: loan_id.clone(),
            amount: req.amount,
            source: RepaymentSource::Admin,
            note,
            idempotency_key: req.idempotency_key,
            fingerprint,
            repayment_id: uuid::Uuid::now_v7().to_string(),
            transaction_id: uuid::Uuid::new_v4().to_string(),
            now_ms: stamp.at_ms,
            audit: Some(stamp),
        };
        let done = self.loans.repay(&r).await?.map_err(repay_denied)?;
        let replayed = done.repayment.repayment_id != r.repayment_id;
        Ok((done.loan, replayed))
    }
}
