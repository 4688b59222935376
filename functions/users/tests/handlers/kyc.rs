use super::*;
use shared::domain::{KycStatus, MAX_UPLOAD_BYTES};

#[tokio::test]
async fn an_upload_ticket_pins_type_length_and_owner() {
    let (app, u) = app_and_user().await;
    let body = json!({"purpose": "front", "content_type": "image/png", "content_length": 1000});
    let t = assert_ok(
        &send(&app, &u, Method::POST, "/v1/users/kyc/uploads", body).await,
        201,
    )
    .clone();
    assert_eq!(t["method"], "PUT");
    assert_eq!(t["expires_in"], 300);
    assert_eq!(t["headers"]["content-type"], "image/png");
    let url = t["image_url"].as_str().unwrap();
    let prefix = format!("s3://documents/uploads/{}/front/", u.user_id);
    assert!(url.starts_with(&prefix) && url.ends_with(".png"), "{url}");
    let put = t["upload_url"].as_str().unwrap();
    assert!(
        app.upload(put, "image/jpeg", &[0; 1000]).is_err(),
        "another type"
    );
    assert!(
        app.upload(put, "image/png", &[0; 999]).is_err(),
        "another length"
    );
    assert!(
        app.upload(
            &put.replace("length=1000", "length=999"),
            "image/png",
            &[0; 999]
        )
        .is_err(),
        "a forged length"
    );
    app.upload(put, "image/png", &[0; 1000]).unwrap();
}

#[tokio::test]
async fn upload_requests_are_checked() {
    let (app, u) = app_and_user().await;
    let too_big = MAX_UPLOAD_BYTES + 1;
    let cases = [
        (
            json!({"purpose": "front", "content_type": "image/gif", "content_length": 10}),
            "content_type",
        ),
        (
            json!({"purpose": "passport", "content_type": "image/png", "content_length": 10}),
            "purpose",
        ),
        (
            json!({"purpose": "front", "content_type": "image/png", "content_length": 0}),
            "content_length",
        ),
        (
            json!({"purpose": "front", "content_type": "image/png", "content_length": too_big}),
            "content_length",
        ),
        (
            json!({"purpose": "front", "content_type": "image/png"}),
            "content_length",
        ),
    ];
    for (body, field) in cases {
        assert_invalid(
            &send(&app, &u, Method::POST, "/v1/users/kyc/uploads", body).await,
            field,
        );
    }
}

#[tokio::test]
async fn status_before_anything_is_not_submitted() {
    let (app, u) = app_and_user().await;
    let k = assert_ok(&app.get_as("/v1/users/kyc/status", &u).await, 200)["kyc"].clone();
    assert_eq!(
        k,
        json!({"status": "NOT_SUBMITTED", "document_type": null, "masked_document_number": null, "submitted_at": null, "reviewed_at": null, "rejection_reason": null})
    );
}

#[tokio::test]
async fn a_submission_is_pending_masked_and_attached() {
    let (app, u) = app_and_user().await;
    let front = uploaded(&app, &u, "front", b"front").await;
    let selfie = uploaded(&app, &u, "selfie", b"selfie").await;
    let body = json!({"document_type": "aadhaar", "document_number": AADHAAR, "front_image_url": front, "selfie_url": selfie});
    let r = send(&app, &u, Method::POST, "/v1/users/kyc", body).await;
    let k = assert_ok(&r, 201)["kyc"].clone();
    assert_eq!(k["status"], "PENDING");
    assert_eq!(k["document_type"], "aadhaar");
    assert_eq!(k["masked_document_number"], "********0124");
    assert!(!r.body.to_string().contains("234567890124"));
    assert_eq!(
        app.get_as("/v1/users/kyc/status", &u).await.data()["kyc"],
        k
    );
    let user = app
        .stores()
        .users
        .get_user(&u.user_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.kyc_status, KycStatus::Pending);
    // The images moved out of the expiring upload prefix.
    let keys = app.uploads.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| k.starts_with(&format!("kyc/{}/", u.user_id))),
        "{keys:?}"
    );
    // At rest: sealed number, keyed hash, mask; never the number.
    let stored = app.stores().kyc.get_kyc(&u.user_id).await.unwrap().unwrap();
    let text = serde_json::to_string(&stored).unwrap();
    assert!(
        !text.contains("234567890124") && !text.contains("2345 6789 0124"),
        "{text}"
    );
}

