//! Codes and send limits, plus verification tokens.

use super::{MemoryStore, lock, valid_token};
use crate::domain::{E164, OtpRecord, SendCounter, SendDenied, SendPlan, Verification};
use crate::store::{OtpStore, StoreResult, VerificationStore};
use async_trait::async_trait;

fn counter_key(c: &SendCounter) -> String {
    format!("{:?}#{}#{:?}#{}", c.scope, c.subject, c.window, c.number)
}

#[async_trait]
impl OtpStore for MemoryStore {
    async fn reserve_otp_send(&self, plan: &SendPlan) -> StoreResult<Result<(), SendDenied>> {
        let mut d = lock(&self.codes);
        if let Some((until, _)) = d.cooldowns.get(&plan.phone)
            && *until > plan.now_ms
        {
            return Ok(Err(SendDenied::Cooldown { until_ms: *until }));
        }
        let counters = plan.counters();
        for c in &counters {
            if d.counters.get(&counter_key(c)).copied().unwrap_or(0) >= c.max {
                return Ok(Err(c.denial));
            }
        }
        let gate = plan.sms.as_ref().and_then(|s| s.conversion.as_ref());
        if let Some(g) = gate {
            let counts = d.conversions.get(&(g.prefix.clone(), g.window));
            let counts = counts.copied().unwrap_or_default();
            if g.enforce && counts.refuses(g.min_sends, g.rate_permille) {
                return Ok(Err(SendDenied::PrefixConversion));
            }
            let probation = g
                .probation
                .as_ref()
                .map(|p| (format!("PROBATION#{}#{}", p.country, p.window), p.max));
            if let Some((k, max)) = &probation
                && d.counters.get(k).copied().unwrap_or(0) >= *max
            {
                return Ok(Err(SendDenied::PrefixConversion));
            }
            if let Some((k, _)) = probation {
                *d.counters.entry(k).or_insert(0) += 1;
            }
            let key = (g.prefix.clone(), g.window);
            d.conversions.entry(key).or_default().sent += 1;
        }
        for c in &counters {
            *d.counters.entry(counter_key(c)).or_insert(0) += 1;
        }
        d.cooldowns.insert(
            plan.phone.clone(),
            (plan.cooldown_until_ms, plan.nonce.clone()),
        );
        Ok(Ok(()))
    }

    async fn release_otp_send(&self, plan: &SendPlan) -> StoreResult<()> {
        let mut d = lock(&self.codes);
        if d.cooldowns
            .get(&plan.phone)
            .is_some_and(|(_, n)| *n == plan.nonce)
        {
            d.cooldowns.remove(&plan.phone);
        }
        for counter in plan.counters() {
            if let Some(c) = d.counters.get_mut(&counter_key(&counter)) {
                *c = c.saturating_sub(1);
            }
        }
        if let Some(g) = plan.sms.as_ref().and_then(|s| s.conversion.as_ref())
            && let Some(c) = d.conversions.get_mut(&(g.prefix.clone(), g.window))
        {
            c.sent = c.sent.saturating_sub(1);
        }
        Ok(())
    }

    async fn count_sms(&self, counters: &[SendCounter], _now_ms: i64) -> StoreResult<()> {
        let mut d = lock(&self.codes);
        for c in counters {
            *d.counters.entry(counter_key(c)).or_insert(0) += 1;
        }
        Ok(())
    }

    async fn put_otp(&self, rec: &OtpRecord) -> StoreResult<()> {
        lock(&self.codes)
            .otps
            .insert(rec.phone.clone(), rec.clone());
        Ok(())
    }

    async fn get_otp(&self, phone: &E164) -> StoreResult<Option<OtpRecord>> {
        Ok(lock(&self.codes).otps.get(phone).cloned())
    }

    async fn delete_otp(&self, phone: &E164, code_hash: &str) -> StoreResult<()> {
        let mut d = lock(&self.codes);
        if d.otps.get(phone).is_some_and(|o| o.code_hash == code_hash) {
            d.otps.remove(phone);
        }
        Ok(())
    }

    async fn record_otp_failure(&self, phone: &E164, code_hash: &str) -> StoreResult<Option<u32>> {
        let mut d = lock(&self.codes);
        match d.otps.get_mut(phone) {
            Some(o) if o.code_hash == code_hash && !o.exhausted() => {
                o.attempts += 1;
                Ok(Some(o.attempts))
            }
            _ => Ok(None),
        }
    }

    async fn consume_otp(&self, phone: &E164, code_hash: &str, now_ms: i64) -> StoreResult<bool> {
        let mut d = lock(&self.codes);
        let ok = d.otps.get(phone).is_some_and(|o| {
            o.code_hash == code_hash && !o.exhausted() && o.expires_at_ms > now_ms
        });
        if ok {
            d.otps.remove(phone);
        }
        Ok(ok)
    }
}

#[async_trait]
impl VerificationStore for MemoryStore {
    async fn put_verification(&self, v: &Verification) -> StoreResult<()> {
        lock(&self.verifications).insert(v.token_hash.clone(), v.clone());
        Ok(())
    }

    async fn get_verification(&self, token_hash: &str) -> StoreResult<Option<Verification>> {
        Ok(lock(&self.verifications).get(token_hash).cloned())
    }

    async fn consume_verification(
        &self,
        token_hash: &str,
        phone: &E164,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut v = lock(&self.verifications);
        let ok = valid_token(&v, token_hash, phone, now_ms);
        if ok {
            v.remove(token_hash);
        }
        Ok(ok)
    }
}
