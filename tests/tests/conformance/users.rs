//! `UserStore`: accounts, phone claims, the password lockout, password writes, deletion.

use super::fixtures::*;
use shared::domain::UserStatus;
use shared::store::Stores;
use shared::store::{CreateUserDenied, PasswordChange};

async fn users_and_uniqueness(s: Stores) {
    s.verifications
        .put_verification(&vt("v1", "+91a"))
        .await
        .unwrap();
    s.verifications
        .put_verification(&vt("v2", "+91a"))
        .await
        .unwrap();
    assert_eq!(
        s.users
            .create_user(&user("u1", "+91a"), "missing", T0)
            .await
            .unwrap(),
        Err(CreateUserDenied::TokenInvalid)
    );
    assert_eq!(
        s.users
            .create_user(&user("u1", "+91a"), "v1", T0)
            .await
            .unwrap(),
        Ok(())
    );
    assert_eq!(
        s.users
            .create_user(&user("u2", "+91a"), "v2", T0)
            .await
            .unwrap(),
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
        s.users.user_id_by_phone("+91a").await.unwrap().as_deref(),
        Some("u1")
    );
    assert_eq!(
        s.users.get_user("u1").await.unwrap().unwrap(),
        user("u1", "+91a")
    );
    assert!(s.users.get_user("u2").await.unwrap().is_none());
    s.users.record_login("u1", T0 + 5).await.unwrap();
    let u = s.users.get_user("u1").await.unwrap().unwrap();
    assert_eq!((u.login_count, u.last_login_at_ms), (1, Some(T0 + 5)));
    assert!(
        s.users
            .set_user_status("u1", UserStatus::Suspended, 99)
            .await
            .unwrap()
    );
    let u = s.users.get_user("u1").await.unwrap().unwrap();
    assert_eq!((u.status, u.session_epoch), (UserStatus::Suspended, 99));
    assert!(
        !s.users
            .set_user_status("nobody", UserStatus::Suspended, 1)
            .await
            .unwrap()
    );
}

async fn login_lockout(s: Stores) {
    assert_eq!(s.users.login_locked_until("+91a", T0).await.unwrap(), None);
    for i in 1..=2 {
        assert_eq!(
            s.users
                .record_login_failure("+91a", 3, T0 + 900_000)
                .await
                .unwrap(),
            i
        );
    }
    assert_eq!(s.users.login_locked_until("+91a", T0).await.unwrap(), None);
    assert_eq!(
        s.users
            .record_login_failure("+91a", 3, T0 + 900_000)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        s.users.login_locked_until("+91a", T0).await.unwrap(),
        Some(T0 + 900_000)
    );
    assert_eq!(
        s.users
            .login_locked_until("+91a", T0 + 900_000)
            .await
            .unwrap(),
        None,
        "lock ends"
    );
    assert_eq!(
        s.users
            .record_login_failure("+91a", 3, T0 + 999_000)
            .await
            .unwrap(),
        1,
        "count reset by the lock"
    );
    s.users.clear_login_failures("+91a").await.unwrap();
    assert_eq!(
        s.users.record_login_failure("+91a", 3, T0).await.unwrap(),
        1
    );
}

async fn passwords_and_epochs(s: Stores) {
    s.verifications
        .put_verification(&vt("v1", "+91a"))
        .await
        .unwrap();
    s.users
        .create_user(&user("u1", "+91a"), "v1", T0)
        .await
        .unwrap()
        .unwrap();
    s.sessions.put_session(&session("u1", "s1")).await.unwrap();
    s.sessions.put_session(&session("u1", "s2")).await.unwrap();
    let change = PasswordChange {
        user_id: "u1".into(),
        password_hash: "new".into(),
        new_epoch: 8,
        consume_token: None,
        keep_session: Some("s1".into()),
        now_ms: T0 + 1,
    };
    assert!(s.users.set_password(&change).await.unwrap());
    let u = s.users.get_user("u1").await.unwrap().unwrap();
    assert_eq!(
        (u.password_hash.as_deref(), u.session_epoch),
        (Some("new"), 8)
    );
    assert_eq!(
        s.sessions
            .get_session("u1", "s1")
            .await
            .unwrap()
            .unwrap()
            .epoch,
        8,
        "kept"
    );
    assert_eq!(
        s.sessions
            .get_session("u1", "s2")
            .await
            .unwrap()
            .unwrap()
            .epoch,
        7,
        "now dead"
    );
    // With a token: consumed in the same write; a used token changes nothing.
    s.verifications
        .put_verification(&vt("v2", "+91a"))
        .await
        .unwrap();
    let reset = PasswordChange {
        password_hash: "newer".into(),
        new_epoch: 9,
        consume_token: Some(("v2".into(), "+91a".into())),
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
    let u = s.users.get_user("u1").await.unwrap().unwrap();
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
    s.users
        .create_user(&user("u1", "+91a"), "v1", T0)
        .await
        .unwrap()
        .unwrap();
    s.sessions.put_session(&session("u1", "s1")).await.unwrap();
    s.devices
        .put_device("u1", &device("d", None), T0)
        .await
        .unwrap();
    s.users.delete_user(&user("u1", "+91a")).await.unwrap();
    assert!(s.users.get_user("u1").await.unwrap().is_none());
    assert!(s.users.user_id_by_phone("+91a").await.unwrap().is_none());
    assert!(s.sessions.list_sessions("u1").await.unwrap().is_empty());
    assert!(s.devices.list_devices("u1").await.unwrap().is_empty());
    s.verifications
        .put_verification(&vt("v2", "+91a"))
        .await
        .unwrap();
    assert_eq!(
        s.users
            .create_user(&user("u9", "+91a"), "v2", T0)
            .await
            .unwrap(),
        Ok(())
    );
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

conformance!(
    users_and_uniqueness,
    login_lockout,
    passwords_and_epochs,
    delete_user_frees_the_phone,
    one_token_one_account,
);
