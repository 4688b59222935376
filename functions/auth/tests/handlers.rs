//! Handler tests: every auth route and error code, through the real router, in process,
//! with the memory store, a capturing SMS sender and a fake clock.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use shared::sms::FailingSms;
use shared::store::Store;
use shared::store::memory::MemoryStore;
use shared::testing::{TestApp, token};
use std::sync::Arc;

const PHONE: &str = "9816456565";
const E164: &str = "+919816456565";
const PW: &str = "correct horse 1";

fn app() -> TestApp {
    app_with(&[])
}

fn app_with(overrides: &[(&str, &str)]) -> TestApp {
    TestApp::new(Arc::new(MemoryStore::new()), auth_fn::routes(), overrides)
}

async fn get(app: &TestApp, path: &str, bearer: &str) -> shared::testing::TestResponse {
    app.call(Method::GET, path, None, Some(bearer)).await
}

async fn authed(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    bearer: &str,
) -> shared::testing::TestResponse {
    app.call(method, path, body, Some(bearer)).await
}

#[tokio::test]
async fn health_and_jwks() {
    let app = app();
    let r = app.call(Method::GET, "/v1/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["status"], "ok");
    assert!(r.data()["version"].is_string());
    assert!(r.headers.contains_key("x-request-id"));
    let r = app
        .call(Method::GET, "/.well-known/jwks.json", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["keys"][0]["kty"], "OKP");
    assert_eq!(r.body["keys"][0]["alg"], "EdDSA");
}

#[tokio::test]
async fn otp_request_normalizes_and_masks() {
    let app = app();
    let r = app
        .post("/v1/auth/otp/request", json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["phone"], E164);
    assert_eq!(r.data()["masked_phone"], "+91******6565");
    assert_eq!(r.data()["expires_in"], 300);
    assert_eq!(r.data()["resend_after"], 60);
    let code = app.last_code(E164);
    assert_eq!(code.len(), 6);
    assert!(
        !r.body.to_string().contains(&code),
        "the code is never returned"
    );
    // country_code forms
    app.clock.advance(Duration::seconds(61));
    let r = app
        .post(
            "/v1/auth/otp/request",
            json!({"phone": PHONE, "country_code": "+91"}),
        )
        .await;
    assert_eq!(r.data()["phone"], E164);
    app.clock.advance(Duration::seconds(61));
    let r = app
        .post(
            "/v1/auth/otp/request",
            json!({"phone": PHONE, "country_code": "IN"}),
        )
        .await;
    assert_eq!(r.data()["phone"], E164);
}

#[tokio::test]
async fn otp_request_validation_and_country() {
    let app = app();
    for (body, field) in [
        (json!({}), "phone"),
        (json!({"phone": 5}), "phone"),
        (json!({"phone": "12"}), "phone"),
        (
            json!({"phone": PHONE, "country_code": "ZZ"}),
            "country_code",
        ),
    ] {
        let r = app.post("/v1/auth/otp/request", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.code(), "VALIDATION_ERROR");
        assert_eq!(r.body["error"]["details"]["field"], field);
    }
    let r = app
        .post("/v1/auth/otp/request", json!({"phone": "+12025550123"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "COUNTRY_NOT_SUPPORTED");
    assert!(app.sms.messages().is_empty(), "nothing sent for bad input");
}

#[tokio::test]
async fn otp_cooldown_and_caps_answer_429_with_retry_after() {
    let app = app();
    app.request_code(PHONE).await;
    let r = app
        .post("/v1/auth/otp/request", json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "RATE_LIMIT_EXCEEDED");
    assert_eq!(r.headers["retry-after"], "60");
    assert_eq!(r.body["error"]["details"]["retry_after"], 60);
    // 5 per hour: 4 more after the cooldown each time, then refused until the hour ends.
    for _ in 0..4 {
        app.clock.advance(Duration::seconds(61));
        app.request_code(PHONE).await;
    }
    app.clock.advance(Duration::seconds(61));
    let r = app
        .post("/v1/auth/otp/request", json!({"phone": PHONE}))
        .await;
    assert_eq!(r.code(), "RATE_LIMIT_EXCEEDED");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 60 && retry <= 3600, "{retry}");
    assert_eq!(app.sms.messages().len(), 5);
}

#[tokio::test]
async fn otp_per_ip_cap() {
    let app = app_with(&[("OTP_MAX_PER_IP_HOUR", "3")]);
    let phones = ["9816456561", "9816456562", "9816456563", "9816456564"];
    for p in &phones[..3] {
        app.request_code(p).await;
    }
    let r = app
        .post("/v1/auth/otp/request", json!({"phone": phones[3]}))
        .await;
    assert_eq!(r.code(), "RATE_LIMIT_EXCEEDED");
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn otp_delivery_failure_is_502_and_keeps_no_cooldown() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let failing = TestApp::with_sms(
        store.clone(),
        auth_fn::routes(),
        &[],
        Some(Arc::new(FailingSms)),
    );
    let r = failing
        .post("/v1/auth/otp/request", json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.code(), "OTP_DELIVERY_FAILED");
    assert!(
        store.get_otp(E164).await.unwrap().is_none(),
        "no undelivered code is kept"
    );
    // Same store, working sender, same instant: not blocked by a cooldown.
    let working = TestApp::new(store, auth_fn::routes(), &[]);
    working.request_code(PHONE).await;
}

#[tokio::test]
async fn otp_verify_wrong_codes_count_down_then_429() {
    let app = app();
    let code = app.request_code(PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for remaining in [4, 3, 2, 1, 0] {
        let r = app
            .post(
                "/v1/auth/otp/verify",
                json!({"phone": PHONE, "code": wrong}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.code(), "OTP_INVALID");
        assert_eq!(r.body["error"]["details"]["attempts_remaining"], remaining);
    }
    for c in [wrong, code.as_str()] {
        let r = app
            .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": c}))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.code(), "OTP_ATTEMPTS_EXCEEDED");
    }
    // A new code starts over.
    app.clock.advance(Duration::seconds(61));
    let code = app.request_code(PHONE).await;
    let r = app
        .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": code}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn otp_verify_expired_used_never_sent_and_replaced() {
    let app = app();
    let r = app
        .post(
            "/v1/auth/otp/verify",
            json!({"phone": PHONE, "code": "123456"}),
        )
        .await;
    assert_eq!(r.code(), "OTP_EXPIRED", "never sent");
    let code = app.request_code(PHONE).await;
    let ok = app
        .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": code}))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.data()["expires_in"], 600);
    assert_eq!(ok.data()["account_exists"], false);
    assert!(ok.data()["verification_token"].as_str().unwrap().len() >= 43);
    let r = app
        .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": code}))
        .await;
    assert_eq!(r.code(), "OTP_EXPIRED", "used");
    app.clock.advance(Duration::seconds(61));
    let code = app.request_code(PHONE).await;
    app.clock.advance(Duration::seconds(301));
    let r = app
        .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": code}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "OTP_EXPIRED", "expired");
    // A resend replaces the old code.
    let old = app.request_code(PHONE).await;
    app.clock.advance(Duration::seconds(61));
    let new = app.request_code(PHONE).await;
    if old != new {
        let r = app
            .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": old}))
            .await;
        assert_eq!(r.code(), "OTP_INVALID");
    }
    let r = app
        .post("/v1/auth/otp/verify", json!({"phone": PHONE, "code": new}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post(
            "/v1/auth/otp/verify",
            json!({"phone": PHONE, "code": "12ab56"}),
        )
        .await;
    assert_eq!(
        (r.code(), r.body["error"]["details"]["field"].as_str()),
        ("VALIDATION_ERROR", Some("code"))
    );
}

#[tokio::test]
async fn register_returns_user_and_tokens_and_rejects_reuse() {
    let app = app();
    let vt = app.verification_token(PHONE).await;
    let r = app
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "Asha", "password": PW, "email": "asha@example.com",
                   "state": "Karnataka", "city": "Bengaluru", "dob": "1990-05-01", "security_number": "1234"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let u = &r.data()["user"];
    assert_eq!(u["phone"], E164);
    assert_eq!(u["masked_phone"], "+91******6565");
    assert_eq!(u["name"], "Asha");
    assert_eq!(u["email"], "asha@example.com");
    assert_eq!(u["dob"], "1990-05-01");
    assert_eq!(u["role"], "user");
    assert_eq!(u["status"], "ACTIVE");
    assert_eq!(u["kyc_status"], "NOT_SUBMITTED");
    assert_eq!(u["has_password"], true);
    assert_eq!(u["is_profile_complete"], false);
    assert!(u.get("security_number").is_none() && u.get("password").is_none());
    assert!(
        !r.body.to_string().contains("1234\""),
        "security number never returned"
    );
    let t = &r.data()["tokens"];
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 900);
    // The same token again: used.
    let again = app
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "Asha"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.code(), "UNAUTHORIZED");
    // A new token for the same phone: the account exists.
    let vt2 = app.verification_token(PHONE).await;
    let exists = app
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt2, "name": "Asha"}),
        )
        .await;
    assert_eq!(exists.status, StatusCode::CONFLICT);
    assert_eq!(exists.code(), "ACCOUNT_EXISTS");
    // 409 did not burn the token: it still signs in.
    let login = app
        .post("/v1/auth/login", json!({"verification_token": vt2}))
        .await;
    assert_eq!(login.status, StatusCode::OK);
}

#[tokio::test]
async fn register_validation_changes_nothing() {
    let app = app();
    let vt = app.verification_token(PHONE).await;
    for (body, field) in [
        (json!({"verification_token": vt}), "name"),
        (json!({"verification_token": vt, "name": ""}), "name"),
        (
            json!({"verification_token": vt, "name": "a".repeat(101)}),
            "name",
        ),
        (
            json!({"verification_token": vt, "name": "A", "password": "short"}),
            "password",
        ),
        (
            json!({"verification_token": vt, "name": "A", "email": "nope"}),
            "email",
        ),
        (
            json!({"verification_token": vt, "name": "A", "dob": "2999-01-01"}),
            "dob",
        ),
        (
            json!({"verification_token": vt, "name": "A", "dob": "01-01-1990"}),
            "dob",
        ),
        (
            json!({"verification_token": vt, "name": "A", "security_number": "12345"}),
            "security_number",
        ),
        (json!({"name": "A"}), "verification_token"),
    ] {
        let r = app.post("/v1/auth/register", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.body["error"]["details"]["field"], field);
    }
    let bad = app
        .post(
            "/v1/auth/register",
            json!({"verification_token": "nope", "name": "A"}),
        )
        .await;
    assert_eq!(bad.code(), "UNAUTHORIZED");
    // The token survived all of that.
    let r = app
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "A"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.data()["user"]["has_password"], false);
}

