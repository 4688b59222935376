//! Codes, send limits and verification tokens (the `otps` table; every item has a TTL).

use super::budget;
use super::expr::{Cmp, Cond, Update};
use super::keys::{
    COOLDOWN_SK, OTP_SK, VT_SK, conversion_sk, counter_sk, ip_pk, otp_pk, prefix_pk,
    prefixes_list_pk, probation_key_parts, send_pk, spread, vt_pk,
};
use super::tx::{Transaction, TxOutcome};
use super::{
    DynamoStore, Item, bounded_count, count_one, key, n, num, s, to_item_expiring, ttl_after,
};
use crate::domain::{
    ConversionGate, CounterScope, E164, OtpRecord, SendCounter, SendDenied, SendPlan, Verification,
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
        .set(LISTS_INDEX.pk, s(prefixes_list_pk(g.window, &g.prefix)))
        .set(LISTS_INDEX.sk, s(g.prefix.clone()));
    let open = Cond::Absent("sent")
        .or(Cond::cmp("sent", Cmp::Lt, n(g.min_sends)))
        .or(Cond::cmp_attr("credit", Cmp::Ge, "owed"));
    (update, g.enforce.then_some(open))
}

/// Where counter `c` is spent: its key, how long it lives (two of its windows) and its bound.
/// The deployment's budget is spread over shards (`budget`); `shard` picks one.
fn counter_slot(c: &SendCounter, shard: u32) -> (Item, i64, u32) {
    let ttl = 2 * c.window.seconds();
    let pk = match c.scope {
        CounterScope::Phone => send_pk(&c.subject),
        CounterScope::Ip => ip_pk(&c.subject),
        CounterScope::Prefix => prefix_pk(&c.subject),
        CounterScope::Deployment => {
            return (
                budget::shard_key(c, shard),
                ttl,
                budget::share(c.max, shard),
            );
        }
    };
    (key(pk, counter_sk(c.window, c.number)), ttl, c.max)
}

/// The counter whose condition cancelled a transaction, if one did.
fn failed_counter(outcome: &TxOutcome<Reserve>, counters: &[SendCounter]) -> Option<usize> {
    counters
        .iter()
        .position(|c| outcome.failed(Reserve::Counter(c.denial)))
}

impl DynamoStore {
    /// A send's reservation, its budget counters on `shards`: the cooldown, every counter
    /// within its bound and the prefix's conversion count (and probation) in one transaction.
    fn reservation(
        &self,
        plan: &SendPlan,
        counters: &[SendCounter],
        shards: &[u32],
    ) -> StoreResult<Transaction<Reserve>> {
        let t = self.table(Table::Otps);
        let cooldown = to_item_expiring(
            &serde_json::json!({ "until_ms": plan.cooldown_until_ms, "nonce": plan.nonce }),
            key(send_pk(&plan.phone), COOLDOWN_SK),
            plan.cooldown_until_ms,
            60,
        )?;
        let free = Cond::item_absent().or(Cond::cmp("until_ms", Cmp::Le, n(plan.now_ms)));
        let mut tx = Transaction::new().put(Reserve::Cooldown, t, cooldown, Some(free))?;
        for (c, &shard) in counters.iter().zip(shards) {
            let (k, ttl, max) = counter_slot(c, shard);
            let (update, cond) = bounded_count(max, ttl, plan.now_ms);
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
        Ok(tx)
    }

    /// A send refused by the cooldown: until when (as stored, else as planned).
    async fn cooldown_denial(&self, plan: &SendPlan) -> StoreResult<SendDenied> {
        let until_ms = self
            .get(Table::Otps, key(send_pk(&plan.phone), COOLDOWN_SK))
            .await?
            .and_then(|i| num(&i, "until_ms"))
            .unwrap_or(plan.cooldown_until_ms);
        Ok(SendDenied::Cooldown { until_ms })
    }

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
        let counters = plan.counters();
        let mut shards: Vec<u32> = counters
            .iter()
            .map(|c| budget::first_shard(&plan.nonce, c))
            .collect();
        let mut moves = 0;
        loop {
            let tx = self.reservation(plan, &counters, &shards)?;
            let outcome = self.run(tx).await?;
            if outcome.committed() {
                return Ok(Ok(()));
            } else if outcome.failed(Reserve::Conversion) {
                return Ok(Err(SendDenied::PrefixConversion));
            } else if outcome.failed(Reserve::Cooldown) {
                return Ok(Err(self.cooldown_denial(plan).await?));
            }
            let Some(i) = failed_counter(&outcome, &counters) else {
                return Err(StoreError::Unavailable(format!(
                    "send reservation cancelled: {outcome:?}"
                )));
            };
            let c = &counters[i];
            if c.scope != CounterScope::Deployment || moves >= budget::max_moves(c) {
                return Ok(Err(c.denial));
            }
            // The shard it tried is full: another with room, or the budget is spent.
            let open = self.open_shards(c).await?;
            if open.is_empty() {
                return Ok(Err(c.denial));
            }
            moves += 1;
            shards[i] = open[spread(&plan.nonce, moves as u8, open.len() as u32) as usize];
        }
    }

    async fn release_otp_send(&self, plan: &SendPlan) -> StoreResult<()> {
        let cooldown = key(send_pk(&plan.phone), COOLDOWN_SK);
        let own = Cond::eq("nonce", s(&plan.nonce));
        self.delete_if(Table::Otps, cooldown, own).await?;
        for c in plan.counters() {
            // One at a time: a counter that is already 0 must not block the others.
            let down = Update::new().add("count", n(-1));
            let positive = Cond::cmp("count", Cmp::Gt, n(0));
            let shard = match c.scope {
                CounterScope::Deployment => {
                    let first = budget::first_shard(&plan.nonce, &c);
                    self.release_shard(&c, first).await?
                }
                _ => 0,
            };
            let (k, _, _) = counter_slot(&c, shard);
            self.update_if(Table::Otps, k, down, Some(positive)).await?;
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

    /// Counted whatever the budget: a budget counter lands on a shard with room while one has
    /// some (so the total stays exact), else on any.
    async fn count_sms(&self, counters: &[SendCounter], now_ms: i64) -> StoreResult<()> {
        let t = self.table(Table::Otps);
        let mut shards: Vec<u32> = counters
            .iter()
            .map(|c| crate::crypto::random_below(budget::shard_count(c.max)))
            .collect();
        let mut bounded: Vec<bool> = counters
            .iter()
            .map(|c| c.scope == CounterScope::Deployment)
            .collect();
        for _ in 0..=counters.iter().map(budget::max_moves).sum::<u32>() {
            let mut tx = Transaction::new();
            for (i, c) in counters.iter().enumerate() {
                let (k, ttl, max) = counter_slot(c, shards[i]);
                let cond = bounded[i].then(|| bounded_count(max, ttl, now_ms).1);
                let role = Reserve::Counter(c.denial);
                tx = tx.update(role, t, k, count_one(ttl, now_ms), cond)?;
            }
            let outcome = self.run(tx).await?;
            if outcome.committed() {
                return Ok(());
            }
            let Some(i) = failed_counter(&outcome, counters) else {
                break;
            };
            let open = self.open_shards(&counters[i]).await?;
            match open.is_empty() {
                true => bounded[i] = false,
                false => shards[i] = open[crate::crypto::random_below(open.len() as u32) as usize],
            }
        }
        Err(StoreError::Unavailable("SMS count cancelled".into()))
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
