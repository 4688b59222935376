//! The admin function end to end over HTTP against the local-api binary, on the memory store
//! and on DynamoDB + S3 in the emulator: two-factor sign-in with the session cookie, the users
//! list (by index) and detail with a working image link, KYC review, an adjustment sent twice
//! with one key, a loan repaid from the wallet and recorded by the admin, suspension, the audit
//! trail, sign-out.

use integration_tests::LocalApi;
use integration_tests::http::Http;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ADMIN: &str = "+919816456580";
const USER: &str = "+919816456581";
const PASSWORD: &str = "blue-horse-Zq81";
const IMAGE: &[u8] = b"\xff\xd8\xff\xe0 a jpeg, as far as anyone checks";

async fn sign_up(h: &Http, phone: &str) -> String {
    let vt = h.verification_token(phone).await;
    let body = json!({"verification_token": vt, "name": "Asha", "password": PASSWORD});
    let (s, b) = h.post("/v1/auth/register", body, None).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["data"]["tokens"]["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn submit_kyc(h: &Http, token: &str) {
    let ticket =
        json!({"purpose": "front", "content_type": "image/jpeg", "content_length": IMAGE.len()});
    let (s, t) = h.post("/v1/users/kyc/uploads", ticket, Some(token)).await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let mut req = h
        .client
        .put(t["data"]["upload_url"].as_str().unwrap())
        .body(IMAGE.to_vec());
    for (k, v) in t["data"]["headers"].as_object().unwrap() {
        req = req.header(k, v.as_str().unwrap());
    }
    assert!(req.send().await.unwrap().status().is_success());
    let body = json!({"document_type": "aadhaar", "document_number": "2345 6789 0124", "front_image_url": t["data"]["image_url"]});
    let (s, b) = h.post("/v1/users/kyc", body, Some(token)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// An admin request with the session cookie (writes as the console sends them).
async fn admin(
    h: &Http,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = h
        .client
        .request(method.clone(), format!("{}{path}", h.api.base))
        .header("cookie", format!("admin_session={cookie}"));
    if method != Method::GET {
        req = req.header("content-type", "application/json");
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
    }
    let res = req.send().await.unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

async fn sign_in(h: &Http) -> String {
    let vt = h.verification_token(ADMIN).await;
    let body = json!({"phone": ADMIN, "password": PASSWORD, "verification_token": vt});
    let res = h
        .client
        .post(format!("{}/v1/admin/login", h.api.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';')
        .next()
        .unwrap()
        .trim_start_matches("admin_session=")
        .to_string()
}

async fn admin_flow(h: &Http) {
    sign_up(h, ADMIN).await;
    let token = sign_up(h, USER).await;
    submit_kyc(h, &token).await;
    let cookie = sign_in(h).await;

    let (s, list) = admin(
        h,
        &cookie,
        Method::GET,
        "/v1/admin/users?status=ACTIVE",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["data"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    assert!(
        !list.to_string().contains(USER),
        "lists show masked phones only"
    );
    let uid = items[0]["user_id"].as_str().unwrap().to_string();
    review_adjust_and_suspend(h, &cookie, &uid, &token).await;
    let (s, a) = admin(
        h,
        &cookie,
        Method::GET,
        &format!("/v1/admin/audit?user_id={uid}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let actions: Vec<&str> = a["data"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    let expected = [
        "user.status",
        "loan.repay",
        "loan.disburse",
        "wallet.adjust",
        "kyc.review",
    ];
    assert_eq!(actions, expected);
    let (s, _) = admin(h, &cookie, Method::POST, "/v1/admin/logout", None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = admin(h, &cookie, Method::GET, "/v1/admin/users", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// The user's detail with a working image link, a review, one adjustment sent twice, a
/// suspension that signs the user (`token`) out.
async fn review_adjust_and_suspend(h: &Http, cookie: &str, uid: &str, token: &str) {
    let path = format!("/v1/admin/users/{uid}");
    let (s, d) = admin(h, cookie, Method::GET, &path, None).await;
    assert_eq!(
        (s, &d["data"]["kyc"]["status"]),
        (StatusCode::OK, &json!("PENDING")),
        "{d}"
    );
    let link = d["data"]["kyc"]["images"]["front"].as_str().unwrap();
    let image = h.client.get(link).send().await.unwrap();
    assert_eq!(image.status(), StatusCode::OK, "{link}");
    if link.contains("/_dev/uploads/") {
        let sniff = image.headers().get("x-content-type-options");
        assert_eq!(sniff.and_then(|v| v.to_str().ok()), Some("nosniff"));
    }
    assert_eq!(image.bytes().await.unwrap().as_ref(), IMAGE);

    let review = json!({"decision": "VERIFIED"});
    let (s, b) = admin(
        h,
        cookie,
        Method::POST,
        &format!("{path}/kyc/review"),
        Some(review),
    )
    .await;
    assert_eq!(
        (s, &b["data"]["kyc"]["status"]),
        (StatusCode::OK, &json!("VERIFIED")),
        "{b}"
    );
    let adjust = json!({"amount": 500, "reason": "welcome", "idempotency_key": "e2e-key-0001"});
    for _ in 0..2 {
        let (s, b) = admin(
            h,
            cookie,
            Method::POST,
            &format!("{path}/wallet/adjust"),
            Some(adjust.clone()),
        )
        .await;
        assert_eq!(
            (s, &b["data"]["wallet"]["balance"]),
            (StatusCode::OK, &json!(500)),
            "{b}"
        );
    }
    lend_and_repay(h, cookie, &path, token).await;
    let suspend = Some(json!({"status": "SUSPENDED"}));
    let (s, b) = admin(h, cookie, Method::PATCH, &path, suspend).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        h.get("/v1/auth/me", Some(token)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A loan to the (verified) user at `path`: repaid in part from its wallet (the user's own
/// route), the rest recorded by the admin, which closes it.
async fn lend_and_repay(h: &Http, cookie: &str, path: &str, token: &str) {
    let terms = json!({"amount_disbursed": 1000, "payback_amount": 1200, "installment_amount": 100,
        "installment_period": "WEEKLY", "purpose": "seeds", "loan_type": "crop",
        "idempotency_key": "e2e-loan-0001"});
    let (s, b) = admin(
        h,
        cookie,
        Method::POST,
        &format!("{path}/loans"),
        Some(terms),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["data"]["loan"]["loan_id"].as_str().unwrap().to_string();
    let repay = json!({"amount": 300, "idempotency_key": "e2e-repay-0001"});
    let mine = format!("/v1/users/loans/{id}/repay");
    let (s, b) = h.send(Method::POST, &mine, Some(repay), Some(token)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let after = (
        &b["data"]["loan"]["outstanding"],
        &b["data"]["wallet"]["balance"],
    );
    assert_eq!(after, (&json!(900), &json!(200)));
    let rest = json!({"amount": 900, "note": "cash", "idempotency_key": "e2e-repay-0002"});
    let recorded = format!("{path}/loans/{id}/repayments");
    let (s, b) = admin(h, cookie, Method::POST, &recorded, Some(rest)).await;
    assert_eq!(
        (s, &b["data"]["loan"]["status"]),
        (StatusCode::OK, &json!("CLOSED")),
        "{b}"
    );
    let (s, d) = h.get(&format!("/v1/users/loans/{id}"), Some(token)).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let sources: Vec<&str> = d["data"]["repayments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["WALLET", "ADMIN"]);
}

#[tokio::test]
async fn admin_flow_on_the_memory_store() {
    let h = Http::new(
        LocalApi::memory_with(&[("ADMIN_PHONES", ADMIN), ("OTP_RESEND_SECONDS", "0")]).await,
    );
    admin_flow(&h).await;
}

#[tokio::test]
async fn admin_flow_on_dynamodb_and_s3() {
    let env = [("ADMIN_PHONES", ADMIN), ("OTP_RESEND_SECONDS", "0")];
    let Some(api) = LocalApi::dynamodb_with(&env).await else {
        return;
    };
    admin_flow(&Http::new(api)).await;
}
