//! A loan in one line: disbursed through the port, as an admin would (the borrower's KYC must
//! be verified).

use super::TestApp;
use crate::domain::{AuditStamp, Disbursal, InstallmentPeriod, Loan, LoanId, LoanTerms, UserId};

impl TestApp {
    /// A loan of `payback` (disbursed and due in one monthly installment) to `user`.
    pub async fn lend(&self, user: &UserId, payback: i64) -> Loan {
        let terms = LoanTerms {
            amount_disbursed: payback,
            payback_amount: payback,
            installment_amount: payback,
            installment_period: InstallmentPeriod::Monthly,
            purpose: "seeds".into(),
            loan_type: "crop".into(),
        };
        let loan = Loan::new(LoanId::generate(), user.clone(), terms, 1);
        let d = Disbursal {
            idempotency_key: format!("disburse-{}", loan.loan_id),
            fingerprint: "f".into(),
            audit: AuditStamp {
                audit_id: format!("audit-{}", loan.loan_id),
                admin_id: UserId::new("admin"),
                at_ms: 1,
            },
            loan,
        };
        let disbursed = self.stores().loans.disburse(&d).await.expect("store up");
        disbursed.expect("a verified borrower")
    }
}
