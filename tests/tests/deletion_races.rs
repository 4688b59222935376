//! An account's deletion racing its own pool joins, through the auth and pools routers on both
//! stores: however the requests interleave, a deleted account holds no seat afterwards.

use axum::http::{Method, StatusCode};
use serde_json::json;
use shared::store::Stores;
use shared::testing::{TestApp, assert_ok, pid, race};
use std::sync::Arc;

/// Pools the victim tries to join while its deletion runs.
const POOLS: usize = 24;
/// Independent trials, each with a fresh victim.
const TRIALS: usize = 3;
/// Concurrent clients of the victim joining and leaving.
const JOINERS: usize = 8;
/// A bound on each joiner's requests (it stops at its first 401).
const MAX_ROUNDS: usize = 400;

fn app(stores: Stores) -> Arc<TestApp> {
    let (auth, _) = auth_fn::routes();
    let (pools, _) = pools_fn::routes();
    Arc::new(TestApp::new(
        stores,
        auth.merge(pools),
        &[
            ("OTP_MAX_PER_IP_HOUR", "1000"),
            ("POOLS_MAX_OPEN_OWNED", "1000"),
        ],
    ))
}

/// `POOLS * TRIALS` open pools of one owner; their ids.
async fn make_pools(app: &TestApp) -> Vec<String> {
    let owner = app.signed_in("+919816400001").await;
    let mut pool_ids = Vec::new();
    for i in 0..POOLS * TRIALS {
        let body = json!({"name": format!("Pool {i}"), "contribution_amount": 100,
            "deadline": "2026-12-01", "pool_type": "WEEKLY", "total_members": 10});
        let r = app
            .as_user(Method::POST, "/v1/pools", Some(body), &owner.access_token)
            .await;
        pool_ids.push(
            assert_ok(&r, 201)["pool"]["pool_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    pool_ids
}

/// No pool of `pools` lists or counts the deleted `victim`.
async fn no_seat_left(app: &TestApp, pools: &[String], victim: &str, trial: usize) {
    for id in pools {
        let pool = app
            .stores()
            .pools
            .get_pool(&pid(id))
            .await
            .unwrap()
            .unwrap();
        let members = app.stores().pools.pool_members(&pid(id)).await.unwrap();
        assert!(
            members.iter().all(|m| m.user_id != victim),
            "trial {trial}: pool {id} still lists the deleted user"
        );
        assert_eq!(
            pool.joined_members, 0,
            "trial {trial}: pool {id} counts a seat for the deleted user"
        );
    }
}

async fn joins_racing_a_deletion_leave_no_seat(app: Arc<TestApp>) {
    let pool_ids = make_pools(&app).await;
    for trial in 0..TRIALS {
        let phone = format!("98164{:05}", 10 + trial);
        let token = app.verification_token(&phone).await;
        let victim = app.signed_in(&format!("+91{phone}")).await;
        let pools: Vec<String> = pool_ids[trial * POOLS..(trial + 1) * POOLS].to_vec();
        // Joiners take and give back seats in a loop until the account is gone (401), so
        // joins keep landing during every step of the deletion.
        let deleted = race(JOINERS + 1, |i| {
            let (app, pools, token) = (app.clone(), pools.clone(), token.clone());
            let bearer = victim.access_token.clone();
            async move {
                if i == JOINERS {
                    tokio::task::yield_now().await;
                    let body = json!({"verification_token": token});
                    let r = app
                        .as_user(Method::DELETE, "/v1/auth/account", Some(body), &bearer)
                        .await;
                    return Some(r.status);
                }
                for round in 0..MAX_ROUNDS {
                    let pool = &pools[(i + round * JOINERS) % POOLS];
                    let act = if round % 2 == 0 { "join" } else { "leave" };
                    let path = format!("/v1/pools/{pool}/{act}");
                    let r = app.as_user(Method::POST, &path, None, &bearer).await;
                    if r.status == StatusCode::UNAUTHORIZED {
                        break;
                    }
                }
                None
            }
        })
        .await;
        assert!(
            deleted.contains(&Some(StatusCode::OK)),
            "trial {trial}: the deletion succeeded"
        );
        no_seat_left(&app, &pools, &victim.user_id, trial).await;
    }
}

mod memory_store {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn joins_racing_a_deletion_leave_no_seat() {
        super::joins_racing_a_deletion_leave_no_seat(super::app(integration_tests::memory())).await
    }
}

mod dynamodb_store {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn joins_racing_a_deletion_leave_no_seat() {
        if let Some(s) = integration_tests::dynamo().await {
            super::joins_racing_a_deletion_leave_no_seat(super::app(s)).await
        }
    }
}
