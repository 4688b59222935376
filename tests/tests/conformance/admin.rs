//! `AdminStore` and `AdminSessionStore`: the users list by index, access changes and KYC
//! reviews conditional on what was read and written with their audit record, the audit trail
//! by key or index, an admin's wallet adjustment audited once, and console sessions.

use super::fixtures::*;
use shared::domain::{
    AccessChange, AdminSession, AuditAction, AuditRecord, AuditStamp, KycRecord, KycStatus, Role,
    UserStatus, WalletAdjustment, user_sort_key,
};
use shared::store::{ListOrder, Stores, UserListing};
use shared::testing::uid;

/// Creates user `id` created at `T0 + offset` ms.
async fn user_at(s: &Stores, id: &str, phone: &str, offset: i64) {
    let token = format!("vt-{id}");
    s.verifications
        .put_verification(&vt(&token, phone))
        .await
        .unwrap();
    let mut u = user(id, phone);
    u.created_at_ms = T0 + offset;
    assert_eq!(s.users.create_user(&u, &token, T0).await.unwrap(), Ok(()));
}

fn audit(id: &str, target: &str, at: i64) -> AuditRecord {
    AuditRecord {
        audit_id: id.into(),
        at_ms: at,
        admin_id: "admin".into(),
        action: AuditAction::StatusChanged,
        target_user_id: target.into(),
        before: serde_json::json!({"status": "ACTIVE", "n": 1}),
        after: serde_json::json!({"status": "SUSPENDED", "list": [1, "x"]}),
    }
}

fn suspend(uid: &str) -> AccessChange {
    AccessChange {
        user_id: uid.into(),
        from_status: UserStatus::Active,
        from_role: Role::User,
        status: UserStatus::Suspended,
        role: Role::User,
        new_epoch: Some(99),
        now_ms: T0 + 5,
    }
}

fn ids(users: &[(String, shared::domain::User)]) -> Vec<&str> {
    users.iter().map(|(_, u)| u.user_id.as_str()).collect()
}

/// Accounts of `status` (any when `None`), newest first, below `past`.
async fn accounts(
    s: &Stores,
    status: Option<UserStatus>,
    past: Option<&String>,
    limit: usize,
) -> Vec<(String, shared::domain::User)> {
    let listing = UserListing::Accounts(status);
    let past = past.map(String::as_str);
    s.admin
        .list_users(listing, ListOrder::NewestFirst, past, limit)
        .await
        .unwrap()
}

async fn users_are_listed_newest_first_by_status(s: Stores) {
    for (i, id) in ["u1", "u2", "u3", "u4"].iter().enumerate() {
        user_at(&s, id, &format!("+91{i}"), i as i64 * 1000).await;
    }
    let all = accounts(&s, None, None, 10).await;
    assert_eq!(ids(&all), ["u4", "u3", "u2", "u1"]);
    let first = accounts(&s, None, None, 2).await;
    assert_eq!(ids(&first), ["u4", "u3"]);
    let after = user_sort_key(T0 + 2000, "u3");
    let rest = accounts(&s, None, Some(&after), 2).await;
    assert_eq!(ids(&rest), ["u2", "u1"]);
    let changed = s
        .admin
        .change_access(&suspend("u2"), &audit("a1", "u2", T0))
        .await;
    assert!(changed.unwrap().is_some());
    let suspended = accounts(&s, Some(UserStatus::Suspended), None, 10).await;
    assert_eq!(ids(&suspended), ["u2"]);
    let active = accounts(&s, Some(UserStatus::Active), None, 10).await;
    assert_eq!(ids(&active), ["u4", "u3", "u1"]);
    assert_eq!(
        ids(&accounts(&s, None, None, 10).await),
        ["u4", "u3", "u2", "u1"]
    );
}

async fn access_changes_follow_what_was_read_and_are_audited(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let after = s
        .admin
        .change_access(&suspend("u1"), &audit("a1", "u1", T0))
        .await
        .unwrap();
    let after = after.expect("applied");
    assert_eq!(
        (after.status, after.session_epoch),
        (UserStatus::Suspended, 99)
    );
    assert_eq!(s.users.get_user(&uid("u1")).await.unwrap().unwrap(), after);
    let stale = s
        .admin
        .change_access(&suspend("u1"), &audit("a2", "u1", T0 + 1))
        .await;
    assert!(
        stale.unwrap().is_none(),
        "the status read is no longer there"
    );
    let ghost = s
        .admin
        .change_access(&suspend("ghost"), &audit("a3", "ghost", T0 + 2))
        .await;
    assert!(ghost.unwrap().is_none());
    let trail = trail(&s, None, None, 10).await;
    assert_eq!(
        trail,
        [audit("a1", "u1", T0)],
        "only the applied change is recorded"
    );
}

async fn one_of_parallel_access_changes_wins(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let s2 = s.clone();
    let results = race(10, move |i| {
        let s = s2.clone();
        async move {
            let a = audit(&format!("a{i}"), "u1", T0 + i as i64);
            s.admin.change_access(&suspend("u1"), &a).await.unwrap()
        }
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_some()).count(), 1);
    assert_eq!(trail(&s, Some("u1"), None, 20).await.len(), 1);
}

