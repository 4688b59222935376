//! `OtpStore`: the SMS-spending counters of a send (number prefix, deployment budget), taken
//! in the same atomic reservation as the phone and IP limits, and the budget counted for an
//! SMS that is sent whatever the budget (a security notice).
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

async fn a_counted_sms_spends_the_budget_even_past_its_max(s: Stores) {
    let caps = (50, 2, 1000);
    let budget = |now_ms: i64| {
        shared::domain::budget_counters(now_ms / 3_600_000, 2, now_ms / 86_400_000, 1000)
    };
    s.otps.count_sms(&budget(T0), T0).await.unwrap();
    assert_eq!(
        reserve(&s, &sms_plan("+91g1", "+91g", T0, caps)).await,
        Ok(())
    );
    assert_eq!(
        reserve(&s, &sms_plan("+91g2", "+91g", T0, caps)).await,
        Err(SendDenied::BudgetHour)
    );
    // Spent, and counted all the same: a release afterwards does not open a slot.
    s.otps.count_sms(&budget(T0), T0).await.unwrap();
    let sent = sms_plan("+91g1", "+91g", T0, caps);
    s.otps.release_otp_send(&sent).await.unwrap();
    assert_eq!(
        reserve(&s, &sms_plan("+91g3", "+91g", T0, caps)).await,
        Err(SendDenied::BudgetHour)
    );
    // Next hour: the count started over.
    let next_hour = (T0 / 3_600_000 + 1) * 3_600_000;
    assert_eq!(
        reserve(&s, &sms_plan("+91g4", "+91g", next_hour, caps)).await,
        Ok(())
    );
}

async fn parallel_counts_add_up_exactly(s: Stores) {
    let budget = shared::domain::budget_counters(T0 / 3_600_000, 23, T0 / 86_400_000, 1000);
    race(20, |_| {
        let (s, budget) = (s.clone(), budget.clone());
        async move { s.otps.count_sms(&budget, T0).await.unwrap() }
    })
    .await;
    let caps = (50, 23, 1000);
    let results = race(5, |i| {
        let s = s.clone();
        async move { reserve(&s, &sms_plan(&format!("+91h{i}"), "+91h", T0, caps)).await }
    })
    .await;
    let sent = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(sent, 3, "20 counted + 3 sent = 23: {results:?}");
}

integration_tests::on_both_stores!(
    a_counted_sms_spends_the_budget_even_past_its_max,
    parallel_counts_add_up_exactly,
    prefix_cap_and_budgets,
    parallel_sends_fill_a_prefix_exactly,
    parallel_sends_spend_the_budget_exactly,
);
