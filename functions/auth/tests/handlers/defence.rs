//! The SMS pumping defence by conversion: a prefix whose codes are not entered pauses (503
//! `OTP_SENDING_PAUSED`, scope `prefix`) until its pause ends; verified codes keep it open;
//! monitor mode pauses nothing but counts; test numbers are never counted nor paused; the
//! answer is the same whether or not the number has an account.

use super::*;

const RULE: [(&str, &str); 3] = [
    ("SMS_CONVERSION_MIN_SENDS", "3"),
    ("SMS_CONVERSION_MIN_RATE", "0.5"),
    ("TEST_PHONE_NUMBERS", "+919816400001=123456"),
];

/// Numbers of the prefix `+9198164` (5 digits after the calling code), none of them the test
/// number.
fn number(n: u32) -> String {
    format!("98164{:05}", 56_000 + n)
}

async fn request(app: &TestApp, phone: &str) -> TestResponse {
    app.post("/v1/auth/otp/request", json!({ "phone": phone }))
        .await
}

fn with(extra: &[(&'static str, &'static str)]) -> TestApp {
    let settings: Vec<_> = RULE.iter().chain(extra).copied().collect();
    app_with(&settings)
}

#[tokio::test]
async fn a_prefix_whose_codes_are_not_entered_pauses() {
    let app = with(&[]);
    for n in 0..3 {
        assert_ok(&request(&app, &number(n)).await, 200);
    }
    let r = request(&app, &number(3)).await;
    assert_error(&r, 503, "OTP_SENDING_PAUSED");
    assert_eq!(r.body["error"]["details"]["scope"], "prefix");
    assert_eq!(r.headers["retry-after"], "3600");
    assert_eq!(app.counted("SmsPrefixPaused", None), 1);
    assert_eq!(app.sms.messages().len(), 3, "no SMS once paused");
    // Paused for every number of the prefix, while another prefix and test numbers go on.
    let r = request(&app, &number(4)).await;
    assert_eq!(r.body["error"]["details"]["scope"], "prefix");
    assert_ok(&request(&app, "9876543210").await, 200);
    assert_ok(&request(&app, "+919816400001").await, 200);
    assert_eq!(
        app.counted("SmsPrefixPaused", None),
        1,
        "one pause, counted once"
    );
    // The pause ends, and a new window judges afresh.
    app.clock.advance(Duration::seconds(3600));
    assert_ok(&request(&app, &number(5)).await, 200);
}

#[tokio::test]
async fn after_two_paused_prefixes_new_ones_of_the_country_are_judged_from_the_first_send() {
    let app = with(&[]);
    let phone = |prefix: u32, n: u32| format!("98{prefix:03}{:05}", 56_100 + n);
    for prefix in [164, 165] {
        for n in 0..4 {
            request(&app, &phone(prefix, n)).await;
        }
    }
    assert_eq!(app.counted("SmsPrefixPaused", None), 2);
    // A third prefix: its first code goes out, the second waits for a code to be entered.
    assert_ok(&request(&app, &phone(166, 0)).await, 200);
    let r = request(&app, &phone(166, 1)).await;
    assert_eq!(r.body["error"]["details"]["scope"], "prefix");
    // A prefix whose codes are entered stays open.
    let first = phone(167, 0);
    assert_ok(&request(&app, &first).await, 200);
    let code = app.last_code(&format!("+91{first}"));
    assert_ok(
        &app.post("/v1/auth/otp/verify", json!({"phone": first, "code": code}))
            .await,
        200,
    );
    assert_ok(&request(&app, &phone(167, 1)).await, 200);
}

#[tokio::test]
async fn verified_codes_keep_a_prefix_open() {
    let app = with(&[]);
    for n in 0..6 {
        let phone = number(n);
        assert_ok(&request(&app, &phone).await, 200);
        if n % 2 == 0 {
            let code = app.last_code(&format!("+91{phone}"));
            let body = json!({"phone": phone, "code": code});
            assert_ok(&app.post("/v1/auth/otp/verify", body).await, 200);
        }
    }
    assert_eq!(app.counted("SmsPrefixPaused", None), 0);
}

#[tokio::test]
async fn monitor_mode_pauses_nothing_but_counts() {
    let app = with(&[("SMS_DEFENCE_MODE", "monitor")]);
    for n in 0..6 {
        assert_ok(&request(&app, &number(n)).await, 200);
    }
    assert_eq!(app.counted("SmsPrefixWouldPause", None), 3);
    assert_eq!(app.counted("SmsPrefixPaused", None), 0);
    let app = with(&[("SMS_DEFENCE_MODE", "off")]);
    for n in 0..6 {
        assert_ok(&request(&app, &number(n)).await, 200);
    }
    assert_eq!(app.counted("SmsPrefixWouldPause", None), 0);
}

#[tokio::test]
async fn test_numbers_are_never_counted_nor_paused() {
    let app = with(&[]);
    for _ in 0..5 {
        app.clock.advance(Duration::seconds(61));
        assert_ok(&request(&app, "+919816400001").await, 200);
    }
    assert_ok(&request(&app, &number(0)).await, 200);
    assert_eq!(app.counted("SmsPrefixPaused", None), 0);
}

#[tokio::test]
async fn a_pause_tells_nothing_about_accounts() {
    let app = with(&[]);
    app.register(&number(0), PW).await;
    for n in 1..3 {
        assert_ok(&request(&app, &number(n)).await, 200);
    }
    let known = request(&app, &number(0)).await;
    let unknown = request(&app, &number(9)).await;
    assert_error(&known, 503, "OTP_SENDING_PAUSED");
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
}
