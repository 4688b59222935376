use super::*;
use shared::domain::WalletAdjustment;

/// Credits the wallet through the store (users cannot; admins will).
async fn credit(app: &TestApp, u: &TestUser, n: usize) {
    for i in 0..n {
        let adj = WalletAdjustment {
            user_id: u.user_id.clone(),
            idempotency_key: format!("k{i}"),
            fingerprint: format!("f{i}"),
            amount: 100 * (i as i64 + 1),
            points: 1,
            reason: format!("credit {i}"),
            transaction_id: format!("t{i}"),
            actor: None,
            now_ms: app.state.now_ms(),
            audit: None,
        };
        app.stores()
            .wallets
            .adjust_wallet(&adj)
            .await
            .unwrap()
            .unwrap();
    }
}

#[tokio::test]
async fn a_new_wallet_is_empty_inr() {
    let (app, u) = app_and_user().await;
    let w = assert_ok(&app.get_as("/v1/users/wallet", &u).await, 200).clone();
    assert_eq!(
        w,
        json!({"balance": 0, "currency": "INR", "points": 0, "updated_at": null})
    );
    let t = assert_ok(&app.get_as("/v1/users/wallet/transactions", &u).await, 200).clone();
    assert_eq!(t, json!({"items": [], "next_cursor": null}));
}

#[tokio::test]
async fn the_ledger_pages_newest_first() {
    let (app, u) = app_and_user().await;
    credit(&app, &u, 25).await;
    let w = app.get_as("/v1/users/wallet", &u).await.data().clone();
    assert_eq!(
        (w["balance"].as_i64(), w["points"].as_i64()),
        (Some(100 * 25 * 26 / 2), Some(25))
    );
    let mut seen = Vec::new();
    let mut path = "/v1/users/wallet/transactions?limit=10".to_string();
    loop {
        let page = assert_ok(&app.get_as(&path, &u).await, 200).clone();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["reason"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/users/wallet/transactions?limit=10&cursor={c}"),
            None => break,
        }
    }
    let want: Vec<String> = (0..25).rev().map(|i| format!("credit {i}")).collect();
    assert_eq!(seen, want);
    let first = app
        .get_as("/v1/users/wallet/transactions?limit=1", &u)
        .await
        .data()["items"][0]
        .clone();
    assert_eq!(first["balance_after"], w["balance"]);
    assert_eq!(first["amount"], 2500);
    let exact = app
        .get_as("/v1/users/wallet/transactions?limit=25", &u)
        .await;
    assert_eq!(
        exact.data()["next_cursor"],
        Value::Null,
        "no empty last page"
    );
}

#[tokio::test]
async fn bad_page_parameters_are_refused() {
    let (app, u) = app_and_user().await;
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("cursor=nope", "cursor"),
    ] {
        assert_invalid(
            &app.get_as(&format!("/v1/users/wallet/transactions?{q}"), &u)
                .await,
            field,
        );
    }
}

#[tokio::test]
async fn users_cannot_change_their_wallet() {
    let (app, u) = app_and_user().await;
    for m in [Method::POST, Method::PUT, Method::PATCH] {
        let r = send(&app, &u, m, "/v1/users/wallet", json!({"balance": 1})).await;
        assert_error(&r, 405, "METHOD_NOT_ALLOWED");
    }
}
