use super::*;
use shared::testing::ADMIN_PASSWORD;

async fn login(app: &TestApp, phone: &str, password: &str, token: &str) -> TestResponse {
    let body = json!({"phone": phone, "password": password, "verification_token": token});
    app.post("/v1/admin/login", body).await
}

fn cookie_of(r: &TestResponse) -> String {
    let set = r.headers["set-cookie"].to_str().unwrap();
    set.split(';')
        .next()
        .unwrap()
        .trim_start_matches("admin_session=")
        .to_string()
}

#[tokio::test]
async fn an_admin_signs_in_with_code_and_password() {
    let (app, _, _) = setup().await;
    let token = app.verification_token(ADMIN_PHONE).await;
    let r = login(&app, ADMIN_PHONE, ADMIN_PASSWORD, &token).await;
    let data = assert_ok(&r, 200);
    assert_eq!(data["user"]["role"], "admin");
    let set = r.headers["set-cookie"].to_str().unwrap();
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/v1/admin",
        "Max-Age=28800",
    ] {
        assert!(set.contains(attr), "{set} lacks {attr}");
    }
    let cookie = cookie_of(&r);
    assert!(cookie.len() >= 43, "a random opaque value");
    let r = app
        .as_admin(Method::GET, "/v1/admin/users", None, &cookie)
        .await;
    assert_ok(&r, 200);
    // The token was consumed: it cannot open a second session.
    let again = login(&app, ADMIN_PHONE, ADMIN_PASSWORD, &token).await;
    assert_error(&again, 401, "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn every_wrong_factor_gets_the_same_answer() {
    let (app, _, user) = setup().await;
    let own = app.verification_token(ADMIN_PHONE).await;
    let foreign = app.verification_token(USER_PHONE).await;
    let cases = [
        (ADMIN_PHONE, "Wrong-Pass-2026", own.as_str()),
        (ADMIN_PHONE, ADMIN_PASSWORD, foreign.as_str()),
        (ADMIN_PHONE, ADMIN_PASSWORD, "no-such-token"),
        (ADMIN_PHONE, ADMIN_PASSWORD, ""),
        (user.phone.as_str(), ADMIN_PASSWORD, foreign.as_str()),
        ("+919816456599", ADMIN_PASSWORD, own.as_str()),
    ];
    let mut bodies = Vec::new();
    for (phone, password, token) in cases {
        let r = login(&app, phone, password, token).await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
        assert!(r.headers.get("set-cookie").is_none());
        bodies.push(r.body.clone());
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "one answer for every failure: {bodies:?}");
}

#[tokio::test]
async fn failed_factors_count_toward_the_lockout() {
    let (app, _, _) = setup().await;
    let foreign = app.verification_token(USER_PHONE).await;
    // The right password with a foreign token is still a failure.
    for _ in 0..5 {
        let r = login(&app, ADMIN_PHONE, ADMIN_PASSWORD, &foreign).await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let own = app.verification_token(ADMIN_PHONE).await;
    let r = login(&app, ADMIN_PHONE, ADMIN_PASSWORD, &own).await;
    assert_error(&r, 423, "ACCOUNT_LOCKED");
}

#[tokio::test]
async fn a_non_admin_cannot_sign_in_even_with_both_factors() {
    let app = app_with(&[]);
    let (_, _) = app
        .signed_in_as(USER_PHONE, |u| {
            u.password_hash = Some(shared::password::hash(ADMIN_PASSWORD).unwrap());
        })
        .await;
    let token = app.verification_token(USER_PHONE).await;
    let r = login(&app, USER_PHONE, ADMIN_PASSWORD, &token).await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn phones_in_admin_phones_are_admins() {
    let app = app_with(&[("ADMIN_PHONES", USER_PHONE)]);
    app.signed_in_as(USER_PHONE, |u| {
        u.password_hash = Some(shared::password::hash(ADMIN_PASSWORD).unwrap());
    })
    .await;
    let token = app.verification_token(USER_PHONE).await;
    let r = login(&app, USER_PHONE, ADMIN_PASSWORD, &token).await;
    assert_eq!(assert_ok(&r, 200)["user"]["role"], "admin");
}

#[tokio::test]
async fn sign_in_from_another_origin_is_refused() {
    let (app, _, _) = setup().await;
    let token = app.verification_token(ADMIN_PHONE).await;
    let body =
        json!({"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD, "verification_token": token});
    let req = axum::http::Request::post("/v1/admin/login")
        .header("content-type", "application/json")
        .header("host", "api.example.com")
        .header("origin", "https://evil.example")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    assert_error(&app.send(req).await, 403, "PERMISSION_DENIED");
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let (app, admin, _) = setup().await;
    let r = app
        .as_admin(Method::POST, "/v1/admin/logout", None, &admin.cookie)
        .await;
    assert_ok(&r, 200);
    let set = r.headers["set-cookie"].to_str().unwrap();
    assert!(
        set.starts_with("admin_session=;") && set.contains("Max-Age=0"),
        "{set}"
    );
    assert_error(
        &app.get_as("/v1/admin/users", &admin).await,
        401,
        "UNAUTHORIZED",
    );
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes() {
    let (app, admin, _) = setup().await;
    app.clock.advance(chrono::Duration::minutes(29));
    assert_ok(&app.get_as("/v1/admin/users", &admin).await, 200);
    app.clock.advance(chrono::Duration::minutes(29));
    assert_ok(&app.get_as("/v1/admin/users", &admin).await, 200);
    app.clock.advance(chrono::Duration::minutes(31));
    assert_error(
        &app.get_as("/v1/admin/users", &admin).await,
        401,
        "UNAUTHORIZED",
    );
}

#[tokio::test]
async fn sessions_end_after_eight_hours_however_busy() {
    let (app, admin, _) = setup().await;
    for _ in 0..19 {
        app.clock.advance(chrono::Duration::minutes(25));
        assert_ok(&app.get_as("/v1/admin/users", &admin).await, 200);
    }
    app.clock.advance(chrono::Duration::minutes(6));
    assert_error(
        &app.get_as("/v1/admin/users", &admin).await,
        401,
        "UNAUTHORIZED",
    );
}