#[tokio::test]
async fn verification_token_expires_after_ten_minutes() {
    let app = app();
    let vt = app.verification_token(PHONE).await;
    app.clock.advance(Duration::seconds(600));
    let r = app
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "A"}),
        )
        .await;
    assert_eq!(r.code(), "UNAUTHORIZED");
}

#[tokio::test]
async fn verification_token_is_bound_to_its_phone() {
    let app = app();
    app.register(PHONE, PW).await;
    let other = app.verification_token("9816456566").await;
    // Deleting PHONE's account with a token proven for another phone fails.
    let login = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    let at = token(login.data(), "access_token");
    let r = authed(
        &app,
        Method::DELETE,
        "/v1/auth/account",
        Some(json!({"verification_token": other})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, "/v1/auth/me", &at).await.status, StatusCode::OK);
}

#[tokio::test]
async fn login_by_password_and_by_token() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let r = app
        .post(
            "/v1/auth/login",
            json!({"phone": PHONE, "password": PW, "device": {"device_id": "dev-1", "platform": "android", "app_version": "1.2.0"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.data()["user"]["user_id"], reg["user"]["user_id"]);
    let at = token(r.data(), "access_token");
    let s = get(&app, "/v1/auth/sessions", &at).await;
    let items = s.data()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "register and login sessions");
    let current: Vec<_> = items.iter().filter(|i| i["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device_id"], "dev-1");
    assert_eq!(current[0]["platform"], "android");
    // Token form
    let vt = app.verification_token(PHONE).await;
    let r = app
        .post("/v1/auth/login", json!({"verification_token": vt}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post("/v1/auth/login", json!({"verification_token": vt}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "token is single-use");
}

#[tokio::test]
async fn login_errors() {
    let app = app();
    app.register(PHONE, PW).await;
    let wrong = app
        .post(
            "/v1/auth/login",
            json!({"phone": PHONE, "password": "wrong password"}),
        )
        .await;
    let unknown = app
        .post(
            "/v1/auth/login",
            json!({"phone": "9816456599", "password": PW}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "INVALID_CREDENTIALS");
    assert_eq!(
        wrong.body, unknown.body,
        "unknown phone and wrong password look the same"
    );
    let vt = app.verification_token("9816456599").await;
    let r = app
        .post("/v1/auth/login", json!({"verification_token": vt}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "ACCOUNT_NOT_FOUND");
    let r = app.post("/v1/auth/login", json!({"phone": PHONE})).await;
    assert_eq!(r.body["error"]["details"]["field"], "password");
    let r = app.post("/v1/auth/login", json!({"password": PW})).await;
    assert_eq!(r.body["error"]["details"]["field"], "phone");
    let r = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW, "device": {"device_id": "d", "platform": "symbian"}}))
        .await;
    assert_eq!(r.code(), "VALIDATION_ERROR");
}

#[tokio::test]
async fn five_failures_lock_for_fifteen_minutes() {
    let app = app();
    app.register(PHONE, PW).await;
    for _ in 0..5 {
        let r = app
            .post(
                "/v1/auth/login",
                json!({"phone": PHONE, "password": "wrong password"}),
            )
            .await;
        assert_eq!(r.code(), "INVALID_CREDENTIALS");
    }
    let r = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert_eq!(r.code(), "ACCOUNT_LOCKED");
    assert_eq!(r.headers["retry-after"], "900");
    app.clock.advance(Duration::seconds(899));
    let r = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert_eq!(r.headers["retry-after"], "1");
    app.clock.advance(Duration::seconds(1));
    let r = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Success resets the count: four more failures do not lock.
    for _ in 0..4 {
        app.post(
            "/v1/auth/login",
            json!({"phone": PHONE, "password": "wrong password"}),
        )
        .await;
    }
    let r = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn suspended_account_cannot_sign_in_and_loses_sessions() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let uid = reg["user"]["user_id"].as_str().unwrap();
    assert!(
        app.state
            .store
            .set_user_status(uid, "SUSPENDED", shared::services::auth::new_epoch())
            .await
            .unwrap()
    );
    assert_eq!(
        get(&app, "/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "ACCOUNT_SUSPENDED");
    let vt = app.verification_token(PHONE).await;
    let r = app
        .post("/v1/auth/login", json!({"verification_token": vt}))
        .await;
    assert_eq!(r.code(), "ACCOUNT_SUSPENDED");
    let r = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": token(&reg, "refresh_token")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_rotates_with_grace_and_detects_reuse() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let rt0 = token(&reg, "refresh_token");
    let r1 = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt0}))
        .await;
    assert_eq!(r1.status, StatusCode::OK);
    let rt1 = token(r1.data(), "refresh_token");
    assert_ne!(rt1, rt0);
    assert_eq!(
        get(&app, "/v1/auth/me", &token(r1.data(), "access_token"))
            .await
            .status,
        StatusCode::OK
    );
    // Within the grace window the old token yields the same successor.
    app.clock.advance(Duration::seconds(10));
    let again = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt0}))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(token(again.data(), "refresh_token"), rt1);
    // Later, reuse revokes the whole session.
    app.clock.advance(Duration::seconds(1));
    let reuse = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt0}))
        .await;
    assert_eq!(reuse.status, StatusCode::UNAUTHORIZED);
    let dead = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt1}))
        .await;
    assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&app, "/v1/auth/me", &token(r1.data(), "access_token"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    for bad in ["", "garbage", "a.b.c.d"] {
        let r = app
            .post("/v1/auth/refresh", json!({"refresh_token": bad}))
            .await;
        assert_eq!(r.code(), "UNAUTHORIZED");
    }
}

