//! One conformance suite for the `Store` port, run against the memory store and against
//! DynamoDB on the emulator. Each case is written once and instantiated for both.

use futures::future::join_all;

use shared::model::{
    Device, JoinDenied, LeaveDenied, OtpRecord, Pool, SendDenied, SendPlan, Session, User,
    Verification,
};
use shared::store::{CreateUserDenied, PasswordChange, Store};
use std::sync::Arc;

type S = Arc<dyn Store>;
const T0: i64 = 1_795_000_000_000;

fn plan(phone: &str, ip: &str, now_ms: i64) -> SendPlan {
    SendPlan {
        phone: phone.into(),
        ip: ip.into(),
        now_ms,
        cooldown_until_ms: now_ms + 60_000,
        nonce: shared::crypto::random_token(),
        hour_window: now_ms / 3_600_000,
        day_window: now_ms / 86_400_000,
        max_per_hour: 3,
        max_per_day: 4,
        max_per_ip_hour: 100,
    }
}

fn otp(phone: &str, hash: &str) -> OtpRecord {
    OtpRecord {
        phone: phone.into(),
        code_hash: hash.into(),
        attempts: 0,
        max_attempts: 3,
        created_at_ms: T0,
        expires_at_ms: T0 + 300_000,
    }
}

fn vt(hash: &str, phone: &str) -> Verification {
    Verification {
        token_hash: hash.into(),
        phone: phone.into(),
        expires_at_ms: T0 + 600_000,
    }
}

fn user(id: &str, phone: &str) -> User {
    User {
        user_id: id.into(),
        phone: phone.into(),
        name: "N".into(),
        email: None,
        state: None,
        city: None,
        dob: None,
        security_number_hash: None,
        role: "user".into(),
        status: "ACTIVE".into(),
        kyc_status: "NOT_SUBMITTED".into(),
        risk_band: None,
        password_hash: Some("h".into()),
        created_at_ms: T0,
        updated_at_ms: T0,
        session_epoch: 7,
        login_count: 0,
        last_login_at_ms: None,
    }
}

fn session(uid: &str, sid: &str) -> Session {
    Session {
        user_id: uid.into(),
        session_id: sid.into(),
        epoch: 7,
        seed: "seed".into(),
        generation: 0,
        rotated_at_ms: None,
        device_id: Some("d1".into()),
        platform: Some("ios".into()),
        created_at_ms: T0,
        last_used_at_ms: T0,
        expires_at_ms: T0 + 1_000_000,
    }
}

async fn send_limits(s: S) {
    let p = plan("+911", "1.1.1.1", T0);
    assert_eq!(s.reserve_otp_send(&p).await.unwrap(), Ok(()));
    let again = plan("+911", "1.1.1.1", T0 + 1_000);
    assert_eq!(
        s.reserve_otp_send(&again).await.unwrap(),
        Err(SendDenied::Cooldown {
            until_ms: T0 + 60_000
        })
    );
    // Releasing gives back the cooldown and the counters.
    s.release_otp_send(&p).await.unwrap();
    assert_eq!(s.reserve_otp_send(&again).await.unwrap(), Ok(()));
    // Hour cap of 3: two more after cooldowns, then PhoneHour.
    let mut t = T0 + 61_000 + 1_000;
    for _ in 0..2 {
        assert_eq!(
            s.reserve_otp_send(&plan("+911", "1.1.1.1", t))
                .await
                .unwrap(),
            Ok(())
        );
        t += 61_000;
    }
    assert_eq!(
        s.reserve_otp_send(&plan("+911", "1.1.1.1", t))
            .await
            .unwrap(),
        Err(SendDenied::PhoneHour)
    );
    // Next hour, the day cap (4) is still counting: one more, then PhoneDay.
    let next_hour = (T0 / 3_600_000 + 1) * 3_600_000 + 1;
    assert_eq!(
        s.reserve_otp_send(&plan("+911", "1.1.1.1", next_hour))
            .await
            .unwrap(),
        Ok(())
    );
    let later = next_hour + 61_000;
    let mut p = plan("+911", "1.1.1.1", later);
    p.day_window = T0 / 86_400_000;
    assert_eq!(
        s.reserve_otp_send(&p).await.unwrap(),
        Err(SendDenied::PhoneDay)
    );
    // IP cap is independent of phones.
    let mut ip = plan("+912", "9.9.9.9", T0);
    ip.max_per_ip_hour = 1;
    assert_eq!(s.reserve_otp_send(&ip).await.unwrap(), Ok(()));
    let mut ip2 = plan("+913", "9.9.9.9", T0);
    ip2.max_per_ip_hour = 1;
    assert_eq!(
        s.reserve_otp_send(&ip2).await.unwrap(),
        Err(SendDenied::IpHour)
    );
}

