use super::*;

fn adjust(amount: i64, key: &str) -> Value {
    json!({"amount": amount, "points": 2, "reason": "goodwill credit", "idempotency_key": key})
}

#[tokio::test]
async fn a_pending_kyc_is_reviewed_once() {
    let (app, admin, user) = setup().await;
    let path = user_path(&user, "/kyc/review");
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        json!({"decision": "VERIFIED"}),
    )
    .await;
    assert_error(&r, 404, "NOT_FOUND");
    submit_kyc(&app, &user, "2345 6789 0124").await;
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        json!({"decision": "MAYBE"}),
    )
    .await;
    shared::testing::assert_invalid(&r, "decision");
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        json!({"decision": "VERIFIED"}),
    )
    .await;
    assert_eq!(assert_ok(&r, 200)["kyc"]["status"], "VERIFIED");
    let me = assert_ok(&app.get("/v1/auth/me", &user.access_token).await, 200).clone();
    assert_eq!(me["user"]["kyc_status"], "VERIFIED");
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        json!({"decision": "REJECTED"}),
    )
    .await;
    assert_error(&r, 409, "KYC_NOT_PENDING");
    let audit = audit_of(&app, &admin, &user).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["action"], "kyc.review");
    assert_eq!(
        (
            audit[0]["before"]["status"].clone(),
            audit[0]["after"]["status"].clone()
        ),
        (json!("PENDING"), json!("VERIFIED"))
    );
}

#[tokio::test]
async fn a_rejection_carries_its_reason_to_the_user() {
    let (app, admin, user) = setup().await;
    submit_kyc(&app, &user, "2345 6789 0124").await;
    let body = json!({"decision": "REJECTED", "reason": "The photo is blurred"});
    let r = send(
        &app,
        &admin,
        Method::POST,
        &user_path(&user, "/kyc/review"),
        body,
    )
    .await;
    assert_eq!(
        assert_ok(&r, 200)["kyc"]["rejection_reason"],
        "The photo is blurred"
    );
    let k = app.get("/v1/users/kyc/status", &user.access_token).await;
    assert_eq!(assert_ok(&k, 200)["kyc"]["status"], "REJECTED");
}

#[tokio::test]
async fn an_adjustment_applies_once_per_key() {
    let (app, admin, user) = setup().await;
    let path = user_path(&user, "/wallet/adjust");
    let first = send(
        &app,
        &admin,
        Method::POST,
        &path,
        adjust(500, "key-00000001"),
    )
    .await;
    let again = send(
        &app,
        &admin,
        Method::POST,
        &path,
        adjust(500, "key-00000001"),
    )
    .await;
    assert_eq!(assert_ok(&first, 200)["wallet"]["balance"], 500);
    assert_eq!(again.body, first.body, "a replay returns the first result");
    let other = send(
        &app,
        &admin,
        Method::POST,
        &path,
        adjust(700, "key-00000001"),
    )
    .await;
    assert_error(&other, 409, "IDEMPOTENCY_KEY_REUSED");
    let w = assert_ok(&app.get("/v1/users/wallet", &user.access_token).await, 200).clone();
    assert_eq!(
        (w["balance"].clone(), w["points"].clone()),
        (json!(500), json!(2))
    );
    let audit = audit_of(&app, &admin, &user).await;
    assert_eq!(audit.len(), 1, "one audit record for one application");
    assert_eq!(audit[0]["action"], "wallet.adjust");
    assert_eq!(audit[0]["before"], json!({"balance": 0, "points": 0}));
    assert_eq!(audit[0]["after"]["balance"], 500);
    assert_eq!(audit[0]["after"]["idempotency_key"], "key-00000001");
}

