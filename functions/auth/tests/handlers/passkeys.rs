//! Passkeys on the memory store: the options as the contract shapes them, registration and
//! sign-in with a software authenticator, each refusal with the reason it is logged and counted
//! under, ceremonies bound to kind, user and lifetime, names and the per-IP limits.
//! (`tests/tests/passkeys.rs` runs the ceremonies on both stores: a credential registered twice,
//! the cap, removed passkeys, suspended accounts, racing finishes.)

use super::*;
use shared::testing::{SoftPasskey, TestUser};

const AUTH: &str = "/v1/auth";

async fn user(app: &TestApp) -> TestUser {
    app.signed_in(E164).await
}

#[tokio::test]
async fn options_are_the_contracts_webauthn_json() {
    let app = app();
    let u = user(&app).await;
    let (ceremony_id, o) = app.passkey_register_options(AUTH, &u).await;
    assert!(ceremony_id.len() >= 32);
    assert_eq!(o["rp"]["id"], "localhost");
    assert_eq!(o["user"]["name"], "+91******6565");
    let handle = o["user"]["id"].as_str().unwrap();
    assert!(!handle.contains(u.user_id.as_str()) && !handle.contains('='));
    let algs: Vec<i64> = o["pubKeyCredParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["alg"].as_i64().unwrap())
        .collect();
    assert_eq!(algs, [-7, -8, -257]);
    assert_eq!(o["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(o["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(o["attestation"], "none");
    assert_eq!(o["timeout"], 300_000);
    assert_eq!(o["excludeCredentials"], json!([]));
    let key = app.enrolled_passkey(AUTH, &u).await;
    let (_, again) = app.passkey_register_options(AUTH, &u).await;
    assert_eq!(
        again["user"]["id"], o["user"]["id"],
        "one handle per account"
    );
    let excluded = &again["excludeCredentials"][0]["id"];
    assert_eq!(
        excluded.as_str(),
        Some(shared::crypto::b64url(&key.credential_id).as_str())
    );
    let (_, o) = app.passkey_login_options(AUTH).await;
    assert_eq!(
        (&o["rpId"], &o["userVerification"]),
        (&json!("localhost"), &json!("required"))
    );
    assert_eq!(o["allowCredentials"], json!([]));
}

#[tokio::test]
async fn a_registered_passkey_signs_in_without_an_sms() {
    let app = app();
    let u = user(&app).await;
    let mut key = SoftPasskey::new();
    let r = app.passkey_register(AUTH, &u, &mut key).await;
    let p = assert_ok(&r, 201)["passkey"].clone();
    assert_eq!(
        (&p["name"], &p["last_used_at"]),
        (&json!("Passkey"), &Value::Null)
    );
    assert_eq!(p["transports"], json!(["internal", "hybrid"]));
    let r = app.passkey_login(&mut key).await;
    let data = assert_ok(&r, 200);
    assert_eq!(data["user"]["user_id"], u.user_id.as_str());
    let at = token(data, "access_token");
    assert_ok(&app.get_as("/v1/auth/me", &at).await, 200);
    let listed = app.get_as("/v1/auth/passkeys", &u).await;
    let items = assert_ok(&listed, 200)["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert!(items[0]["last_used_at"].is_string());
    assert_eq!(app.sms.messages().len(), 0, "no SMS at all");
    assert_eq!(app.counted("PasskeyRegistered", None), 1);
    assert_eq!(app.counted("PasskeySignedIn", None), 1);
    let named = app.passkey_register_options(AUTH, &u).await;
    let mut other = SoftPasskey::new();
    let body = json!({"ceremony_id": named.0, "credential": other.register(&named.1), "name": " Pixel 9 "});
    let r = app
        .send_as(Method::POST, "/v1/auth/passkeys", Some(body), &u)
        .await;
    assert_eq!(assert_ok(&r, 201)["passkey"]["name"], "Pixel 9");
}

/// Registers with `key` as shaped by `spoil`, expecting `PASSKEY_INVALID` and no passkey.
async fn refused_registration(spoil: impl FnOnce(&mut SoftPasskey), reason: &str) {
    let app = app();
    let u = user(&app).await;
    let mut key = SoftPasskey::new();
    spoil(&mut key);
    let r = app.passkey_register(AUTH, &u, &mut key).await;
    assert_error(&r, 400, "PASSKEY_INVALID");
    let listed = app.get_as("/v1/auth/passkeys", &u).await;
    assert_eq!(assert_ok(&listed, 200)["items"], json!([]));
    assert_eq!(
        app.counted("PasskeyFailed", Some(("Reason", reason))),
        1,
        "{reason}"
    );
}

#[tokio::test]
async fn registration_refuses_a_wrong_origin_rp_id_or_missing_verification() {
    refused_registration(|k| k.origin = "http://localhost:4000".into(), "origin").await;
    refused_registration(|k| k.origin = "https://evil.example".into(), "origin").await;
    refused_registration(|k| k.rp_id = Some("evil.example".into()), "rp_id").await;
    refused_registration(|k| k.verify_user = false, "user_verification").await;
}

#[tokio::test]
async fn a_credential_of_another_type_is_refused() {
    let app = app();
    let u = user(&app).await;
    let (ceremony_id, options) = app.passkey_register_options(AUTH, &u).await;
    let mut credential = SoftPasskey::new().register(&options);
    credential["type"] = json!("password");
    let body = json!({"ceremony_id": ceremony_id, "credential": credential});
    let r = app
        .send_as(Method::POST, "/v1/auth/passkeys", Some(body), &u)
        .await;
    assert_error(&r, 400, "PASSKEY_INVALID");
    let mut key = app.enrolled_passkey(AUTH, &u).await;
    let (ceremony_id, options) = app.passkey_login_options(AUTH).await;
    let mut credential = key.sign_in(&options);
    credential["type"] = json!("password");
    let body = json!({"ceremony_id": ceremony_id, "credential": credential});
    let r = app.post("/v1/auth/passkeys/login", body).await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
    assert_eq!(app.counted("PasskeyFailed", Some(("Reason", "type"))), 2);
}

/// Signs in with an enrolled `key` shaped by `spoil`: one `INVALID_CREDENTIALS` whatever failed.
async fn refused_sign_in(spoil: impl FnOnce(&mut SoftPasskey), reason: &str) {
    let app = app();
    let u = user(&app).await;
    let mut key = app.enrolled_passkey(AUTH, &u).await;
    spoil(&mut key);
    let r = app.passkey_login(&mut key).await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
    assert_eq!(
        app.counted("PasskeyFailed", Some(("Reason", reason))),
        1,
        "{reason}"
    );
}

#[tokio::test]
async fn sign_in_refuses_every_bad_assertion_alike() {
    refused_sign_in(|k| k.origin = "http://localhost:4000".into(), "origin").await;
    refused_sign_in(|k| k.rp_id = Some("evil.example".into()), "rp_id").await;
    refused_sign_in(|k| k.verify_user = false, "user_verification").await;
    refused_sign_in(|k| k.tamper_signature = true, "signature").await;
    refused_sign_in(|k| k.credential_id = vec![7; 16], "unknown_credential").await;
    refused_sign_in(|k| k.user_handle = Some(vec![1; 16]), "user_handle").await;
}

#[tokio::test]
async fn a_counter_that_does_not_grow_is_a_possible_clone() {
    let app = app();
    let u = user(&app).await;
    let mut key = app.enrolled_passkey(AUTH, &u).await;
    let clone = key.clone();
    assert_ok(&app.passkey_login(&mut key).await, 200);
    assert_ok(&app.passkey_login(&mut key).await, 200);
    let mut clone = clone;
    clone.counter_step = 1;
    let r = app.passkey_login(&mut clone).await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
    assert_eq!(app.counted("PasskeyFailed", Some(("Reason", "counter"))), 1);
    // Authenticators that keep no counter (always 0) sign in every time.
    let mut synced = app.enrolled_passkey(AUTH, &u).await;
    synced.counter_step = 0;
    assert_ok(&app.passkey_login(&mut synced).await, 200);
    assert_ok(&app.passkey_login(&mut synced).await, 200);
}

#[tokio::test]
async fn a_ceremony_is_single_use_bound_to_kind_and_user_and_expires() {
    let app = app();
    let (a, b) = (user(&app).await, app.signed_in("+919816456577").await);
    let mut key = app.enrolled_passkey(AUTH, &a).await;
    let (ceremony_id, options) = app.passkey_login_options(AUTH).await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    assert_ok(
        &app.post("/v1/auth/passkeys/login", body.clone()).await,
        200,
    );
    let again = app.post("/v1/auth/passkeys/login", body).await;
    assert_error(&again, 404, "CEREMONY_NOT_FOUND");
    // Another user's registration ceremony.
    let (ceremony_id, options) = app.passkey_register_options(AUTH, &a).await;
    let body =
        json!({"ceremony_id": ceremony_id, "credential": SoftPasskey::new().register(&options)});
    let r = app
        .send_as(Method::POST, "/v1/auth/passkeys", Some(body), &b)
        .await;
    assert_error(&r, 404, "CEREMONY_NOT_FOUND");
    // A registration ceremony finished as a sign-in.
    let (ceremony_id, options) = app.passkey_register_options(AUTH, &a).await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    let r = app.post("/v1/auth/passkeys/login", body).await;
    assert_error(&r, 404, "CEREMONY_NOT_FOUND");
    // Five minutes later.
    let (ceremony_id, options) = app.passkey_login_options(AUTH).await;
    app.clock.advance(Duration::seconds(300));
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    let r = app.post("/v1/auth/passkeys/login", body).await;
    assert_error(&r, 404, "CEREMONY_NOT_FOUND");
}

#[tokio::test]
async fn bad_names_are_refused_before_the_ceremony_is_spent() {
    let app = app();
    let u = user(&app).await;
    let (ceremony_id, options) = app.passkey_register_options(AUTH, &u).await;
    let credential = SoftPasskey::new().register(&options);
    for bad in [json!(""), json!("x".repeat(65)), json!("a\u{202e}b")] {
        let body = json!({"ceremony_id": ceremony_id, "credential": credential, "name": bad});
        let r = app
            .send_as(Method::POST, "/v1/auth/passkeys", Some(body), &u)
            .await;
        assert_invalid(&r, "name");
    }
    let body = json!({"ceremony_id": ceremony_id, "credential": credential});
    assert_ok(
        &app.send_as(Method::POST, "/v1/auth/passkeys", Some(body), &u)
            .await,
        201,
    );
}

#[tokio::test]
async fn ceremonies_and_failed_sign_ins_are_limited_per_ip() {
    let app = app_with(&[("PASSKEY_CEREMONIES_PER_IP_HOUR", "2")]);
    app.passkey_login_options(AUTH).await;
    app.passkey_login_options(AUTH).await;
    let r = app.post("/v1/auth/passkeys/login/options", json!({})).await;
    assert_error(&r, 429, "RATE_LIMIT_EXCEEDED");
    assert!(r.headers.get("retry-after").is_some());
    let app = app_with(&[("LOGIN_MAX_PER_IP_HOUR", "2")]);
    let u = user(&app).await;
    let mut key = app.enrolled_passkey(AUTH, &u).await;
    for _ in 0..3 {
        assert_ok(&app.passkey_login(&mut key).await, 200);
    }
    let mut bad = key.clone();
    bad.tamper_signature = true;
    for _ in 0..2 {
        assert_error(
            &app.passkey_login(&mut bad).await,
            401,
            "INVALID_CREDENTIALS",
        );
    }
    assert_error(
        &app.passkey_login(&mut key).await,
        429,
        "RATE_LIMIT_EXCEEDED",
    );
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_error(&r, 429, "RATE_LIMIT_EXCEEDED");
}
