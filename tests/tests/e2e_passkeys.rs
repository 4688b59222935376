//! Passkeys end to end over HTTP against the local-api binary, on the memory store and on
//! DynamoDB in the emulator: a user signs up by SMS once, registers a software passkey, signs
//! in with it (no SMS), lists it; a replayed sign-in is refused; deleting the account removes
//! the passkey, whose next sign-in is then refused.

use integration_tests::LocalApi;
use integration_tests::http::Http;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::testing::SoftPasskey;

const PASSWORD: &str = "blue-horse-Zq81";

/// The local server's own origin, the one its relying party allows.
fn origin(h: &Http) -> String {
    h.api.base.replace("127.0.0.1", "localhost")
}

async fn options(h: &Http, path: &str, bearer: Option<&str>) -> (String, Value) {
    let (s, b) = h.post(path, json!({}), bearer).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (
        b["data"]["ceremony_id"].as_str().unwrap().into(),
        b["data"]["options"].clone(),
    )
}

async fn sign_in(h: &Http, key: &mut SoftPasskey) -> (StatusCode, Value) {
    let (ceremony_id, o) = options(h, "/v1/auth/passkeys/login/options", None).await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&o)});
    h.post("/v1/auth/passkeys/login", body, None).await
}

async fn passkey_flow(h: Http) {
    let vt = h.verification_token("9816456565").await;
    let body = json!({"verification_token": vt, "name": "Asha", "password": PASSWORD});
    let (_, b) = h.post("/v1/auth/register", body, None).await;
    let t = b["data"]["tokens"]["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (ceremony_id, o) = options(&h, "/v1/auth/passkeys/register/options", Some(&t)).await;
    let mut key = SoftPasskey::new();
    key.origin = origin(&h);
    let body = json!({"ceremony_id": ceremony_id, "credential": key.register(&o), "name": "Phone"});
    let (s, b) = h.post("/v1/auth/passkeys", body, Some(&t)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = sign_in(&h, &mut key).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["data"]["user"]["name"], "Asha");
    let (_, b) = h.get("/v1/auth/passkeys", Some(&t)).await;
    assert_eq!(b["data"]["items"][0]["name"], "Phone");
    assert!(b["data"]["items"][0]["last_used_at"].is_string());
    let mut replay = key.clone();
    replay.counter -= 1;
    let (s, _) = sign_in(&h, &mut replay).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a counter that did not grow");
    let body = json!({"password": PASSWORD});
    let (s, b) = h
        .send(Method::DELETE, "/v1/auth/account", Some(body), Some(&t))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = sign_in(&h, &mut key).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("INVALID_CREDENTIALS"))
    );
}

#[tokio::test]
async fn passkeys_on_the_memory_store() {
    passkey_flow(Http::new(LocalApi::memory().await)).await;
}

#[tokio::test]
async fn passkeys_on_dynamodb() {
    let Some(api) = LocalApi::dynamodb().await else {
        return;
    };
    passkey_flow(Http::new(api)).await;
}
