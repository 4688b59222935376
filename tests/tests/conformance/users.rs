//! `UserStore`: accounts, phone claims, the password lockout, password writes, deletion.

use super::fixtures::*;
use shared::domain::{CheckDenied, CheckOutcome, PasswordCheck, UserStatus};
use shared::store::Stores;
use shared::store::{CreateUserDenied, PasswordChange};
use shared::testing::{e164, sid, uid};

/// `create_user` of user `id` with `phone`, consuming `token`.
async fn create(s: &Stores, id: &str, phone: &str, token: &str) -> Result<(), CreateUserDenied> {
    s.users
        .create_user(&user(id, phone), token, T0)
        .await
        .unwrap()
}

async fn users_and_uniqueness(s: Stores) {
    for token in ["v1", "v2"] {
        let v = vt(token, "+91a");
        s.verifications.put_verification(&v).await.unwrap();
    }
    assert_eq!(
        create(&s, "u1", "+91a", "missing").await,
        Err(CreateUserDenied::TokenInvalid)
    );
    assert_eq!(create(&s, "u1", "+91a", "v1").await, Ok(()));
    assert_eq!(
        create(&s, "u2", "+91a", "v2").await,
        Err(CreateUserDenied::PhoneTaken)
    );
    assert!(
        s.verifications
            .get_verification("v2")
            .await
            .unwrap()
            .is_some(),
        "a refused registration keeps the token"
    );
    assert_eq!(
        s.users
            .user_id_by_phone(&e164("+91a"))
            .await
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    assert_eq!(
        s.users.get_user(&uid("u1")).await.unwrap().unwrap(),
        user("u1", "+91a")
    );
    assert!(s.users.get_user(&uid("u2")).await.unwrap().is_none());
    s.users.record_login(&uid("u1"), T0 + 5).await.unwrap();
    let u = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!((u.login_count, u.last_login_at_ms), (1, Some(T0 + 5)));
    assert!(
        s.users
            .set_user_status(&uid("u1"), UserStatus::Suspended, 99)
            .await
            .unwrap()
    );
    let u = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!((u.status, u.session_epoch), (UserStatus::Suspended, 99));
    assert!(
        !s.users
            .set_user_status(&uid("nobody"), UserStatus::Suspended, 1)
            .await
            .unwrap()
    );
}

fn check(phone: &str, ip: Option<&str>, now_ms: i64) -> PasswordCheck {
    PasswordCheck {
        phone: e164(phone),
        ip: ip.map(String::from),
        now_ms,
        max_failures: 3,
        lock_until_ms: now_ms + 900_000,
        hour_window: now_ms / 3_600_000,
        max_per_ip_hour: 100,
    }
}

/// Reserves a check for `phone` at `now` and resolves it with `outcome`.
async fn checked(s: &Stores, phone: &str, now: i64, outcome: CheckOutcome) {
    let c = check(phone, None, now);
    assert_eq!(
        s.login_guards.reserve_password_check(&c).await.unwrap(),
        Ok(())
    );
    s.login_guards
        .finish_password_check(&c, outcome)
        .await
        .unwrap();
}

async fn login_lockout(s: Stores) {
    let u = &s.login_guards;
    for n in 1..=3 {
        checked(&s, "+91a", T0 + n, CheckOutcome::Failed).await;
    }
    let locked = CheckDenied::Locked {
        until_ms: T0 + 3 + 900_000,
    };
    let r = u
        .reserve_password_check(&check("+91a", None, T0 + 10))
        .await;
    assert_eq!(
        r.unwrap(),
        Err(locked),
        "the third failure started the lock"
    );
    let after = T0 + 3 + 900_000;
    checked(&s, "+91a", after, CheckOutcome::Failed).await;
    checked(&s, "+91a", after, CheckOutcome::Failed).await;
    checked(&s, "+91a", after, CheckOutcome::Passed).await;
    for _ in 0..2 {
        checked(&s, "+91a", after, CheckOutcome::Failed).await;
    }
    let r = u.reserve_password_check(&check("+91a", None, after)).await;
    assert_eq!(r.unwrap(), Ok(()), "a pass forgot the earlier failures");
    u.finish_password_check(&check("+91a", None, after), CheckOutcome::Abandoned)
        .await
        .unwrap();
    u.clear_login_failures(&e164("+91a")).await.unwrap();
    for _ in 0..2 {
        checked(&s, "+91a", after, CheckOutcome::Failed).await;
    }
    // Failures older than the window no longer count.
    let later = after + 900_000;
    checked(&s, "+91a", later, CheckOutcome::Failed).await;
    checked(&s, "+91a", later, CheckOutcome::Failed).await;
    let r = u.reserve_password_check(&check("+91a", None, later)).await;
    assert_eq!(r.unwrap(), Ok(()), "two failures in this window, not four");
}

async fn ip_budget_spans_phones(s: Stores) {
    let mut c = check("+91b", Some("9.9.9.9"), T0);
    c.max_per_ip_hour = 2;
    assert_eq!(
        s.login_guards.reserve_password_check(&c).await.unwrap(),
        Ok(())
    );
    c.phone = e164("+91c");
    assert_eq!(
        s.login_guards.reserve_password_check(&c).await.unwrap(),
        Ok(())
    );
    c.phone = e164("+91d");
    let r = s.login_guards.reserve_password_check(&c).await.unwrap();
    assert_eq!(r, Err(CheckDenied::IpHour));
    c.hour_window += 1;
    assert_eq!(
        s.login_guards.reserve_password_check(&c).await.unwrap(),
        Ok(()),
        "next hour"
    );
}

async fn parallel_checks_never_exceed_the_budget(s: Stores) {
    // Twenty at once: exactly the budget runs; the rest are busy, not locked.
    let granted = race(20, |_| {
        let s = s.clone();
        async move {
            let c = check("+91e", Some("8.8.8.8"), T0);
            s.login_guards.reserve_password_check(&c).await.unwrap()
        }
    })
    .await;
    assert_eq!(granted.iter().filter(|r| r.is_ok()).count(), 3);
    assert!(
        granted
            .iter()
            .filter(|r| r.is_err())
            .all(|r| *r == Err(CheckDenied::Busy))
    );
    // The three fail at once: exactly one lock, and nothing more is reserved.
    race(3, |_| {
        let s = s.clone();
        async move {
            let c = check("+91e", None, T0 + 5);
            s.login_guards
                .finish_password_check(&c, CheckOutcome::Failed)
                .await
                .unwrap()
        }
    })
    .await;
    let r = s
        .login_guards
        .reserve_password_check(&check("+91e", None, T0 + 6))
        .await;
    assert_eq!(
        r.unwrap(),
        Err(CheckDenied::Locked {
            until_ms: T0 + 5 + 900_000
        })
    );
}

/// The epoch stamped on session `sid` of `u1`.
async fn epoch_of(s: &Stores, session: &str) -> u64 {
    let session = s
        .sessions
        .get_session(&uid("u1"), &sid(session))
        .await
        .unwrap();
    session.unwrap().epoch
}

async fn passwords_and_epochs(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    for sid in ["s1", "s2"] {
        s.sessions
            .put_session(&session("u1", sid), 20)
            .await
            .unwrap();
    }
    let change = PasswordChange {
        user_id: "u1".into(),
        password_hash: "new".into(),
        new_epoch: 8,
        consume_token: None,
        keep_session: Some("s1".into()),
        now_ms: T0 + 1,
    };
    assert!(s.users.set_password(&change).await.unwrap());
    let u = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!(
        (u.password_hash.as_deref(), u.session_epoch),
        (Some("new"), 8)
    );
    assert_eq!(epoch_of(&s, "s1").await, 8, "kept");
    assert_eq!(epoch_of(&s, "s2").await, 7, "now dead");
    // With a token: consumed in the same write; a used token changes nothing.
    s.verifications
        .put_verification(&vt("v2", "+91a"))
        .await
        .unwrap();
    let reset = PasswordChange {
        password_hash: "newer".into(),
        new_epoch: 9,
        consume_token: Some(("v2".into(), e164("+91a"))),
        keep_session: None,
        ..change.clone()
    };
    assert!(s.users.set_password(&reset).await.unwrap());
    assert!(
        s.verifications
            .get_verification("v2")
            .await
            .unwrap()
            .is_none()
    );
    let again = PasswordChange {
        password_hash: "x".into(),
        new_epoch: 10,
        ..reset
    };
    assert!(!s.users.set_password(&again).await.unwrap());
    let u = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!(
        (u.password_hash.as_deref(), u.session_epoch),
        (Some("newer"), 9)
    );
}

async fn delete_user_frees_the_phone(s: Stores) {
    s.verifications
        .put_verification(&vt("v1", "+91a"))
        .await
        .unwrap();
    create(&s, "u1", "+91a", "v1").await.unwrap();
    s.sessions
        .put_session(&session("u1", "s1"), 20)
        .await
        .unwrap();
    s.devices
        .put_device(&uid("u1"), &device("d", None), T0, 20)
        .await
        .unwrap();
    s.users
        .delete_user(&user("u1", "+91a"), "ref", 0)
        .await
        .unwrap();
    assert!(s.users.get_user(&uid("u1")).await.unwrap().is_none());
    assert!(
        s.users
            .user_id_by_phone(&e164("+91a"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.sessions
            .list_sessions(&uid("u1"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.devices.list_devices(&uid("u1")).await.unwrap().is_empty());
    s.verifications
        .put_verification(&vt("v2", "+91a"))
        .await
        .unwrap();
    assert_eq!(create(&s, "u9", "+91a", "v2").await, Ok(()));
}

async fn one_token_one_account(s: Stores) {
    s.verifications
        .put_verification(&vt("v", "+91b"))
        .await
        .unwrap();
    let outcomes = race(10, |i| {
        let s = s.clone();
        async move {
            s.users
                .create_user(&user(&format!("u{i}"), "+91b"), "v", T0)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "one token, one account"
    );
}

async fn users_by_batch(s: Stores) {
    for (id, phone) in [("u1", "+91a"), ("u2", "+91b"), ("u3", "+91c")] {
        make_user(&s, id, phone).await;
    }
    let ids = [uid("u3"), uid("nobody"), uid("u1")];
    let mut found: Vec<String> = s
        .users
        .get_users(&ids)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.user_id.into_string())
        .collect();
    found.sort();
    assert_eq!(found, ["u1", "u3"]);
    assert!(s.users.get_users(&[]).await.unwrap().is_empty());
}

integration_tests::on_both_stores!(
    users_by_batch,
    users_and_uniqueness,
    login_lockout,
    ip_budget_spans_phones,
    parallel_checks_never_exceed_the_budget,
    passwords_and_epochs,
    delete_user_frees_the_phone,
    one_token_one_account,
);
