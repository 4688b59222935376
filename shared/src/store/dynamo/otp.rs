//! Codes, send limits and verification tokens (the `otps` table; every item has a TTL).

use super::expr::{Cmp, Cond, Update};
use super::keys::{
    COOLDOWN_SK, OTP_SK, SMS_BUDGET_PK, VT_SK, conversion_sk, day_sk, hour_sk, ip_pk, otp_pk,
    prefix_pk, prefixes_list_pk, probation_key_parts, send_pk, vt_pk,
};
use super::tx::{Transaction, TxOutcome};
use super::{
    DynamoStore, Item, bounded_count, count_one, key, n, num, s, to_item_expiring, ttl_after,
};
use crate::domain::{
    ConversionGate, CounterScope, E164, OtpRecord, SendCounter, SendDenied, SendPlan, Verification,
    Window,
};
use crate::store::tables::{LISTS_INDEX, TTL_ATTRIBUTE, Table};
use crate::store::{OtpStore, StoreError, StoreResult, VerificationStore};
use async_trait::async_trait;

/// The items of a send reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reserve {
    Cooldown,
    Counter(SendDenied),
    Conversion,
}

/// A send's count in its prefix's conversion window (`sent`, and `owed` by the rate in
/// thousandths) and, when the rule is enforced, its condition: fewer than `min_sends` sent, or
/// `credit` (1000 per verification) at least `owed` (see `domain::prefix`).
fn conversion_send(g: &ConversionGate) -> (Update, Option<Cond>) {
    // The window's entry in the `lists` index, written once (its keys never change after).
    let update = Update::new()
        .add("sent", n(1))
        .add("owed", n(g.rate_permille))
        .set(TTL_ATTRIBUTE, ttl_after(g.window_end_ms, 3_600))
        .set(LISTS_INDEX.pk, s(prefixes_list_pk(g.window)))
        .set(LISTS_INDEX.sk, s(g.prefix.clone()));
    let open = Cond::Absent("sent")
        .or(Cond::cmp("sent", Cmp::Lt, n(g.min_sends)))
        .or(Cond::cmp_attr("credit", Cmp::Ge, "owed"));
    (update, g.enforce.then_some(open))
}

/// The key of a send counter; it lives two of its windows.
fn counter_key(c: &SendCounter) -> (Item, i64) {
    let pk = match c.scope {
        CounterScope::Phone => send_pk(&c.subject),
        CounterScope::Ip => ip_pk(&c.subject),
        CounterScope::Prefix => prefix_pk(&c.subject),
        CounterScope::Deployment => SMS_BUDGET_PK.to_string(),
    };
    let sk = match c.window {
        Window::Hour => hour_sk(c.number),
        Window::Day => day_sk(c.number),
    };
    (key(pk, sk), 2 * c.window.seconds())
}

impl DynamoStore {
    /// Deletes verification token `hash` if it is for `phone` and unexpired (in a transaction).
    pub(super) fn token_delete<R: Copy + PartialEq + std::fmt::Debug>(
        &self,
        tx: Transaction<R>,
        role: R,
        token_hash: &str,
        phone: &E164,
        now_ms: i64,
    ) -> StoreResult<Transaction<R>> {
        let cond = Cond::item_exists()
            .and(Cond::eq("phone", s(phone)))
            .and(Cond::cmp("expires_at_ms", Cmp::Gt, n(now_ms)));
        tx.delete(
            role,
            self.table(Table::Otps),
            key(vt_pk(token_hash), VT_SK),
            Some(cond),
        )
    }
}

#[async_trait]
impl OtpStore for DynamoStore {
    async fn reserve_otp_send(&self, plan: &SendPlan) -> StoreResult<Result<(), SendDenied>> {
        let t = self.table(Table::Otps);
        let cooldown = to_item_expiring(
            &serde_json::json!({ "until_ms": plan.cooldown_until_ms, "nonce": plan.nonce }),
            key(send_pk(&plan.phone), COOLDOWN_SK),
            plan.cooldown_until_ms,
            60,
        )?;
        let free = Cond::item_absent().or(Cond::cmp("until_ms", Cmp::Le, n(plan.now_ms)));
        let mut tx = Transaction::new().put(Reserve::Cooldown, t, cooldown, Some(free))?;
        let counters = plan.counters();
        for c in &counters {
            let (k, ttl) = counter_key(c);
            let (update, cond) = bounded_count(c.max, ttl, plan.now_ms);
            tx = tx.update(Reserve::Counter(c.denial), t, k, update, Some(cond))?;
        }
        if let Some(g) = plan.sms.as_ref().and_then(|s| s.conversion.as_ref()) {
            let (update, cond) = conversion_send(g);
            let k = key(prefix_pk(&g.prefix), conversion_sk(g.window));
            let users = self.table(Table::Users);
            tx = tx.update(Reserve::Conversion, users, k, update, cond)?;
            if let Some(p) = &g.probation {
                let (pk, sk) = probation_key_parts(&p.country, p.window);
                let (update, cond) = bounded_count(p.max, 2 * 3_600, g.window_end_ms);
                tx = tx.update(Reserve::Conversion, users, key(pk, sk), update, Some(cond))?;
            }
        }
        let outcome = self.run(tx).await?;
        Ok(if outcome.committed() {
            Ok(())
        } else if outcome.failed(Reserve::Conversion) {
            Err(SendDenied::PrefixConversion)
        } else if outcome.failed(Reserve::Cooldown) {
            let until_ms = self
                .get(Table::Otps, key(send_pk(&plan.phone), COOLDOWN_SK))
                .await?
                .and_then(|i| num(&i, "until_ms"))
                .unwrap_or(plan.cooldown_until_ms);
            Err(SendDenied::Cooldown { until_ms })
        } else {
            let failed = counters
                .iter()
                .find(|c| outcome.failed(Reserve::Counter(c.denial)));
            match failed {
                Some(c) => Err(c.denial),
                None => {
                    return Err(StoreError::Unavailable(format!(
                        "send reservation cancelled: {outcome:?}"
                    )));
                }
            }
        })
    }

