//! Handler tests: every pools route and error code, through the pools router only, in
//! process, with the memory store and a fake clock. Users are made through the ports.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use shared::domain::UserId;
use shared::store::Stores;
use shared::testing::{TestApp, TestResponse, assert_error, assert_invalid};

fn app() -> TestApp {
    // Day-long access tokens: some tests move the clock across the deadline day.
    TestApp::new(
        Stores::memory(),
        pools_fn::routes().0,
        &[("ACCESS_TOKEN_TTL_SECONDS", "86400")],
    )
}

/// A signed-in user for an Indian national number: (access token, user id).
async fn user(app: &TestApp, national: &str) -> (String, UserId) {
    let u = app.signed_in(&format!("+91{national}")).await;
    (u.access_token, u.user_id)
}

// The fake clock starts on 2026-11-22.
const TODAY: &str = "2026-11-22";

fn pool_body() -> Value {
    json!({"name": "Diwali savings", "contribution_amount": 50_000, "deadline": "2026-12-01", "pool_type": "MONTHLY", "total_members": 3})
}

async fn create(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.call(Method::POST, "/v1/pools", Some(body), Some(token))
        .await
}

async fn act(app: &TestApp, token: &str, pool_id: &str, what: &str) -> TestResponse {
    app.call(
        Method::POST,
        &format!("/v1/pools/{pool_id}/{what}"),
        None,
        Some(token),
    )
    .await
}

#[tokio::test]
async fn create_returns_the_pool_with_derived_fields() {
    let app = app();
    let (owner, owner_id) = user(&app, "9816456501").await;
    let mut body = pool_body();
    body["owner_id"] = json!("someone-else");
    let r = create(&app, &owner, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let p = &r.data()["pool"];
    let id = p["pool_id"].as_str().unwrap();
    assert_eq!(id.len(), 8);
    assert!(id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    assert_eq!(
        p["owner_id"],
        owner_id.as_str(),
        "the owner comes from the token"
    );
    assert_eq!(p["name"], "Diwali savings");
    assert_eq!(p["contribution_amount"], 50_000);
    assert_eq!(p["pool_amount"], 150_000);
    assert_eq!(p["currency"], "INR");
    assert_eq!(
        (p["total_members"].as_u64(), p["joined_members"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(p["deadline"], "2026-12-01");
    assert_eq!(p["pool_type"], "MONTHLY");
    assert_eq!(p["status"], "OPEN");
    assert!(p["created_at"].as_str().unwrap().ends_with('Z'));
    // A deadline of today is allowed, and the largest pool fits.
    let mut b = pool_body();
    b["deadline"] = json!(TODAY);
    b["contribution_amount"] = json!(1_000_000_000_000i64);
    b["total_members"] = json!(100);
    let r = create(&app, &owner, b).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.data()["pool"]["pool_amount"], 100_000_000_000_000i64);
}

#[tokio::test]
async fn create_validation_names_the_field_and_creates_nothing() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let cases: Vec<(&str, Value)> = vec![
        ("name", json!("")),
        ("name", json!("x".repeat(101))),
        ("contribution_amount", json!(0)),
        ("contribution_amount", json!(1_000_000_000_001i64)),
        ("contribution_amount", json!(10.5)),
        ("contribution_amount", json!("100")),
        ("total_members", json!(1)),
        ("total_members", json!(101)),
        ("total_members", json!(-3)),
        ("deadline", json!("2026-11-21")),
        ("deadline", json!("01-12-2026")),
        ("deadline", json!("2026-02-30")),
        ("pool_type", json!("YEARLY")),
    ];
    for (field, value) in cases {
        let mut b = pool_body();
        b[field] = value;
        let r = create(&app, &owner, b).await;
        assert_invalid(&r, field);
    }
    let mut b = pool_body();
    b.as_object_mut().unwrap().remove("pool_type");
    assert_eq!(
        create(&app, &owner, b).await.body["error"]["details"]["field"],
        "pool_type"
    );
    let r = app.get_as("/v1/pools?role=owner", &owner).await;
    assert_eq!(
        r.data()["items"].as_array().unwrap().len(),
        0,
        "nothing was created"
    );
    let r = app
        .call(Method::POST, "/v1/pools", Some(pool_body()), None)
        .await;
    assert_error(&r, 401, "UNAUTHORIZED");
}

#[tokio::test]
async fn get_and_unknown_ids() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let (other, _) = user(&app, "9816456502").await;
    let id = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app.get_as(&format!("/v1/pools/{id}"), &other).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "anyone signed in finds a pool by id"
    );
    assert_eq!(r.data()["pool"]["pool_id"], id.as_str());
    for bad in ["00000000", "ABCDEF12", "short", "0123456789"] {
        let r = app.get_as(&format!("/v1/pools/{bad}"), &other).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "NOT_FOUND"),
            "{bad}"
        );
    }
    let r = app
        .call(Method::GET, &format!("/v1/pools/{id}"), None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn join_until_full_then_pool_full() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let id = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (a, _) = user(&app, "9816456502").await;
    let (b, _) = user(&app, "9816456503").await;
    let (c, _) = user(&app, "9816456504").await;
    let r = act(&app, &a, &id, "join").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["pool"]["joined_members"], 1);
    let r = act(&app, &a, &id, "join").await;
    assert_error(&r, 409, "ALREADY_MEMBER");
    // The owner is not a member until it joins.
    let r = act(&app, &owner, &id, "join").await;
    assert_eq!(r.data()["pool"]["joined_members"], 2);
    let r = act(&app, &b, &id, "join").await;
    assert_eq!(r.data()["pool"]["joined_members"], 3);
    assert_eq!(r.data()["pool"]["status"], "FULL");
    let r = act(&app, &c, &id, "join").await;
    assert_error(&r, 409, "POOL_FULL");
    let r = act(&app, &a, &id, "join").await;
    assert_eq!(
        r.code(),
        "ALREADY_MEMBER",
        "a member of a full pool is told it is a member"
    );
    let r = act(&app, &c, "0badc0de", "join").await;
    assert_error(&r, 404, "NOT_FOUND");
}

