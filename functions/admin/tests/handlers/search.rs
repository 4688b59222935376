//! Finding users (by phone in any spelling, by id), the KYC review queue, balances in the
//! list, replayed adjustments, and the audit trail's filters and names.

use super::*;

fn ids(r: &TestResponse) -> Vec<String> {
    assert_ok(r, 200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_user_is_found_by_phone_in_any_spelling_or_by_id() {
    let (app, admin, user) = setup().await;
    for phone in [
        "9816456591",
        "%2B919816456591",
        "98164%2056591",
        "%2B91%2098164%2056591",
        "98164+56591",
        "+919816456591",
    ] {
        let r = app
            .get_as(&format!("/v1/admin/users?phone={phone}"), &admin)
            .await;
        assert_eq!(ids(&r), [user.user_id.as_str()], "{phone}");
    }
    let r = app.get_as("/v1/admin/users?phone=9816456599", &admin).await;
    assert!(ids(&r).is_empty(), "nobody has it");
    let r = app
        .get_as(&format!("/v1/admin/users?user_id={}", user.user_id), &admin)
        .await;
    assert_eq!(ids(&r), [user.user_id.as_str()]);
    assert_eq!(assert_ok(&r, 200)["items"][0]["balance"], 0);
    for (query, field) in [
        ("phone=12", "phone"),
        ("user_id=nope", "user_id"),
        ("phone=9816456591&status=ACTIVE", "phone"),
        ("status=ACTIVE&kyc_status=PENDING", "kyc_status"),
        ("kyc_status=NOT_SUBMITTED", "kyc_status"),
        ("order=sideways", "order"),
    ] {
        let r = app
            .get_as(&format!("/v1/admin/users?{query}"), &admin)
            .await;
        shared::testing::assert_invalid(&r, field);
    }
}

#[tokio::test]
async fn pending_kyc_is_a_queue_oldest_submission_first() {
    let (app, admin, first) = setup().await;
    let second = app.signed_in("+919816456592").await;
    let third = app.signed_in("+919816456593").await;
    for u in [&second, &first, &third] {
        submit_kyc(&app, u, "2345 6789 0124").await;
        app.clock.advance(chrono::Duration::seconds(5));
    }
    let queue = app
        .get_as("/v1/admin/users?kyc_status=PENDING&limit=2", &admin)
        .await;
    assert_eq!(
        ids(&queue),
        [second.user_id.as_str(), first.user_id.as_str()]
    );
    let cursor = queue.data()["next_cursor"].as_str().unwrap().to_string();
    let path = format!("/v1/admin/users?kyc_status=PENDING&limit=2&cursor={cursor}");
    assert_eq!(
        ids(&app.get_as(&path, &admin).await),
        [third.user_id.as_str()]
    );
    let newest = app
        .get_as("/v1/admin/users?kyc_status=PENDING&order=newest", &admin)
        .await;
    assert_eq!(ids(&newest)[0], third.user_id);
    let review = json!({"decision": "VERIFIED"});
    let r = send(
        &app,
        &admin,
        Method::POST,
        &user_path(&second, "/kyc/review"),
        review,
    )
    .await;
    assert_ok(&r, 200);
    let queue = app
        .get_as("/v1/admin/users?kyc_status=PENDING", &admin)
        .await;
    assert_eq!(
        ids(&queue),
        [first.user_id.as_str(), third.user_id.as_str()]
    );
    let done = app
        .get_as("/v1/admin/users?kyc_status=VERIFIED", &admin)
        .await;
    assert_eq!(ids(&done), [second.user_id.as_str()]);
}

#[tokio::test]
async fn a_replayed_adjustment_says_so_and_lists_show_balances() {
    let (app, admin, user) = setup().await;
    let body = json!({"amount": 12345, "reason": "refund", "idempotency_key": "key-00000042"});
    let path = user_path(&user, "/wallet/adjust");
    let first = send(&app, &admin, Method::POST, &path, body.clone()).await;
    assert_eq!(first.headers["idempotent-replayed"], "false");
    let again = send(&app, &admin, Method::POST, &path, body).await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(assert_ok(&again, 200)["wallet"]["balance"], 12345);
    let list = app.get_as("/v1/admin/users?status=ACTIVE", &admin).await;
    let row = assert_ok(&list, 200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_id"] == user.user_id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["balance"], 12345);
}

#[tokio::test]
async fn the_trail_filters_by_action_and_day_and_names_people() {
    let (app, admin, user) = setup().await;
    let adjust = json!({"amount": 100, "reason": "goodwill", "idempotency_key": "key-00000001"});
    send(
        &app,
        &admin,
        Method::POST,
        &user_path(&user, "/wallet/adjust"),
        adjust,
    )
    .await;
    let suspend = json!({"status": "SUSPENDED"});
    send(&app, &admin, Method::PATCH, &user_path(&user, ""), suspend).await;
    let r = app
        .get_as("/v1/admin/audit?action=wallet.adjust", &admin)
        .await;
    let items = assert_ok(&r, 200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["action"], "wallet.adjust");
    assert!(items[0]["admin_name"].is_string() && items[0]["target_name"].is_string());
    let today = shared::clock::Clock::now(&*app.clock).date_naive();
    let count = |r: &TestResponse| assert_ok(r, 200)["items"].as_array().unwrap().len();
    let day = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        format!("/v1/admin/audit?from={from}&to={to}")
    };
    assert_eq!(count(&app.get_as(&day(today, today), &admin).await), 2);
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    assert_eq!(
        count(&app.get_as(&day(yesterday, yesterday), &admin).await),
        0
    );
    assert_eq!(
        count(&app.get_as(&day(tomorrow, tomorrow), &admin).await),
        0
    );
    for (query, field) in [
        ("action=user.delete", "action"),
        ("from=2026-13-01", "from"),
        ("from=2026-05-02&to=2026-05-01", "from"),
    ] {
        let r = app
            .get_as(&format!("/v1/admin/audit?{query}"), &admin)
            .await;
        shared::testing::assert_invalid(&r, field);
    }
}

#[tokio::test]
async fn changes_of_one_millisecond_stay_in_order() {
    let (app, admin, user) = setup().await;
    // The fake clock stands still: every record has the same time; the ids keep the order.
    for i in 0..6 {
        let key = format!("key-0000100{i}");
        let body = json!({"amount": 1, "reason": "tick", "idempotency_key": key});
        send(
            &app,
            &admin,
            Method::POST,
            &user_path(&user, "/wallet/adjust"),
            body,
        )
        .await;
    }
    let r = app
        .get_as(&format!("/v1/admin/audit?user_id={}", user.user_id), &admin)
        .await;
    let balances: Vec<i64> = assert_ok(&r, 200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["after"]["balance"].as_i64().unwrap())
        .collect();
    assert_eq!(balances, [6, 5, 4, 3, 2, 1], "newest first");
}
