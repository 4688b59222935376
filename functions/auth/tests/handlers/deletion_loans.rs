use super::*;
use shared::domain::{AuditStamp, KycStatus, LoanRepayment, RepaymentSource};

#[tokio::test]
async fn an_account_with_an_active_loan_is_not_deleted() {
    let app = app();
    let (u, _) = app
        .signed_in_as(E164, |u| u.kyc_status = KycStatus::Verified)
        .await;
    let loan = app.lend(&u.user_id, 500).await;
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
        audit: Some(AuditStamp {
            audit_id: "a2".into(),
            admin_id: UserId::new("admin"),
            at_ms: 2,
        }),
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