#[tokio::test]
async fn a_second_submission_while_pending_or_verified_conflicts() {
    let (app, u) = app_and_user().await;
    assert_ok(&submitted(&app, &u).await, 201);
    assert_error(&submitted(&app, &u).await, 409, "KYC_ALREADY_SUBMITTED");
    review(&app, &u, KycStatus::Verified).await;
    assert_error(&submitted(&app, &u).await, 409, "KYC_ALREADY_SUBMITTED");
    let r = send(
        &app,
        &u,
        Method::PATCH,
        "/v1/users/kyc",
        json!({"document_number": AADHAAR_2}),
    )
    .await;
    assert_error(&r, 409, "KYC_ALREADY_SUBMITTED");
}

/// What an admin review does (the admin API comes later): a new version with `status`.
async fn review(app: &TestApp, u: &TestUser, status: KycStatus) {
    let kyc = &app.stores().kyc;
    let current = kyc.get_kyc(&u.user_id).await.unwrap().unwrap();
    let mut next = current.clone();
    next.status = status;
    next.version += 1;
    next.rejection_reason = (status == KycStatus::Rejected).then(|| "blurry".into());
    assert!(kyc.save_kyc(&next, Some(&current)).await.unwrap());
}

#[tokio::test]
async fn after_a_rejection_the_user_corrects_or_submits_again() {
    let (app, u) = app_and_user().await;
    assert_ok(&submitted(&app, &u).await, 201);
    review(&app, &u, KycStatus::Rejected).await;
    let k = app.get_as("/v1/users/kyc/status", &u).await.data()["kyc"].clone();
    assert_eq!(
        (k["status"].as_str(), k["rejection_reason"].as_str()),
        (Some("REJECTED"), Some("blurry"))
    );
    let back = uploaded(&app, &u, "back", b"back").await;
    let body = json!({"document_number": AADHAAR_2, "back_image_url": back});
    let k = assert_ok(
        &send(&app, &u, Method::PATCH, "/v1/users/kyc", body).await,
        200,
    )["kyc"]
        .clone();
    assert_eq!(k["status"], "PENDING");
    assert_eq!(k["masked_document_number"], "********1012");
    assert_eq!(k["rejection_reason"], Value::Null);
    review(&app, &u, KycStatus::Rejected).await;
    assert_ok(&submitted(&app, &u).await, 201);
    // The replaced images are gone; the record's are there.
    let stored = app.stores().kyc.get_kyc(&u.user_id).await.unwrap().unwrap();
    let mut want: Vec<String> = stored.images.keys().cloned().collect();
    want.sort();
    assert_eq!(app.uploads.keys(), want);
}

#[tokio::test]
async fn a_correction_may_name_the_attached_image_again() {
    let (app, u) = app_and_user().await;
    let front = uploaded(&app, &u, "front", b"front").await;
    let body =
        json!({"document_type": "aadhaar", "document_number": AADHAAR, "front_image_url": front});
    assert_ok(
        &send(&app, &u, Method::POST, "/v1/users/kyc", body).await,
        201,
    );
    let body = json!({"front_image_url": front, "document_type": "aadhaar"});
    let k = assert_ok(
        &send(&app, &u, Method::PATCH, "/v1/users/kyc", body).await,
        200,
    )["kyc"]
        .clone();
    assert_eq!(k["masked_document_number"], "********0124");
    // Changing the type alone must fit the stored number.
    let r = send(
        &app,
        &u,
        Method::PATCH,
        "/v1/users/kyc",
        json!({"document_type": "pan"}),
    )
    .await;
    assert_invalid(&r, "document_type");
}

#[tokio::test]
async fn patch_without_a_submission_is_not_found() {
    let (app, u) = app_and_user().await;
    let r = send(
        &app,
        &u,
        Method::PATCH,
        "/v1/users/kyc",
        json!({"document_number": AADHAAR}),
    )
    .await;
    assert_error(&r, 404, "NOT_FOUND");
}

/// Each `(front_image_url, extra fields, field named)` case is refused and stores nothing.
async fn refused(app: &TestApp, u: &TestUser, cases: Vec<(Value, &str)>) {
    for (body, field) in cases {
        let r = send(app, u, Method::POST, "/v1/users/kyc", body).await;
        assert_invalid(&r, field);
    }
    let stored = app.stores().kyc.get_kyc(&u.user_id).await.unwrap();
    assert!(stored.is_none(), "nothing stored");
}

