//! Round trips per route, counted on the wire: every DynamoDB API call the routes make against
//! the emulator (an SDK interceptor) and every SMS. A regression in round trips fails here.

use axum::http::Method;
use integration_tests::{CallLog, dynamo_counted};
use serde_json::json;
use shared::testing::{TestApp, assert_ok};

fn count(calls: &[String], op: &str) -> usize {
    calls.iter().filter(|c| *c == op).count()
}

async fn app() -> Option<(TestApp, CallLog)> {
    let (stores, log) = dynamo_counted().await?;
    let (auth, _) = auth_fn::routes();
    let (pools, _) = pools_fn::routes();
    Some((TestApp::new(stores, auth.merge(pools), &[]), log))
}

#[tokio::test]
async fn me_reads_the_session_and_the_user_once_each() {
    let Some((app, log)) = app().await else {
        return;
    };
    let user = app.signed_in("+919816456565").await;
    log.take();
    assert_ok(&app.get("/v1/auth/me", &user.access_token).await, 200);
    assert_eq!(log.take(), ["GetItem", "GetItem"]);
}

#[tokio::test]
async fn an_otp_send_and_verify_make_one_sms_and_one_conditional_write_for_the_code() {
    let Some((app, log)) = app().await else {
        return;
    };
    let code = app.request_code("9816456565").await;
    let sent = log.take();
    // What the pumping defence reads (the prefix's control and counts, its country's pauses)
    // in one batch; the cooldown, the six counters and the prefix's conversion count are one
    // transaction; then the code is stored.
    assert_eq!(sent, ["BatchGetItem", "TransactWriteItems", "PutItem"]);
    assert_eq!(app.sms.messages().len(), 1);
    let body = json!({"phone": "9816456565", "code": code});
    assert_ok(&app.post("/v1/auth/otp/verify", body).await, 200);
    // Read the code, burn it (the one conditional write), count it verified for its prefix
    // (one counter write), store the token, look up the account.
    let verify = ["GetItem", "DeleteItem", "UpdateItem", "PutItem", "GetItem"];
    assert_eq!(log.take(), verify);
}

#[tokio::test]
async fn a_pool_join_is_one_transaction_and_members_one_batch_read() {
    let Some((app, log)) = app().await else {
        return;
    };
    let owner = app.signed_in("+919816456501").await;
    let body = json!({"name": "Chit", "contribution_amount": 100, "deadline": "2026-12-31", "pool_type": "WEEKLY", "total_members": 5});
    let r = app
        .as_user(Method::POST, "/v1/pools", Some(body), &owner.access_token)
        .await;
    let id = assert_ok(&r, 201)["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut members = Vec::new();
    for n in 2..5 {
        let u = app.signed_in(&format!("+91981645650{n}")).await;
        log.take();
        let path = format!("/v1/pools/{id}/join");
        assert_ok(
            &app.as_user(Method::POST, &path, None, &u.access_token)
                .await,
            200,
        );
        let calls = log.take();
        assert_eq!(count(&calls, "TransactWriteItems"), 1, "{calls:?}");
        assert_eq!(
            calls.len(),
            4,
            "authenticate (2 reads), the join, the pool read: {calls:?}"
        );
        members.push(u);
    }
    log.take();
    let path = format!("/v1/pools/{id}/members");
    let r = app.get(&path, &owner.access_token).await;
    assert_eq!(assert_ok(&r, 200)["items"].as_array().unwrap().len(), 3);
    let calls = log.take();
    assert_eq!(count(&calls, "BatchGetItem"), 1, "{calls:?}");
    assert_eq!(
        count(&calls, "GetItem"),
        3,
        "session, user, pool: {calls:?}"
    );
    assert_eq!(count(&calls, "Query"), 1, "{calls:?}");
}

#[tokio::test]
async fn a_passkey_sign_in_is_two_requests_of_few_round_trips_and_no_sms() {
    let Some((app, log)) = app().await else {
        return;
    };
    let user = app.signed_in("+919816456565").await;
    let mut key = app.enrolled_passkey("/v1/auth", &user).await;
    log.take();
    let (ceremony_id, options) = app.passkey_login_options("/v1/auth").await;
    // The IP's ceremony count, then the ceremony.
    assert_eq!(log.take(), ["UpdateItem", "PutItem"]);
    let body = json!({"ceremony_id": ceremony_id, "credential": key.sign_in(&options)});
    assert_ok(&app.post("/v1/auth/passkeys/login", body).await, 200);
    let calls = log.take();
    // Take the ceremony, hold the IP's unit, the credential claim and the passkey, the
    // counter, the user, give the unit back; then the session as any sign-in opens it (its
    // transaction and the login count).
    let expected = [
        "DeleteItem",
        "UpdateItem",
        "GetItem",
        "GetItem",
        "UpdateItem",
        "GetItem",
        "UpdateItem",
        "TransactWriteItems",
        "UpdateItem",
    ];
    assert_eq!(calls, expected);
    assert_eq!(app.sms.messages().len(), 0);
}
