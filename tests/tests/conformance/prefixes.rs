//! `PrefixStore` and the conversion rule inside `OtpStore::reserve_otp_send`: sends count in
//! their prefix's window, the rule refuses once `min_sends` went out below the rate (also
//! under racing sends: exactly `min_sends` pass), verifications lift it, a refused send counts
//! nothing, a release gives a send back, pauses stand against shorter ones.

use super::fixtures::*;
use shared::domain::{ConversionGate, PrefixControl, SendDenied, SendPlan};
use shared::store::Stores;

fn gated(phone: &str, enforce: bool) -> SendPlan {
    let mut plan = sms_plan(phone, "+91p", T0, (1000, 1000, 1000));
    if let Some(sms) = plan.sms.as_mut() {
        sms.conversion = Some(ConversionGate {
            prefix: "+91p".into(),
            window: 7,
            window_end_ms: T0 + 3_600_000,
            min_sends: 4,
            rate_permille: 500,
            enforce,
            probation: None,
        });
    }
    plan
}

async fn reserve(s: &Stores, phone: &str, enforce: bool) -> Result<(), SendDenied> {
    s.otps
        .reserve_otp_send(&gated(phone, enforce))
        .await
        .unwrap()
}

async fn sends_count_and_the_rule_refuses_below_the_rate(s: Stores) {
    for n in 0..4 {
        assert_eq!(reserve(&s, &format!("+91p{n}"), true).await, Ok(()));
    }
    let refused = reserve(&s, "+91p9", true).await;
    assert_eq!(refused, Err(SendDenied::PrefixConversion));
    let counts = s.prefixes.conversion("+91p", 7).await.unwrap();
    assert_eq!(
        (counts.sent, counts.verified),
        (4, 0),
        "a refused send counts nothing"
    );
    // Counting only (an ALLOWED prefix, or monitor mode) never refuses.
    assert_eq!(reserve(&s, "+91p8", false).await, Ok(()));
    for _ in 0..3 {
        s.prefixes.count_verified("+91p", 7, T0).await.unwrap();
    }
    // 3 of 5 verified: 60% >= 50%.
    assert_eq!(reserve(&s, "+91p7", true).await, Ok(()));
    assert_eq!(
        s.prefixes.conversion("+91p", 6).await.unwrap().sent,
        0,
        "another window"
    );
}

async fn racing_sends_pass_exactly_min_sends(s: Stores) {
    let results = race(12, |i| {
        let s = s.clone();
        async move { reserve(&s, &format!("+91r{i}"), true).await }
    })
    .await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        4,
        "{results:?}"
    );
    assert_eq!(s.prefixes.conversion("+91p", 7).await.unwrap().sent, 4);
}

async fn a_release_gives_the_send_back(s: Stores) {
    let plan = gated("+91p1", true);
    s.otps.reserve_otp_send(&plan).await.unwrap().unwrap();
    s.otps.release_otp_send(&plan).await.unwrap();
    assert_eq!(s.prefixes.conversion("+91p", 7).await.unwrap().sent, 0);
}

async fn a_pause_stands_against_a_shorter_one(s: Stores) {
    assert_eq!(s.prefixes.prefix_control("+91p").await.unwrap(), None);
    let open = PrefixControl::open("+91p", "IN");
    assert!(
        s.prefixes
            .pause_prefix(&open, T0 + 10, "low", 7)
            .await
            .unwrap()
    );
    assert!(
        !s.prefixes
            .pause_prefix(&open, T0 + 5, "low", 7)
            .await
            .unwrap()
    );
    let stored = s.prefixes.prefix_control("+91p").await.unwrap().unwrap();
    assert_eq!(
        (stored.paused_until_ms, stored.reason.as_deref()),
        (Some(T0 + 10), Some("low"))
    );
    assert!(
        s.prefixes
            .pause_prefix(&open, T0 + 20, "lower", 7)
            .await
            .unwrap()
    );
}

async fn pauses_count_per_country_and_window(s: Stores) {
    let standing = |s: Stores| async move {
        let st = s.prefixes.prefix_standing("+91q", "IN", 7).await.unwrap();
        (st.control, st.country_pauses)
    };
    assert_eq!(standing(s.clone()).await, (None, 0));
    for p in ["+91p", "+91q"] {
        let open = PrefixControl::open(p, "IN");
        assert!(
            s.prefixes
                .pause_prefix(&open, T0 + 10, "low", 7)
                .await
                .unwrap()
        );
    }
    let again = PrefixControl::open("+91q", "IN");
    assert!(
        !s.prefixes
            .pause_prefix(&again, T0 + 5, "low", 7)
            .await
            .unwrap(),
        "not counted twice"
    );
    let (control, pauses) = standing(s.clone()).await;
    assert_eq!(
        (control.unwrap().paused_until_ms, pauses),
        (Some(T0 + 10), 2)
    );
    let other = s.prefixes.prefix_standing("+91q", "GB", 7).await.unwrap();
    assert_eq!(other.country_pauses, 0);
}

async fn unproven_prefixes_share_the_countrys_probation(s: Stores) {
    let gated = |phone: &str, prefix: &str| {
        let mut plan = gated(phone, true);
        if let Some(g) = plan.sms.as_mut().and_then(|s| s.conversion.as_mut()) {
            g.prefix = prefix.into();
            g.min_sends = 1;
            g.probation = Some(shared::domain::Probation {
                country: "GB".into(),
                window: 7,
                max: 3,
            });
        }
        plan
    };
    let mut passed = 0;
    for n in 0..6 {
        let plan = gated(&format!("+44{n}"), &format!("+44p{n}"));
        passed += usize::from(s.otps.reserve_otp_send(&plan).await.unwrap().is_ok());
    }
    assert_eq!(passed, 3, "six fresh prefixes share three sends");
}

integration_tests::on_both_stores!(
    unproven_prefixes_share_the_countrys_probation,
    pauses_count_per_country_and_window,
    sends_count_and_the_rule_refuses_below_the_rate,
    racing_sends_pass_exactly_min_sends,
    a_release_gives_the_send_back,
    a_pause_stands_against_a_shorter_one,
);
