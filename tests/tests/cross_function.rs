//! Rules that span functions, through both routers at once: deleting an account (auth) gives
//! back its pool seats (pools).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::store::Stores;
use shared::testing::{TestApp, TestResponse};

fn app() -> TestApp {
    let (auth, _) = auth_fn::routes();
    let (pools, _) = pools_fn::routes();
    TestApp::new(
        Stores::memory(),
        auth.merge(pools),
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

async fn get(app: &TestApp, token: &str, path: &str) -> TestResponse {
    app.get(path, token).await
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
    let r = get(&app, &owner, &format!("/v1/pools/{id}")).await;
    assert_eq!(r.data()["pool"]["joined_members"], 1);
    let members = get(&app, &owner, &format!("/v1/pools/{id}/members")).await;
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
    let r = get(&app, &b, &format!("/v1/pools/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["pool"]["joined_members"], 1, "only b is left");
}