async fn otp_lifecycle(s: S) {
    s.put_otp(&otp("+91a", "h1")).await.unwrap();
    assert_eq!(s.get_otp("+91a").await.unwrap().unwrap().code_hash, "h1");
    assert_eq!(s.record_otp_failure("+91a", "h1").await.unwrap(), Some(1));
    assert_eq!(s.record_otp_failure("+91a", "other").await.unwrap(), None);
    assert_eq!(s.record_otp_failure("+91a", "h1").await.unwrap(), Some(2));
    assert_eq!(s.record_otp_failure("+91a", "h1").await.unwrap(), Some(3));
    assert_eq!(
        s.record_otp_failure("+91a", "h1").await.unwrap(),
        None,
        "exhausted"
    );
    assert!(
        !s.consume_otp("+91a", "h1", T0).await.unwrap(),
        "exhausted codes cannot be used"
    );
    // Replaced code starts over; consumed once; expiry honoured.
    s.put_otp(&otp("+91a", "h2")).await.unwrap();
    assert!(!s.consume_otp("+91a", "h1", T0).await.unwrap());
    assert!(
        !s.consume_otp("+91a", "h2", T0 + 300_000).await.unwrap(),
        "expired"
    );
    assert!(s.consume_otp("+91a", "h2", T0).await.unwrap());
    assert!(!s.consume_otp("+91a", "h2", T0).await.unwrap());
    assert!(s.get_otp("+91a").await.unwrap().is_none());
    s.put_otp(&otp("+91a", "h3")).await.unwrap();
    s.delete_otp("+91a", "other").await.unwrap();
    assert!(
        s.get_otp("+91a").await.unwrap().is_some(),
        "delete only its own code"
    );
    s.delete_otp("+91a", "h3").await.unwrap();
    assert!(s.get_otp("+91a").await.unwrap().is_none());
}

async fn verification_tokens(s: S) {
    s.put_verification(&vt("v1", "+91a")).await.unwrap();
    assert_eq!(
        s.get_verification("v1").await.unwrap().unwrap().phone,
        "+91a"
    );
    assert!(
        !s.consume_verification("v1", "+91b", T0).await.unwrap(),
        "bound to its phone"
    );
    assert!(
        !s.consume_verification("v1", "+91a", T0 + 600_000)
            .await
            .unwrap(),
        "expired"
    );
    assert!(s.consume_verification("v1", "+91a", T0).await.unwrap());
    assert!(
        !s.consume_verification("v1", "+91a", T0).await.unwrap(),
        "single use"
    );
    assert!(s.get_verification("v1").await.unwrap().is_none());
}

