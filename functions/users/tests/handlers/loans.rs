use super::*;
use shared::domain::{KycStatus, WalletAdjustment};

/// A verified user with a loan of `payback` (disbursed through the port) and `funds` in its
/// wallet; returns the user and the loan's id.
async fn borrower(app: &TestApp, phone: &str, payback: i64, funds: i64) -> (TestUser, String) {
    let (u, _) = app
        .signed_in_as(phone, |u| u.kyc_status = KycStatus::Verified)
        .await;
    let loan = app.lend(&u.user_id, payback).await;
    let fund = WalletAdjustment {
        user_id: u.user_id.clone(),
        idempotency_key: "fund-0001".into(),
        fingerprint: "f".into(),
        amount: funds,
        points: 0,
        reason: "top up".into(),
        transaction_id: "t1".into(),
        actor: None,
        now_ms: 1,
        audit: None,
    };
    app.stores()
        .wallets
        .adjust_wallet(&fund)
        .await
        .unwrap()
        .unwrap();
    (u, loan.loan_id.into_string())
}

fn repay(amount: i64, key: &str) -> Value {
    json!({"amount": amount, "idempotency_key": key})
}

#[tokio::test]
async fn the_caller_sees_its_loans_and_repays_from_the_wallet() {
    let app = app();
    let (u, id) = borrower(&app, "+919816456501", 1_000, 600).await;
    let list = assert_ok(&app.get_as("/v1/users/loans", &u).await, 200).clone();
    assert_eq!(list["items"][0]["loan_id"], id.as_str());
    let path = format!("/v1/users/loans/{id}/repay");
    let r = send(&app, &u, Method::POST, &path, repay(400, "repay-key-1")).await;
    let data = assert_ok(&r, 200).clone();
    assert_eq!(r.headers["idempotent-replayed"], "false");
    assert_eq!(
        (
            data["loan"]["outstanding"].as_i64(),
            data["wallet"]["balance"].as_i64()
        ),
        (Some(600), Some(200))
    );
    let again = send(&app, &u, Method::POST, &path, repay(400, "repay-key-1")).await;
    assert_eq!(assert_ok(&again, 200)["wallet"]["balance"], 200);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let reused = send(&app, &u, Method::POST, &path, repay(300, "repay-key-1")).await;
    assert_error(&reused, 409, "IDEMPOTENCY_KEY_REUSED");
    let short = send(&app, &u, Method::POST, &path, repay(300, "repay-key-2")).await;
    assert_error(&short, 409, "INSUFFICIENT_FUNDS");
    let over = send(&app, &u, Method::POST, &path, repay(601, "repay-key-3")).await;
    assert_error(&over, 409, "OVERPAYMENT");
    let detail = assert_ok(&app.get_as(&format!("/v1/users/loans/{id}"), &u).await, 200).clone();
    assert_eq!(detail["repayments"][0]["source"], "WALLET");
    assert_eq!(detail["repayments"].as_array().unwrap().len(), 1);
    let stats = assert_ok(
        &app.get_as("/v1/users/analytics/usage-stats", &u).await,
        200,
    )
    .clone();
    let loans = (
        stats["loans_active"].as_u64(),
        stats["loans_outstanding"].as_i64(),
    );
    assert_eq!(loans, (Some(1), Some(600)));
    let ledger = assert_ok(&app.get_as("/v1/users/wallet/transactions", &u).await, 200).clone();
    assert_eq!(ledger["items"][0]["reason"], format!("loan repayment {id}"));
}

#[tokio::test]
async fn another_users_loan_and_bad_input_are_refused() {
    let app = app();
    let (_, id) = borrower(&app, "+919816456501", 1_000, 600).await;
    let other = app.signed_in("+919816456502").await;
    let r = app.get_as(&format!("/v1/users/loans/{id}"), &other).await;
    assert_error(&r, 404, "NOT_FOUND");
    let path = format!("/v1/users/loans/{id}/repay");
    assert_error(
        &send(&app, &other, Method::POST, &path, repay(1, "repay-key-1")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.get_as("/v1/users/loans/not-a-loan", &other).await,
        404,
        "NOT_FOUND",
    );
    assert_invalid(
        &send(&app, &other, Method::POST, &path, repay(0, "repay-key-1")).await,
        "amount",
    );
    assert_invalid(
        &send(&app, &other, Method::POST, &path, repay(1, "short")).await,
        "idempotency_key",
    );
    let empty = assert_ok(&app.get_as("/v1/users/loans", &other).await, 200).clone();
    assert_eq!(empty["items"], json!([]));
}
