//! The contract's field rules through the routes: one password policy for registration, reset
//! and change; one free-text rule; dates of birth.

use super::*;

/// Many codes for one phone in one test.
fn roomy_app() -> TestApp {
    app_with(&[
        ("OTP_MAX_PER_HOUR", "100"),
        ("OTP_MAX_PER_DAY", "100"),
        ("OTP_MAX_PER_IP_HOUR", "1000"),
    ])
}

/// Passwords every route that sets one refuses.
const WEAK: [&str; 5] = [
    "        ",
    "password1 ",
    "secret\u{0}pass",
    "\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}",
    "\u{FF50}\u{FF41}\u{FF53}\u{FF53}\u{FF57}\u{FF4F}\u{FF52}\u{FF44}",
];

#[tokio::test]
async fn one_password_policy_for_register_reset_and_change() {
    let app = roomy_app();
    for weak in WEAK {
        let vt = app.verification_token(PHONE).await;
        let body = json!({"verification_token": vt, "name": "Asha", "password": weak});
        assert_invalid(&app.post("/v1/auth/register", body).await, "password");
    }
    let at = token(&app.register(PHONE, PW).await, "access_token");
    for weak in WEAK {
        let body = json!({"current_password": PW, "new_password": weak});
        let r = authed(
            &app,
            Method::POST,
            "/v1/auth/password/change",
            Some(body),
            &at,
        )
        .await;
        assert_invalid(&r, "new_password");
        let vt = app.verification_token(PHONE).await;
        let body = json!({"verification_token": vt, "new_password": weak});
        assert_invalid(
            &app.post("/v1/auth/password/reset", body).await,
            "new_password",
        );
    }
    let login = json!({"phone": PHONE, "password": PW});
    assert_eq!(app.login(login).await.status, StatusCode::OK);
}

async fn register_with(app: &TestApp, extra: Value) -> TestResponse {
    let vt = app.verification_token(PHONE).await;
    let mut body = json!({"verification_token": vt, "name": "Asha"});
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    app.post("/v1/auth/register", body).await
}

#[tokio::test]
async fn free_text_refuses_hidden_characters_and_keeps_emoji() {
    let app = roomy_app();
    let zalgo = format!("a{}", "\u{0301}".repeat(99));
    for (field, bad) in [
        ("name", "\u{3164}"),
        ("name", "Asha\u{2028}Verma"),
        ("name", zalgo.as_str()),
        ("city", "Pune\u{202E}enuP"),
        ("state", "\u{200B}"),
    ] {
        let r = register_with(&app, json!({ field: bad })).await;
        assert_invalid(&r, field);
    }
    let r = register_with(&app, json!({"name": "👩🏽‍💻 Asha", "city": "ಬೆಂಗಳೂರು"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.data()["user"]["name"], "👩🏽‍💻 Asha");
}

#[tokio::test]
async fn dates_of_birth_start_in_1900() {
    let app = roomy_app();
    for old in ["0000-01-01", "-001-01-01", "1800-01-01"] {
        assert_invalid(&register_with(&app, json!({"dob": old})).await, "dob");
    }
    let r = register_with(&app, json!({"dob": "1900-01-01"})).await;
    assert_eq!(r.data()["user"]["dob"], "1900-01-01");
}
