use super::*;

#[tokio::test]
async fn suspension_revokes_every_session_and_both_changes_are_audited() {
    let (app, admin, user) = setup().await;
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &user_path(&user, ""),
        json!({"status": "SUSPENDED"}),
    )
    .await;
    assert_eq!(assert_ok(&r, 200)["user"]["status"], "SUSPENDED");
    let me = app.get("/v1/auth/me", &user.access_token).await;
    assert_error(&me, 401, "UNAUTHORIZED");
    app.clock.advance(chrono::Duration::seconds(1));
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &user_path(&user, ""),
        json!({"status": "ACTIVE"}),
    )
    .await;
    assert_eq!(assert_ok(&r, 200)["user"]["status"], "ACTIVE");
    // The old sessions stay dead: suspension ended them, reactivation does not revive them.
    assert_error(
        &app.get("/v1/auth/me", &user.access_token).await,
        401,
        "UNAUTHORIZED",
    );
    let audit = audit_of(&app, &admin, &user).await;
    let actions: Vec<_> = audit
        .iter()
        .map(|a| (a["before"]["status"].clone(), a["after"]["status"].clone()))
        .collect();
    assert_eq!(
        actions,
        [
            (json!("SUSPENDED"), json!("ACTIVE")),
            (json!("ACTIVE"), json!("SUSPENDED"))
        ]
    );
    assert!(
        audit
            .iter()
            .all(|a| a["admin_id"] == admin.user.user_id.as_str() && a["action"] == "user.status")
    );
}

#[tokio::test]
async fn granting_the_role_makes_an_admin_and_removing_it_ends_its_console_session() {
    let (app, admin, user) = setup().await;
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &user_path(&user, ""),
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(assert_ok(&r, 200)["user"]["role"], "admin");
    let second = app.admin_signed_in("+919816456592").await;
    assert_ok(&app.get_as("/v1/admin/users", &second).await, 200);
    let path = format!("/v1/admin/users/{}", second.user.user_id);
    let r = send(&app, &admin, Method::PATCH, &path, json!({"role": "user"})).await;
    assert_eq!(assert_ok(&r, 200)["user"]["role"], "user");
    assert_error(
        &app.get_as("/v1/admin/users", &second).await,
        401,
        "UNAUTHORIZED",
    );
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &path,
        json!({"status": "SUSPENDED"}),
    )
    .await;
    assert_ok(&r, 200);
    let audit = audit_of(&app, &admin, &user).await;
    assert_eq!(audit[0]["action"], "user.role");
    assert_eq!(
        (
            audit[0]["before"]["role"].clone(),
            audit[0]["after"]["role"].clone()
        ),
        (json!("user"), json!("admin"))
    );
}

#[tokio::test]
async fn suspending_an_admin_ends_its_console_session() {
    let (app, admin, _) = setup().await;
    let other = app.admin_signed_in("+919816456592").await;
    let path = format!("/v1/admin/users/{}", other.user.user_id);
    assert_ok(
        &send(
            &app,
            &admin,
            Method::PATCH,
            &path,
            json!({"status": "SUSPENDED"}),
        )
        .await,
        200,
    );
    assert_error(
        &app.get_as("/v1/admin/users", &other).await,
        401,
        "UNAUTHORIZED",
    );
}

#[tokio::test]
async fn an_admin_cannot_lock_itself_out() {
    let (app, admin, _) = setup().await;
    let own = format!("/v1/admin/users/{}", admin.user.user_id);
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &own,
        json!({"status": "SUSPENDED"}),
    )
    .await;
    shared::testing::assert_invalid(&r, "status");
    let r = send(&app, &admin, Method::PATCH, &own, json!({"role": "user"})).await;
    shared::testing::assert_invalid(&r, "role");
    assert_ok(&app.get_as("/v1/admin/users", &admin).await, 200);
}

#[tokio::test]
async fn a_phone_in_admin_phones_keeps_the_role() {
    let app = app_with(&[("ADMIN_PHONES", USER_PHONE)]);
    let admin = app.admin_signed_in(ADMIN_PHONE).await;
    let user = app.signed_in(USER_PHONE).await;
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &user_path(&user, ""),
        json!({"role": "user"}),
    )
    .await;
    shared::testing::assert_invalid(&r, "role");
}

#[tokio::test]
async fn bad_changes_change_nothing() {
    let (app, admin, user) = setup().await;
    let path = user_path(&user, "");
    shared::testing::assert_invalid(
        &send(&app, &admin, Method::PATCH, &path, json!({})).await,
        "status",
    );
    let r = send(
        &app,
        &admin,
        Method::PATCH,
        &path,
        json!({"status": "GONE"}),
    )
    .await;
    shared::testing::assert_invalid(&r, "status");
    // null is not a value: refused, not read as "not given" (the fuzz run found it accepted).
    for body in [
        json!({"role": "user", "status": null}),
        json!({"role": null}),
    ] {
        let field = if body["status"].is_null() && body.get("status").is_some() {
            "status"
        } else {
            "role"
        };
        shared::testing::assert_invalid(
            &send(&app, &admin, Method::PATCH, &path, body).await,
            field,
        );
    }
    let missing = "/v1/admin/users/00000000-0000-4000-8000-000000000000";
    assert_error(
        &send(
            &app,
            &admin,
            Method::PATCH,
            missing,
            json!({"status": "ACTIVE"}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &send(
            &app,
            &admin,
            Method::PATCH,
            "/v1/admin/users/x",
            json!({"status": "ACTIVE"}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    assert!(audit_of(&app, &admin, &user).await.is_empty());
    assert_ok(&app.get("/v1/auth/me", &user.access_token).await, 200);
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let (app, admin, user) = setup().await;
    let cookie = format!("admin_session={}", admin.cookie);
    let path = user_path(&user, "");
    // No JSON content type (a form or a no-cors fetch): refused, with a body (415) or without.
    let req = axum::http::Request::patch(path.as_str())
        .header("cookie", &cookie)
        .body(axum::body::Body::from(r#"{"status":"SUSPENDED"}"#))
        .unwrap();
    assert_error(&app.send(req).await, 415, "UNSUPPORTED_MEDIA_TYPE");
    let req = axum::http::Request::patch(path.as_str())
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_error(&app.send(req).await, 403, "PERMISSION_DENIED");
    // Signing out takes no body and no content type, but still only from the own origin.
    let req = axum::http::Request::post("/v1/admin/logout")
        .header("cookie", &cookie)
        .header("host", "api.example.com")
        .header("origin", "https://evil.example")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_error(&app.send(req).await, 403, "PERMISSION_DENIED");
    // Another origin.
    let req = axum::http::Request::patch(path.as_str())
        .header("cookie", &cookie)
        .header("content-type", "application/json")
        .header("host", "api.example.com")
        .header("origin", "https://evil.example")
        .body(axum::body::Body::from(r#"{"status":"SUSPENDED"}"#))
        .unwrap();
    assert_error(&app.send(req).await, 403, "PERMISSION_DENIED");
    assert_ok(&app.get("/v1/auth/me", &user.access_token).await, 200);
    // The API's own origin passes, without a body or a content type.
    let req = axum::http::Request::post("/v1/admin/logout")
        .header("cookie", &cookie)
        .header("host", "api.example.com")
        .header("origin", "https://api.example.com")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_ok(&app.send(req).await, 200);
}
