//! The SMS pumping defence in the admin API: the window's prefixes with their conversion and
//! state, and modes that block, allow or hand a prefix back to the rule, each audited.

use super::*;

const RULE: [(&str, &str); 2] = [
    ("SMS_CONVERSION_MIN_SENDS", "2"),
    ("SMS_CONVERSION_MIN_RATE", "0.5"),
];
const PREFIX: &str = "+9198164";

async fn request(app: &TestApp, n: u32) -> TestResponse {
    let phone = format!("98164{:05}", 57_000 + n);
    app.post("/v1/auth/otp/request", json!({ "phone": phone }))
        .await
}

async fn set_mode(app: &TestApp, a: &TestAdmin, mode: &str) -> TestResponse {
    let body = json!({"mode": mode, "reason": "checked with the carrier"});
    send(
        app,
        a,
        Method::PUT,
        "/v1/admin/sms/prefixes/%2B9198164",
        body,
    )
    .await
}

#[tokio::test]
async fn the_list_shows_counts_state_and_the_pause() {
    let app = app_with(&RULE);
    let admin = app.admin_signed_in(ADMIN_PHONE).await;
    for n in 0..3 {
        request(&app, n).await;
    }
    let r = app.get_as("/v1/admin/sms/prefixes", &admin).await;
    let item = assert_ok(&r, 200)["items"][0].clone();
    assert_eq!(
        (&item["prefix"], &item["country"]),
        (&json!(PREFIX), &json!("IN"))
    );
    assert_eq!((&item["sent"], &item["verified"]), (&json!(2), &json!(0)));
    assert_eq!(
        (&item["mode"], &item["state"]),
        (&json!("AUTO"), &json!("PAUSED"))
    );
    assert!(item["paused_until"].is_string() && item["reason"].is_string());
    let open = app
        .get_as("/v1/admin/sms/prefixes?state=OPEN", &admin)
        .await;
    assert_eq!(assert_ok(&open, 200)["items"], json!([]));
    for bad in ["?limit=0", "?state=SHUT", "?cursor=abc"] {
        let r = app
            .get_as(&format!("/v1/admin/sms/prefixes{bad}"), &admin)
            .await;
        assert_eq!(r.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn modes_block_allow_and_hand_back_with_an_audit_record() {
    let app = app_with(&RULE);
    let admin = app.admin_signed_in(ADMIN_PHONE).await;
    let r = set_mode(&app, &admin, "BLOCKED").await;
    assert_eq!(assert_ok(&r, 200)["prefix_health"]["state"], "PAUSED");
    let r = request(&app, 0).await;
    assert_error(&r, 503, "OTP_SENDING_PAUSED");
    assert_eq!(r.body["error"]["details"]["scope"], "prefix");
    assert_eq!(set_mode(&app, &admin, "ALLOWED").await.status, 200);
    for n in 0..5 {
        assert_ok(&request(&app, n).await, 200);
    }
    assert_eq!(set_mode(&app, &admin, "AUTO").await.status, 200);
    assert_error(&request(&app, 9).await, 503, "OTP_SENDING_PAUSED");
    let trail = audit_of(&app, &admin, &admin.user).await;
    assert_eq!(trail[0]["action"], "sms.prefix_mode");
    assert_eq!(trail[0]["after"]["mode"], "AUTO");
    assert_eq!(trail[2]["before"]["mode"], "AUTO");
    assert_eq!(trail[2]["after"]["mode"], "BLOCKED");
}

#[tokio::test]
async fn a_mode_needs_a_prefix_a_mode_and_a_reason() {
    let app = app_with(&RULE);
    let admin = app.admin_signed_in(ADMIN_PHONE).await;
    let path = |p: &str| format!("/v1/admin/sms/prefixes/{p}");
    let ok_body = json!({"mode": "BLOCKED", "reason": "fraud"});
    let r = send(&app, &admin, Method::PUT, &path("9198164"), ok_body.clone()).await;
    assert_eq!(r.field(), "prefix");
    let r = send(&app, &admin, Method::PUT, &path("%2B0"), ok_body).await;
    assert_eq!(r.field(), "prefix");
    let r = send(
        &app,
        &admin,
        Method::PUT,
        &path("%2B9198164"),
        json!({"mode": "SHUT", "reason": "x"}),
    )
    .await;
    assert_eq!(r.field(), "mode");
    let r = send(
        &app,
        &admin,
        Method::PUT,
        &path("%2B9198164"),
        json!({"mode": "AUTO", "reason": " "}),
    )
    .await;
    assert_eq!(r.field(), "reason");
}
