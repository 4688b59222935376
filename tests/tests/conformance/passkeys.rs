//! `PasskeyStore`: ceremonies taken once, passkeys unique per credential and capped per
//! account (also under races), counters moved only from the value read, removal with its
//! audit record, and account deletion taking the passkeys and their claims with it.

use super::fixtures::*;
use shared::domain::{
    AddPasskeyDenied, AuditAction, AuditRecord, Ceremony, CeremonyKind, Passkey, PasskeyId,
    PasskeyUse,
};
use shared::store::{AuditQuery, Stores};
use shared::testing::uid;

fn ceremony(kind: CeremonyKind) -> Ceremony {
    Ceremony {
        kind,
        user_id: Some(uid("u1")),
        state: "{\"challenge\":\"c\"}".into(),
        expires_at_ms: T0 + 300_000,
    }
}

fn passkey(user: &str, credential: &str, at: i64) -> Passkey {
    Passkey {
        passkey_id: PasskeyId::generate(),
        user_id: uid(user),
        name: "Passkey".into(),
        credential_id: credential.into(),
        user_handle: "aGFuZGxl".into(),
        credential: "{}".into(),
        counter: 0,
        backed_up: true,
        transports: vec!["internal".into()],
        created_at_ms: at,
        last_used_at_ms: None,
    }
}

async fn ceremonies_are_taken_once(s: Stores) {
    let c = ceremony(CeremonyKind::UserRegister);
    s.passkeys.put_ceremony("h1", &c).await.unwrap();
    assert_eq!(s.passkeys.take_ceremony("h1").await.unwrap(), Some(c));
    assert_eq!(s.passkeys.take_ceremony("h1").await.unwrap(), None);
    assert_eq!(s.passkeys.take_ceremony("unknown").await.unwrap(), None);
}

async fn racing_takes_of_one_ceremony_one_wins(s: Stores) {
    s.passkeys
        .put_ceremony("h1", &ceremony(CeremonyKind::UserSignIn))
        .await
        .unwrap();
    let taken = race(10, |_| {
        let s = s.clone();
        async move { s.passkeys.take_ceremony("h1").await.unwrap().is_some() }
    })
    .await;
    assert_eq!(taken.iter().filter(|t| **t).count(), 1);
}

async fn ceremony_starts_are_counted_per_ip_and_hour(s: Stores) {
    let spend = |ip: &'static str, hour: i64| {
        let s = s.clone();
        async move {
            s.passkeys
                .spend_ceremony_start(ip, hour, 2, T0)
                .await
                .unwrap()
        }
    };
    assert!(spend("1.1.1.1", 7).await && spend("1.1.1.1", 7).await);
    assert!(!spend("1.1.1.1", 7).await);
    assert!(spend("1.1.1.1", 8).await && spend("2.2.2.2", 7).await);
}

async fn passkeys_are_added_listed_and_found_by_credential(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let (a, b) = (passkey("u1", "cred-a", T0 + 1), passkey("u1", "cred-b", T0));
    for p in [&a, &b] {
        assert_eq!(s.passkeys.add_passkey(p, 10).await.unwrap(), Ok(()));
    }
    assert_eq!(
        s.passkeys.list_passkeys(&uid("u1")).await.unwrap(),
        [b.clone(), a.clone()]
    );
    let found = s.passkeys.passkey_by_credential("cred-a").await.unwrap();
    assert_eq!(found, Some(a));
    assert_eq!(
        s.passkeys.passkey_by_credential("nope").await.unwrap(),
        None
    );
}