async fn users_and_uniqueness(s: S) {
    s.put_verification(&vt("v1", "+91a")).await.unwrap();
    s.put_verification(&vt("v2", "+91a")).await.unwrap();
    assert_eq!(
        s.create_user(&user("u1", "+91a"), "missing", T0)
            .await
            .unwrap(),
        Err(CreateUserDenied::TokenInvalid)
    );
    assert_eq!(
        s.create_user(&user("u1", "+91a"), "v1", T0).await.unwrap(),
        Ok(())
    );
    assert_eq!(
        s.create_user(&user("u2", "+91a"), "v2", T0).await.unwrap(),
        Err(CreateUserDenied::PhoneTaken)
    );
    assert!(
        s.get_verification("v2").await.unwrap().is_some(),
        "a refused registration keeps the token"
    );
    assert_eq!(
        s.user_id_by_phone("+91a").await.unwrap().as_deref(),
        Some("u1")
    );
    assert_eq!(s.get_user("u1").await.unwrap().unwrap(), user("u1", "+91a"));
    assert!(s.get_user("u2").await.unwrap().is_none());
    s.record_login("u1", T0 + 5).await.unwrap();
    let u = s.get_user("u1").await.unwrap().unwrap();
    assert_eq!((u.login_count, u.last_login_at_ms), (1, Some(T0 + 5)));
    assert!(s.set_user_status("u1", "SUSPENDED", 99).await.unwrap());
    let u = s.get_user("u1").await.unwrap().unwrap();
    assert_eq!((u.status.as_str(), u.session_epoch), ("SUSPENDED", 99));
    assert!(!s.set_user_status("nobody", "SUSPENDED", 1).await.unwrap());
}

async fn login_lockout(s: S) {
    assert_eq!(s.login_locked_until("+91a", T0).await.unwrap(), None);
    for i in 1..=2 {
        assert_eq!(
            s.record_login_failure("+91a", 3, T0 + 900_000)
                .await
                .unwrap(),
            i
        );
    }
    assert_eq!(s.login_locked_until("+91a", T0).await.unwrap(), None);
    assert_eq!(
        s.record_login_failure("+91a", 3, T0 + 900_000)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        s.login_locked_until("+91a", T0).await.unwrap(),
        Some(T0 + 900_000)
    );
    assert_eq!(
        s.login_locked_until("+91a", T0 + 900_000).await.unwrap(),
        None,
        "lock ends"
    );
    assert_eq!(
        s.record_login_failure("+91a", 3, T0 + 999_000)
            .await
            .unwrap(),
        1,
        "count reset by the lock"
    );
    s.clear_login_failures("+91a").await.unwrap();
    assert_eq!(s.record_login_failure("+91a", 3, T0).await.unwrap(), 1);
}

async fn passwords_and_epochs(s: S) {
    s.put_verification(&vt("v1", "+91a")).await.unwrap();
    s.create_user(&user("u1", "+91a"), "v1", T0)
        .await
        .unwrap()
        .unwrap();
    s.put_session(&session("u1", "s1")).await.unwrap();
    s.put_session(&session("u1", "s2")).await.unwrap();
    let change = PasswordChange {
        user_id: "u1".into(),
        password_hash: "new".into(),
        new_epoch: 8,
        consume_token: None,
        keep_session: Some("s1".into()),
        now_ms: T0 + 1,
    };
    assert!(s.set_password(&change).await.unwrap());
    let u = s.get_user("u1").await.unwrap().unwrap();
    assert_eq!(
        (u.password_hash.as_deref(), u.session_epoch),
        (Some("new"), 8)
    );
    assert_eq!(
        s.get_session("u1", "s1").await.unwrap().unwrap().epoch,
        8,
        "kept"
    );
    assert_eq!(
        s.get_session("u1", "s2").await.unwrap().unwrap().epoch,
        7,
        "now dead"
    );
    // With a token: consumed in the same write; a used token changes nothing.
    s.put_verification(&vt("v2", "+91a")).await.unwrap();
    let reset = PasswordChange {
        password_hash: "newer".into(),
        new_epoch: 9,
        consume_token: Some(("v2".into(), "+91a".into())),
        keep_session: None,
        ..change.clone()
    };
    assert!(s.set_password(&reset).await.unwrap());
    assert!(s.get_verification("v2").await.unwrap().is_none());
    let again = PasswordChange {
        password_hash: "x".into(),
        new_epoch: 10,
        ..reset
    };
    assert!(!s.set_password(&again).await.unwrap());
    let u = s.get_user("u1").await.unwrap().unwrap();
    assert_eq!(
        (u.password_hash.as_deref(), u.session_epoch),
        (Some("newer"), 9)
    );
}

