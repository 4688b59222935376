//! The admin lists beyond sign-up order: the KYC lists by submission time in both directions
//! (`PENDING` is the review queue) and the audit trail over a time range.

use super::fixtures::*;
use shared::domain::{AuditAction, AuditRecord, KycRecord, KycStatus, audit_sort_key};
use shared::store::{AuditQuery, ListOrder, Stores, UserListing};
use shared::testing::uid;

async fn listed(
    s: &Stores,
    listing: UserListing,
    order: ListOrder,
    past: Option<&str>,
    limit: usize,
) -> (Vec<String>, Vec<String>) {
    let page = s
        .admin
        .list_users(listing, order, past, limit)
        .await
        .unwrap();
    page.into_iter()
        .map(|(k, u)| (u.user_id.into_string(), k))
        .unzip()
}

async fn kyc_lists_order_by_submission_time(s: Stores) {
    // Signed up in one order, submitted in another.
    for (uid, phone, at) in [("u1", "+91a", 30), ("u2", "+91b", 10), ("u3", "+91c", 20)] {
        make_user(&s, uid, phone).await;
        let record = KycRecord {
            submitted_at_ms: T0 + at,
            ..kyc_record(uid, &format!("h-{uid}"), 1)
        };
        assert!(s.kyc.save_kyc(&record, None).await.unwrap());
    }
    let queue = UserListing::Kyc(KycStatus::Pending);
    let (oldest, keys) = listed(&s, queue, ListOrder::OldestFirst, None, 2).await;
    assert_eq!(oldest, ["u2", "u3"]);
    let (rest, _) = listed(&s, queue, ListOrder::OldestFirst, Some(&keys[1]), 2).await;
    assert_eq!(rest, ["u1"]);
    let (newest, _) = listed(&s, queue, ListOrder::NewestFirst, None, 5).await;
    assert_eq!(newest, ["u1", "u3", "u2"]);
    // A review moves the record to its new list.
    let pending = s.kyc.get_kyc(&uid("u3")).await.unwrap().unwrap();
    let verified = KycRecord {
        status: KycStatus::Verified,
        version: 2,
        ..pending.clone()
    };
    assert!(s.kyc.save_kyc(&verified, Some(&pending)).await.unwrap());
    let (left, _) = listed(&s, queue, ListOrder::OldestFirst, None, 5).await;
    assert_eq!(left, ["u2", "u1"]);
    let done = UserListing::Kyc(KycStatus::Verified);
    assert_eq!(
        listed(&s, done, ListOrder::OldestFirst, None, 5).await.0,
        ["u3"]
    );
    let none = UserListing::Kyc(KycStatus::Rejected);
    assert!(
        listed(&s, none, ListOrder::OldestFirst, None, 5)
            .await
            .0
            .is_empty()
    );
    let all = UserListing::Accounts(None);
    assert_eq!(
        listed(&s, all, ListOrder::OldestFirst, None, 5)
            .await
            .0
            .len(),
        3
    );
}

async fn the_trail_takes_a_time_range(s: Stores) {
    alternate_roles(&s, 6, |i, target| AuditRecord {
        audit_id: format!("a{i}"),
        at_ms: T0 + i * 1000,
        admin_id: "admin".into(),
        action: AuditAction::RoleChanged,
        target_user_id: target.into(),
        before: serde_json::json!({}),
        after: serde_json::json!({}),
    })
    .await;
    let from = audit_sort_key(T0 + 1000, "");
    let before = audit_sort_key(T0 + 4000, "");
    let ids = |v: Vec<AuditRecord>| v.into_iter().map(|a| a.audit_id).collect::<Vec<_>>();
    let q = AuditQuery {
        target: None,
        from: Some(&from),
        before: Some(&before),
    };
    assert_eq!(
        ids(s.admin.list_audit(q, 10).await.unwrap()),
        ["a3", "a2", "a1"]
    );
    assert_eq!(ids(s.admin.list_audit(q, 2).await.unwrap()), ["a3", "a2"]);
    let q = AuditQuery {
        target: Some("u1"),
        ..q
    };
    assert_eq!(ids(s.admin.list_audit(q, 10).await.unwrap()), ["a2"]);
    let open = AuditQuery {
        target: None,
        from: Some(&from),
        before: None,
    };
    assert_eq!(ids(s.admin.list_audit(open, 10).await.unwrap()).len(), 5);
    let third = audit_sort_key(T0 + 3000, "a3");
    let paged = AuditQuery {
        target: None,
        from: Some(&from),
        before: Some(&third),
    };
    assert_eq!(
        ids(s.admin.list_audit(paged, 10).await.unwrap()),
        ["a2", "a1"]
    );
}

integration_tests::on_both_stores!(
    kyc_lists_order_by_submission_time,
    the_trail_takes_a_time_range
);
