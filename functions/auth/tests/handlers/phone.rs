//! `POST /v1/auth/phone/change`.

use super::*;

const NEW: &str = "+919876543210";

async fn change(app: &TestApp, bearer: &str, vt: &str) -> TestResponse {
    let body = json!({ "verification_token": vt });
    authed(
        app,
        Method::POST,
        "/v1/auth/phone/change",
        Some(body),
        bearer,
    )
    .await
}

/// A code sign-in for `phone`: a second session. Returns its access token.
async fn another_session(app: &TestApp, phone: &str) -> String {
    let vt = app.verification_token(phone).await;
    let r = app.login(json!({ "verification_token": vt })).await;
    token(assert_ok(&r, 200), "access_token")
}

#[tokio::test]
async fn a_change_moves_the_account_and_ends_other_sessions() {
    let app = app();
    let (bearer, user_id) = app.user(PHONE).await;
    let other = another_session(&app, PHONE).await;
    let vt = app.verification_token(NEW).await;
    let r = change(&app, &bearer, &vt).await;
    let user = &assert_ok(&r, 200)["user"];
    assert_eq!(
        (user["phone"].as_str(), user["user_id"].as_str()),
        (Some(NEW), Some(user_id.as_str()))
    );
    assert_eq!(user["masked_phone"], "+91******3210");
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_error(
        &app.get_as("/v1/auth/me", &other).await,
        401,
        "UNAUTHORIZED",
    );
    let me = app.get_as("/v1/auth/me", &bearer).await;
    assert_eq!(assert_ok(&me, 200)["user"]["phone"], NEW);
    let notice = app.sms.last_to(E164).unwrap().body;
    assert!(
        notice.contains("was changed") && notice.contains("+91******3210"),
        "{notice}"
    );
    // The new number signs in to the account; the old one has none now.
    let code = app.request_code(NEW).await;
    let r = app
        .post("/v1/auth/otp/verify", json!({ "phone": NEW, "code": code }))
        .await;
    assert_eq!(assert_ok(&r, 200)["account_exists"], true);
    let code = app.request_code(PHONE).await;
    let r = app
        .post(
            "/v1/auth/otp/verify",
            json!({ "phone": PHONE, "code": code }),
        )
        .await;
    assert_eq!(assert_ok(&r, 200)["account_exists"], false);
}

#[tokio::test]
async fn a_refused_change_changes_nothing() {
    let app = app();
    let (bearer, _) = app.user(PHONE).await;
    app.user(NEW).await;
    let taken = app.verification_token(NEW).await;
    assert_error(&change(&app, &bearer, &taken).await, 409, "ACCOUNT_EXISTS");
    let own = app.verification_token(PHONE).await;
    assert_error(&change(&app, &bearer, &own).await, 409, "ACCOUNT_EXISTS");
    assert_error(
        &change(&app, &bearer, "not-a-token").await,
        401,
        "UNAUTHORIZED",
    );
    assert_error(
        &change(&app, "bad bearer", &taken).await,
        401,
        "UNAUTHORIZED",
    );
    let r = authed(
        &app,
        Method::POST,
        "/v1/auth/phone/change",
        Some(json!({})),
        &bearer,
    )
    .await;
    assert_invalid(&r, "verification_token");
    let me = app.get_as("/v1/auth/me", &bearer).await;
    assert_eq!(assert_ok(&me, 200)["user"]["phone"], E164);
    // A refused change left the token usable.
    let r = app.login(json!({ "verification_token": taken })).await;
    assert_ok(&r, 200);
    let notices = app.sms.query(Some(E164), None);
    assert!(
        notices.iter().all(|m| !m.body.contains("was changed")),
        "no notice sent"
    );
}

#[tokio::test]
async fn a_used_token_cannot_move_a_second_account() {
    let app = app();
    let (first, _) = app.user(PHONE).await;
    let (second, _) = app.user("9816456562").await;
    let vt = app.verification_token(NEW).await;
    assert_ok(&change(&app, &first, &vt).await, 200);
    assert_error(&change(&app, &second, &vt).await, 401, "UNAUTHORIZED");
}

#[tokio::test]
async fn two_accounts_changing_to_one_number_at_once_one_wins() {
    let app = Arc::new(app());
    let mut pairs = Vec::new();
    // Four: the new number's hourly send cap is five.
    for i in 0..4 {
        let (bearer, _) = app.user(&format!("98164565{i:02}")).await;
        pairs.push((bearer, app.verification_token(NEW).await));
    }
    let pairs = Arc::new(pairs);
    let results = race(4, |i| {
        let (app, pairs) = (app.clone(), pairs.clone());
        async move { change(&app, &pairs[i].0, &pairs[i].1).await }
    })
    .await;
    let codes: Vec<u16> = results.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 3, "{codes:?}");
}

/// A change with the deployment's hourly SMS budget at `budget`: the account's code and the
/// new number's code spend two. Returns the app after the change.
async fn change_under_budget(budget: &str) -> TestApp {
    let app = app_with(&[("SMS_BUDGET_HOUR", budget)]);
    let (bearer, _) = app.user(PHONE).await;
    let vt = app.verification_token(NEW).await;
    assert_ok(&change(&app, &bearer, &vt).await, 200);
    let notice = app.sms.last_to(E164).map(|m| m.body).unwrap_or_default();
    assert!(notice.contains("was changed"), "notice sent: {notice}");
    app
}

#[tokio::test]
async fn the_notice_counts_against_the_sms_budget() {
    let app = change_under_budget("3").await;
    let r = app
        .post("/v1/auth/otp/request", json!({ "phone": "9816456599" }))
        .await;
    assert_error(&r, 503, "OTP_SENDING_PAUSED");
}

#[tokio::test]
async fn the_notice_is_sent_even_when_the_budget_is_spent() {
    let app = change_under_budget("2").await;
    assert_eq!(app.sms.messages().len(), 3, "two codes and the notice");
}