#[tokio::test]
async fn the_balance_never_goes_below_zero() {
    let (app, admin, user) = setup().await;
    let path = user_path(&user, "/wallet/adjust");
    assert_ok(
        &send(
            &app,
            &admin,
            Method::POST,
            &path,
            adjust(100, "key-00000001"),
        )
        .await,
        200,
    );
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        adjust(-101, "key-00000002"),
    )
    .await;
    assert_error(&r, 409, "INSUFFICIENT_FUNDS");
    let r = send(
        &app,
        &admin,
        Method::POST,
        &path,
        adjust(-100, "key-00000003"),
    )
    .await;
    assert_eq!(assert_ok(&r, 200)["wallet"]["balance"], 0);
}

#[tokio::test]
async fn bad_adjustments_change_nothing() {
    let (app, admin, user) = setup().await;
    let path = user_path(&user, "/wallet/adjust");
    let bad = [
        (
            json!({"amount": 1, "reason": "r", "idempotency_key": "short"}),
            "idempotency_key",
        ),
        (
            json!({"amount": 1, "reason": "r", "idempotency_key": "has space!!"}),
            "idempotency_key",
        ),
        (
            json!({"amount": 0, "reason": "r", "idempotency_key": "key-00000001"}),
            "amount",
        ),
        (
            json!({"amount": 1, "reason": " ", "idempotency_key": "key-00000001"}),
            "reason",
        ),
        (
            json!({"amount": 1, "reason": "refund\u{202E}dnuf", "idempotency_key": "key-00000001"}),
            "reason",
        ),
        (
            json!({"amount": 1_000_000_000_001i64, "reason": "r", "idempotency_key": "key-00000001"}),
            "amount",
        ),
        (
            json!({"reason": "r", "idempotency_key": "key-00000001"}),
            "amount",
        ),
    ];
    for (body, field) in bad {
        shared::testing::assert_invalid(
            &send(&app, &admin, Method::POST, &path, body).await,
            field,
        );
    }
    let missing = "/v1/admin/users/00000000-0000-4000-8000-000000000000/wallet/adjust";
    let r = send(
        &app,
        &admin,
        Method::POST,
        missing,
        adjust(1, "key-00000001"),
    )
    .await;
    assert_error(&r, 404, "NOT_FOUND");
    assert!(audit_of(&app, &admin, &user).await.is_empty());
}

/// The `at` of every audit record, page by page (4 a page).
async fn every_audit_time(app: &TestApp, admin: &TestAdmin) -> Vec<String> {
    let mut seen = Vec::new();
    let mut path = "/v1/admin/audit?limit=4".to_string();
    loop {
        let page = assert_ok(&app.get_as(&path, admin).await, 200).clone();
        let items = page["items"].as_array().unwrap();
        seen.extend(items.iter().map(|a| a["at"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/admin/audit?limit=4&cursor={c}"),
            None => return seen,
        }
    }
}

#[tokio::test]
async fn the_audit_trail_pages_newest_first_and_filters_by_user() {
    let (app, admin, user) = setup().await;
    let other = app.signed_in("+919816456593").await;
    for i in 0..3 {
        app.clock.advance(chrono::Duration::seconds(1));
        let key = format!("key-0000000{i}");
        assert_ok(
            &send(
                &app,
                &admin,
                Method::POST,
                &user_path(&user, "/wallet/adjust"),
                adjust(10, &key),
            )
            .await,
            200,
        );
        assert_ok(
            &send(
                &app,
                &admin,
                Method::POST,
                &user_path(&other, "/wallet/adjust"),
                adjust(10, &key),
            )
            .await,
            200,
        );
    }
    let seen = every_audit_time(&app, &admin).await;
    assert_eq!(seen.len(), 6);
    assert!(
        seen.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {seen:?}"
    );
    let mine = audit_of(&app, &admin, &user).await;
    assert_eq!(mine.len(), 3);
    assert!(
        mine.iter()
            .all(|a| a["target_user_id"] == user.user_id.as_str())
    );
    for q in ["user_id=x", "cursor=zzz", "limit=0"] {
        let r = app.get_as(&format!("/v1/admin/audit?{q}"), &admin).await;
        assert_eq!(r.status, 400, "{q}");
    }
}
