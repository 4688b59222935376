//! `OtpStore`: codes and send limits.

use super::fixtures::*;
use shared::domain::SendDenied;
use shared::store::Stores;
use shared::testing::e164;

async fn send_limits(s: Stores) {
    let p = plan("+911", "1.1.1.1", T0);
    assert_eq!(s.otps.reserve_otp_send(&p).await.unwrap(), Ok(()));
    let again = plan("+911", "1.1.1.1", T0 + 1_000);
    assert_eq!(
        s.otps.reserve_otp_send(&again).await.unwrap(),
        Err(SendDenied::Cooldown {
            until_ms: T0 + 60_000
        })
    );
    // Releasing gives back the cooldown and the counters.
    s.otps.release_otp_send(&p).await.unwrap();
    assert_eq!(s.otps.reserve_otp_send(&again).await.unwrap(), Ok(()));
    // Hour cap of 3: two more after cooldowns, then PhoneHour.
    let mut t = T0 + 61_000 + 1_000;
    for _ in 0..2 {
        assert_eq!(
            s.otps
                .reserve_otp_send(&plan("+911", "1.1.1.1", t))
                .await
                .unwrap(),
            Ok(())
        );
        t += 61_000;
    }
    assert_eq!(
        s.otps
            .reserve_otp_send(&plan("+911", "1.1.1.1", t))
            .await
            .unwrap(),
        Err(SendDenied::PhoneHour)
    );
    // Next hour, the day cap (4) is still counting: one more, then PhoneDay.
    let next_hour = (T0 / 3_600_000 + 1) * 3_600_000 + 1;
    assert_eq!(
        s.otps
            .reserve_otp_send(&plan("+911", "1.1.1.1", next_hour))
            .await
            .unwrap(),
        Ok(())
    );
    let later = next_hour + 61_000;
    let mut p = plan("+911", "1.1.1.1", later);
    p.day_window = T0 / 86_400_000;
    assert_eq!(
        s.otps.reserve_otp_send(&p).await.unwrap(),
        Err(SendDenied::PhoneDay)
    );
    // IP cap is independent of phones.
    let mut ip = plan("+912", "9.9.9.9", T0);
    ip.max_per_ip_hour = 1;
    assert_eq!(s.otps.reserve_otp_send(&ip).await.unwrap(), Ok(()));
    let mut ip2 = plan("+913", "9.9.9.9", T0);
    ip2.max_per_ip_hour = 1;
    assert_eq!(
        s.otps.reserve_otp_send(&ip2).await.unwrap(),
        Err(SendDenied::IpHour)
    );
}

async fn otp_lifecycle(s: Stores) {
    let a = &e164("+91a");
    s.otps.put_otp(&otp("+91a", "h1")).await.unwrap();
    assert_eq!(s.otps.get_otp(a).await.unwrap().unwrap().code_hash, "h1");
    assert_eq!(s.otps.record_otp_failure(a, "h1").await.unwrap(), Some(1));
    assert_eq!(s.otps.record_otp_failure(a, "other").await.unwrap(), None);
    assert_eq!(s.otps.record_otp_failure(a, "h1").await.unwrap(), Some(2));
    assert_eq!(s.otps.record_otp_failure(a, "h1").await.unwrap(), Some(3));
    assert_eq!(
        s.otps.record_otp_failure(a, "h1").await.unwrap(),
        None,
        "exhausted"
    );
    assert!(
        !s.otps.consume_otp(a, "h1", T0).await.unwrap(),
        "exhausted codes cannot be used"
    );
    // Replaced code starts over; consumed once; expiry honoured.
    s.otps.put_otp(&otp("+91a", "h2")).await.unwrap();
    assert!(!s.otps.consume_otp(a, "h1", T0).await.unwrap());
    assert!(
        !s.otps.consume_otp(a, "h2", T0 + 300_000).await.unwrap(),
        "expired"
    );
    assert!(s.otps.consume_otp(a, "h2", T0).await.unwrap());
    assert!(!s.otps.consume_otp(a, "h2", T0).await.unwrap());
    assert!(s.otps.get_otp(a).await.unwrap().is_none());
    s.otps.put_otp(&otp("+91a", "h3")).await.unwrap();
    s.otps.delete_otp(a, "other").await.unwrap();
    assert!(
        s.otps.get_otp(a).await.unwrap().is_some(),
        "delete only its own code"
    );
    s.otps.delete_otp(a, "h3").await.unwrap();
    assert!(s.otps.get_otp(a).await.unwrap().is_none());
}

async fn one_code_one_use(s: Stores) {
    s.otps.put_otp(&otp("+91a", "h")).await.unwrap();
    let wins = race(10, |_| {
        let s = s.clone();
        async move { s.otps.consume_otp(&e164("+91a"), "h", T0).await.unwrap() }
    })
    .await;
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "one code, one use");
}

async fn one_send_per_cooldown(s: Stores) {
    let sends = race(10, |_| {
        let s = s.clone();
        async move {
            s.otps
                .reserve_otp_send(&plan("+91c", "2.2.2.2", T0))
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
}

async fn attempts_never_exceed_the_max(s: Stores) {
    s.otps.put_otp(&otp("+91d", "h")).await.unwrap();
    let failures = race(10, |_| {
        let s = s.clone();
        async move { s.otps.record_otp_failure(&e164("+91d"), "h").await.unwrap() }
    })
    .await;
    assert_eq!(
        failures.iter().filter(|r| r.is_some()).count(),
        3,
        "attempts never exceed the max"
    );
}

integration_tests::on_both_stores!(
    send_limits,
    otp_lifecycle,
    one_code_one_use,
    one_send_per_cooldown,
    attempts_never_exceed_the_max,
);
