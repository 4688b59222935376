//! The password lockout on DynamoDB: one guard item per phone in the `otps` table, moved by
//! compare-and-set, and the source IP's hourly budget.

use super::expr::{Cmp, Cond, Update};
use super::keys::{LOGIN_SK, ip_pk, login_hour_sk, login_pk};
use super::{DynamoStore, key, n, to_item, ttl_after};
use crate::domain::{CheckDenied, CheckOutcome, E164, IpWindow, LoginGuard, PasswordCheck};
use crate::store::tables::{TTL_ATTRIBUTE, Table};
use crate::store::{LoginGuardStore, StoreError, StoreResult};
use async_trait::async_trait;

/// Compare-and-set rounds on one phone's lockout record before giving up.
const GUARD_ROUNDS: usize = 20;

impl DynamoStore {
    /// Spends one of the source IP's sign-ins this hour; false when none is left.
    async fn spend_ip_check(&self, ip: &str, w: &IpWindow) -> StoreResult<bool> {
        let k = key(ip_pk(ip), login_hour_sk(w.hour_window));
        self.spend_one(Table::Otps, k, w.max, 2 * 3_600, w.now_ms)
            .await
    }

    /// Moves the phone's lockout record by `step` with compare-and-set on its version: read,
    /// compute, write only if no other check wrote meanwhile (else read again). `Ok(None)`
    /// when it kept changing.
    async fn move_guard<T>(
        &self,
        check: &PasswordCheck,
        step: impl Fn(&LoginGuard) -> Result<LoginGuard, T>,
    ) -> StoreResult<Option<Result<(), T>>> {
        let k = key(login_pk(&check.phone), LOGIN_SK);
        for _ in 0..GUARD_ROUNDS {
            let stored: Option<LoginGuard> = self.get_as(Table::Otps, k.clone()).await?;
            let unchanged = match &stored {
                None => Cond::item_absent(),
                Some(g) => Cond::eq("version", n(g.version)),
            };
            let mut next = match step(&stored.unwrap_or_default()) {
                Ok(next) => next,
                Err(denied) => return Ok(Some(Err(denied))),
            };
            next.version += 1;
            let mut item = to_item(&next, k.clone())?;
            item.insert(
                TTL_ATTRIBUTE.into(),
                ttl_after(next.expires_at_ms(check), 86_400),
            );
            if self.put_if(Table::Otps, item, unchanged).await? {
                return Ok(Some(Ok(())));
            }
        }
        Ok(None)
    }
}

#[async_trait]
impl LoginGuardStore for DynamoStore {
    async fn reserve_password_check(
        &self,
        check: &PasswordCheck,
    ) -> StoreResult<Result<(), CheckDenied>> {
        if let Some(ip) = &check.ip
            && !self.spend_ip_check(ip, &check.ip_window()).await?
        {
            return Ok(Err(CheckDenied::IpHour));
        }
        // Still contended after every round: as good as busy.
        let reserved = self.move_guard(check, |g| g.reserve(check)).await?;
        Ok(reserved.unwrap_or(Err(CheckDenied::Busy)))
    }

    async fn finish_password_check(
        &self,
        check: &PasswordCheck,
        outcome: CheckOutcome,
    ) -> StoreResult<()> {
        let step = |g: &LoginGuard| Ok::<_, ()>(g.resolve(check, outcome));
        match self.move_guard(check, step).await? {
            Some(_) => Ok(()),
            None => Err(StoreError::Unavailable(
                "password check: the lockout record kept changing".into(),
            )),
        }
    }

    async fn clear_login_failures(&self, phone: &E164) -> StoreResult<()> {
        self.delete_key(Table::Otps, key(login_pk(phone), LOGIN_SK))
            .await
    }

    async fn reserve_ip_sign_in(&self, ip: &str, window: &IpWindow) -> StoreResult<bool> {
        self.spend_ip_check(ip, window).await
    }

    async fn release_ip_sign_in(&self, ip: &str, window: &IpWindow) -> StoreResult<()> {
        let give_back = Update::new().add("count", n(-1));
        let k = key(ip_pk(ip), login_hour_sk(window.hour_window));
        let above_zero = Cond::cmp("count", Cmp::Gt, n(0));
        self.update_if(Table::Otps, k, give_back, Some(above_zero))
            .await?;
        Ok(())
    }
}