#[tokio::test]
async fn leave_frees_a_seat_and_non_members_get_404() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let id = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (a, _) = user(&app, "9816456502").await;
    act(&app, &a, &id, "join").await;
    let r = act(&app, &a, &id, "leave").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["pool"]["joined_members"], 0);
    let r = act(&app, &a, &id, "leave").await;
    assert_error(&r, 404, "NOT_FOUND");
    let r = act(&app, &a, "0badc0de", "leave").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = act(&app, &a, &id, "join").await;
    assert_eq!(
        r.data()["pool"]["joined_members"],
        1,
        "can join again after leaving"
    );
}

#[tokio::test]
async fn after_the_deadline_day_the_pool_is_closed() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let mut b = pool_body();
    b["deadline"] = json!(TODAY);
    let id = create(&app, &owner, b).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (a, _) = user(&app, "9816456502").await;
    let (late, _) = user(&app, "9816456503").await;
    act(&app, &a, &id, "join").await;
    // Still the deadline day at 23:59.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T23:59:59Z")
            .unwrap()
            .into(),
    );
    assert_eq!(
        app.get_as(&format!("/v1/pools/{id}"), &a).await.data()["pool"]["status"],
        "OPEN"
    );
    app.clock.advance(Duration::seconds(1));
    let r = app.get_as(&format!("/v1/pools/{id}"), &a).await;
    assert_eq!(r.data()["pool"]["status"], "CLOSED");
    let r = act(&app, &late, &id, "join").await;
    assert_error(&r, 409, "POOL_CLOSED");
    let r = act(&app, &a, &id, "leave").await;
    assert_error(&r, 409, "POOL_CLOSED");
    let r = act(&app, &a, &id, "join").await;
    assert_eq!(r.code(), "POOL_CLOSED");
}

#[tokio::test]
async fn list_mine_by_role() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let (a, _) = user(&app, "9816456502").await;
    let p1 = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    app.clock.advance(Duration::seconds(1));
    let p2 = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    act(&app, &a, &p1, "join").await;
    let ids = |r: &TestResponse| -> Vec<String> {
        r.data()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["pool_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&app.get_as("/v1/pools?role=owner", &owner).await),
        vec![p2.clone(), p1.clone()],
        "newest first"
    );
    assert!(ids(&app.get_as("/v1/pools?role=member", &owner).await).is_empty());
    assert_eq!(
        ids(&app.get_as("/v1/pools?role=member", &a).await),
        vec![p1.clone()]
    );
    assert!(ids(&app.get_as("/v1/pools?role=owner", &a).await).is_empty());
    assert_eq!(
        app.get_as("/v1/pools?role=member", &a).await.data()["items"][0]["joined_members"],
        1
    );
    for q in ["", "?role=admin", "?role="] {
        let r = app.get_as(&format!("/v1/pools{q}"), &a).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
            "{q}"
        );
        assert_eq!(r.body["error"]["details"]["field"], "role");
    }
}