async fn reviews_follow_the_version_read_and_are_audited(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let pending = kyc_record("u1", "h1", 1);
    assert!(s.kyc.save_kyc(&pending, None).await.unwrap());
    let verified = KycRecord {
        status: KycStatus::Verified,
        reviewed_at_ms: Some(T0 + 9),
        version: 2,
        ..pending.clone()
    };
    let first = audit("a1", "u1", T0);
    assert!(
        s.admin
            .review_kyc(&verified, &pending, &first)
            .await
            .unwrap()
    );
    assert_eq!(s.kyc.get_kyc(&uid("u1")).await.unwrap().unwrap(), verified);
    let user = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!(user.kyc_status, KycStatus::Verified);
    assert!(
        !s.admin
            .review_kyc(&verified, &pending, &audit("a2", "u1", T0 + 1))
            .await
            .unwrap()
    );
    assert_eq!(trail(&s, Some("u1"), None, 10).await, [first]);
    assert_eq!(s.kyc.document_holders("h1").await.unwrap(), ["u1"]);
}

async fn an_admin_adjustment_is_audited_once(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let s2 = s.clone();
    let results = race(10, move |i| {
        let s = s2.clone();
        async move {
            let adj = WalletAdjustment {
                user_id: "u1".into(),
                idempotency_key: "k1".into(),
                fingerprint: "f".into(),
                amount: 250,
                points: 1,
                reason: "r".into(),
                transaction_id: format!("t{i}"),
                actor: Some("admin".into()),
                now_ms: T0,
                audit: Some(AuditStamp {
                    audit_id: format!("a{i}"),
                    admin_id: "admin".into(),
                    at_ms: T0 + i as i64,
                }),
            };
            s.wallets.adjust_wallet(&adj).await.unwrap().unwrap()
        }
    })
    .await;
    assert!(
        results.windows(2).all(|w| w[0] == w[1]),
        "every replay returns the first result"
    );
    let trail = trail(&s, Some("u1"), None, 20).await;
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, AuditAction::WalletAdjusted);
    assert_eq!(
        trail[0].before,
        serde_json::json!({"balance": 0, "points": 0})
    );
    assert_eq!(trail[0].after["balance"], 250);
    assert_eq!(s.wallets.get_wallet(&uid("u1")).await.unwrap().balance, 250);
}

async fn the_trail_pages_newest_first_by_key_and_by_target(s: Stores) {
    alternate_roles(&s, 6, |i, target| audit(&format!("a{i}"), target, T0 + i)).await;
    the_whole_trail_pages_newest_first(&s).await;
    one_users_trail_pages_by_index(&s).await;
}

async fn the_whole_trail_pages_newest_first(s: &Stores) {
    let all = trail(s, None, None, 4).await;
    let got: Vec<_> = all.iter().map(|a| a.audit_id.as_str()).collect();
    assert_eq!(got, ["a5", "a4", "a3", "a2"]);
    let rest = trail(s, None, Some(&all[3].sort_key()), 4).await;
    assert_eq!(
        rest.iter().map(|a| a.audit_id.as_str()).collect::<Vec<_>>(),
        ["a1", "a0"]
    );
}

async fn one_users_trail_pages_by_index(s: &Stores) {
    let u1 = trail(s, Some("u1"), None, 2).await;
    assert_eq!(
        u1.iter().map(|a| a.audit_id.as_str()).collect::<Vec<_>>(),
        ["a4", "a2"]
    );
    let more = trail(s, Some("u1"), Some(&u1[1].sort_key()), 2).await;
    assert_eq!(
        more.iter().map(|a| a.audit_id.as_str()).collect::<Vec<_>>(),
        ["a0"]
    );
    assert_eq!(
        more[0].before,
        audit("a0", "u1", T0).before,
        "JSON values round-trip"
    );
}

async fn admin_sessions_round_trip(s: Stores) {
    let a = AdminSession {
        user_id: "u1".into(),
        epoch: 7,
        created_at_ms: T0,
        last_used_at_ms: T0,
    };
    assert!(
        s.admin_sessions
            .get_admin_session("h1")
            .await
            .unwrap()
            .is_none()
    );
    s.admin_sessions.put_admin_session("h1", &a).await.unwrap();
    assert_eq!(
        s.admin_sessions.get_admin_session("h1").await.unwrap(),
        Some(a.clone())
    );
    s.admin_sessions
        .touch_admin_session("h1", T0 + 60_000)
        .await
        .unwrap();
    let touched = s
        .admin_sessions
        .get_admin_session("h1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(touched.last_used_at_ms, T0 + 60_000);
    s.admin_sessions
        .touch_admin_session("h2", T0)
        .await
        .unwrap();
    assert!(
        s.admin_sessions
            .get_admin_session("h2")
            .await
            .unwrap()
            .is_none(),
        "touch creates nothing"
    );
    assert!(s.admin_sessions.delete_admin_session("h1").await.unwrap());
    assert!(!s.admin_sessions.delete_admin_session("h1").await.unwrap());
    assert!(
        s.admin_sessions
            .get_admin_session("h1")
            .await
            .unwrap()
            .is_none()
    );
}

integration_tests::on_both_stores!(
    users_are_listed_newest_first_by_status,
    access_changes_follow_what_was_read_and_are_audited,
    one_of_parallel_access_changes_wins,
    reviews_follow_the_version_read_and_are_audited,
    an_admin_adjustment_is_audited_once,
    the_trail_pages_newest_first_by_key_and_by_target,
    admin_sessions_round_trip,
);
