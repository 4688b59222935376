//! End-to-end over HTTP against the local-api binary, on the memory store (console SMS read
//! from `/_dev/sms`) and on DynamoDB + SNS in the emulator (SMS read from moto).

use futures::future::join_all;
use integration_tests::LocalApi;
use integration_tests::http::Http;
use reqwest::StatusCode;
use serde_json::json;

/// Everything the walk-through sees that must never be stored or returned in clear.
struct Secrets(Vec<String>);

const PASSWORD: &str = "blue-horse-Zq81";

async fn full_flow(h: &Http, phone: &str, e164: &str) -> Secrets {
    let mut secrets = Vec::new();
    let (s, b) = h.get("/v1/health", None).await;
    assert_eq!(
        (s, b["data"]["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let code = h.code_for(phone).await;
    secrets.push(code.clone());
    let (s, b) = h
        .post(
            "/v1/auth/otp/verify",
            json!({"phone": phone, "code": code}),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["data"]["account_exists"], false);
    let vt = integration_tests::text(&b["data"]["verification_token"]);
    secrets.push(vt.clone());
    secrets.push(PASSWORD.to_string());
    secrets.push("4321".to_string());
    let (s, b) = h
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "E2E", "password": PASSWORD, "security_number": "4321"}),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["data"]["user"]["phone"], e164);
    let at = integration_tests::text(&b["data"]["tokens"]["access_token"]);
    let rt = integration_tests::text(&b["data"]["tokens"]["refresh_token"]);
    secrets.push(at.clone());
    secrets.push(rt.clone());
    sessions_rotate_and_end(h, phone, e164, (&at, &rt), &mut secrets).await;
    Secrets(secrets)
}

