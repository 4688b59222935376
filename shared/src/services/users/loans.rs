//! The caller's loans: the list, one loan with its repayments, and a repayment from the wallet
//! (the wallet debit, the loan and the repayment record move together; see `LoanStore::repay`).

use super::Users;
use crate::domain::{
    Caller, Conflict, Error, Loan, LoanId, LoanRepayment, Repaid, RepayDenied, Repayment,
    RepaymentSource, Result,
};
use crate::validate;

/// A repayment as the caller asks for it.
#[derive(Debug, Clone)]
pub struct RepayRequest {
    pub amount: i64,
    pub idempotency_key: String,
}

/// A repayment's result and whether it had been applied before (a replay changes nothing).
#[derive(Debug, Clone)]
pub struct RepaymentDone {
    pub repaid: Repaid,
    pub replayed: bool,
}

/// A store refusal as the contract's error.
pub(crate) fn repay_denied(d: RepayDenied) -> Error {
    match d {
        RepayDenied::NoLoan => Error::NotFound("loan"),
        RepayDenied::Overpayment => Error::Conflict(Conflict::Overpayment),
        RepayDenied::InsufficientFunds => Error::Conflict(Conflict::InsufficientFunds),
        RepayDenied::KeyReused => Error::Conflict(Conflict::IdempotencyKeyReused),
    }
}

impl Users<'_> {
    /// The caller's loans, newest first.
    pub async fn loans(&self, ctx: &Caller) -> Result<Vec<Loan>> {
        Ok(self.loans.list_loans(&ctx.user.user_id).await?)
    }

    /// One of the caller's loans with its repayments, oldest first (404 for anyone else's).
    pub async fn loan(&self, ctx: &Caller, loan_id: &LoanId) -> Result<(Loan, Vec<Repayment>)> {
        let user = &ctx.user.user_id;
        let loan = match loan_id.is_well_formed() {
            true => self.loans.get_loan(user, loan_id).await?,
            false => None,
        };
        let loan = loan.ok_or(Error::NotFound("loan"))?;
        let repayments = self.loans.repayments(user, loan_id).await?;
        Ok((loan, repayments))
    }

    /// Repays `amount` of the caller's loan from its wallet, once per `idempotency_key`.
    pub async fn repay(
        &self,
        ctx: &Caller,
        loan_id: &LoanId,
        req: RepayRequest,
    ) -> Result<RepaymentDone> {
        if req.amount < 1 {
            return Err(Error::invalid("amount", "amount must be at least 1"));
        }
        validate::idempotency_key(&req.idempotency_key)?;
        if !loan_id.is_well_formed() {
            return Err(Error::NotFound("loan"));
        }
        let amount = req.amount.to_string();
        let fingerprint = self
            .secret
            .mac_hex("loan-repayment", &[loan_id.as_bytes(), amount.as_bytes()]);
        let repayment = LoanRepayment {
            user_id: ctx.user.user_id.clone(),
            loan_id: loan_id.clone(),
            amount: req.amount,
            source: RepaymentSource::Wallet,
            note: None,
            idempotency_key: req.idempotency_key,
            fingerprint,
            repayment_id: uuid::Uuid::now_v7().to_string(),
            transaction_id: uuid::Uuid::new_v4().to_string(),
            now_ms: self.clock.now().timestamp_millis(),
            audit: None,
        };
        let repaid = self.loans.repay(&repayment).await?.map_err(repay_denied)?;
        Ok(RepaymentDone {
            replayed: repaid.repayment.repayment_id != repayment.repayment_id,
            repaid,
        })
    }
}