#[tokio::test]
async fn access_tokens_expire_and_bad_tokens_are_401() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    for bad in ["", "x", &format!("{at}x")] {
        let r = get(&app, "/v1/auth/me", bad).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "UNAUTHORIZED")
        );
    }
    let r = app.call(Method::GET, "/v1/auth/me", None, None).await;
    assert_eq!(r.code(), "UNAUTHORIZED");
    app.clock.advance(Duration::seconds(900));
    assert_eq!(
        get(&app, "/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_revokes_access_and_refresh_at_once() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    assert_eq!(
        get(&app, "/v1/auth/me", &at).await.data()["user"]["phone"],
        E164
    );
    let r = authed(&app, Method::POST, "/v1/auth/logout", None, &at).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data(), &json!({}));
    assert_eq!(
        get(&app, "/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": token(&reg, "refresh_token")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        authed(&app, Method::POST, "/v1/auth/logout", None, &at)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sessions_list_and_revoke_one() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let other = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    let other_at = token(other.data(), "access_token");
    let list = get(&app, "/v1/auth/sessions", &at).await;
    let items = list.data()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    for i in &items {
        for k in [
            "session_id",
            "current",
            "device_id",
            "platform",
            "created_at",
            "last_used_at",
        ] {
            assert!(i.get(k).is_some(), "{k}");
        }
    }
    let other_sid = items.iter().find(|i| i["current"] == false).unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = authed(
        &app,
        Method::DELETE,
        &format!("/v1/auth/sessions/{other_sid}"),
        None,
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/v1/auth/me", &other_at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = authed(
        &app,
        Method::DELETE,
        &format!("/v1/auth/sessions/{other_sid}"),
        None,
        &at,
    )
    .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "NOT_FOUND"));
    // Another user's session is not one of the caller's.
    let stranger = app.register("9816456577", PW).await;
    let sa = token(&stranger, "access_token");
    let mine = get(&app, "/v1/auth/sessions", &at).await.data()["items"][0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = authed(
        &app,
        Method::DELETE,
        &format!("/v1/auth/sessions/{mine}"),
        None,
        &sa,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/v1/auth/me", &at).await.status, StatusCode::OK);
}

#[tokio::test]
async fn password_reset_revokes_every_session() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let vt = app.verification_token(PHONE).await;
    let r = app
        .post(
            "/v1/auth/password/reset",
            json!({"verification_token": vt, "new_password": "short"}),
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "new_password");
    let r = app
        .post(
            "/v1/auth/password/reset",
            json!({"verification_token": vt, "new_password": "brand new pw"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": token(&reg, "refresh_token")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post(
            "/v1/auth/login",
            json!({"phone": PHONE, "password": "brand new pw"})
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = app
        .post(
            "/v1/auth/password/reset",
            json!({"verification_token": vt, "new_password": "another pw"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "token used");
    let vt = app.verification_token("9816456599").await;
    let r = app
        .post(
            "/v1/auth/password/reset",
            json!({"verification_token": vt, "new_password": "another pw"}),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "ACCOUNT_NOT_FOUND")
    );
}

#[tokio::test]
async fn password_change_keeps_only_the_current_session() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let other = app
        .post("/v1/auth/login", json!({"phone": PHONE, "password": PW}))
        .await;
    let other_at = token(other.data(), "access_token");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/password/change",
        Some(json!({"current_password": "nope nope", "new_password": "brand new pw"})),
        &at,
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS")
    );
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/password/change",
        Some(json!({"current_password": PW, "new_password": "1"})),
        &at,
    )
    .await;
    assert_eq!(r.code(), "VALIDATION_ERROR");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/password/change",
        Some(json!({"current_password": PW, "new_password": "brand new pw"})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(get(&app, "/v1/auth/me", &at).await.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/v1/auth/me", &other_at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": token(&reg, "refresh_token")}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the current session's refresh token still works"
    );
    assert_eq!(
        get(&app, "/v1/auth/sessions", &at).await.data()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn devices_upsert_by_device_id() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/devices",
        Some(json!({"device_id": "d1", "platform": "ios", "push_token": "pt1"})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["device"]["device_id"], "d1");
    assert_eq!(r.data()["device"]["push_token"], "pt1");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/devices",
        Some(json!({"device_id": "d1", "platform": "ios", "push_token": "pt2"})),
        &at,
    )
    .await;
    assert_eq!(r.data()["device"]["push_token"], "pt2");
    let uid = get(&app, "/v1/auth/me", &at).await.data()["user"]["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let devices = app.state.store.list_devices(&uid).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].push_token.as_deref(), Some("pt2"));
    for (body, field) in [
        (json!({"platform": "ios"}), "device_id"),
        (json!({"device_id": "d1", "platform": "nokia"}), "platform"),
        (json!({"device_id": "", "platform": "ios"}), "device_id"),
    ] {
        let r = authed(&app, Method::POST, "/v1/auth/devices", Some(body), &at).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["error"]["details"]["field"], field);
    }
}

#[tokio::test]
async fn delete_account_removes_everything_and_phone_can_register_again() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let uid = reg["user"]["user_id"].as_str().unwrap().to_string();
    authed(
        &app,
        Method::POST,
        "/v1/auth/devices",
        Some(json!({"device_id": "d1", "platform": "web"})),
        &at,
    )
    .await;
    let r = authed(
        &app,
        Method::DELETE,
        "/v1/auth/account",
        Some(json!({"password": "wrong pw 123"})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = authed(
        &app,
        Method::DELETE,
        "/v1/auth/account",
        Some(json!({})),
        &at,
    )
    .await;
    assert_eq!(r.code(), "VALIDATION_ERROR");
    let r = authed(
        &app,
        Method::DELETE,
        "/v1/auth/account",
        Some(json!({"password": PW})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let store = &app.state.store;
    assert!(store.get_user(&uid).await.unwrap().is_none());
    assert!(store.user_id_by_phone(E164).await.unwrap().is_none());
    assert!(store.list_sessions(&uid).await.unwrap().is_empty());
    assert!(store.list_devices(&uid).await.unwrap().is_empty());
    let again = app.register(PHONE, PW).await;
    assert_ne!(again["user"]["user_id"], uid);
    // The verification-token form works too.
    let at = token(&again, "access_token");
    let vt = app.verification_token(PHONE).await;
    let r = authed(
        &app,
        Method::DELETE,
        "/v1/auth/account",
        Some(json!({"verification_token": vt})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn envelope_conventions_415_413_400_404_405() {
    let app = app();
    let req = Request::post("/v1/auth/otp/request")
        .header("content-type", "text/plain")
        .body(Body::from("{\"phone\":\"9816456565\"}"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
    );
    let req = Request::post("/v1/auth/otp/request")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        app.send(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let req = Request::post("/v1/auth/otp/request")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(format!("{{\"phone\":\"{PHONE}\"}}")))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::OK);
    let big = format!("{{\"phone\":\"{}\"}}", "9".repeat(17 * 1024));
    let req = Request::post("/v1/auth/otp/verify")
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE")
    );
    let req = Request::post("/v1/auth/otp/verify")
        .header("content-type", "application/json")
        .body(Body::from("{\"phone\": "))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "VALIDATION_ERROR")
    );
    let r = app.call(Method::GET, "/v1/nothing", None, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "NOT_FOUND"));
    let r = app.call(Method::GET, "/v1/auth/login", None, None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.body["success"], false);
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn admin_phones_get_the_admin_role() {
    let app = app_with(&[("ADMIN_PHONES", E164)]);
    let reg = app.register(PHONE, PW).await;
    assert_eq!(reg["user"]["role"], "admin");
    let other = app.register("9816456577", PW).await;
    assert_eq!(other["user"]["role"], "user");
}
