//! What every route shares: health, JWKS, the envelope, 413/415/400/404/405.

use super::*;

#[tokio::test]
async fn health_and_jwks() {
    let app = app();
    let r = app.call(Method::GET, "/v1/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["status"], "ok");
    assert!(r.data()["version"].is_string());
    assert!(r.headers.contains_key("x-request-id"));
    let r = app
        .call(Method::GET, "/.well-known/jwks.json", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["keys"][0]["kty"], "OKP");
    assert_eq!(r.body["keys"][0]["alg"], "EdDSA");
}

#[tokio::test]
async fn envelope_conventions_415_413_400_404_405() {
    let app = app();
    let req = Request::post("/v1/auth/otp/request")
        .header("content-type", "text/plain")
        .body(Body::from("{\"phone\":\"9816456565\"}"))
        .unwrap();
    let r = app.send(req).await;
    assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
    let req = Request::post("/v1/auth/otp/request")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        app.send(req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let req = Request::post("/v1/auth/otp/request")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(format!("{{\"phone\":\"{PHONE}\"}}")))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::OK);
    let big = format!("{{\"phone\":\"{}\"}}", "9".repeat(17 * 1024));
    let req = Request::post("/v1/auth/otp/verify")
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    let r = app.send(req).await;
    assert_error(&r, 413, "PAYLOAD_TOO_LARGE");
    let req = Request::post("/v1/auth/otp/verify")
        .header("content-type", "application/json")
        .body(Body::from("{\"phone\": "))
        .unwrap();
    let r = app.send(req).await;
    assert_error(&r, 400, "VALIDATION_ERROR");
    let r = app.call(Method::GET, "/v1/nothing", None, None).await;
    assert_error(&r, 404, "NOT_FOUND");
    let r = app.call(Method::GET, "/v1/auth/login", None, None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.body["success"], false);
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn serves_the_whole_apis_openapi_document() {
    let app = app();
    let r = app.call(Method::GET, "/v1/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.body["openapi"], "3.1.0");
    for path in [
        "/v1/auth/login",
        "/v1/pools/{pool_id}/join",
        "/v1/openapi.json",
    ] {
        assert!(r.body["paths"][path].is_object(), "{path} is documented");
    }
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn personal_data_is_never_cached() {
    let app = app();
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let no_store = |r: &TestResponse| {
        r.headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            == Some("no-store".into())
            && r.headers["pragma"] == "no-cache"
    };
    assert!(no_store(&app.get_as("/v1/auth/me", &at).await));
    assert!(
        no_store(&app.get_as("/v1/auth/me", "bad").await),
        "errors too"
    );
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert!(no_store(&r), "tokens");
    for (path, cache) in [
        ("/v1/health", "no-cache"),
        ("/.well-known/jwks.json", "public, max-age=300"),
        ("/v1/openapi.json", "public, max-age=300"),
    ] {
        let r = app.call(Method::GET, path, None, None).await;
        assert_eq!(r.headers["cache-control"], cache, "{path}");
    }
}

#[tokio::test]
async fn strict_json_and_json_errors_for_paths() {
    let app = app();
    for (body, field) in [
        (r#"{"phone":"9816456565"} x"#, "body"),
        (r#"{"phone":"9816456565"}{"phone":"1"}"#, "body"),
        (r#"{"phone":"1","phone":"9816456565"}"#, "phone"),
    ] {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/v1/auth/otp/request")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        assert_invalid(&app.send(req).await, field);
    }
    assert!(app.sms.messages().is_empty(), "nothing was sent");
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let r = authed(&app, Method::DELETE, "/v1/auth/sessions/%FF%FE", None, &at).await;
    assert_invalid(&r, "path");
    let r = authed(
        &app,
        Method::DELETE,
        "/v1/auth/sessions/not-a-uuid",
        None,
        &at,
    )
    .await;
    assert_error(&r, 404, "NOT_FOUND");
}

#[tokio::test]
async fn a_401_on_a_bearer_route_says_bearer() {
    let app = app();
    let challenge = |r: &TestResponse| {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
        r.headers
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let none = app.call(Method::GET, "/v1/auth/me", None, None).await;
    assert_eq!(challenge(&none).as_deref(), Some("Bearer"));
    let bad = app.get_as("/v1/auth/me", "not-a-token").await;
    assert_eq!(
        challenge(&bad).as_deref(),
        Some("Bearer error=\"invalid_token\"")
    );
    let at = token(&app.register(PHONE, PW).await, "access_token");
    let body = json!({"password": "wrong password"});
    let r = authed(&app, Method::DELETE, "/v1/auth/account", Some(body), &at).await;
    assert_eq!(challenge(&r).as_deref(), Some("Bearer"));
    let login = json!({"phone": PHONE, "password": "wrong password"});
    let public = app.login(login).await;
    assert_eq!(
        challenge(&public),
        None,
        "a public route has no bearer challenge"
    );
}