async fn sessions_and_devices(s: S) {
    s.put_session(&session("u1", "s1")).await.unwrap();
    s.put_session(&session("u1", "s2")).await.unwrap();
    s.put_session(&session("u2", "s3")).await.unwrap();
    let mut ids: Vec<String> = s
        .list_sessions("u1")
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.session_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["s1", "s2"]);
    assert_eq!(
        s.get_session("u1", "s1").await.unwrap().unwrap(),
        session("u1", "s1")
    );
    assert!(
        s.rotate_session("u1", "s1", 0, T0 + 5, T0 + 99)
            .await
            .unwrap()
    );
    assert!(
        !s.rotate_session("u1", "s1", 0, T0 + 6, T0 + 99)
            .await
            .unwrap(),
        "generation moved"
    );
    let r = s.get_session("u1", "s1").await.unwrap().unwrap();
    assert_eq!(
        (r.generation, r.rotated_at_ms, r.expires_at_ms),
        (1, Some(T0 + 5), T0 + 99)
    );
    assert!(s.delete_session("u1", "s1").await.unwrap());
    assert!(!s.delete_session("u1", "s1").await.unwrap());
    assert!(s.get_session("u1", "s1").await.unwrap().is_none());
    let d = |id: &str, pt: &str| Device {
        device_id: id.into(),
        platform: "android".into(),
        push_token: Some(pt.into()),
        app_version: None,
        os_version: None,
        device_name: None,
    };
    s.put_device("u1", &d("d1", "a"), T0).await.unwrap();
    s.put_device("u1", &d("d1", "b"), T0).await.unwrap();
    s.put_device("u1", &d("d2", "c"), T0).await.unwrap();
    let mut devs = s.list_devices("u1").await.unwrap();
    devs.sort_by(|a, b| a.device_id.cmp(&b.device_id));
    assert_eq!(devs, vec![d("d1", "b"), d("d2", "c")]);
}

async fn delete_user_frees_the_phone(s: S) {
    s.put_verification(&vt("v1", "+91a")).await.unwrap();
    s.create_user(&user("u1", "+91a"), "v1", T0)
        .await
        .unwrap()
        .unwrap();
    s.put_session(&session("u1", "s1")).await.unwrap();
    s.put_device(
        "u1",
        &Device {
            device_id: "d".into(),
            platform: "ios".into(),
            push_token: None,
            app_version: None,
            os_version: None,
            device_name: None,
        },
        T0,
    )
    .await
    .unwrap();
    s.delete_user(&user("u1", "+91a")).await.unwrap();
    assert!(s.get_user("u1").await.unwrap().is_none());
    assert!(s.user_id_by_phone("+91a").await.unwrap().is_none());
    assert!(s.list_sessions("u1").await.unwrap().is_empty());
    assert!(s.list_devices("u1").await.unwrap().is_empty());
    s.put_verification(&vt("v2", "+91a")).await.unwrap();
    assert_eq!(
        s.create_user(&user("u9", "+91a"), "v2", T0).await.unwrap(),
        Ok(())
    );
}

/// Runs `n` copies of `f` at once on the multi-threaded runtime.
async fn race<F, Fut, T>(n: usize, f: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(f(i))).collect();
    join_all(handles)
        .await
        .into_iter()
        .map(|r| r.expect("task panicked"))
        .collect()
}

