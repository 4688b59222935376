//! Sending and verifying codes.

use super::*;

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
        assert_invalid(&r, field);
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
    let stores = Stores::memory();
    let failing = TestApp::with_sms(
        stores.clone(),
        auth_fn::routes().0,
        &[],
        Some(Arc::new(FailingSms)),
    );
    let r = failing
        .post("/v1/auth/otp/request", json!({"phone": PHONE}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.code(), "OTP_DELIVERY_FAILED");
    assert!(
        stores.otps.get_otp(&e164(E164)).await.unwrap().is_none(),
        "no undelivered code is kept"
    );
    // Same store, working sender, same instant: not blocked by a cooldown.
    let working = TestApp::new(stores, auth_fn::routes().0, &[]);
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
    assert_invalid(&r, "code");
}

#[tokio::test]
async fn codes_go_to_mobile_numbers_only() {
    let app = app();
    for phone in ["01123456789", "18001031234", "+911800103123"] {
        let r = app
            .post("/v1/auth/otp/request", json!({"phone": phone}))
            .await;
        assert_invalid(&r, "phone");
    }
    assert!(
        app.sms.messages().is_empty(),
        "no SMS to a fixed line or toll-free number"
    );
}