/// Signed in with `at`/`rt`: me, a second sign-in, a rotation, the session list, sign-out,
/// and a wrong password.
async fn sessions_rotate_and_end(
    h: &Http,
    phone: &str,
    e164: &str,
    (at, rt): (&str, &str),
    secrets: &mut Vec<String>,
) {
    let (s, me) = h.get("/v1/auth/me", Some(at)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        me["data"]["user"]["masked_phone"].as_str().unwrap().len(),
        e164.len()
    );
    let (s, b) = h
        .post(
            "/v1/auth/login",
            json!({"phone": phone, "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = h
        .post("/v1/auth/refresh", json!({"refresh_token": rt}), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let rt2 = integration_tests::text(&b["data"]["tokens"]["refresh_token"]);
    let at2 = integration_tests::text(&b["data"]["tokens"]["access_token"]);
    secrets.push(rt2.clone());
    let (s, b) = h.get("/v1/auth/sessions", Some(&at2)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["data"]["items"].as_array().unwrap().len(), 2);
    let (s, _) = h.post("/v1/auth/logout", json!({}), Some(&at2)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        h.get("/v1/auth/me", Some(&at2)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        h.post("/v1/auth/refresh", json!({"refresh_token": rt2}), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (s, b) = h
        .post(
            "/v1/auth/login",
            json!({"phone": phone, "password": "wrong-password"}),
            None,
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("INVALID_CREDENTIALS"))
    );
}

async fn parallel_verifies(h: &Http, phone: &str) {
    let code = h.code_for(phone).await;
    let results = join_all((0..10).map(|_| {
        h.post(
            "/v1/auth/otp/verify",
            json!({"phone": phone, "code": code}),
            None,
        )
    }))
    .await;
    assert_eq!(
        results.iter().filter(|(s, _)| *s == StatusCode::OK).count(),
        1
    );
    let vt = results
        .iter()
        .find(|(s, _)| *s == StatusCode::OK)
        .unwrap()
        .1["data"]["verification_token"]
        .as_str()
        .unwrap()
        .to_string();
    let results = join_all((0..10).map(|_| {
        h.post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "Racer"}),
            None,
        )
    }))
    .await;
    assert_eq!(
        results
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count(),
        1
    );
}

/// Signs a phone up (no password) and returns its access token.
async fn sign_up(h: &Http, phone: &str) -> String {
    let vt = h.verification_token(phone).await;
    let (s, b) = h
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": phone}),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    integration_tests::text(&b["data"]["tokens"]["access_token"])
}

async fn pools_flow(h: &Http, phones: [&str; 4]) {
    let owner = sign_up(h, phones[0]).await;
    let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(365)).to_string();
    let (s, b) = h
        .post(
            "/v1/pools",
            json!({"name": "Chit", "contribution_amount": 100_000, "deadline": deadline, "pool_type": "WEEKLY", "total_members": 2}),
            Some(&owner),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["data"]["pool"]["pool_amount"], 200_000);
    let id = integration_tests::text(&b["data"]["pool"]["pool_id"]);
    let mut joiners = Vec::new();
    for p in &phones[1..] {
        joiners.push(sign_up(h, p).await);
    }
    let join = format!("/v1/pools/{id}/join");
    let results = join_all(joiners.iter().map(|t| h.post(&join, json!({}), Some(t)))).await;
    assert_eq!(
        results.iter().filter(|(s, _)| *s == StatusCode::OK).count(),
        2,
        "two seats"
    );
    let full = results.iter().find(|(s, _)| *s != StatusCode::OK).unwrap();
    assert_eq!(
        (full.0, full.1["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("POOL_FULL"))
    );
    let member = results
        .iter()
        .position(|(s, _)| *s == StatusCode::OK)
        .unwrap();
    full_pool_then_a_member_leaves(h, &id, &owner, &joiners[member]).await;
}

/// The owner sees the full pool and its members; the member leaves, freeing a seat.
async fn full_pool_then_a_member_leaves(h: &Http, id: &str, owner: &str, member: &str) {
    let (s, b) = h.get(&format!("/v1/pools/{id}"), Some(owner)).await;
    assert_eq!(
        (s, b["data"]["pool"]["joined_members"].as_u64()),
        (StatusCode::OK, Some(2))
    );
    assert_eq!(b["data"]["pool"]["status"], "FULL");
    let (s, b) = h.get(&format!("/v1/pools/{id}/members"), Some(owner)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["data"]["items"].as_array().unwrap().len(), 2);
    let (s, b) = h.get("/v1/pools?role=member", Some(member)).await;
    assert_eq!(
        (s, b["data"]["items"][0]["pool_id"].as_str()),
        (StatusCode::OK, Some(id))
    );
    let leave = format!("/v1/pools/{id}/leave");
    let (s, b) = h.post(&leave, json!({}), Some(member)).await;
    assert_eq!(
        (s, b["data"]["pool"]["joined_members"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    let (s, b) = h.get("/v1/pools?role=owner", Some(owner)).await;
    assert_eq!(
        (s, b["data"]["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_over_http() {
    let h = Http::new(LocalApi::memory().await);
    let secrets = full_flow(&h, "9816456565", "+919816456565").await;
    // /_dev/sms holds the message (that is its purpose); nothing else returns a code.
    assert!(!secrets.0.is_empty());
    parallel_verifies(&h, "9816456566").await;
    pools_flow(&h, ["9816456571", "9816456572", "9816456573", "9816456574"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_and_sns_over_http() {
    let Some(api) = LocalApi::dynamodb().await else {
        return;
    };
    let h = Http::new(api);
    let secrets = full_flow(&h, "9816456567", "+919816456567").await;
    parallel_verifies(&h, "9816456568").await;
    pools_flow(&h, ["9816456581", "9816456582", "9816456583", "9816456584"]).await;

    // At rest: no code, password, security number or token is stored in clear.
    let dump = integration_tests::dump_tables(&h.api).await;
    assert!(dump.contains("+919816456567"), "the scan saw the data");
    assert!(dump.contains("$argon2id$"), "passwords are argon2id hashes");
    for s in &secrets.0 {
        // Short secrets (code, security number) could occur by chance inside a hash or a
        // timestamp, so for them only a whole stored value counts.
        let needle = if s.len() < 16 {
            format!("\"{s}\"")
        } else {
            s.clone()
        };
        assert!(!dump.contains(&needle), "found a secret in clear at rest");
    }
}
