//! Registration, verification tokens, password reset and change, account deletion, roles.

use super::*;

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
    let login = app.login(json!({"verification_token": vt2})).await;
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
    let login = app.login(json!({"phone": PHONE, "password": PW})).await;
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
    assert_eq!(app.get_as("/v1/auth/me", &at).await.status, StatusCode::OK);
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
        app.get_as("/v1/auth/me", &at).await.status,
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
        app.login(json!({"phone": PHONE, "password": PW}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(json!({"phone": PHONE, "password": "brand new pw"}))
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
}

#[tokio::test]
async fn password_reset_needs_an_account() {
    let app = app();
    let vt = app.verification_token("9816456599").await;
    let r = app
        .post(
            "/v1/auth/password/reset",
            json!({"verification_token": vt, "new_password": "another pw"}),
        )
        .await;
    assert_error(&r, 404, "ACCOUNT_NOT_FOUND");
}

#[tokio::test]
async fn password_change_keeps_only_the_current_session() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let other = app.login(json!({"phone": PHONE, "password": PW})).await;
    let other_at = token(other.data(), "access_token");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/password/change",
        Some(json!({"current_password": "nope nope", "new_password": "brand new pw"})),
        &at,
    )
    .await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
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
    assert_eq!(app.get_as("/v1/auth/me", &at).await.status, StatusCode::OK);
    assert_eq!(
        app.get_as("/v1/auth/me", &other_at).await.status,
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
        app.get_as("/v1/auth/sessions", &at).await.data()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn delete_account_removes_everything_and_phone_can_register_again() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let uid = UserId::new(reg["user"]["user_id"].as_str().unwrap());
    authed(
        &app,
        Method::POST,
        "/v1/auth/devices",
        Some(json!({"device_id": "d1", "platform": "web"})),
        &at,
    )
    .await;
    let delete = |body| authed(&app, Method::DELETE, "/v1/auth/account", Some(body), &at);
    let wrong = delete(json!({"password": "wrong pw 123"})).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_invalid(&delete(json!({})).await, "password");
    assert_eq!(delete(json!({"password": PW})).await.status, StatusCode::OK);
    assert_eq!(
        app.get_as("/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let stores = app.stores();
    assert!(stores.users.get_user(&uid).await.unwrap().is_none());
    let phone = e164(E164);
    assert!(
        stores
            .users
            .user_id_by_phone(&phone)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        stores
            .sessions
            .list_sessions(&uid)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(stores.devices.list_devices(&uid).await.unwrap().is_empty());
    let again = app.register(PHONE, PW).await;
    assert_ne!(again["user"]["user_id"], uid.as_str());
}

#[tokio::test]
async fn delete_account_with_a_verification_token() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
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
async fn admin_phones_get_the_admin_role() {
    let app = app_with(&[("ADMIN_PHONES", E164)]);
    let reg = app.register(PHONE, PW).await;
    assert_eq!(reg["user"]["role"], "admin");
    let other = app.register("9816456577", PW).await;
    assert_eq!(other["user"]["role"], "user");
    // Removed from ADMIN_PHONES, the phone is an admin no more: registration stored `user`.
    let later = TestApp::new(app.stores().clone(), auth_fn::routes().0, &[]);
    let r = later.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(assert_ok(&r, 200)["user"]["role"], "user");
    let uid = UserId::new(reg["user"]["user_id"].as_str().unwrap());
    let stored = app.stores().users.get_user(&uid).await.unwrap().unwrap();
    assert_eq!(stored.role, shared::domain::Role::User);
}

#[tokio::test]
async fn names_refuse_invisible_characters_and_are_normalized() {
    let app = app();
    let vt = app.verification_token(PHONE).await;
    for name in ["Asha\u{202E}ttam", "\u{200B}\u{200B}", "Ab\u{2066}c"] {
        let body = json!({"verification_token": vt, "name": name});
        assert_invalid(&app.post("/v1/auth/register", body).await, "name");
    }
    let body = json!({"verification_token": vt, "name": "Re\u{301}na"});
    let r = app.post("/v1/auth/register", body).await;
    assert_eq!(assert_ok(&r, 201)["user"]["name"], "R\u{E9}na");
}

#[tokio::test]
async fn weak_passwords_are_refused_with_the_reason() {
    let app = app();
    let vt = app.verification_token(PHONE).await;
    for (pw, reason) in [
        ("iloveyou123", "too common"),
        ("ＰＡＳＳＷＯＲＤ", "too common"),
        ("me9816456565", "phone number"),
        ("AshaVerma!", "your name"),
    ] {
        let body = json!({"verification_token": vt, "name": "Asha Verma", "password": pw});
        let r = app.post("/v1/auth/register", body).await;
        assert_invalid(&r, "password");
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{pw}: {message}");
    }
    // Nothing was spent: the same token still registers.
    let body = json!({"verification_token": vt, "name": "Asha Verma", "password": PW});
    assert_ok(&app.post("/v1/auth/register", body).await, 201);
    let vt = app.verification_token(PHONE).await;
    let body = json!({"verification_token": vt, "new_password": "verma the great"});
    assert_invalid(
        &app.post("/v1/auth/password/reset", body).await,
        "new_password",
    );
}

#[tokio::test]
async fn password_change_applies_the_policy() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let body = json!({"current_password": PW, "new_password": "qwertyuiop"});
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/password/change",
        Some(body),
        &at,
    )
    .await;
    assert_invalid(&r, "new_password");
}
