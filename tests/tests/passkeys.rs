//! Passkey ceremonies through the auth and admin routers on both stores (the memory store and
//! DynamoDB in the emulator), with the software passkey: the happy path and every refusal the
//! contract names, each case as a plain `async fn(Stores)`.

use axum::http::Method;
use serde_json::json;
use shared::domain::UserStatus;
use shared::store::Stores;
use shared::testing::{SoftPasskey, TestApp, TestUser, assert_error, assert_ok, race};
use std::sync::Arc;

const AUTH: &str = "/v1/auth";

fn app(s: Stores) -> TestApp {
    let routes = auth_fn::routes().0.merge(admin_fn::routes().0);
    TestApp::new(s, routes, &[])
}

async fn setup(s: Stores) -> (TestApp, TestUser, SoftPasskey) {
    let app = app(s);
    let u = app.signed_in("+919816456565").await;
    let key = app.enrolled_passkey(AUTH, &u).await;
    (app, u, key)
}

async fn happy_path_and_replay(s: Stores) {
    let (app, _, mut key) = setup(s).await;
    assert_ok(&app.passkey_login(&mut key).await, 200);
    let (ceremony_id, options) = app.passkey_login_options(AUTH).await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    assert_ok(
        &app.post("/v1/auth/passkeys/login", body.clone()).await,
        200,
    );
    let replay = app.post("/v1/auth/passkeys/login", body).await;
    assert_error(&replay, 404, "CEREMONY_NOT_FOUND");
}

async fn every_bad_assertion_is_refused(s: Stores) {
    let (app, _, key) = setup(s).await;
    let spoilers: [fn(&mut SoftPasskey); 4] = [
        |k| k.origin = "https://evil.example".into(),
        |k| k.rp_id = Some("evil.example".into()),
        |k| k.verify_user = false,
        |k| k.tamper_signature = true,
    ];
    for spoil in spoilers {
        let mut bad = key.clone();
        spoil(&mut bad);
        let r = app.passkey_login(&mut bad).await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let mut good = key.clone();
    good.counter += 4;
    assert_ok(&app.passkey_login(&mut good).await, 200);
    let mut stale = key.clone();
    let r = app.passkey_login(&mut stale).await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
}

async fn registration_refusals(s: Stores) {
    let (app, u, mut enrolled) = setup(s).await;
    let again = app.passkey_register(AUTH, &u, &mut enrolled).await;
    assert_error(&again, 409, "PASSKEY_EXISTS");
    for spoil in [
        (|k: &mut SoftPasskey| k.origin = "http://localhost:4000".into()) as fn(&mut SoftPasskey),
        |k| k.rp_id = Some("evil.example".into()),
        |k| k.verify_user = false,
    ] {
        let mut key = SoftPasskey::new();
        spoil(&mut key);
        let r = app.passkey_register(AUTH, &u, &mut key).await;
        assert_error(&r, 400, "PASSKEY_INVALID");
    }
    let other = app.signed_in("+919816456577").await;
    let (ceremony_id, options) = app.passkey_register_options(AUTH, &u).await;
    let body =
        json!({"ceremony_id": ceremony_id, "credential": SoftPasskey::new().register(&options)});
    let r = app
        .send_as(Method::POST, "/v1/auth/passkeys", Some(body), &other)
        .await;
    assert_error(&r, 404, "CEREMONY_NOT_FOUND");
    for _ in 1..10 {
        app.enrolled_passkey(AUTH, &u).await;
    }
    let r = app
        .send_as(
            Method::POST,
            "/v1/auth/passkeys/register/options",
            Some(json!({})),
            &u,
        )
        .await;
    assert_error(&r, 409, "PASSKEY_LIMIT");
}

async fn removed_passkeys_and_suspended_accounts(s: Stores) {
    let (app, u, mut key) = setup(s).await;
    let listed = app.get_as("/v1/auth/passkeys", &u).await;
    let id = assert_ok(&listed, 200)["items"][0]["passkey_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/auth/passkeys/{id}");
    let stranger = app.signed_in("+919816456577").await;
    let r = app.send_as(Method::DELETE, &path, None, &stranger).await;
    assert_error(&r, 404, "NOT_FOUND");
    assert_ok(&app.send_as(Method::DELETE, &path, None, &u).await, 200);
    let r = app.send_as(Method::DELETE, &path, None, &u).await;
    assert_error(&r, 404, "NOT_FOUND");
    assert_error(
        &app.passkey_login(&mut key).await,
        401,
        "INVALID_CREDENTIALS",
    );
    let mut key = app.enrolled_passkey(AUTH, &u).await;
    let users = &app.state.stores.users;
    assert!(
        users
            .set_user_status(&u.user_id, UserStatus::Suspended, 7)
            .await
            .unwrap()
    );
    assert_error(&app.passkey_login(&mut key).await, 403, "ACCOUNT_SUSPENDED");
}

async fn parallel_finishes_one_wins(s: Stores) {
    let (app, _, mut key) = setup(s).await;
    let app = Arc::new(app);
    let (ceremony_id, options) = app.passkey_login_options(AUTH).await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    let codes = race(8, |_| {
        let (app, body) = (app.clone(), body.clone());
        async move {
            app.post("/v1/auth/passkeys/login", body)
                .await
                .status
                .as_u16()
        }
    })
    .await;
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 200 || *c == 404), "{codes:?}");
}

integration_tests::on_both_stores!(
    happy_path_and_replay,
    every_bad_assertion_is_refused,
    registration_refusals,
    removed_passkeys_and_suspended_accounts,
    parallel_finishes_one_wins,
);
