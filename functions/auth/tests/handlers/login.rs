//! Signing in, lockout, suspension, refresh rotation, access tokens, logout.

use super::*;

#[tokio::test]
async fn login_by_password_and_by_token() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let r = app
        .login(json!({"phone": PHONE, "password": PW, "device": {"device_id": "dev-1", "platform": "android", "app_version": "1.2.0"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.data()["user"]["user_id"], reg["user"]["user_id"]);
    let at = token(r.data(), "access_token");
    let s = app.get_as("/v1/auth/sessions", &at).await;
    let items = s.data()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "register and login sessions");
    let current: Vec<_> = items.iter().filter(|i| i["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device_id"], "dev-1");
    assert_eq!(current[0]["platform"], "android");
    // Token form
    let vt = app.verification_token(PHONE).await;
    let r = app.login(json!({"verification_token": vt})).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.login(json!({"verification_token": vt})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "token is single-use");
}

#[tokio::test]
async fn login_errors() {
    let app = app();
    app.register(PHONE, PW).await;
    let wrong = app
        .login(json!({"phone": PHONE, "password": "wrong password"}))
        .await;
    let unknown = app
        .login(json!({"phone": "9816456599", "password": PW}))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "INVALID_CREDENTIALS");
    assert_eq!(
        wrong.body, unknown.body,
        "unknown phone and wrong password look the same"
    );
    let vt = app.verification_token("9816456599").await;
    let r = app.login(json!({"verification_token": vt})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "ACCOUNT_NOT_FOUND");
    let r = app.login(json!({"phone": PHONE})).await;
    assert_eq!(r.body["error"]["details"]["field"], "password");
    let r = app.login(json!({"password": PW})).await;
    assert_eq!(r.body["error"]["details"]["field"], "phone");
    let r = app
        .login(json!({"phone": PHONE, "password": PW, "device": {"device_id": "d", "platform": "symbian"}}))
        .await;
    assert_invalid(&r, "device.platform");
}

