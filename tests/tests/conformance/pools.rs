//! `PoolStore`: pools, seats and both sides of membership.

use super::fixtures::*;
use shared::domain::{JoinDenied, LeaveDenied};
use shared::store::Stores;
use shared::testing::{pid, uid};

async fn pools_lifecycle(s: Stores) {
    make_users(&s, &["u1", "u2", "u3"]).await;
    joins_fill_seats_in_order(&s).await;
    leaves_give_seats_back(&s).await;
    both_sides_list_by_key(&s).await;
    deletion_gives_back_every_seat(&s).await;
}

async fn joins_fill_seats_in_order(s: &Stores) {
    assert!(create(s, &pool("aaaa0001", "o", 2)).await);
    assert!(
        !create(s, &pool("aaaa0001", "x", 5)).await,
        "ids never collide"
    );
    assert_eq!(
        s.pools
            .get_pool(&pid("aaaa0001"))
            .await
            .unwrap()
            .unwrap()
            .owner_id,
        "o"
    );
    assert!(s.pools.get_pool(&pid("ffff0000")).await.unwrap().is_none());
    let p = s
        .pools
        .join_pool(&pid("aaaa0001"), &uid("u1"), T0, TODAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.joined_members, 1);
    assert_eq!(
        s.pools
            .join_pool(&pid("aaaa0001"), &uid("u1"), T0, TODAY)
            .await
            .unwrap(),
        Err(JoinDenied::AlreadyMember)
    );
    assert_eq!(
        s.pools
            .join_pool(&pid("aaaa0001"), &uid("u2"), T0, TODAY)
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        2
    );
    assert_eq!(
        s.pools
            .join_pool(&pid("aaaa0001"), &uid("u3"), T0, TODAY)
            .await
            .unwrap(),
        Err(JoinDenied::Full)
    );
    assert_eq!(
        s.pools
            .join_pool(&pid("aaaa0001"), &uid("u1"), T0, TODAY)
            .await
            .unwrap(),
        Err(JoinDenied::AlreadyMember)
    );
    joins_refused_when_missing_or_closed(s).await;
}

async fn joins_refused_when_missing_or_closed(s: &Stores) {
    assert_eq!(
        s.pools
            .join_pool(&pid("ffff0000"), &uid("u1"), T0, TODAY)
            .await
            .unwrap(),
        Err(JoinDenied::NotFound)
    );
    assert_eq!(
        s.pools
            .join_pool(&pid("aaaa0001"), &uid("u3"), T0, "2026-12-02")
            .await
            .unwrap(),
        Err(JoinDenied::Closed)
    );
    assert!(
        s.pools
            .is_member(&pid("aaaa0001"), &uid("u1"))
            .await
            .unwrap()
    );
    assert!(
        !s.pools
            .is_member(&pid("aaaa0001"), &uid("u3"))
            .await
            .unwrap()
    );
    let mut members: Vec<String> = s
        .pools
        .pool_members(&pid("aaaa0001"))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user_id.into_string())
        .collect();
    members.sort();
    assert_eq!(members, ["u1", "u2"]);
}

async fn leaves_give_seats_back(s: &Stores) {
    assert_eq!(
        s.pools
            .leave_pool(&pid("aaaa0001"), &uid("u3"), TODAY)
            .await
            .unwrap(),
        Err(LeaveDenied::NotFound)
    );
    assert_eq!(
        s.pools
            .leave_pool(&pid("ffff0000"), &uid("u1"), TODAY)
            .await
            .unwrap(),
        Err(LeaveDenied::NotFound)
    );
    assert_eq!(
        s.pools
            .leave_pool(&pid("aaaa0001"), &uid("u1"), "2026-12-02")
            .await
            .unwrap(),
        Err(LeaveDenied::Closed)
    );
    assert_eq!(
        s.pools
            .leave_pool(&pid("aaaa0001"), &uid("u1"), TODAY)
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        1
    );
    assert!(
        !s.pools
            .is_member(&pid("aaaa0001"), &uid("u1"))
            .await
            .unwrap()
    );
}

