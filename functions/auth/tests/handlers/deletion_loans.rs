use super::*;
use shared::domain::{
    AuditStamp, Disbursal, InstallmentPeriod, KycStatus, Loan, LoanId, LoanRepayment, LoanTerms,
    RepaymentSource,
};

fn stamp(id: &str) -> AuditStamp {
    AuditStamp {
        audit_id: id.into(),
        admin_id: UserId::new("admin"),
        at_ms: 1,
    }
}

/// A loan of 500 for `user`, disbursed through the port.
async fn lend(app: &TestApp, user: &UserId) -> Loan {
    let terms = LoanTerms {
        amount_disbursed: 500,
        payback_amount: 500,
        installment_amount: 500,
        installment_period: InstallmentPeriod::Monthly,
        purpose: "seeds".into(),
        loan_type: "crop".into(),
    };
    let d = Disbursal {
        loan: Loan::new(LoanId::generate(), user.clone(), terms, 1),
        idempotency_key: "disburse-1".into(),
        fingerprint: "f".into(),
        audit: stamp("a1"),
    };
    app.stores().loans.disburse(&d).await.unwrap().unwrap()
}

#[tokio::test]
async fn an_account_with_an_active_loan_is_not_deleted() {
    let app = app();
    let (u, _) = app
        .signed_in_as(E164, |u| u.kyc_status = KycStatus::Verified)
        .await;
    let loan = lend(&app, &u.user_id).await;
    let vt = app.verification_token(PHONE).await;
    let delete = || {
        let body = json!({ "verification_token": vt });
        authed(
            &app,
            Method::DELETE,
            "/v1/auth/account",
            Some(body),
            &u.access_token,
        )
    };
    assert_error(&delete().await, 409, "LOAN_OUTSTANDING");
    assert_ok(&app.get_as("/v1/auth/me", &u).await, 200);
    let repaid = LoanRepayment {
        user_id: u.user_id.clone(),
        loan_id: loan.loan_id.clone(),
        amount: 500,
        source: RepaymentSource::Admin,
        note: None,
        idempotency_key: "repay-all".into(),
        fingerprint: "f".into(),
        repayment_id: "r1".into(),
        transaction_id: "t1".into(),
        now_ms: 2,
        audit: Some(stamp("a2")),
    };
    app.stores().loans.repay(&repaid).await.unwrap().unwrap();
    assert_ok(&delete().await, 200);
    let closed = app
        .stores()
        .wallets
        .closed_wallet(&u.user_id)
        .await
        .unwrap();
    assert_eq!(
        closed.map(|c| c.loans.len()),
        Some(1),
        "the closed loan is kept"
    );
}
