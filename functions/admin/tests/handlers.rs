//! Handler tests: every admin route and error code, in process, with the memory store, the
//! local object store and a fake clock. The app serves the auth and users routes too, so
//! sign-in and KYC submissions go through the real flows. One file per area under
//! `handlers/`, one test binary.

use axum::http::Method;
use serde_json::{Value, json};
use shared::store::Stores;
use shared::testing::{TestAdmin, TestApp, TestResponse, TestUser, assert_error, assert_ok};

const ADMIN_PHONE: &str = "+919816456590";
const USER_PHONE: &str = "+919816456591";

fn app_with(overrides: &[(&str, &str)]) -> TestApp {
    let routes = admin_fn::routes()
        .0
        .merge(auth_fn::routes().0)
        .merge(users_fn::routes().0);
    TestApp::new(Stores::memory(), routes, overrides)
}

/// A fresh app with a signed-in admin and a signed-in user.
async fn setup() -> (TestApp, TestAdmin, TestUser) {
    let app = app_with(&[]);
    let admin = app.admin_signed_in(ADMIN_PHONE).await;
    // A later creation time: lists order by it (ties would fall to the random ids).
    app.clock.advance(chrono::Duration::seconds(1));
    let user = app.signed_in(USER_PHONE).await;
    (app, admin, user)
}

async fn send(
    app: &TestApp,
    a: &TestAdmin,
    method: Method,
    path: &str,
    body: Value,
) -> TestResponse {
    app.as_admin(method, path, Some(body), &a.cookie).await
}

fn user_path(u: &TestUser, rest: &str) -> String {
    format!("/v1/admin/users/{}{rest}", u.user_id)
}

/// The audit records of `user`, newest first.
async fn audit_of(app: &TestApp, a: &TestAdmin, user: &TestUser) -> Vec<Value> {
    let r = app
        .get_as(&format!("/v1/admin/audit?user_id={}", user.user_id), a)
        .await;
    assert_ok(&r, 200)["items"].as_array().unwrap().clone()
}

/// Submits a KYC for `u` through the users routes, with an uploaded front image.
async fn submit_kyc(app: &TestApp, u: &TestUser, number: &str) {
    let bytes = &shared::testing::jpeg(b"front-image-bytes");
    let ticket =
        json!({"purpose": "front", "content_type": "image/jpeg", "content_length": bytes.len()});
    let r = app
        .as_user(
            Method::POST,
            "/v1/users/kyc/uploads",
            Some(ticket),
            &u.access_token,
        )
        .await;
    let t = assert_ok(&r, 201).clone();
    app.upload(t["upload_url"].as_str().unwrap(), "image/jpeg", bytes)
        .unwrap();
    let body = json!({"document_type": "aadhaar", "document_number": number, "front_image_url": t["image_url"]});
    let r = app
        .as_user(Method::POST, "/v1/users/kyc", Some(body), &u.access_token)
        .await;
    assert_ok(&r, 201);
}

#[path = "handlers/access.rs"]
mod access;
#[path = "handlers/changes.rs"]
mod changes;
#[path = "handlers/console.rs"]
mod console;
#[path = "handlers/loans.rs"]
mod loans;
#[path = "handlers/passkeys.rs"]
mod passkeys;
#[path = "handlers/prefixes.rs"]
mod prefixes;
#[path = "handlers/search.rs"]
mod search;
#[path = "handlers/sign_in.rs"]
mod sign_in;
#[path = "handlers/users.rs"]
mod users;

#[tokio::test]
async fn every_admin_route_needs_the_session_cookie() {
    let app = app_with(&[]);
    let admin = app.admin_signed_in(ADMIN_PHONE).await;
    let open = [
        "/v1/admin/login",
        "/v1/admin/passkeys/login/options",
        "/admin",
        "/admin/app.js",
        "/admin/app.css",
        "/admin/lib.js",
        "/admin/passkeys.js",
        "/admin/prefixes.js",
        "/admin/favicon.svg",
    ];
    for (method, path) in shared::openapi::route_list(&admin_fn::routes().1) {
        if open.contains(&path.as_str()) {
            continue;
        }
        let path = path.replace("{user_id}", &admin.user.user_id);
        let m: Method = method.parse().unwrap();
        let body = (m != Method::GET).then(|| json!({}));
        let r = app
            .as_admin(m.clone(), &path, body.clone(), "not-a-session")
            .await;
        assert_error(&r, 401, "UNAUTHORIZED");
        // An app token, even an admin's, is not an admin session.
        let r = app
            .call(m, &path, body, Some(&admin.user.access_token))
            .await;
        assert_error(&r, 403, "PERMISSION_DENIED");
    }
}