async fn races_have_exactly_one_winner(s: S) {
    s.put_otp(&otp("+91a", "h")).await.unwrap();
    let wins = race(10, |_| {
        let s = s.clone();
        async move { s.consume_otp("+91a", "h", T0).await.unwrap() }
    })
    .await;
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "one code, one use");

    s.put_verification(&vt("v", "+91b")).await.unwrap();
    let outcomes = race(10, |i| {
        let s = s.clone();
        async move {
            s.create_user(&user(&format!("u{i}"), "+91b"), "v", T0)
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

    s.put_session(&session("u1", "s1")).await.unwrap();
    let rotated = race(10, |_| {
        let s = s.clone();
        async move { s.rotate_session("u1", "s1", 0, T0, T0 + 1).await.unwrap() }
    })
    .await;
    assert_eq!(
        rotated.iter().filter(|r| **r).count(),
        1,
        "one rotation per generation"
    );
    assert_eq!(
        s.get_session("u1", "s1").await.unwrap().unwrap().generation,
        1
    );

    let sends = race(10, |_| {
        let s = s.clone();
        async move {
            s.reserve_otp_send(&plan("+91c", "2.2.2.2", T0))
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(
        sends.iter().filter(|r| r.is_ok()).count(),
        1,
        "one send per cooldown"
    );

    s.put_otp(&otp("+91d", "h")).await.unwrap();
    let failures = race(10, |_| {
        let s = s.clone();
        async move { s.record_otp_failure("+91d", "h").await.unwrap() }
    })
    .await;
    assert_eq!(
        failures.iter().filter(|r| r.is_some()).count(),
        3,
        "attempts never exceed the max"
    );
}

fn pool(id: &str, owner: &str, total: u32) -> Pool {
    Pool {
        pool_id: id.into(),
        name: "P".into(),
        owner_id: owner.into(),
        contribution_amount: 100,
        currency: "INR".into(),
        total_members: total,
        joined_members: 0,
        deadline: "2026-12-01".into(),
        pool_type: "WEEKLY".into(),
        created_at_ms: T0,
    }
}

const TODAY: &str = "2026-11-22";

async fn pools_lifecycle(s: S) {
    assert!(s.create_pool(&pool("aaaa0001", "o", 2)).await.unwrap());
    assert!(
        !s.create_pool(&pool("aaaa0001", "x", 5)).await.unwrap(),
        "ids never collide"
    );
    assert_eq!(s.get_pool("aaaa0001").await.unwrap().unwrap().owner_id, "o");
    assert!(s.get_pool("ffff0000").await.unwrap().is_none());
    let p = s
        .join_pool("aaaa0001", "u1", T0, TODAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.joined_members, 1);
    assert_eq!(
        s.join_pool("aaaa0001", "u1", T0, TODAY).await.unwrap(),
        Err(JoinDenied::AlreadyMember)
    );
    assert_eq!(
        s.join_pool("aaaa0001", "u2", T0, TODAY)
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        2
    );
    assert_eq!(
        s.join_pool("aaaa0001", "u3", T0, TODAY).await.unwrap(),
        Err(JoinDenied::Full)
    );
    assert_eq!(
        s.join_pool("aaaa0001", "u1", T0, TODAY).await.unwrap(),
        Err(JoinDenied::AlreadyMember)
    );
    assert_eq!(
        s.join_pool("ffff0000", "u1", T0, TODAY).await.unwrap(),
        Err(JoinDenied::NotFound)
    );
    assert_eq!(
        s.join_pool("aaaa0001", "u3", T0, "2026-12-02")
            .await
            .unwrap(),
        Err(JoinDenied::Closed)
    );
    assert!(s.is_member("aaaa0001", "u1").await.unwrap());
    assert!(!s.is_member("aaaa0001", "u3").await.unwrap());
    let mut members: Vec<String> = s
        .pool_members("aaaa0001")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    members.sort();
    assert_eq!(members, ["u1", "u2"]);
    assert_eq!(
        s.leave_pool("aaaa0001", "u3", TODAY).await.unwrap(),
        Err(LeaveDenied::NotFound)
    );
    assert_eq!(
        s.leave_pool("ffff0000", "u1", TODAY).await.unwrap(),
        Err(LeaveDenied::NotFound)
    );
    assert_eq!(
        s.leave_pool("aaaa0001", "u1", "2026-12-02").await.unwrap(),
        Err(LeaveDenied::Closed)
    );
    assert_eq!(
        s.leave_pool("aaaa0001", "u1", TODAY)
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        1
    );
    assert!(!s.is_member("aaaa0001", "u1").await.unwrap());
    // Lists by key, both sides.
    s.create_pool(&pool("aaaa0002", "o", 5)).await.unwrap();
    s.join_pool("aaaa0002", "u2", T0, TODAY)
        .await
        .unwrap()
        .unwrap();
    let mut owned: Vec<String> = s
        .pools_owned("o")
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.pool_id)
        .collect();
    owned.sort();
    assert_eq!(owned, ["aaaa0001", "aaaa0002"]);
    let mut joined: Vec<String> = s
        .pools_joined("u2")
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.pool_id)
        .collect();
    joined.sort();
    assert_eq!(joined, ["aaaa0001", "aaaa0002"]);
    assert!(s.pools_joined("u1").await.unwrap().is_empty());
    assert!(s.pools_owned("u2").await.unwrap().is_empty());
    // Account deletion: seats given back even in a closed pool; owned pools stay.
    let mut closed = pool("aaaa0003", "u2", 5);
    closed.deadline = "2026-11-22".into();
    s.create_pool(&closed).await.unwrap();
    s.join_pool("aaaa0003", "u2", T0, TODAY)
        .await
        .unwrap()
        .unwrap();
    s.remove_user_from_pools("u2").await.unwrap();
    for id in ["aaaa0001", "aaaa0002", "aaaa0003"] {
        assert_eq!(
            s.get_pool(id).await.unwrap().unwrap().joined_members,
            0,
            "{id}"
        );
        assert!(!s.is_member(id, "u2").await.unwrap());
    }
    assert!(s.pools_joined("u2").await.unwrap().is_empty());
    assert!(
        s.get_pool("aaaa0003").await.unwrap().is_some(),
        "owned pools stay"
    );
}

async fn pool_seat_races(s: S) {
    // Many users, few seats: exactly `total` win, the counter equals the member items.
    s.create_pool(&pool("bbbb0001", "o", 3)).await.unwrap();
    let outcomes = race(12, |i| {
        let s = s.clone();
        async move {
            s.join_pool("bbbb0001", &format!("u{i}"), T0, TODAY)
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
        s.get_pool("bbbb0001")
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        3
    );
    assert_eq!(s.pool_members("bbbb0001").await.unwrap().len(), 3);

    // One user, many joins at once: counted once.
    s.create_pool(&pool("bbbb0002", "o", 10)).await.unwrap();
    let outcomes = race(10, |_| {
        let s = s.clone();
        async move { s.join_pool("bbbb0002", "same", T0, TODAY).await.unwrap() }
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
        s.get_pool("bbbb0002")
            .await
            .unwrap()
            .unwrap()
            .joined_members,
        1
    );

    // Join and leave interleaved: the counter never drifts from the member items.
    s.create_pool(&pool("bbbb0003", "o", 4)).await.unwrap();
    race(8, |i| {
        let s = s.clone();
        async move {
            let user = format!("w{}", i % 4);
            for _ in 0..4 {
                let _ = s.join_pool("bbbb0003", &user, T0, TODAY).await.unwrap();
                let _ = s.leave_pool("bbbb0003", &user, TODAY).await.unwrap();
            }
            if i < 4 {
                let _ = s.join_pool("bbbb0003", &user, T0, TODAY).await.unwrap();
            }
        }
    })
    .await;
    let p = s.get_pool("bbbb0003").await.unwrap().unwrap();
    let members = s.pool_members("bbbb0003").await.unwrap().len() as u32;
    assert_eq!(p.joined_members, members, "counter equals member items");
    assert!(p.joined_members <= p.total_members);
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(integration_tests::memory()).await
                }
            )*
        }
        mod dynamodb_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    if let Some(s) = integration_tests::dynamo().await {
                        super::$case(s).await
                    }
                }
            )*
        }
    };
}

conformance!(
    send_limits,
    otp_lifecycle,
    verification_tokens,
    users_and_uniqueness,
    login_lockout,
    passwords_and_epochs,
    sessions_and_devices,
    delete_user_frees_the_phone,
    races_have_exactly_one_winner,
    pools_lifecycle,
    pool_seat_races,
);
