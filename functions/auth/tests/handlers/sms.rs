//! The SMS rules around a code: its text, test numbers, the prefix cap, the deployment's
//! budget, and the metrics every outcome counts.

use super::*;

const TEST_NUMBER: &str = "+919999900001";

async fn request(app: &TestApp, phone: &str) -> TestResponse {
    app.post("/v1/auth/otp/request", json!({ "phone": phone }))
        .await
}

async fn verify(app: &TestApp, phone: &str, code: &str) -> TestResponse {
    app.post(
        "/v1/auth/otp/verify",
        json!({ "phone": phone, "code": code }),
    )
    .await
}

fn retry_after(r: &TestResponse) -> u64 {
    r.headers["retry-after"]
        .to_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_code_uses_the_configured_text_and_autofill_lines() {
    let app = app_with(&[
        ("SMS_TEMPLATE", "Your {app} code is {code} ({minutes} min)"),
        ("SMS_APP_NAME", "Acme"),
        ("SMS_ANDROID_APP_HASH", "FA+9qCX9VSu"),
        ("SMS_WEB_OTP_DOMAIN", "app.example.com"),
    ]);
    assert_ok(&request(&app, PHONE).await, 200);
    let body = app.sms.last_to(E164).unwrap().body;
    let code = app.last_code(E164);
    assert_eq!(
        body,
        format!("Your Acme code is {code} (5 min)\nFA+9qCX9VSu\n@app.example.com #{code}")
    );
}

#[tokio::test]
async fn a_test_number_gets_no_sms_verifies_with_its_code_and_obeys_the_rules() {
    let app = app_with(&[("TEST_PHONE_NUMBERS", "+919999900001=123456")]);
    assert_ok(&request(&app, TEST_NUMBER).await, 200);
    assert!(app.sms.messages().is_empty(), "no SMS for a test number");
    assert_error(
        &request(&app, TEST_NUMBER).await,
        429,
        "RATE_LIMIT_EXCEEDED",
    );
    let r = verify(&app, TEST_NUMBER, "654321").await;
    assert_eq!(r.body["error"]["details"]["attempts_remaining"], 4);
    assert_ok(&verify(&app, TEST_NUMBER, "123456").await, 200);
    assert_error(
        &verify(&app, TEST_NUMBER, "123456").await,
        401,
        "OTP_EXPIRED",
    );
    // The attempt cap applies too.
    app.clock.advance(Duration::seconds(61));
    assert_ok(&request(&app, TEST_NUMBER).await, 200);
    for _ in 0..5 {
        verify(&app, TEST_NUMBER, "000000").await;
    }
    let r = verify(&app, TEST_NUMBER, "123456").await;
    assert_error(&r, 429, "OTP_ATTEMPTS_EXCEEDED");
    assert_eq!(
        app.counted("OtpTestNumberUsed", None),
        3,
        "2 sends, 1 verify"
    );
    assert_eq!(app.counted("OtpSent", None), 0);
    assert_eq!(app.counted("OtpVerified", None), 0);
}

#[tokio::test]
async fn the_hourly_budget_pauses_sending_and_it_resumes_next_hour() {
    let app = app_with(&[
        ("SMS_BUDGET_HOUR", "2"),
        ("TEST_PHONE_NUMBERS", "+919999900001=123456"),
    ]);
    assert_ok(&request(&app, "9816456561").await, 200);
    assert_ok(&request(&app, "9876543210").await, 200);
    let r = request(&app, "9816456563").await;
    assert_error(&r, 503, "OTP_SENDING_PAUSED");
    assert_eq!(retry_after(&r), 3600, "the clock stands at 10:00:00");
    assert_eq!(r.body["error"]["details"]["retry_after"], 3600);
    assert_eq!(r.body["error"]["details"]["scope"], "budget");
    assert_eq!(app.sms.messages().len(), 2, "nothing sent while paused");
    // Codes already sent and test numbers keep working.
    let code = app.last_code("+919816456561");
    assert_ok(&verify(&app, "9816456561", &code).await, 200);
    assert_ok(&request(&app, TEST_NUMBER).await, 200);
    assert_eq!(app.counted("OtpSendBlocked", Some(("Reason", "budget"))), 1);
    app.clock.advance(Duration::hours(1));
    assert_ok(&request(&app, "9816456563").await, 200);
}

#[tokio::test]
async fn the_daily_budget_pauses_until_the_day_ends() {
    let app = app_with(&[("SMS_BUDGET_DAY", "1")]);
    assert_ok(&request(&app, "9816456561").await, 200);
    let r = request(&app, "9816456562").await;
    assert_error(&r, 503, "OTP_SENDING_PAUSED");
    assert_eq!(retry_after(&r), 14 * 3600, "10:00 to midnight UTC");
    app.clock.advance(Duration::hours(14));
    assert_ok(&request(&app, "9816456562").await, 200);
}

#[tokio::test]
async fn a_number_prefix_is_capped_per_hour() {
    let app = app_with(&[("OTP_MAX_PER_PREFIX_HOUR", "2")]);
    assert_ok(&request(&app, "9816456561").await, 200);
    assert_ok(&request(&app, "9816499999").await, 200);
    let r = request(&app, "9816400000").await;
    assert_error(&r, 429, "RATE_LIMIT_EXCEEDED");
    assert_eq!(retry_after(&r), 3600);
    assert_ok(&request(&app, "9876543210").await, 200);
    assert_eq!(
        app.counted("OtpSendBlocked", Some(("Reason", "prefix_cap"))),
        1
    );
}

#[tokio::test]
async fn every_outcome_is_counted_by_country() {
    let app = app();
    let code = app.request_code(PHONE).await;
    assert_error(&request(&app, PHONE).await, 429, "RATE_LIMIT_EXCEEDED");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_error(&verify(&app, PHONE, wrong).await, 401, "OTP_INVALID");
    assert_ok(&verify(&app, PHONE, &code).await, 200);
    let r = request(&app, "+12025550123").await;
    assert_error(&r, 400, "COUNTRY_NOT_SUPPORTED");
    let india = Some(("Country", "IN"));
    assert_eq!(app.counted("OtpSent", india), 1);
    assert_eq!(app.counted("OtpVerifyFailed", india), 1);
    assert_eq!(app.counted("OtpVerified", india), 1);
    assert_eq!(
        app.counted("OtpSendBlocked", Some(("Reason", "cooldown"))),
        1
    );
    assert_eq!(app.counted("OtpSendBlocked", Some(("Country", "US"))), 1);
}

#[tokio::test]
async fn a_delivery_failure_is_counted_by_its_error_code() {
    let app = TestApp::with_sms(
        Stores::memory(),
        auth_fn::routes().0,
        &[],
        Some(Arc::new(FailingSms)),
    );
    assert_error(&request(&app, PHONE).await, 502, "OTP_DELIVERY_FAILED");
    let failed = Some(("ErrorCode", "DeliveryDisabled"));
    assert_eq!(app.counted("OtpDeliveryFailed", failed), 1);
    assert_eq!(app.counted("OtpSent", None), 0);
}

#[tokio::test]
async fn parallel_sends_spend_the_budget_exactly() {
    let app = Arc::new(app_with(&[
        ("SMS_BUDGET_HOUR", "7"),
        ("OTP_MAX_PER_IP_HOUR", "100"),
    ]));
    let results = race(20, |i| {
        let app = app.clone();
        async move { request(&app, &format!("98164{i:05}")).await.status.as_u16() }
    })
    .await;
    let sent = results.iter().filter(|s| **s == 200).count();
    let paused = results.iter().filter(|s| **s == 503).count();
    assert_eq!((sent, paused), (7, 13), "{results:?}");
    assert_eq!(app.sms.messages().len(), 7);
}
