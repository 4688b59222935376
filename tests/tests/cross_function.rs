//! Rules that span functions, through their routers at once: deleting an account (auth) gives
//! back its pool seats (pools) and removes its profile, KYC record, documents and ledger
//! (users), keeping a closing record of money left in the wallet; the auth `user` object shows
//! what the users function wrote.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::store::Stores;
use shared::testing::{TestApp, TestResponse};

fn app() -> TestApp {
    let (auth, _) = auth_fn::routes();
    let (users, _) = users_fn::routes();
    let (pools, _) = pools_fn::routes();
    TestApp::new(
        Stores::memory(),
        auth.merge(users).merge(pools),
        &[("OTP_MAX_PER_IP_HOUR", "1000")],
    )
}

fn pool_body() -> Value {
    json!({"name": "Diwali savings", "contribution_amount": 50_000, "deadline": "2026-12-01", "pool_type": "MONTHLY", "total_members": 3})
}

async fn create(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.call(Method::POST, "/v1/pools", Some(body), Some(token))
        .await
}

async fn act(app: &TestApp, token: &str, pool_id: &str, what: &str) -> TestResponse {
    let path = format!("/v1/pools/{pool_id}/{what}");
    app.call(Method::POST, &path, None, Some(token)).await
}

#[tokio::test]
async fn deleting_an_account_gives_back_its_seats() {
    let app = app();
    let (owner, _) = app.user("9816456501").await;
    let (a, a_id) = app.user("9816456502").await;
    let id = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    act(&app, &a, &id, "join").await;
    act(&app, &owner, &id, "join").await;
    let vt = app.verification_token("9816456502").await;
    let r = app
        .call(
            Method::DELETE,
            "/v1/auth/account",
            Some(json!({"verification_token": vt})),
            Some(&a),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.get_as(&format!("/v1/pools/{id}"), &owner).await;
    assert_eq!(r.data()["pool"]["joined_members"], 1);
    let members = app.get_as(&format!("/v1/pools/{id}/members"), &owner).await;
    assert!(
        members.data()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["user_id"] != a_id.as_str())
    );
    // The owner deleting its account leaves the pool to its members.
    let (b, _) = app.user("9816456503").await;
    act(&app, &b, &id, "join").await;
    let vt = app.verification_token("9816456501").await;
    app.call(
        Method::DELETE,
        "/v1/auth/account",
        Some(json!({"verification_token": vt})),
        Some(&owner),
    )
    .await;
    let r = app.get_as(&format!("/v1/pools/{id}"), &b).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["pool"]["joined_members"], 1, "only b is left");
}

/// Uploads an image through a ticket and submits an Aadhaar KYC with it.
async fn submit_kyc(app: &TestApp, token: &str) {
    let body = json!({"purpose": "front", "content_type": "image/jpeg", "content_length": 7});
    let r = app
        .call(
            Method::POST,
            "/v1/users/kyc/uploads",
            Some(body),
            Some(token),
        )
        .await;
    let ticket = r.data().clone();
    let image = shared::testing::jpeg(b"abc");
    app.upload(ticket["upload_url"].as_str().unwrap(), "image/jpeg", &image)
        .unwrap();
    let body = json!({"document_type": "aadhaar", "document_number": "234567890124", "front_image_url": ticket["image_url"]});
    let r = app
        .call(Method::POST, "/v1/users/kyc", Some(body), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn the_auth_user_shows_what_the_users_function_wrote() {
    let app = app();
    let (t, _) = app.user("9816456503").await;
    let profile = json!({"name": "Asha", "email": "a@example.com", "state": "KA", "city": "Pune", "dob": "1990-01-01", "family_size": 3, "annual_income": 100, "business_location": "market"});
    app.call(Method::PUT, "/v1/users/profile", Some(profile), Some(&t))
        .await;
    submit_kyc(&app, &t).await;
    let answers = json!({"job_age": "gt_5", "family": "1", "age": "26_35", "saving_money": "gt_25", "loans": "none", "living": "own"});
    app.call(
        Method::POST,
        "/v1/users/risk-score",
        Some(answers),
        Some(&t),
    )
    .await;
    let me = app.get_as("/v1/auth/me", &t).await.data()["user"].clone();
    assert_eq!(me["is_profile_complete"], true);
    assert_eq!(me["kyc_status"], "PENDING");
    assert_eq!(me["risk_band"], "LOW");
    assert_eq!(me["city"], "Pune");
}

#[tokio::test]
async fn deleting_an_account_removes_its_documents_and_keeps_money_left_on_record() {
    let app = app();
    let (t, uid) = app.user("9816456504").await;
    submit_kyc(&app, &t).await;
    let adj = shared::domain::WalletAdjustment {
        user_id: uid.clone(),
        idempotency_key: "k".into(),
        fingerprint: "f".into(),
        amount: 12_345,
        points: 7,
        reason: "bonus".into(),
        transaction_id: "t".into(),
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
    assert_eq!(app.uploads.keys().len(), 1);
    let vt = app.verification_token("9816456504").await;
    let body = json!({"verification_token": vt});
    let r = app
        .call(Method::DELETE, "/v1/auth/account", Some(body), Some(&t))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stores = app.stores();
    assert!(app.uploads.keys().is_empty(), "documents deleted");
    assert!(stores.kyc.get_kyc(&uid).await.unwrap().is_none());
    assert!(
        stores
            .wallets
            .list_ledger(&uid, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let closed = stores
        .wallets
        .closed_wallet(&uid)
        .await
        .unwrap()
        .expect("money left is recorded");
    assert_eq!((closed.balance, closed.points), (12_345, 7));
    let phone_ref = app
        .state
        .secret
        .mac_hex("closed-wallet", &[b"+919816456504"]);
    assert_eq!(
        closed.phone_ref, phone_ref,
        "found again by the number, not stored in clear"
    );
}
