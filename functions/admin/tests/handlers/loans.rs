use super::*;

fn terms(payback: i64, key: &str) -> Value {
    json!({"amount_disbursed": 100_000, "payback_amount": payback, "installment_amount": 10_000,
           "installment_period": "WEEKLY", "purpose": "seeds", "loan_type": "crop",
           "idempotency_key": key})
}

/// `user` with a verified KYC (submitted through the users routes, reviewed by `admin`).
async fn verified(app: &TestApp, admin: &TestAdmin, user: &TestUser) {
    submit_kyc(app, user, "2345 6789 0124").await;
    let review = json!({"decision": "VERIFIED"});
    let path = user_path(user, "/kyc/review");
    assert_ok(&send(app, admin, Method::POST, &path, review).await, 200);
}

#[tokio::test]
async fn a_loan_needs_a_verified_kyc_and_valid_terms() {
    let (app, admin, user) = setup().await;
    let path = user_path(&user, "/loans");
    let first = send(
        &app,
        &admin,
        Method::POST,
        &path,
        terms(120_000, "loan-key-1"),
    )
    .await;
    assert_error(&first, 409, "KYC_NOT_VERIFIED");
    verified(&app, &admin, &user).await;
    let bad = send(
        &app,
        &admin,
        Method::POST,
        &path,
        terms(99_999, "loan-key-1"),
    )
    .await;
    shared::testing::assert_invalid(&bad, "payback_amount");
    let ghost = "/v1/admin/users/00000000-0000-4000-8000-000000000000/loans";
    let r = send(
        &app,
        &admin,
        Method::POST,
        ghost,
        terms(120_000, "loan-key-2"),
    )
    .await;
    assert_error(&r, 404, "NOT_FOUND");
    let detail = app.get_as(&user_path(&user, ""), &admin).await;
    assert_eq!(assert_ok(&detail, 200)["loans"], json!([]));
}

#[tokio::test]
async fn a_disbursal_applies_once_per_key() {
    let (app, admin, user) = setup().await;
    verified(&app, &admin, &user).await;
    let path = user_path(&user, "/loans");
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        terms(120_000, "loan-key-1"),
    )
    .await;
    let loan = assert_ok(&r, 201)["loan"].clone();
    assert_eq!(r.headers["idempotent-replayed"], "false");
    let state = (loan["outstanding"].as_i64(), loan["status"].as_str());
    assert_eq!(state, (Some(120_000), Some("ACTIVE")));
    let again = send(
        &app,
        &admin,
        Method::POST,
        &path,
        terms(120_000, "loan-key-1"),
    )
    .await;
    assert_eq!(assert_ok(&again, 201)["loan"]["loan_id"], loan["loan_id"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let other = send(
        &app,
        &admin,
        Method::POST,
        &path,
        terms(130_000, "loan-key-1"),
    )
    .await;
    assert_error(&other, 409, "IDEMPOTENCY_KEY_REUSED");
    let detail = app.get_as(&user_path(&user, ""), &admin).await;
    let loans = assert_ok(&detail, 200)["loans"].as_array().unwrap().clone();
    assert_eq!(loans.len(), 1);
    assert_eq!(
        audit_of(&app, &admin, &user).await[0]["action"],
        "loan.disburse"
    );
}

#[tokio::test]
async fn recorded_repayments_close_the_loan_and_refuse_overpayment() {
    let (app, admin, user) = setup().await;
    verified(&app, &admin, &user).await;
    let r = send(
        &app,
        &admin,
        Method::POST,
        &user_path(&user, "/loans"),
        terms(120_000, "loan-key-1"),
    )
    .await;
    let id = assert_ok(&r, 201)["loan"]["loan_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = user_path(&user, &format!("/loans/{id}/repayments"));
    let pay = |amount: i64, key: &str| json!({"amount": amount, "note": "cash at the branch", "idempotency_key": key});
    let over = send(
        &app,
        &admin,
        Method::POST,
        &path,
        pay(120_001, "repay-key-1"),
    )
    .await;
    assert_error(&over, 409, "OVERPAYMENT");
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        pay(120_000, "repay-key-2"),
    )
    .await;
    let loan = assert_ok(&r, 200)["loan"].clone();
    assert_eq!(
        (loan["status"].as_str(), loan["outstanding"].as_i64()),
        (Some("CLOSED"), Some(0))
    );
    assert!(loan["closed_at"].is_string());
    let after = send(&app, &admin, Method::POST, &path, pay(1, "repay-key-3")).await;
    assert_error(&after, 409, "OVERPAYMENT");
    let unknown = user_path(
        &user,
        "/loans/00000000-0000-7000-8000-000000000000/repayments",
    );
    assert_error(
        &send(&app, &admin, Method::POST, &unknown, pay(1, "repay-key-4")).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(
        audit_of(&app, &admin, &user).await[0]["action"],
        "loan.repay"
    );
}

#[tokio::test]
async fn the_roles_are_listed_with_what_they_may_do() {
    let (app, admin, _) = setup().await;
    let r = app.get_as("/v1/admin/roles", &admin).await;
    let items = assert_ok(&r, 200)["items"].as_array().unwrap().clone();
    let roles: Vec<&str> = items.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "admin"]);
    assert!(
        items
            .iter()
            .all(|i| i["description"].as_str().is_some_and(|d| d.len() > 20))
    );
}
