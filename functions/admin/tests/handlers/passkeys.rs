//! An admin's passkeys: registered from a console session, signing the admin in alone, listed,
//! removed with an audit record; shown in a user's detail; never an admin sign-in for a
//! non-admin or with a user's ceremony.

use super::*;
use shared::testing::SoftPasskey;

const ADMIN: &str = "/v1/admin";

/// `POST /v1/admin/login` with a passkey form answered by `key`.
async fn passkey_login(app: &TestApp, key: &mut SoftPasskey) -> TestResponse {
    let (ceremony_id, options) = app.passkey_login_options(ADMIN).await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    app.post("/v1/admin/login", body).await
}

#[tokio::test]
async fn an_admin_signs_in_with_a_passkey_alone() {
    let (app, admin, _) = setup().await;
    let mut key = app.enrolled_passkey(ADMIN, &admin).await;
    let r = passkey_login(&app, &mut key).await;
    assert_eq!(assert_ok(&r, 200)["user"]["role"], "admin");
    let set = r.headers["set-cookie"].to_str().unwrap();
    let cookie = set
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("admin_session=");
    let listed = app
        .as_admin(Method::GET, "/v1/admin/passkeys", None, cookie)
        .await;
    let items = assert_ok(&listed, 200)["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert!(items[0]["last_used_at"].is_string());
}

#[tokio::test]
async fn no_admin_sign_in_for_a_user_or_with_a_users_ceremony() {
    let (app, admin, user) = setup().await;
    let mut users_key = app.enrolled_passkey("/v1/auth", &user).await;
    assert_error(
        &passkey_login(&app, &mut users_key).await,
        401,
        "INVALID_CREDENTIALS",
    );
    let mut key = app.enrolled_passkey(ADMIN, &admin).await;
    let (ceremony_id, options) = app.passkey_login_options("/v1/auth").await;
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    let r = app.post("/v1/admin/login", body).await;
    assert_error(&r, 404, "CEREMONY_NOT_FOUND");
    let mut unverified = key.clone();
    unverified.verify_user = false;
    assert_error(
        &passkey_login(&app, &mut unverified).await,
        401,
        "INVALID_CREDENTIALS",
    );
    let r = app
        .post("/v1/admin/login", json!({"ceremony_id": "x"}))
        .await;
    assert_eq!(r.field(), "credential");
}

#[tokio::test]
async fn removal_is_audited_and_the_detail_shows_passkeys() {
    let (app, admin, user) = setup().await;
    app.enrolled_passkey("/v1/auth", &user).await;
    let detail = app.get_as(&user_path(&user, ""), &admin).await;
    let passkeys = assert_ok(&detail, 200)["passkeys"].clone();
    assert_eq!(passkeys[0]["name"], "Passkey");
    assert!(passkeys[0].get("credential").is_none() && passkeys[0].get("counter").is_none());
    let mut key = app.enrolled_passkey(ADMIN, &admin).await;
    let listed = app.get_as("/v1/admin/passkeys", &admin).await;
    let id = assert_ok(&listed, 200)["items"][0]["passkey_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/admin/passkeys/{id}");
    assert_ok(
        &app.send_as(Method::DELETE, &path, Some(json!({})), &admin)
            .await,
        200,
    );
    assert_error(
        &app.send_as(Method::DELETE, &path, Some(json!({})), &admin)
            .await,
        404,
        "NOT_FOUND",
    );
    let trail = audit_of(&app, &admin, &admin.user).await;
    assert_eq!(trail[0]["action"], "passkey.remove");
    assert_eq!(trail[0]["before"]["passkey_id"], id.as_str());
    assert_error(
        &passkey_login(&app, &mut key).await,
        401,
        "INVALID_CREDENTIALS",
    );
}