#[tokio::test]
async fn five_failures_lock_for_fifteen_minutes() {
    let app = app();
    app.register(PHONE, PW).await;
    for _ in 0..5 {
        let r = app
            .login(json!({"phone": PHONE, "password": "wrong password"}))
            .await;
        assert_eq!(r.code(), "INVALID_CREDENTIALS");
    }
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert_eq!(r.code(), "ACCOUNT_LOCKED");
    assert_eq!(r.headers["retry-after"], "900");
    app.clock.advance(Duration::seconds(899));
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert_eq!(r.headers["retry-after"], "1");
    app.clock.advance(Duration::seconds(1));
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(r.status, StatusCode::OK);
    // Success resets the count: four more failures do not lock.
    for _ in 0..4 {
        app.login(json!({"phone": PHONE, "password": "wrong password"}))
            .await;
    }
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn suspended_account_cannot_sign_in_and_loses_sessions() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let uid = &UserId::new(reg["user"]["user_id"].as_str().unwrap());
    assert!(
        app.state
            .stores
            .users
            .set_user_status(
                uid,
                UserStatus::Suspended,
                shared::services::auth::new_epoch()
            )
            .await
            .unwrap()
    );
    assert_eq!(
        app.get_as("/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "ACCOUNT_SUSPENDED");
    let vt = app.verification_token(PHONE).await;
    let r = app.login(json!({"verification_token": vt})).await;
    assert_eq!(r.code(), "ACCOUNT_SUSPENDED");
    let r = app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": token(&reg, "refresh_token")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_rotates_with_grace_and_detects_reuse() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let rt0 = token(&reg, "refresh_token");
    let r1 = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt0}))
        .await;
    assert_eq!(r1.status, StatusCode::OK);
    let rt1 = token(r1.data(), "refresh_token");
    assert_ne!(rt1, rt0);
    assert_eq!(
        app.get_as("/v1/auth/me", &token(r1.data(), "access_token"))
            .await
            .status,
        StatusCode::OK
    );
    // Within the grace window the old token yields the same successor.
    app.clock.advance(Duration::seconds(10));
    let again = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt0}))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(token(again.data(), "refresh_token"), rt1);
    // Later, reuse revokes the whole session.
    app.clock.advance(Duration::seconds(1));
    let reuse = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt0}))
        .await;
    assert_eq!(reuse.status, StatusCode::UNAUTHORIZED);
    let dead = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt1}))
        .await;
    assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_as("/v1/auth/me", &token(r1.data(), "access_token"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    for bad in ["", "garbage", "a.b.c.d"] {
        let r = app
            .post("/v1/auth/refresh", json!({"refresh_token": bad}))
            .await;
        assert_eq!(r.code(), "UNAUTHORIZED");
    }
}

#[tokio::test]
async fn access_tokens_expire_and_bad_tokens_are_401() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    for bad in ["", "x", &format!("{at}x")] {
        let r = app.get_as("/v1/auth/me", bad).await;
        assert_error(&r, 401, "UNAUTHORIZED");
    }
    let r = app.call(Method::GET, "/v1/auth/me", None, None).await;
    assert_eq!(r.code(), "UNAUTHORIZED");
    app.clock.advance(Duration::seconds(900));
    assert_eq!(
        app.get_as("/v1/auth/me", &at).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_revokes_access_and_refresh_at_once() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    assert_eq!(
        app.get_as("/v1/auth/me", &at).await.data()["user"]["phone"],
        E164
    );
    let r = authed(&app, Method::POST, "/v1/auth/logout", None, &at).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data(), &json!({}));
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
        authed(&app, Method::POST, "/v1/auth/logout", None, &at)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_check_at_most_the_budget() {
    let app = Arc::new(app());
    app.register(PHONE, PW).await;
    let results = race(30, |i| {
        let app = app.clone();
        let pw = if i == 17 {
            PW.to_string()
        } else {
            format!("wrong guess {i}")
        };
        async move { app.login(json!({"phone": PHONE, "password": pw})).await }
    })
    .await;
    let checked = results
        .iter()
        .filter(|r| matches!(r.status, StatusCode::OK | StatusCode::UNAUTHORIZED))
        .count();
    assert!(checked <= 5, "{checked} passwords were checked");
    assert!(checked >= 1);
    for r in results.iter().filter(|r| r.status == StatusCode::LOCKED) {
        assert_error(r, 423, "ACCOUNT_LOCKED");
        assert!(r.headers.contains_key("retry-after"));
    }
    for r in results
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
    {
        assert_error(r, 429, "RATE_LIMIT_EXCEEDED");
        assert_eq!(r.headers["retry-after"], "1", "busy: try again in a second");
    }
}

#[tokio::test]
async fn password_change_and_deletion_spend_the_sign_in_budget() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    for _ in 0..4 {
        let body = json!({"current_password": "not it 123", "new_password": "fresh pw 456"});
        let r = authed(
            &app,
            Method::POST,
            "/v1/auth/password/change",
            Some(body),
            &at,
        )
        .await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let body = json!({"password": "not it either"});
    let r = authed(&app, Method::DELETE, "/v1/auth/account", Some(body), &at).await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_error(&r, 423, "ACCOUNT_LOCKED");
    let body = json!({"password": PW});
    let r = authed(&app, Method::DELETE, "/v1/auth/account", Some(body), &at).await;
    assert_error(&r, 423, "ACCOUNT_LOCKED");
}

#[tokio::test]
async fn password_sign_ins_per_source_ip_are_capped() {
    let app = app_with(&[
        ("LOGIN_MAX_PER_IP_HOUR", "3"),
        ("OTP_MAX_PER_IP_HOUR", "100"),
    ]);
    for n in 1..=3 {
        let phone = format!("981645650{n}");
        let r = app
            .login(json!({"phone": phone, "password": "spray pw 1"}))
            .await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let r = app
        .login(json!({"phone": "9816456509", "password": "spray pw 1"}))
        .await;
    assert_error(&r, 429, "RATE_LIMIT_EXCEEDED");
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_hashing_is_bounded_by_the_cores() {
    let app = Arc::new(app_with(&[("LOGIN_MAX_PER_IP_HOUR", "1000")]));
    let results = race(40, |i| {
        let app = app.clone();
        async move {
            let body = json!({"phone": format!("98164{i:05}"), "password": "no such user 1"});
            app.login(body).await
        }
    })
    .await;
    for r in results {
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let peak = shared::password::peak_concurrency();
    assert!(
        peak >= 1 && peak <= cores,
        "{peak} argon2 runs at once on {cores} cores"
    );
}
