//! The users function end to end over HTTP against the local-api binary, on the memory store
//! with the local upload stand-in and on DynamoDB + S3 in the emulator: profile, a real upload
//! through the presigned URL, KYC, wallet, risk score, usage statistics, account deletion.
//! The full document number must never appear in a response, a log line or a stored item.

use integration_tests::LocalApi;
use integration_tests::http::Http;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DOCUMENT: &str = "2345 6789 0124";
const DOCUMENT_DIGITS: &str = "234567890124";

const PASSWORD: &str = "blue-horse-Zq81";

/// Signs `phone` up with [`PASSWORD`]; its access token.
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

/// Sends `bytes` to the presigned URL with exactly the headers given, as the app would.
async fn put_bytes(h: &Http, ticket: &Value, bytes: &[u8]) -> StatusCode {
    let mut req = h
        .client
        .put(ticket["upload_url"].as_str().unwrap())
        .body(bytes.to_vec());
    for (k, v) in ticket["headers"].as_object().unwrap() {
        req = req.header(k, v.as_str().unwrap());
    }
    req.send().await.unwrap().status()
}

/// Every response body the flow saw, to search for the document number.
struct Seen(Vec<Value>);

async fn users_flow(h: &Http, phone: &str) -> (String, Seen) {
    let t = sign_up(h, phone).await;
    let mut seen = Vec::new();
    let profile = json!({"name": "Asha Verma", "email": "asha@example.com", "state": "Karnataka", "city": "Bengaluru", "dob": "1990-04-12", "family_size": 4, "annual_income": 60_000_000, "business_location": "Jayanagar"});
    let (s, b) = h
        .send(Method::PUT, "/v1/users/profile", Some(profile), Some(&t))
        .await;
    assert_eq!(
        (s, &b["data"]["profile"]["is_profile_complete"]),
        (StatusCode::OK, &json!(true)),
        "{b}"
    );
    let (s, b) = h
        .send(
            Method::PATCH,
            "/v1/users/profile",
            Some(json!({"language": "kn"})),
            Some(&t),
        )
        .await;
    assert_eq!(
        (s, &b["data"]["profile"]["city"]),
        (StatusCode::OK, &json!("Bengaluru")),
        "{b}"
    );

    let image = shared::testing::jpeg(&[0xFF; 2044]);
    let ask =
        json!({"purpose": "front", "content_type": "image/jpeg", "content_length": image.len()});
    let (s, ticket) = h.post("/v1/users/kyc/uploads", ask, Some(&t)).await;
    assert_eq!(s, StatusCode::CREATED, "{ticket}");
    let ticket = ticket["data"].clone();
    assert_eq!(put_bytes(h, &ticket, &image).await, StatusCode::OK);
    let body = json!({"document_type": "aadhaar", "document_number": DOCUMENT, "front_image_url": ticket["image_url"]});
    let (s, b) = h.post("/v1/users/kyc", body, Some(&t)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["data"]["kyc"]["masked_document_number"], "********0124");
    seen.push(b);
    let (s, b) = h.get("/v1/users/kyc/status", Some(&t)).await;
    assert_eq!(
        (s, &b["data"]["kyc"]["status"]),
        (StatusCode::OK, &json!("PENDING"))
    );
    seen.push(b);
    wallet_risk_and_stats(h, &t).await;
    let (_, me) = h.get("/v1/auth/me", Some(&t)).await;
    assert_eq!(me["data"]["user"]["kyc_status"], "PENDING");
    seen.push(me);
    (t, Seen(seen))
}

/// The empty wallet and ledger, a risk score, the usage statistics.
async fn wallet_risk_and_stats(h: &Http, t: &str) {
    let (s, b) = h.get("/v1/users/wallet", Some(t)).await;
    assert_eq!(
        (s, &b["data"]["currency"]),
        (StatusCode::OK, &json!("INR")),
        "{b}"
    );
    let (s, b) = h
        .get("/v1/users/wallet/transactions?limit=5", Some(t))
        .await;
    assert_eq!(
        (s, &b["data"]["items"]),
        (StatusCode::OK, &json!([])),
        "{b}"
    );
    let answers = json!({"job_age": "3_5", "family": "2_3", "age": "26_35", "saving_money": "10_25", "loans": "1", "living": "rented"});
    let (s, b) = h.post("/v1/users/risk-score", answers, Some(t)).await;
    assert_eq!(
        (s, &b["data"]["score"], &b["data"]["band"]),
        (
            StatusCode::OK,
            &json!(15 + 12 + 15 + 14 + 10 + 6),
            &json!("LOW")
        ),
        "{b}"
    );
    let (s, b) = h.get("/v1/users/analytics/usage-stats", Some(t)).await;
    assert_eq!(
        (s, &b["data"]["login_count"], &b["data"]["active_sessions"]),
        (StatusCode::OK, &json!(1), &json!(1)),
        "{b}"
    );
}

/// Deletes the account (by password); the user is gone.
async fn delete_account(h: &Http, t: &str) {
    let (s, b) = h
        .send(
            Method::DELETE,
            "/v1/auth/account",
            Some(json!({"password": PASSWORD})),
            Some(t),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        h.get("/v1/users/profile", Some(t)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// The document number is nowhere in what was returned or logged.
fn assert_no_document_number(seen: &Seen, logs: &str) {
    assert!(
        logs.contains("KYC") || logs.contains("kyc"),
        "the logs saw the flow"
    );
    for hay in seen
        .0
        .iter()
        .map(Value::to_string)
        .chain([logs.to_string()])
    {
        assert!(
            !hay.contains(DOCUMENT_DIGITS) && !hay.contains(DOCUMENT),
            "full document number leaked"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_with_local_uploads() {
    let h = Http::new(LocalApi::memory().await);
    let (t, seen) = users_flow(&h, "9816456591").await;
    delete_account(&h, &t).await;
    assert_no_document_number(&seen, &h.api.logs());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_and_s3() {
    let Some(api) = LocalApi::dynamodb().await else {
        return;
    };
    let h = Http::new(api);
    let (t, seen) = users_flow(&h, "9816456592").await;
    let s3 = integration_tests::s3_client(&integration_tests::emulator().unwrap());
    let bucket = h.api.bucket.clone().unwrap();
    let keys = |s3: aws_sdk_s3::Client, bucket: String| async move {
        let out = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
        out.contents()
            .iter()
            .filter_map(|o| o.key().map(String::from))
            .collect::<Vec<_>>()
    };
    let stored = keys(s3.clone(), bucket.clone()).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(
        stored[0].starts_with("kyc/"),
        "attached out of the expiring prefix: {stored:?}"
    );
    // At rest: the sealed number and its hash, never the number.
    let dump = integration_tests::dump_tables(&h.api).await;
    assert!(dump.contains("********0124"), "the scan saw the record");
    assert!(!dump.contains(DOCUMENT_DIGITS) && !dump.contains(DOCUMENT));
    delete_account(&h, &t).await;
    assert!(
        keys(s3, bucket).await.is_empty(),
        "documents deleted with the account"
    );
    assert_no_document_number(&seen, &h.api.logs());
}
