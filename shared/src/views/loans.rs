//! Loans and their repayments as the contract shows them (users and admin alike).

use crate::domain::{InstallmentPeriod, Loan, LoanStatus, Repayment, RepaymentSource, from_ms};
use serde::Serialize;
use utoipa::ToSchema;

/// A loan. Money is in minor units (paise); `outstanding = payback_amount - repaid_amount`.
#[derive(Serialize, ToSchema)]
pub struct LoanView {
    #[schema(format = Uuid)]
    pub loan_id: String,
    #[schema(format = Uuid)]
    pub user_id: String,
    pub amount_disbursed: i64,
    pub payback_amount: i64,
    pub repaid_amount: i64,
    pub outstanding: i64,
    pub installment_amount: i64,
    pub installment_period: InstallmentPeriod,
    pub purpose: String,
    pub loan_type: String,
    pub status: LoanStatus,
    /// Always `INR`.
    pub currency: String,
    #[schema(format = DateTime)]
    pub disbursed_at: String,
    /// Set when `outstanding` reached 0.
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
}

impl LoanView {
    pub fn new(l: Loan) -> Self {
        LoanView {
            outstanding: l.outstanding(),
            disbursed_at: from_ms(l.disbursed_at_ms),
            closed_at: l.closed_at_ms.map(from_ms),
            loan_id: l.loan_id.into_string(),
            user_id: l.user_id.into_string(),
            amount_disbursed: l.amount_disbursed,
            payback_amount: l.payback_amount,
            repaid_amount: l.repaid_amount,
            installment_amount: l.installment_amount,
            installment_period: l.installment_period,
            purpose: l.purpose,
            loan_type: l.loan_type,
            status: l.status,
            currency: l.currency,
        }
    }
}

/// One repayment of a loan.
#[derive(Serialize, ToSchema)]
pub struct RepaymentView {
    pub repayment_id: String,
    pub amount: i64,
    pub source: RepaymentSource,
    pub note: Option<String>,
    #[schema(format = DateTime)]
    pub at: String,
}

impl RepaymentView {
    pub fn new(r: Repayment) -> Self {
        RepaymentView {
            at: from_ms(r.at_ms),
            repayment_id: r.repayment_id,
            amount: r.amount,
            source: r.source,
            note: r.note,
        }
    }
}