    async fn release_otp_send(&self, plan: &SendPlan) -> StoreResult<()> {
        let cooldown = key(send_pk(&plan.phone), COOLDOWN_SK);
        let own = Cond::eq("nonce", s(&plan.nonce));
        self.delete_if(Table::Otps, cooldown, own).await?;
        for c in plan.counters() {
            // One at a time: a counter that is already 0 must not block the others.
            let down = Update::new().add("count", n(-1));
            let positive = Cond::cmp("count", Cmp::Gt, n(0));
            self.update_if(Table::Otps, counter_key(&c).0, down, Some(positive))
                .await?;
        }
        if let Some(g) = plan.sms.as_ref().and_then(|s| s.conversion.as_ref()) {
            let down = Update::new()
                .add("sent", n(-1))
                .add("owed", n(-i64::from(g.rate_permille)));
            let k = key(prefix_pk(&g.prefix), conversion_sk(g.window));
            let positive = Cond::cmp("sent", Cmp::Gt, n(0));
            self.update_if(Table::Users, k, down, Some(positive))
                .await?;
        }
        Ok(())
    }

    async fn count_sms(&self, counters: &[SendCounter], now_ms: i64) -> StoreResult<()> {
        let t = self.table(Table::Otps);
        let mut tx = Transaction::new();
        for c in counters {
            let (k, ttl) = counter_key(c);
            tx = tx.update(
                Reserve::Counter(c.denial),
                t,
                k,
                count_one(ttl, now_ms),
                None,
            )?;
        }
        let outcome = self.run(tx).await?;
        match outcome.committed() {
            true => Ok(()),
            false => Err(StoreError::Unavailable(format!(
                "SMS count cancelled: {outcome:?}"
            ))),
        }
    }

    async fn put_otp(&self, rec: &OtpRecord) -> StoreResult<()> {
        let k = key(otp_pk(&rec.phone), OTP_SK);
        let item = to_item_expiring(rec, k, rec.expires_at_ms, 60)?;
        self.put(Table::Otps, item).await
    }

    async fn get_otp(&self, phone: &E164) -> StoreResult<Option<OtpRecord>> {
        self.get_as(Table::Otps, key(otp_pk(phone), OTP_SK)).await
    }

    async fn delete_otp(&self, phone: &E164, code_hash: &str) -> StoreResult<()> {
        let own = Cond::eq("code_hash", s(code_hash));
        self.delete_if(Table::Otps, key(otp_pk(phone), OTP_SK), own)
            .await
            .map(|_| ())
    }

    async fn record_otp_failure(&self, phone: &E164, code_hash: &str) -> StoreResult<Option<u32>> {
        let cond = Cond::eq("code_hash", s(code_hash)).and(Cond::cmp_attr(
            "attempts",
            Cmp::Lt,
            "max_attempts",
        ));
        let updated = self
            .update_if(
                Table::Otps,
                key(otp_pk(phone), OTP_SK),
                Update::new().add("attempts", n(1)),
                Some(cond),
            )
            .await?;
        Ok(updated.and_then(|a| num(&a, "attempts")).map(|v| v as u32))
    }

    async fn consume_otp(&self, phone: &E164, code_hash: &str, now_ms: i64) -> StoreResult<bool> {
        let cond = Cond::eq("code_hash", s(code_hash))
            .and(Cond::cmp_attr("attempts", Cmp::Lt, "max_attempts"))
            .and(Cond::cmp("expires_at_ms", Cmp::Gt, n(now_ms)));
        self.delete_if(Table::Otps, key(otp_pk(phone), OTP_SK), cond)
            .await
    }
}

#[async_trait]
impl VerificationStore for DynamoStore {
    async fn put_verification(&self, v: &Verification) -> StoreResult<()> {
        let k = key(vt_pk(&v.token_hash), VT_SK);
        let item = to_item_expiring(v, k, v.expires_at_ms, 60)?;
        self.put(Table::Otps, item).await
    }

    async fn get_verification(&self, token_hash: &str) -> StoreResult<Option<Verification>> {
        self.get_as(Table::Otps, key(vt_pk(token_hash), VT_SK))
            .await
    }

    async fn consume_verification(
        &self,
        token_hash: &str,
        phone: &E164,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let tx = self.token_delete(Transaction::new(), (), token_hash, phone, now_ms)?;
        Ok(matches!(self.run(tx).await?, TxOutcome::Committed))
    }
}
