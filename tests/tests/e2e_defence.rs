//! The SMS pumping defence end to end over HTTP against the local-api binary, on the memory
//! store and on DynamoDB + SNS in the emulator: codes entered keep a prefix open; codes never
//! entered pause it (503, scope `prefix`) for every number in it, while another prefix goes on.

use integration_tests::LocalApi;
use integration_tests::http::Http;
use reqwest::StatusCode;
use serde_json::json;

const RULE: [(&str, &str); 3] = [
    ("SMS_CONVERSION_MIN_SENDS", "2"),
    ("SMS_CONVERSION_MIN_RATE", "0.5"),
    ("OTP_RESEND_SECONDS", "0"),
];

async fn flow(h: Http) {
    // +9198164: two codes, both entered; still open.
    for n in 0..2 {
        let phone = format!("98164{:05}", 58_000 + n);
        h.verification_token(&phone).await;
    }
    let (s, _) = h
        .post("/v1/auth/otp/request", json!({"phone": "9816458010"}), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    // +9198765: two codes never entered; the third number of the prefix is refused.
    for n in 0..2 {
        let phone = format!("98765{:05}", 43_000 + n);
        let (s, b) = h
            .post("/v1/auth/otp/request", json!({"phone": phone}), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (s, b) = h
        .post("/v1/auth/otp/request", json!({"phone": "9876543099"}), None)
        .await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_eq!(b["error"]["code"], "OTP_SENDING_PAUSED");
    assert_eq!(b["error"]["details"]["scope"], "prefix");
    let (s, _) = h
        .post("/v1/auth/otp/request", json!({"phone": "9816458011"}), None)
        .await;
    assert_eq!(s, StatusCode::OK, "another prefix goes on");
}

#[tokio::test]
async fn the_defence_on_the_memory_store() {
    flow(Http::new(LocalApi::memory_with(&RULE).await)).await;
}

#[tokio::test]
async fn the_defence_on_dynamodb() {
    let Some(api) = LocalApi::dynamodb_with(&RULE).await else {
        return;
    };
    flow(Http::new(api)).await;
}