async fn a_credential_belongs_to_one_account_and_gone_accounts_get_none(s: Stores) {
    make_users(&s, &["u1", "u2"]).await;
    let add = |p: Passkey| {
        let s = s.clone();
        async move { s.passkeys.add_passkey(&p, 10).await.unwrap() }
    };
    assert_eq!(add(passkey("u1", "cred", T0)).await, Ok(()));
    assert_eq!(
        add(passkey("u2", "cred", T0)).await,
        Err(AddPasskeyDenied::Exists)
    );
    assert_eq!(
        add(passkey("ghost", "other", T0)).await,
        Err(AddPasskeyDenied::NoAccount)
    );
    assert!(s.users.begin_deletion(&uid("u2"), T0).await.unwrap());
    assert_eq!(
        add(passkey("u2", "other", T0)).await,
        Err(AddPasskeyDenied::NoAccount)
    );
    assert!(
        s.passkeys
            .list_passkeys(&uid("u2"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn parallel_adds_keep_the_cap(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let results = race(12, |i| {
        let s = s.clone();
        async move {
            let p = passkey("u1", &format!("cred-{i}"), T0 + i as i64);
            s.passkeys.add_passkey(&p, 3).await.unwrap()
        }
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    assert!(
        results
            .iter()
            .all(|r| *r == Ok(()) || *r == Err(AddPasskeyDenied::Limit))
    );
    assert_eq!(s.passkeys.list_passkeys(&uid("u1")).await.unwrap().len(), 3);
}

async fn a_use_moves_the_counter_only_from_the_value_read(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let p = passkey("u1", "cred", T0);
    s.passkeys.add_passkey(&p, 10).await.unwrap().unwrap();
    let used = |was: u32, now: u32| PasskeyUse {
        user_id: uid("u1"),
        passkey_id: p.passkey_id.clone(),
        counter_was: was,
        counter: now,
        backed_up: false,
        at_ms: T0 + 9,
    };
    let results = race(6, |_| {
        let (s, u) = (s.clone(), used(0, 5));
        async move { s.passkeys.record_passkey_use(&u).await.unwrap() }
    })
    .await;
    assert_eq!(results.iter().filter(|r| **r).count(), 1);
    assert!(!s.passkeys.record_passkey_use(&used(0, 6)).await.unwrap());
    let stored = s
        .passkeys
        .passkey_by_credential("cred")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.counter, stored.backed_up, stored.last_used_at_ms),
        (5, false, Some(T0 + 9))
    );
}

async fn removal_frees_the_credential_and_its_slot_with_its_audit(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let p = passkey("u1", "cred", T0);
    s.passkeys.add_passkey(&p, 1).await.unwrap().unwrap();
    let audit = AuditRecord {
        audit_id: uuid::Uuid::now_v7().to_string(),
        at_ms: T0,
        admin_id: uid("u1"),
        action: AuditAction::PasskeyRemoved,
        target_user_id: uid("u1"),
        before: serde_json::json!({"passkey_id": p.passkey_id, "name": "Passkey"}),
        after: serde_json::Value::Null,
    };
    let u1 = uid("u1");
    let removed = s.passkeys.remove_passkey(&u1, &p.passkey_id, Some(&audit));
    assert_eq!(removed.await.unwrap(), Some(p.clone()));
    let again = s.passkeys.remove_passkey(&u1, &p.passkey_id, None);
    assert_eq!(again.await.unwrap(), None);
    assert_eq!(
        s.passkeys.passkey_by_credential("cred").await.unwrap(),
        None
    );
    let query = AuditQuery {
        target: Some("u1"),
        from: None,
        before: None,
    };
    let trail = s.admin.list_audit(query, 10).await;
    assert_eq!(trail.unwrap(), [audit]);
    let back = passkey("u1", "cred", T0 + 1);
    assert_eq!(s.passkeys.add_passkey(&back, 1).await.unwrap(), Ok(()));
}

async fn account_deletion_removes_passkeys_and_claims(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    s.passkeys
        .add_passkey(&passkey("u1", "cred", T0), 10)
        .await
        .unwrap()
        .unwrap();
    s.users
        .delete_user(&user("u1", "+91a"), "ref", T0)
        .await
        .unwrap();
    assert_eq!(
        s.passkeys.passkey_by_credential("cred").await.unwrap(),
        None
    );
    assert!(
        s.passkeys
            .list_passkeys(&uid("u1"))
            .await
            .unwrap()
            .is_empty()
    );
    make_user(&s, "u2", "+91b").await;
    let reused = s.passkeys.add_passkey(&passkey("u2", "cred", T0), 10).await;
    assert_eq!(reused.unwrap(), Ok(()));
}

integration_tests::on_both_stores!(
    ceremonies_are_taken_once,
    racing_takes_of_one_ceremony_one_wins,
    ceremony_starts_are_counted_per_ip_and_hour,
    passkeys_are_added_listed_and_found_by_credential,
    a_credential_belongs_to_one_account_and_gone_accounts_get_none,
    parallel_adds_keep_the_cap,
    a_use_moves_the_counter_only_from_the_value_read,
    removal_frees_the_credential_and_its_slot_with_its_audit,
    account_deletion_removes_passkeys_and_claims,
);