fn with_front(front: &str) -> Value {
    json!({"document_type": "aadhaar", "document_number": AADHAAR, "front_image_url": front})
}

#[tokio::test]
async fn only_the_callers_uploads_for_that_purpose_are_accepted() {
    let (app, u) = app_and_user().await;
    let other = app.signed_in("+919816456502").await;
    let theirs = uploaded(&app, &other, "front", b"x").await;
    let back = uploaded(&app, &u, "back", b"x").await;
    let ask = json!({"purpose": "front", "content_type": "image/jpeg", "content_length": 5});
    let ticket = send(&app, &u, Method::POST, "/v1/users/kyc/uploads", ask).await;
    let never_sent = ticket.data()["image_url"].as_str().unwrap().to_string();
    let front = uploaded(&app, &u, "front", b"x").await;
    let mut front_as_selfie = with_front(&front);
    front_as_selfie["selfie_url"] = json!(front);
    let cases = vec![
        (with_front(&theirs), "front_image_url"),
        (with_front(&back), "front_image_url"),
        (with_front(&never_sent), "front_image_url"),
        (with_front("https://evil.example/a.jpg"), "front_image_url"),
        (front_as_selfie, "selfie_url"),
    ];
    refused(&app, &u, cases).await;
}

/// Uploads `bytes` declared as `typ` for the front image; returns the `image_url`.
async fn uploaded_as(app: &TestApp, u: &TestUser, typ: &str, bytes: &[u8]) -> String {
    let ask = json!({"purpose": "front", "content_type": typ, "content_length": bytes.len()});
    let r = send(app, u, Method::POST, "/v1/users/kyc/uploads", ask).await;
    let t = assert_ok(&r, 201).clone();
    app.upload(t["upload_url"].as_str().unwrap(), typ, bytes)
        .expect("upload accepted");
    t["image_url"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn uploads_must_be_the_image_type_they_declare() {
    let (app, u) = app_and_user().await;
    let html = uploaded_as(&app, &u, "image/jpeg", b"<html><script>x()</script>").await;
    let jpeg_as_png = uploaded_as(&app, &u, "image/png", &shared::testing::jpeg(b"x")).await;
    let short = uploaded_as(&app, &u, "image/jpeg", &[0xFF, 0xD8]).await;
    let cases = vec![
        (with_front(&html), "front_image_url"),
        (with_front(&jpeg_as_png), "front_image_url"),
        (with_front(&short), "front_image_url"),
    ];
    refused(&app, &u, cases).await;
    let png = uploaded_as(&app, &u, "image/png", b"\x89PNG\r\n\x1a\n rest").await;
    assert_ok(
        &send(&app, &u, Method::POST, "/v1/users/kyc", with_front(&png)).await,
        201,
    );
}

#[tokio::test]
async fn numbers_and_types_are_checked() {
    let (app, u) = app_and_user().await;
    let front = uploaded(&app, &u, "front", b"x").await;
    let with = |typ: &str, number: &str| json!({"document_type": typ, "document_number": number, "front_image_url": front});
    let cases = vec![
        (with("aadhaar", "2345 6789 0123"), "document_number"),
        (with("pan", AADHAAR), "document_number"),
        (with("ration_card", AADHAAR), "document_type"),
        (
            json!({"document_type": "aadhaar", "document_number": AADHAAR}),
            "front_image_url",
        ),
    ];
    refused(&app, &u, cases).await;
}

#[tokio::test]
async fn the_same_document_on_another_account_is_flagged_not_refused() {
    let (app, u) = app_and_user().await;
    let other = app.signed_in("+919816456502").await;
    assert_ok(&submitted(&app, &u).await, 201);
    assert_ok(&submitted(&app, &other).await, 201);
    let hash = app
        .stores()
        .kyc
        .get_kyc(&u.user_id)
        .await
        .unwrap()
        .unwrap()
        .document_hash;
    let mut holders = app.stores().kyc.document_holders(&hash).await.unwrap();
    holders.sort();
    let mut want = vec![u.user_id.clone(), other.user_id.clone()];
    want.sort();
    assert_eq!(holders, want);
}
