//! Races through the real router on both stores: exactly one winner, however many at once.

use axum::http::StatusCode;
use serde_json::json;
use shared::store::Stores;
use shared::testing::{TestApp, e164, race, token, uid};
use std::sync::Arc;

const PHONE: &str = "9816456565";

fn app(stores: Stores) -> Arc<TestApp> {
    Arc::new(TestApp::new(stores, auth_fn::routes().0, &[]))
}

async fn parallel_verifies_of_one_code(app: Arc<TestApp>) {
    let code = app.request_code(PHONE).await;
    let results = race(10, |_| {
        let app = app.clone();
        let code = code.clone();
        async move {
            app.post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": code}))
                .await
        }
    })
    .await;
    let ok = results
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "exactly one verify wins");
    for r in results.iter().filter(|r| r.status != StatusCode::OK) {
        assert_eq!(r.code(), "OTP_EXPIRED", "losers see a used code");
    }
}

async fn parallel_registers_with_one_token(app: Arc<TestApp>) {
    let vt = app.verification_token(PHONE).await;
    let results = race(10, |i| {
        let app = app.clone();
        let vt = vt.clone();
        async move {
            app.post(
                "/v1/auth/register",
                json!({"verification_token": vt, "name": format!("N{i}")}),
            )
            .await
        }
    })
    .await;
    assert_eq!(
        results
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .count(),
        1
    );
    assert!(
        results
            .iter()
            .filter(|r| r.status != StatusCode::CREATED)
            .all(|r| r.status == StatusCode::UNAUTHORIZED)
    );
    let uid = app
        .stores()
        .users
        .user_id_by_phone(&e164("+919816456565"))
        .await
        .unwrap();
    assert!(uid.is_some());
}

async fn parallel_refreshes_of_one_token(app: Arc<TestApp>) {
    let reg = app.register(PHONE, "race horse 7391").await;
    let rt = token(&reg, "refresh_token");
    let results = race(10, |_| {
        let app = app.clone();
        let rt = rt.clone();
        async move {
            app.post("/v1/auth/refresh", json!({"refresh_token": rt}))
                .await
        }
    })
    .await;
    // Within the grace window every caller gets the one successor: a single rotation won.
    assert!(
        results.iter().all(|r| r.status == StatusCode::OK),
        "{results:?}"
    );
    let mut successors: Vec<String> = results
        .iter()
        .map(|r| token(r.data(), "refresh_token"))
        .collect();
    successors.dedup();
    assert_eq!(
        successors.len(),
        1,
        "a token never has two different successors"
    );
    let user_id = uid(reg["user"]["user_id"].as_str().unwrap());
    let sessions = app.stores().sessions.list_sessions(&user_id).await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].generation, 1, "rotated exactly once");
    let next = app
        .post("/v1/auth/refresh", json!({"refresh_token": successors[0]}))
        .await;
    assert_eq!(next.status, StatusCode::OK);
}

/// With no grace, concurrent refreshes of one token have exactly one winner.
async fn no_grace_means_one_refresh_wins(stores: Stores) {
    let app = TestApp::new(
        stores,
        auth_fn::routes().0,
        &[("REFRESH_REUSE_GRACE_SECONDS", "0")],
    );
    let app = Arc::new(app);
    let rt = token(
        &app.register(PHONE, "race horse 7391").await,
        "refresh_token",
    );
    let results = race(10, |_| {
        let app = app.clone();
        let rt = rt.clone();
        async move {
            app.post("/v1/auth/refresh", json!({"refresh_token": rt}))
                .await
        }
    })
    .await;
    let ok = results
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "exactly one refresh wins without a grace window");
}

/// An id that cannot be valid is not found, before it reaches the store (on DynamoDB an
/// oversized sort key would be an error, a 500).
async fn impossible_ids_are_not_found(app: Arc<TestApp>) {
    let at = token(
        &app.register(PHONE, "race horse 7391").await,
        "access_token",
    );
    let long = "a".repeat(2_000);
    let r = app
        .as_user(
            axum::http::Method::DELETE,
            &format!("/v1/auth/sessions/{long}"),
            None,
            &at,
        )
        .await;
    shared::testing::assert_error(&r, 404, "NOT_FOUND");
}

integration_tests::on_both_stores!(
    with app:
    parallel_verifies_of_one_code,
    parallel_registers_with_one_token,
    parallel_refreshes_of_one_token,
    impossible_ids_are_not_found;
    no_grace_means_one_refresh_wins,
);
