//! `KycStore`: versioned KYC writes with the user's status and the document claims.

use super::fixtures::*;
use shared::domain::KycStatus;
use shared::store::Stores;
use shared::testing::uid;

async fn writes_follow_the_version_read(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    assert!(s.kyc.get_kyc(&uid("u1")).await.unwrap().is_none());
    let first = kyc_record("u1", "h1", 1);
    assert!(s.kyc.save_kyc(&first, None).await.unwrap());
    assert!(
        !s.kyc.save_kyc(&first, None).await.unwrap(),
        "already there"
    );
    assert_eq!(s.kyc.get_kyc(&uid("u1")).await.unwrap().unwrap(), first);
    assert_eq!(
        s.users
            .get_user(&uid("u1"))
            .await
            .unwrap()
            .unwrap()
            .kyc_status,
        KycStatus::Pending
    );
    let mut rejected = kyc_record("u1", "h1", 2);
    rejected.status = KycStatus::Rejected;
    assert!(s.kyc.save_kyc(&rejected, Some(&first)).await.unwrap());
    let stale = kyc_record("u1", "h9", 2);
    assert!(
        !s.kyc.save_kyc(&stale, Some(&first)).await.unwrap(),
        "version 1 is gone"
    );
    assert_eq!(s.kyc.get_kyc(&uid("u1")).await.unwrap().unwrap(), rejected);
    assert_eq!(
        s.users
            .get_user(&uid("u1"))
            .await
            .unwrap()
            .unwrap()
            .kyc_status,
        KycStatus::Rejected
    );
    assert!(
        s.kyc.document_holders("h9").await.unwrap().is_empty(),
        "refused writes leave no claim"
    );
}

async fn document_claims_follow_the_record(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    make_user(&s, "u2", "+91b").await;
    let a = kyc_record("u1", "same", 1);
    assert!(s.kyc.save_kyc(&a, None).await.unwrap());
    assert!(
        s.kyc
            .save_kyc(&kyc_record("u2", "same", 1), None)
            .await
            .unwrap()
    );
    let mut holders = s.kyc.document_holders("same").await.unwrap();
    holders.sort();
    assert_eq!(holders, ["u1", "u2"]);
    // u1 corrects its number: its claim moves.
    assert!(
        s.kyc
            .save_kyc(&kyc_record("u1", "other", 2), Some(&a))
            .await
            .unwrap()
    );
    assert_eq!(s.kyc.document_holders("same").await.unwrap(), ["u2"]);
    assert_eq!(s.kyc.document_holders("other").await.unwrap(), ["u1"]);
    // Deleting the account drops its claim.
    s.users
        .delete_user(&user("u1", "+91a"), "ref", T0)
        .await
        .unwrap();
    assert!(s.kyc.document_holders("other").await.unwrap().is_empty());
    assert!(s.kyc.get_kyc(&uid("u1")).await.unwrap().is_none());
}

async fn no_record_for_a_missing_user(s: Stores) {
    assert!(
        !s.kyc
            .save_kyc(&kyc_record("ghost", "h", 1), None)
            .await
            .unwrap()
    );
    assert!(s.kyc.get_kyc(&uid("ghost")).await.unwrap().is_none());
    assert!(s.kyc.document_holders("h").await.unwrap().is_empty());
}

async fn one_of_parallel_submissions_wins(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let won = race(8, |i| {
        let s = s.clone();
        async move {
            s.kyc
                .save_kyc(&kyc_record("u1", &format!("h{i}"), 1), None)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(won.iter().filter(|w| **w).count(), 1);
    let stored = s.kyc.get_kyc(&uid("u1")).await.unwrap().unwrap();
    for i in 0..8 {
        let holders = s.kyc.document_holders(&format!("h{i}")).await.unwrap();
        let expected = stored.document_hash == format!("h{i}");
        assert_eq!(holders.len(), usize::from(expected), "h{i}");
    }
}

integration_tests::on_both_stores!(
    writes_follow_the_version_read,
    document_claims_follow_the_record,
    no_record_for_a_missing_user,
    one_of_parallel_submissions_wins,
);
