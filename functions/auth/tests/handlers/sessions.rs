//! Listing and revoking sessions; devices.

use super::*;

#[tokio::test]
async fn sessions_list_and_revoke_one() {
    let app = app();
    let reg = app.register(PHONE, PW).await;
    let at = token(&reg, "access_token");
    let other = app.login(json!({"phone": PHONE, "password": PW})).await;
    let other_at = token(other.data(), "access_token");
    let list = app.get_as("/v1/auth/sessions", &at).await;
    let items = list.data()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    for i in &items {
        for k in [
            "session_id",
            "current",
            "device_id",
            "platform",
            "created_at",
            "last_used_at",
        ] {
            assert!(i.get(k).is_some(), "{k}");
        }
    }
    let other_sid = items.iter().find(|i| i["current"] == false).unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = authed(
        &app,
        Method::DELETE,
        &format!("/v1/auth/sessions/{other_sid}"),
        None,
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        app.get_as("/v1/auth/me", &other_at).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = authed(
        &app,
        Method::DELETE,
        &format!("/v1/auth/sessions/{other_sid}"),
        None,
        &at,
    )
    .await;
    assert_error(&r, 404, "NOT_FOUND");
}

#[tokio::test]
async fn another_users_session_cannot_be_revoked() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let stranger = app.register("9816456577", PW).await;
    let sa = token(&stranger, "access_token");
    let mine = app.get_as("/v1/auth/sessions", &at).await.data()["items"][0]["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = authed(
        &app,
        Method::DELETE,
        &format!("/v1/auth/sessions/{mine}"),
        None,
        &sa,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_as("/v1/auth/me", &at).await.status, StatusCode::OK);
}

#[tokio::test]
async fn devices_upsert_by_device_id() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/devices",
        Some(json!({"device_id": "d1", "platform": "ios", "push_token": "pt1"})),
        &at,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["device"]["device_id"], "d1");
    assert_eq!(r.data()["device"]["push_token"], "pt1");
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/devices",
        Some(json!({"device_id": "d1", "platform": "ios", "push_token": "pt2"})),
        &at,
    )
    .await;
    assert_eq!(r.data()["device"]["push_token"], "pt2");
    let uid = app.get_as("/v1/auth/me", &at).await.data()["user"]["user_id"]
        .as_str()
        .map(UserId::new)
        .unwrap();
    let devices = app.stores().devices.list_devices(&uid).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].push_token.as_deref(), Some("pt2"));
    for (body, field) in [
        (json!({"platform": "ios"}), "device_id"),
        (json!({"device_id": "d1", "platform": "nokia"}), "platform"),
        (json!({"device_id": "", "platform": "ios"}), "device_id"),
    ] {
        let r = authed(&app, Method::POST, "/v1/auth/devices", Some(body), &at).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["error"]["details"]["field"], field);
    }
}

#[tokio::test]
async fn refresh_never_extends_a_session_past_its_absolute_lifetime() {
    let app = app_with(&[("SESSION_MAX_AGE_SECONDS", "864000")]); // 10 days
    let reg = app.register(PHONE, PW).await;
    let mut rt = token(&reg, "refresh_token");
    for _ in 0..3 {
        app.clock.advance(Duration::days(3));
        let r = app
            .post("/v1/auth/refresh", json!({"refresh_token": rt}))
            .await;
        rt = token(assert_ok(&r, 200), "refresh_token");
    }
    app.clock.advance(Duration::days(1) + Duration::seconds(1));
    let r = app
        .post("/v1/auth/refresh", json!({"refresh_token": rt}))
        .await;
    assert_error(&r, 401, "UNAUTHORIZED");
}

#[tokio::test]
async fn the_twenty_first_sign_in_ends_the_oldest_session() {
    let app = app();
    let first = token(&app.register(PHONE, PW).await, "access_token");
    let mut last = String::new();
    for _ in 0..20 {
        app.clock.advance(Duration::seconds(1));
        let r = app.login(json!({"phone": PHONE, "password": PW})).await;
        last = token(assert_ok(&r, 200), "access_token");
    }
    let list = app.get_as("/v1/auth/sessions", &last).await;
    assert_eq!(assert_ok(&list, 200)["items"].as_array().unwrap().len(), 20);
    assert_error(
        &app.get_as("/v1/auth/me", &first).await,
        401,
        "UNAUTHORIZED",
    );
}

#[tokio::test]
async fn the_twenty_first_device_replaces_the_least_recent() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    for i in 0..21 {
        app.clock.advance(Duration::seconds(1));
        let body = json!({"device_id": format!("dev-{i}"), "platform": "android"});
        let r = authed(&app, Method::POST, "/v1/auth/devices", Some(body), &at).await;
        assert_ok(&r, 200);
    }
    let me = app.get_as("/v1/auth/me", &at).await;
    let uid = assert_ok(&me, 200)["user"]["user_id"]
        .as_str()
        .map(UserId::new)
        .unwrap();
    let devices = app.stores().devices.list_devices(&uid).await.unwrap();
    assert_eq!(devices.len(), 20);
    assert!(
        devices.iter().all(|d| d.device_id != "dev-0"),
        "the first one went"
    );
}
