//! `PhoneStore`: moving an account to another number in one atomic write.

use super::fixtures::*;
use shared::store::{PhoneChange, PhoneChangeDenied, Stores};
use shared::testing::{e164, sid, uid};

fn change(uid: &str, old: &str, new: &str, token: &str) -> PhoneChange {
    PhoneChange {
        user_id: uid.into(),
        old_phone: e164(old),
        new_phone: e164(new),
        token_hash: token.into(),
        new_epoch: 42,
        keep_session: "s1".into(),
        now_ms: T0,
    }
}

/// User `id` on `phone` with sessions s1 and s2.
async fn account(s: &Stores, id: &str, phone: &str) {
    make_user(s, id, phone).await;
    for sid in ["s1", "s2"] {
        s.sessions.put_session(&session(id, sid), 20).await.unwrap();
    }
}

async fn a_change_moves_the_claim_and_revokes_other_sessions(s: Stores) {
    account(&s, "u1", "+91old").await;
    s.verifications
        .put_verification(&vt("t", "+91new"))
        .await
        .unwrap();
    let res = s
        .phones
        .change_phone(&change("u1", "+91old", "+91new", "t"))
        .await;
    assert_eq!(res.unwrap(), Ok(()));
    assert_eq!(
        s.users
            .user_id_by_phone(&e164("+91new"))
            .await
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    assert_eq!(
        s.users.user_id_by_phone(&e164("+91old")).await.unwrap(),
        None,
        "old number released"
    );
    let u = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!(
        (u.phone.as_str(), u.session_epoch, u.updated_at_ms),
        ("+91new", 42, T0)
    );
    let epoch = |session: &'static str| {
        let s = s.clone();
        async move {
            s.sessions
                .get_session(&uid("u1"), &sid(session))
                .await
                .unwrap()
                .unwrap()
                .epoch
        }
    };
    assert_eq!(
        (epoch("s1").await, epoch("s2").await),
        (42, 7),
        "only the caller's session kept"
    );
    assert!(
        s.verifications
            .get_verification("t")
            .await
            .unwrap()
            .is_none(),
        "token used"
    );
    // The old number can register again.
    make_user(&s, "u2", "+91old").await;
}

async fn a_refused_change_writes_nothing(s: Stores) {
    account(&s, "u1", "+91one").await;
    account(&s, "u2", "+91two").await;
    for (token, phone) in [("t2", "+91two"), ("t3", "+91three")] {
        s.verifications
            .put_verification(&vt(token, phone))
            .await
            .unwrap();
    }
    let cases = [
        (
            change("u1", "+91one", "+91two", "t2"),
            PhoneChangeDenied::PhoneTaken,
        ),
        (
            change("u1", "+91one", "+91three", "t2"),
            PhoneChangeDenied::TokenInvalid,
        ),
        (
            change("u1", "+91one", "+91three", "nope"),
            PhoneChangeDenied::TokenInvalid,
        ),
        (
            change("u1", "+91stale", "+91three", "t3"),
            PhoneChangeDenied::Stale,
        ),
        (
            change("u9", "+91one", "+91three", "t3"),
            PhoneChangeDenied::Stale,
        ),
        (
            PhoneChange {
                keep_session: "gone".into(),
                ..change("u1", "+91one", "+91three", "t3")
            },
            PhoneChangeDenied::Stale,
        ),
    ];
    for (c, denied) in cases {
        assert_eq!(
            s.phones.change_phone(&c).await.unwrap(),
            Err(denied),
            "{c:?}"
        );
    }
    let (one, three) = (e164("+91one"), e164("+91three"));
    let owner = |phone| s.users.user_id_by_phone(phone);
    assert_eq!(owner(&one).await.unwrap().as_deref(), Some("u1"));
    assert_eq!(owner(&three).await.unwrap(), None);
    let u1 = &uid("u1");
    assert_eq!(s.users.get_user(u1).await.unwrap().unwrap().phone, "+91one");
    let kept = s.sessions.get_session(u1, &sid("s2")).await.unwrap();
    assert_eq!(kept.unwrap().epoch, 7);
    for t in ["t2", "t3"] {
        assert!(
            s.verifications.get_verification(t).await.unwrap().is_some(),
            "{t} kept"
        );
    }
}

async fn two_accounts_racing_for_one_number_one_wins(s: Stores) {
    for i in 0..10 {
        account(&s, &format!("u{i}"), &format!("+91from{i}")).await;
        let token = format!("t{i}");
        s.verifications
            .put_verification(&vt(&token, "+91prize"))
            .await
            .unwrap();
    }
    let results = race(10, |i| {
        let s = s.clone();
        async move {
            let c = change(
                &format!("u{i}"),
                &format!("+91from{i}"),
                "+91prize",
                &format!("t{i}"),
            );
            s.phones.change_phone(&c).await.unwrap()
        }
    })
    .await;
    let winners: Vec<usize> = (0..10).filter(|i| results[*i].is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || *r == Err(PhoneChangeDenied::PhoneTaken))
    );
    let owner = s.users.user_id_by_phone(&e164("+91prize")).await.unwrap();
    assert_eq!(owner, Some(uid(&format!("u{}", winners[0]))));
    for i in (0..10).filter(|i| *i != winners[0]) {
        let u = s
            .users
            .get_user(&uid(&format!("u{i}")))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            u.phone,
            e164(&format!("+91from{i}")),
            "losers keep their number"
        );
    }
}

integration_tests::on_both_stores!(
    a_change_moves_the_claim_and_revokes_other_sessions,
    a_refused_change_writes_nothing,
    two_accounts_racing_for_one_number_one_wins,
);
