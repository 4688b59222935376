//! `OtpStore`: the SMS-spending counters of a send (number prefix, deployment budget), taken
//! in the same atomic reservation as the phone and IP limits.

use super::fixtures::*;
use shared::domain::SendDenied;
use shared::store::Stores;

/// Reserves `p` and returns the outcome.
async fn reserve(s: &Stores, p: &shared::domain::SendPlan) -> Result<(), SendDenied> {
    s.otps.reserve_otp_send(p).await.unwrap()
}

async fn prefix_cap_and_budgets(s: Stores) {
    // Prefix cap 2, hourly budget 3, daily budget 4.
    let caps = (2, 3, 4);
    assert_eq!(
        reserve(&s, &sms_plan("+91a1", "+91a", T0, caps)).await,
        Ok(())
    );
    assert_eq!(
        reserve(&s, &sms_plan("+91a2", "+91a", T0, caps)).await,
        Ok(())
    );
    assert_eq!(
        reserve(&s, &sms_plan("+91a3", "+91a", T0, caps)).await,
        Err(SendDenied::PrefixHour)
    );
    let third = sms_plan("+91b1", "+91b", T0, caps);
    assert_eq!(reserve(&s, &third).await, Ok(()));
    assert_eq!(
        reserve(&s, &sms_plan("+91c1", "+91c", T0, caps)).await,
        Err(SendDenied::BudgetHour)
    );
    // A refused send took nothing: the same phone as a test number (no SMS) goes through.
    assert_eq!(reserve(&s, &plan("+91c1", "3.3.3.3", T0)).await, Ok(()));
    // A released send gives its budget back.
    s.otps.release_otp_send(&third).await.unwrap();
    assert_eq!(
        reserve(&s, &sms_plan("+91d1", "+91d", T0, caps)).await,
        Ok(())
    );
    // Next hour: the hourly budget refills, the daily one (3 of 4 spent) allows one more.
    let next_hour = (T0 / 3_600_000 + 1) * 3_600_000;
    let mut p = sms_plan("+91e1", "+91e", next_hour, caps);
    p.day_window = T0 / 86_400_000;
    assert_eq!(reserve(&s, &p).await, Ok(()));
    let mut p = sms_plan("+91f1", "+91f", next_hour, caps);
    p.day_window = T0 / 86_400_000;
    assert_eq!(reserve(&s, &p).await, Err(SendDenied::BudgetDay));
}

async fn parallel_sends_fill_a_prefix_exactly(s: Stores) {
    let results = race(20, |i| {
        let s = s.clone();
        async move {
            reserve(
                &s,
                &sms_plan(&format!("+91p{i}"), "+91p", T0, (7, 1000, 1000)),
            )
            .await
        }
    })
    .await;
    let sent = results.iter().filter(|r| r.is_ok()).count();
    let capped = results
        .iter()
        .filter(|r| **r == Err(SendDenied::PrefixHour))
        .count();
    assert_eq!((sent, capped), (7, 13), "{results:?}");
}

async fn parallel_sends_spend_the_budget_exactly(s: Stores) {
    let results = race(20, |i| {
        let s = s.clone();
        async move {
            let phone = format!("+91q{i}");
            reserve(&s, &sms_plan(&phone, &phone, T0, (50, 9, 1000))).await
        }
    })
    .await;
    let sent = results.iter().filter(|r| r.is_ok()).count();
    let paused = results
        .iter()
        .filter(|r| **r == Err(SendDenied::BudgetHour))
        .count();
    assert_eq!((sent, paused), (9, 11), "{results:?}");
}

conformance!(
    prefix_cap_and_budgets,
    parallel_sends_fill_a_prefix_exactly,
    parallel_sends_spend_the_budget_exactly,
);
