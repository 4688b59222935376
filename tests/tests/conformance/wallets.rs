//! `WalletStore`: atomic adjustments with their ledger entries, idempotency, never below zero,
//! paging, and what account deletion does with money left.

use super::fixtures::*;
use shared::domain::{AdjustDenied, Adjusted, WalletAdjustment};
use shared::store::Stores;
use shared::testing::uid;

fn adj(uid: &str, key: &str, amount: i64, points: i64) -> WalletAdjustment {
    WalletAdjustment {
        user_id: uid.into(),
        idempotency_key: key.into(),
        fingerprint: format!("{amount}/{points}"),
        amount,
        points,
        reason: format!("r-{key}"),
        transaction_id: format!("t-{key}"),
        actor: Some("admin".into()),
        now_ms: T0,
        audit: None,
    }
}

async fn adjust(s: &Stores, a: &WalletAdjustment) -> Result<Adjusted, AdjustDenied> {
    s.wallets.adjust_wallet(a).await.unwrap()
}

async fn adjustments_move_balance_and_ledger(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 0);
    let a = adjust(&s, &adj("u1", "k1", 500, 5)).await.unwrap();
    assert_eq!(
        (a.wallet.balance, a.wallet.points, a.entry.seq),
        (500, 5, 1)
    );
    let b = adjust(&s, &adj("u1", "k2", -200, 0)).await.unwrap();
    assert_eq!((b.entry.balance_after, b.entry.points_after), (300, 5));
    assert_eq!(
        adjust(&s, &adj("u1", "k3", -301, 0)).await,
        Err(AdjustDenied::InsufficientFunds)
    );
    assert_eq!(
        adjust(&s, &adj("u1", "k4", 0, -6)).await,
        Err(AdjustDenied::InsufficientFunds)
    );
    assert_eq!(
        adjust(&s, &adj("ghost", "k1", 5, 0)).await,
        Err(AdjustDenied::NoUser)
    );
    let w = s.wallets.get_wallet(&uid("u1")).await.unwrap();
    assert_eq!(
        (w.balance, w.points, w.seq, w.updated_at_ms),
        (300, 5, 2, Some(T0))
    );
    let ledger = s.wallets.list_ledger(&uid("u1"), None, 10).await.unwrap();
    let ids: Vec<&str> = ledger.iter().map(|e| e.transaction_id.as_str()).collect();
    assert_eq!(
        ids,
        ["t-k2", "t-k1"],
        "newest first; refused ones left nothing"
    );
    assert_eq!(ledger[0].actor.as_deref(), Some("admin"));
    assert!(
        s.wallets
            .list_ledger(&uid("ghost"), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_key_applies_once(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let first = adjust(&s, &adj("u1", "k", 100, 0)).await.unwrap();
    adjust(&s, &adj("u1", "other", 1, 0)).await.unwrap();
    let again = adjust(&s, &adj("u1", "k", 100, 0)).await.unwrap();
    assert_eq!(again, first, "the first result, replayed");
    assert_eq!(
        adjust(&s, &adj("u1", "k", 999, 0)).await,
        Err(AdjustDenied::KeyReused)
    );
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 101);
}

async fn ledger_pages_by_number(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    for i in 0..7 {
        s.wallets
            .adjust_wallet(&adj("u1", &format!("k{i}"), 10, 0))
            .await
            .unwrap()
            .unwrap();
    }
    let seqs = |v: Vec<shared::domain::LedgerEntry>| v.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(s.wallets.list_ledger(&uid("u1"), None, 3).await.unwrap()),
        [7, 6, 5]
    );
    assert_eq!(
        seqs(s.wallets.list_ledger(&uid("u1"), Some(5), 3).await.unwrap()),
        [4, 3, 2]
    );
    assert_eq!(
        seqs(s.wallets.list_ledger(&uid("u1"), Some(2), 3).await.unwrap()),
        [1]
    );
    assert!(
        s.wallets
            .list_ledger(&uid("u1"), Some(1), 3)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.wallets
            .list_ledger(&uid("u1"), Some(0), 3)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn distinct_keys_in_parallel_sum_exactly(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let results = race(20, |i| {
        let s = s.clone();
        async move {
            s.wallets
                .adjust_wallet(&adj("u1", &format!("k{i}"), i as i64 + 1, 1))
                .await
                .unwrap()
        }
    })
    .await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    let w = s.wallets.get_wallet(&uid("u1")).await.unwrap();
    assert_eq!((w.balance, w.points, w.seq), (210, 20, 20));
    let ledger = s.wallets.list_ledger(&uid("u1"), None, 100).await.unwrap();
    assert_eq!(ledger.len(), 20);
    assert_eq!(ledger.iter().map(|e| e.amount).sum::<i64>(), 210);
    assert_eq!(
        ledger[0].balance_after, 210,
        "the newest entry shows the final balance"
    );
}

async fn one_key_in_parallel_applies_once(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let results = race(20, |_| {
        let s = s.clone();
        async move { adjust(&s, &adj("u1", "same", 70, 2)).await }
    })
    .await;
    let first = results[0].clone().unwrap();
    assert!(
        results.iter().all(|r| *r == Ok(first.clone())),
        "{results:?}"
    );
    let w = s.wallets.get_wallet(&uid("u1")).await.unwrap();
    assert_eq!((w.balance, w.points, w.seq), (70, 2, 1));
    assert_eq!(
        s.wallets
            .list_ledger(&uid("u1"), None, 100)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn parallel_debits_never_overdraw(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    adjust(&s, &adj("u1", "seed", 500, 0)).await.unwrap();
    let results = race(12, |i| {
        let s = s.clone();
        async move {
            s.wallets
                .adjust_wallet(&adj("u1", &format!("d{i}"), -100, 0))
                .await
                .unwrap()
        }
    })
    .await;
    let applied = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(applied, 5, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|r| r.is_err())
            .all(|r| *r == Err(AdjustDenied::InsufficientFunds))
    );
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 0);
}

async fn deletion_keeps_money_left_as_a_closing_record(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    make_user(&s, "u2", "+91b").await;
    adjust(&s, &adj("u1", "k", 250, 3)).await.unwrap();
    let closed = s
        .users
        .delete_user(&user("u1", "+91a"), "phone-ref", T0 + 9)
        .await
        .unwrap();
    let closed = closed.expect("a closing record");
    assert_eq!(
        (closed.balance, closed.points, closed.closed_at_ms),
        (250, 3, T0 + 9)
    );
    assert_eq!(closed.phone_ref, "phone-ref");
    assert_eq!(
        s.wallets.closed_wallet(&uid("u1")).await.unwrap(),
        Some(closed)
    );
    assert!(
        s.wallets
            .list_ledger(&uid("u1"), None, 10)
            .await
            .unwrap()
            .is_empty(),
        "ledger gone"
    );
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 0);
    assert_eq!(
        adjust(&s, &adj("u1", "late", 5, 0)).await,
        Err(AdjustDenied::NoUser),
        "no wallet comes back for a deleted account"
    );
    // An empty wallet leaves nothing behind.
    assert_eq!(
        s.users
            .delete_user(&user("u2", "+91b"), "r", T0)
            .await
            .unwrap(),
        None
    );
    assert_eq!(s.wallets.closed_wallet(&uid("u2")).await.unwrap(), None);
}

integration_tests::on_both_stores!(
    adjustments_move_balance_and_ledger,
    a_key_applies_once,
    ledger_pages_by_number,
    distinct_keys_in_parallel_sum_exactly,
    one_key_in_parallel_applies_once,
    parallel_debits_never_overdraw,
    deletion_keeps_money_left_as_a_closing_record,
);
