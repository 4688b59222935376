use super::*;

fn answers() -> Value {
    json!({"job_age": "gt_5", "family": "1", "age": "26_35", "saving_money": "gt_25", "loans": "none", "living": "own"})
}

#[tokio::test]
async fn risk_score_follows_the_table_and_lands_on_the_user() {
    let (app, u) = app_and_user().await;
    let r = send(&app, &u, Method::POST, "/v1/users/risk-score", answers()).await;
    let d = assert_ok(&r, 200).clone();
    assert_eq!(d["score"], 100);
    assert_eq!(d["band"], "LOW");
    assert_eq!(d["factors"].as_array().unwrap().len(), 6);
    assert_eq!(
        d["factors"][0],
        json!({"field": "job_age", "answer": "gt_5", "points": 20})
    );
    let body = json!({"job_age": "lt_1", "family": "gt_5", "age": "gt_50", "saving_money": "none", "loans": "gt_3", "living": "other"});
    let d = assert_ok(
        &send(&app, &u, Method::POST, "/v1/users/risk-score", body).await,
        200,
    )
    .clone();
    assert_eq!(
        (d["score"].as_u64(), d["band"].as_str()),
        (Some(5 + 4 + 6 + 3), Some("HIGH"))
    );
    let stored = app
        .stores()
        .users
        .get_user(&u.user_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.risk_band, Some(shared::domain::RiskBand::High));
    assert_eq!(stored.risk.unwrap().score, 18);
}

#[tokio::test]
async fn any_other_answer_is_refused_naming_it() {
    let (app, u) = app_and_user().await;
    for field in [
        "job_age",
        "family",
        "age",
        "saving_money",
        "loans",
        "living",
    ] {
        let mut body = answers();
        body[field] = json!("lots");
        assert_invalid(
            &send(&app, &u, Method::POST, "/v1/users/risk-score", body).await,
            field,
        );
        let mut body = answers();
        body.as_object_mut().unwrap().remove(field);
        assert_invalid(
            &send(&app, &u, Method::POST, "/v1/users/risk-score", body).await,
            field,
        );
    }
    let stored = app
        .stores()
        .users
        .get_user(&u.user_id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.risk.is_none(), "nothing was stored");
}

#[tokio::test]
async fn usage_stats_count_real_records() {
    let (app, u) = app_and_user().await;
    let record = app.stores().users.get_user(&u.user_id).await.unwrap();
    app.auth()
        .start_session(&record.unwrap(), None)
        .await
        .unwrap();
    let device = shared::domain::Device {
        device_id: "d1".into(),
        platform: shared::domain::Platform::Android,
        push_token: None,
        app_version: None,
        os_version: None,
        device_name: None,
    };
    app.stores()
        .devices
        .put_device(&u.user_id, &device, 0, 20)
        .await
        .unwrap();
    let pools = &app.stores().pools;
    let pool = shared::domain::Pool {
        pool_id: "0000beef".into(),
        name: "P".into(),
        owner_id: u.user_id.clone(),
        contribution_amount: 100,
        currency: "INR".into(),
        total_members: 3,
        joined_members: 0,
        deadline: "2026-12-31".into(),
        pool_type: shared::domain::PoolType::Monthly,
        created_at_ms: 0,
    };
    let cap = shared::domain::OpenPoolCap {
        max_open: 5,
        today: "2026-11-22".into(),
    };
    assert_eq!(pools.create_pool(&pool, &cap).await.unwrap(), Ok(()));
    pools
        .join_pool(&PoolId::new("0000beef"), &u.user_id, 1, "2026-11-22")
        .await
        .unwrap()
        .unwrap();
    let r = app.get_as("/v1/users/analytics/usage-stats", &u).await;
    let d = assert_ok(&r, 200).clone();
    assert_eq!(d["login_count"], 2, "the fixture's sign-in and one more");
    assert!(d["last_login_at"].is_string());
    assert_eq!(d["active_sessions"], 2);
    assert_eq!(d["devices"], 1);
    assert_eq!(d["pools_owned"], 1);
    assert_eq!(d["pools_joined"], 1);
    assert_eq!(d["member_since"], "2026-11-22T10:00:00.000Z");
}