#[tokio::test]
async fn members_only_for_owner_and_members_with_masked_phones() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let (a, a_id) = user(&app, "9816456502").await;
    let (stranger, _) = user(&app, "9816456503").await;
    let id = create(&app, &owner, pool_body()).await.data()["pool"]["pool_id"]
        .as_str()
        .unwrap()
        .to_string();
    act(&app, &a, &id, "join").await;
    let path = format!("/v1/pools/{id}/members");
    for who in [&owner, &a] {
        let r = app.get_as(&path, who).await;
        assert_eq!(r.status, StatusCode::OK);
        let items = r.data()["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["user_id"], a_id.as_str());
        assert_eq!(items[0]["name"], "Test User");
        assert_eq!(items[0]["masked_phone"], "+91******6502");
        assert!(items[0]["joined_at"].is_string());
        assert!(
            !r.body.to_string().contains("919816456502"),
            "no full phone"
        );
    }
    let r = app.get_as(&path, &stranger).await;
    assert_error(&r, 403, "PERMISSION_DENIED");
    let r = app.get_as("/v1/pools/0badc0de/members", &stranger).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deadlines_within_five_years_and_paths_in_utf8() {
    let app = app();
    let (owner, _) = user(&app, "9816456501").await;
    let mut b = pool_body();
    b["deadline"] = json!("2031-11-23");
    assert_invalid(&create(&app, &owner, b).await, "deadline");
    let mut b = pool_body();
    b["deadline"] = json!("2031-11-22");
    assert_eq!(create(&app, &owner, b).await.status, StatusCode::CREATED);
    assert_invalid(&app.get_as("/v1/pools/%FF%FE", &owner).await, "path");
}

fn capped_app() -> TestApp {
    TestApp::new(
        Stores::memory(),
        pools_fn::routes().0,
        &[
            ("POOLS_MAX_OPEN_OWNED", "3"),
            ("ACCESS_TOKEN_TTL_SECONDS", "86400"),
        ],
    )
}

/// Creates `n` pools one second apart; returns their ids, oldest first.
async fn make_pools(app: &TestApp, owner: &str, n: usize) -> Vec<String> {
    let mut made = Vec::new();
    for _ in 0..n {
        let r = create(app, owner, pool_body()).await;
        made.push(r.data()["pool"]["pool_id"].as_str().unwrap().to_string());
        app.clock.advance(Duration::seconds(1));
    }
    made
}

#[tokio::test]
async fn lists_page_with_a_cursor() {
    let app = capped_app();
    let (owner, _) = user(&app, "9816456501").await;
    let made = make_pools(&app, &owner, 3).await;
    let page = app.get_as("/v1/pools?role=owner&limit=2", &owner).await;
    assert_eq!(page.status, StatusCode::OK);
    let items = page.data()["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["pool_id"], made[2].as_str());
    let cursor = page.data()["next_cursor"].as_str().unwrap().to_string();
    let next = format!("/v1/pools?role=owner&limit=2&cursor={cursor}");
    let rest = app.get_as(&next, &owner).await;
    let rest_items = rest.data()["items"].as_array().unwrap();
    assert_eq!(rest_items.len(), 1);
    assert_eq!(rest_items[0]["pool_id"], made[0].as_str());
    assert!(rest.data()["next_cursor"].is_null());
    let foreign = format!("/v1/pools?role=member&cursor={cursor}");
    assert_invalid(&app.get_as(&foreign, &owner).await, "cursor");
    for q in ["limit=0", "limit=101", "limit=x"] {
        assert_invalid(
            &app.get_as(&format!("/v1/pools?role=owner&{q}"), &owner)
                .await,
            "limit",
        );
    }
}

#[tokio::test]
async fn open_pools_owned_are_capped_until_their_deadline_passes() {
    let app = capped_app();
    let (owner, owner_id) = user(&app, "9816456501").await;
    make_pools(&app, &owner, 3).await;
    assert_error(&create(&app, &owner, pool_body()).await, 409, "POOL_LIMIT");
    app.clock.advance(Duration::hours(23));
    assert_error(&create(&app, &owner, pool_body()).await, 409, "POOL_LIMIT");
    app.clock.advance(Duration::hours(240));
    let record = app
        .stores()
        .users
        .get_user(&owner_id)
        .await
        .unwrap()
        .unwrap();
    let session = app.auth().start_session(&record, None).await.unwrap();
    let mut later = pool_body();
    later["deadline"] = json!("2027-01-31");
    let created = create(&app, &session.access_token, later).await;
    assert_eq!(created.status, StatusCode::CREATED);
}