async fn both_sides_list_by_key(s: &Stores) {
    // Lists by key, both sides.
    create(s, &pool("aaaa0002", "o", 5)).await;
    s.pools
        .join_pool(&pid("aaaa0002"), &uid("u2"), T0, TODAY)
        .await
        .unwrap()
        .unwrap();
    let mut owned: Vec<String> = s
        .pools
        .pools_owned(&uid("o"), None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.pool.pool_id.into_string())
        .collect();
    owned.sort();
    assert_eq!(owned, ["aaaa0001", "aaaa0002"]);
    let mut joined: Vec<String> = s
        .pools
        .pools_joined(&uid("u2"), None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.pool.pool_id.into_string())
        .collect();
    joined.sort();
    assert_eq!(joined, ["aaaa0001", "aaaa0002"]);
    assert!(
        s.pools
            .pools_joined(&uid("u1"), None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.pools
            .pools_owned(&uid("u2"), None, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn deletion_gives_back_every_seat(s: &Stores) {
    // Account deletion: seats given back even in a closed pool; owned pools stay.
    let mut closed = pool("aaaa0003", "u2", 5);
    closed.deadline = "2026-11-22".into();
    create(s, &closed).await;
    s.pools
        .join_pool(&pid("aaaa0003"), &uid("u2"), T0, TODAY)
        .await
        .unwrap()
        .unwrap();
    s.pools.remove_user_from_pools(&uid("u2")).await.unwrap();
    for id in ["aaaa0001", "aaaa0002", "aaaa0003"] {
        assert_eq!(
            s.pools
                .get_pool(&pid(id))
                .await
                .unwrap()
                .unwrap()
                .joined_members,
            0,
            "{id}"
        );
        assert!(!s.pools.is_member(&pid(id), &uid("u2")).await.unwrap());
    }
    assert!(
        s.pools
            .pools_joined(&uid("u2"), None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.pools.get_pool(&pid("aaaa0003")).await.unwrap().is_some(),
        "owned pools stay"
    );
}

async fn pool_seat_races(s: Stores) {
    let racers: Vec<String> = (0..12).map(|i| format!("u{i}")).collect();
    let racers: Vec<&str> = racers.iter().map(String::as_str).collect();
    make_users(&s, &racers).await;
    make_users(&s, &["same", "w0", "w1", "w2", "w3"]).await;
    many_users_few_seats(&s).await;
    one_user_many_joins(&s).await;
    joins_and_leaves_interleaved(&s).await;
}

async fn many_users_few_seats(s: &Stores) {
    // Many users, few seats: exactly `total` win, the counter equals the member items.
    create(s, &pool("bbbb0001", "o", 3)).await;
    let outcomes = race(12, |i| {
        let s = s.clone();
        async move {
            s.pools
                .join_pool(&pid("bbbb0001"), &uid(&format!("u{i}")), T0, TODAY)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 3);
    assert!(
        outcomes
            .iter()
            .filter(|o| o.is_err())
            .all(|o| *o == Err(JoinDenied::Full))
    );
    assert_eq!(
        s.pools
            .get_pool(&pid("bbbb0001"))
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        3
    );
    assert_eq!(
        s.pools.pool_members(&pid("bbbb0001")).await.unwrap().len(),
        3
    );
}

async fn one_user_many_joins(s: &Stores) {
    // One user, many joins at once: counted once.
    create(s, &pool("bbbb0002", "o", 10)).await;
    let outcomes = race(10, |_| {
        let s = s.clone();
        async move {
            s.pools
                .join_pool(&pid("bbbb0002"), &uid("same"), T0, TODAY)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
    assert!(
        outcomes
            .iter()
            .filter(|o| o.is_err())
            .all(|o| *o == Err(JoinDenied::AlreadyMember))
    );
    assert_eq!(
        s.pools
            .get_pool(&pid("bbbb0002"))
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        1
    );
}

async fn joins_and_leaves_interleaved(s: &Stores) {
    // Join and leave interleaved: the counter never drifts from the member items.
    create(s, &pool("bbbb0003", "o", 4)).await;
    race(8, |i| {
        let s = s.clone();
        async move {
            let user = format!("w{}", i % 4);
            for _ in 0..4 {
                let _ = s
                    .pools
                    .join_pool(&pid("bbbb0003"), &uid(&user), T0, TODAY)
                    .await
                    .unwrap();
                let _ = s
                    .pools
                    .leave_pool(&pid("bbbb0003"), &uid(&user), TODAY)
                    .await
                    .unwrap();
            }
            if i < 4 {
                let _ = s
                    .pools
                    .join_pool(&pid("bbbb0003"), &uid(&user), T0, TODAY)
                    .await
                    .unwrap();
            }
        }
    })
    .await;
    let p = s.pools.get_pool(&pid("bbbb0003")).await.unwrap().unwrap();
    let members = s.pools.pool_members(&pid("bbbb0003")).await.unwrap().len() as u32;
    assert_eq!(p.joined_members, members, "counter equals member items");
    assert!(p.joined_members <= p.total_members);
}

async fn counts_of_a_users_pools(s: Stores) {
    use shared::store::PoolCounts;
    make_users(&s, &["u1"]).await;
    assert_eq!(
        s.pools.pool_counts(&uid("u1")).await.unwrap(),
        PoolCounts::default()
    );
    for id in ["cccc0001", "cccc0002"] {
        assert!(create(&s, &pool(id, "u1", 3)).await);
    }
    assert!(create(&s, &pool("cccc0003", "u2", 3)).await);
    for id in ["cccc0002", "cccc0003"] {
        s.pools
            .join_pool(&pid(id), &uid("u1"), T0, TODAY)
            .await
            .unwrap()
            .unwrap();
    }
    let counts = s.pools.pool_counts(&uid("u1")).await.unwrap();
    assert_eq!(
        counts,
        PoolCounts {
            owned: 2,
            joined: 2
        }
    );
    s.pools
        .leave_pool(&pid("cccc0003"), &uid("u1"), TODAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.pools.pool_counts(&uid("u1")).await.unwrap().joined, 1);
    assert_eq!(
        s.pools.pool_counts(&uid("u2")).await.unwrap(),
        PoolCounts {
            owned: 1,
            joined: 0
        }
    );
}

async fn only_active_accounts_take_seats(s: Stores) {
    use shared::domain::UserStatus;
    make_users(&s, &["ok", "gone", "off"]).await;
    create(&s, &pool("dddd0001", "o", 5)).await;
    let join = |user: &'static str| {
        let s = s.clone();
        async move {
            s.pools
                .join_pool(&pid("dddd0001"), &uid(user), T0, TODAY)
                .await
                .unwrap()
        }
    };
    assert!(join("ok").await.is_ok());
    assert_eq!(join("nobody").await, Err(JoinDenied::AccountInactive));
    assert!(s.users.begin_deletion(&uid("gone"), T0).await.unwrap());
    assert_eq!(join("gone").await, Err(JoinDenied::AccountInactive));
    assert!(
        s.users
            .set_user_status(&uid("off"), UserStatus::Suspended, 9)
            .await
            .unwrap()
    );
    assert_eq!(join("off").await, Err(JoinDenied::AccountInactive));
    assert!(!s.users.begin_deletion(&uid("nobody"), T0).await.unwrap());
    let p = s.pools.get_pool(&pid("dddd0001")).await.unwrap().unwrap();
    assert_eq!(p.joined_members, 1, "refused joins take no seat");
    assert_eq!(
        s.pools.pool_members(&pid("dddd0001")).await.unwrap().len(),
        1
    );
}

async fn joins_racing_a_deletion_mark(s: Stores) {
    // However the joins and the mark interleave, once the mark is set and the seats given
    // back, no pool counts the account.
    make_users(&s, &["victim"]).await;
    let ids: Vec<String> = (0..16).map(|i| format!("eeee{i:04}")).collect();
    for id in &ids {
        create(&s, &pool(id, "o", 5)).await;
    }
    race(ids.len() + 1, |i| {
        let (s, ids) = (s.clone(), ids.clone());
        async move {
            if i == ids.len() / 2 {
                assert!(s.users.begin_deletion(&uid("victim"), T0).await.unwrap());
                s.pools
                    .remove_user_from_pools(&uid("victim"))
                    .await
                    .unwrap();
            } else {
                let id = &ids[i.min(ids.len() - 1)];
                let _ = s
                    .pools
                    .join_pool(&pid(id), &uid("victim"), T0, TODAY)
                    .await
                    .unwrap();
            }
        }
    })
    .await;
    for id in &ids {
        let p = s.pools.get_pool(&pid(id)).await.unwrap().unwrap();
        assert_eq!(p.joined_members, 0, "{id}");
        assert!(
            !s.pools.is_member(&pid(id), &uid("victim")).await.unwrap(),
            "{id}"
        );
    }
    assert!(
        s.pools
            .pools_joined(&uid("victim"), None, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

integration_tests::on_both_stores!(
    pools_lifecycle,
    pool_seat_races,
    counts_of_a_users_pools,
    only_active_accounts_take_seats,
    joins_racing_a_deletion_mark,
);
