//! Handler tests: every users route and error code, through the users router only, in
//! process, with the memory store, the local object store and a fake clock. Users are made
//! through the ports. One file per area under `handlers/`, one test binary.

use axum::http::Method;
use serde_json::{Value, json};
use shared::domain::PoolId;
use shared::store::Stores;
use shared::testing::{TestApp, TestResponse, TestUser, assert_error, assert_invalid, assert_ok};

fn app() -> TestApp {
    TestApp::new(Stores::memory(), users_fn::routes().0, &[])
}

/// A signed-in user on a fresh app.
async fn app_and_user() -> (TestApp, TestUser) {
    let app = app();
    let u = app.signed_in("+919816456501").await;
    (app, u)
}

async fn send(
    app: &TestApp,
    u: &TestUser,
    method: Method,
    path: &str,
    body: Value,
) -> TestResponse {
    app.call(method, path, Some(body), Some(&u.access_token))
        .await
}

/// A well-formed Aadhaar number (Verhoeff check digit) and a second one.
const AADHAAR: &str = "2345 6789 0124";
const AADHAAR_2: &str = "987654321012";

/// Asks for an upload ticket and sends a JPEG holding `tag` to it; returns the `image_url`.
async fn uploaded(app: &TestApp, u: &TestUser, purpose: &str, tag: &[u8]) -> String {
    let bytes = &shared::testing::jpeg(tag);
    let body =
        json!({"purpose": purpose, "content_type": "image/jpeg", "content_length": bytes.len()});
    let r = send(app, u, Method::POST, "/v1/users/kyc/uploads", body).await;
    let t = assert_ok(&r, 201).clone();
    app.upload(t["upload_url"].as_str().unwrap(), "image/jpeg", bytes)
        .expect("upload accepted");
    t["image_url"].as_str().unwrap().to_string()
}

/// Submits a KYC with an uploaded front image.
async fn submitted(app: &TestApp, u: &TestUser) -> TestResponse {
    let front = uploaded(app, u, "front", b"front-bytes").await;
    let body =
        json!({"document_type": "aadhaar", "document_number": AADHAAR, "front_image_url": front});
    send(app, u, Method::POST, "/v1/users/kyc", body).await
}

#[path = "handlers/insights.rs"]
mod insights;
#[path = "handlers/kyc.rs"]
mod kyc;
#[path = "handlers/loans.rs"]
mod loans;
#[path = "handlers/profile.rs"]
mod profile;
#[path = "handlers/wallet.rs"]
mod wallet;

#[tokio::test]
async fn every_route_needs_a_live_token() {
    let app = app();
    for (method, path) in shared::openapi::route_list(&users_fn::routes().1) {
        let m: Method = method.parse().unwrap();
        let body = (m != Method::GET).then(|| json!({}));
        let r = app.call(m, &path, body, Some("not-a-token")).await;
        assert_error(&r, 401, "UNAUTHORIZED");
    }
}
