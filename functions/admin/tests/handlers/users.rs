use super::*;

/// Every page of `path` (which takes `&cursor=`), user ids in order.
async fn all_pages(app: &TestApp, a: &TestAdmin, path: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let p = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_string(),
        };
        let page = assert_ok(&app.get_as(&p, a).await, 200).clone();
        for item in page["items"].as_array().unwrap() {
            assert!(
                item.get("phone").is_none(),
                "lists show masked phones only: {item}"
            );
            assert!(item["masked_phone"].as_str().unwrap().contains("****"));
            ids.push(item["user_id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn users_are_listed_newest_first_in_pages_and_by_status() {
    let (app, admin, first) = setup().await;
    let mut made = vec![admin.user.user_id.clone(), first.user_id.clone()];
    for i in 0..5 {
        app.clock.advance(chrono::Duration::seconds(1));
        made.push(
            app.signed_in(&format!("+9198164565{:02}", 70 + i))
                .await
                .user_id,
        );
    }
    made.reverse();
    assert_eq!(
        all_pages(&app, &admin, "/v1/admin/users?limit=2").await,
        made
    );
    let path = user_path(&first, "");
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
    let suspended = all_pages(&app, &admin, "/v1/admin/users?status=SUSPENDED&limit=1").await;
    assert_eq!(suspended, [first.user_id.to_string()]);
    let active = all_pages(&app, &admin, "/v1/admin/users?status=ACTIVE&limit=3").await;
    assert_eq!(active.len(), made.len() - 1);
    assert!(!active.contains(&first.user_id.to_string()));
}

#[tokio::test]
async fn bad_list_parameters_are_400() {
    let (app, admin, _) = setup().await;
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("status=GONE", "status"),
        ("cursor=abc", "cursor"),
        ("limit=1&limit=2", "limit"),
    ] {
        let r = app.get_as(&format!("/v1/admin/users?{q}"), &admin).await;
        shared::testing::assert_invalid(&r, field);
    }
}

#[tokio::test]
async fn the_detail_shows_everything_for_review_and_no_secret() {
    let (app, admin, user) = setup().await;
    let device = json!({"device_id": "d1", "platform": "android", "push_token": "push-secret"});
    let r = app
        .as_user(
            Method::POST,
            "/v1/auth/devices",
            Some(device),
            &user.access_token,
        )
        .await;
    assert_ok(&r, 200);
    submit_kyc(&app, &user, "2345 6789 0124").await;
    let twin = app.signed_in("+919816456593").await;
    submit_kyc(&app, &twin, "234567890124").await;
    let d = assert_ok(&app.get_as(&user_path(&user, ""), &admin).await, 200).clone();
    assert_eq!(d["user"]["phone"], USER_PHONE);
    assert_eq!(d["profile"]["user_id"], user.user_id.as_str());
    assert_eq!(d["kyc"]["status"], "PENDING");
    assert_eq!(d["kyc"]["masked_document_number"], "********0124");
    assert_eq!(d["kyc"]["duplicate_of"], json!([twin.user_id]));
    let url = d["kyc"]["images"]["front"].as_str().unwrap();
    let (key, query) = url
        .split_once("/_dev/uploads/")
        .unwrap()
        .1
        .split_once('?')
        .unwrap();
    assert_eq!(
        app.uploads.serve_get(key, query).unwrap().1,
        shared::testing::jpeg(b"front-image-bytes")
    );
    assert!(app.uploads.serve_get(key, "expires=1&signature=x").is_err());
    assert_eq!(d["wallet"]["balance"], 0);
    assert_eq!(d["risk"], Value::Null);
    assert_eq!(d["devices"][0]["has_push_token"], true);
    assert_eq!(d["sessions"].as_array().unwrap().len(), 1);
    let text = d.to_string();
    for secret in [
        "push-secret",
        "234567890124",
        &user.access_token,
        &user.refresh_token,
    ] {
        assert!(!text.contains(secret), "the detail leaks {secret}");
    }
}

#[tokio::test]
async fn an_unknown_user_is_404() {
    let (app, admin, _) = setup().await;
    for id in ["00000000-0000-4000-8000-000000000000", "not-a-uuid"] {
        let r = app.get_as(&format!("/v1/admin/users/{id}"), &admin).await;
        assert_error(&r, 404, "NOT_FOUND");
    }
}
