//! `PoolStore`: a user's lists page by key, newest first; the cap on open pools owned holds
//! under racing creations.

use super::fixtures::*;
use shared::domain::{CreatePoolDenied, OpenPoolCap};
use shared::store::Stores;
use shared::testing::{pid, uid};

fn cap(max_open: u32, today: &str) -> OpenPoolCap {
    OpenPoolCap {
        max_open,
        today: today.into(),
    }
}

async fn lists_page_newest_first(s: Stores) {
    make_users(&s, &["pager"]).await;
    for i in 0..7i64 {
        let mut p = pool(&format!("f000000{i}"), "pager", 5);
        p.created_at_ms = T0 + i * 1_000;
        assert!(create(&s, &p).await);
        s.pools
            .join_pool(&p.pool_id, &uid("pager"), T0 + (7 - i) * 1_000, TODAY)
            .await
            .unwrap()
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = s
            .pools
            .pools_owned(&uid("pager"), before.as_deref(), 3)
            .await
            .unwrap();
        assert!(page.len() <= 3);
        seen.extend(page.iter().map(|l| l.pool.pool_id.to_string()));
        match page.last() {
            Some(l) if page.len() == 3 => before = Some(l.position.clone()),
            _ => break,
        }
    }
    let newest_first: Vec<String> = (0..7).rev().map(|i| format!("f000000{i}")).collect();
    assert_eq!(seen, newest_first, "owned: by creation, every pool once");
    let joined = s.pools.pools_joined(&uid("pager"), None, 2).await.unwrap();
    let ids: Vec<&str> = joined.iter().map(|l| l.pool.pool_id.as_str()).collect();
    assert_eq!(
        ids,
        ["f0000000", "f0000001"],
        "joined: most recent join first"
    );
    let rest = s
        .pools
        .pools_joined(&uid("pager"), Some(&joined[1].position), 100)
        .await
        .unwrap();
    assert_eq!(rest.len(), 5, "the page after the cursor, without it");
    assert!(rest.iter().all(|l| l.position < joined[1].position));
}

async fn open_pools_owned_are_capped(s: Stores) {
    let mut closed = pool("a1000000", "capper", 5);
    closed.deadline = "2026-11-21".into();
    assert_eq!(
        s.pools
            .create_pool(&closed, &cap(2, "2026-11-20"))
            .await
            .unwrap(),
        Ok(())
    );
    for id in ["a1000001", "a1000002"] {
        let r = s
            .pools
            .create_pool(&pool(id, "capper", 5), &cap(2, TODAY))
            .await;
        assert_eq!(r.unwrap(), Ok(()), "a closed pool does not count: {id}");
    }
    let third = s
        .pools
        .create_pool(&pool("a1000003", "capper", 5), &cap(2, TODAY))
        .await
        .unwrap();
    assert_eq!(third, Err(CreatePoolDenied::Limit));
    assert!(s.pools.get_pool(&pid("a1000003")).await.unwrap().is_none());
    assert_eq!(
        s.pools
            .create_pool(&pool("a1000001", "other", 5), &cap(2, TODAY))
            .await
            .unwrap(),
        Err(CreatePoolDenied::IdTaken)
    );
    // Racing creations: exactly the cap's worth land.
    let outcomes = race(10, |i| {
        let s = s.clone();
        async move {
            let p = pool(&format!("b20000{i:02}"), "racer", 5);
            s.pools.create_pool(&p, &cap(4, TODAY)).await.unwrap()
        }
    })
    .await;
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 4);
    assert!(
        outcomes
            .iter()
            .filter(|o| o.is_err())
            .all(|o| *o == Err(CreatePoolDenied::Limit))
    );
    let owned = s.pools.pools_owned(&uid("racer"), None, 100).await.unwrap();
    assert_eq!(owned.len(), 4);
}

integration_tests::on_both_stores!(lists_page_newest_first, open_pools_owned_are_capped);
