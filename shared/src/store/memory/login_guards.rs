//! The password lockout port on the in-memory store.

use super::{MemoryStore, lock, spend_one};
use crate::domain::{CheckDenied, CheckOutcome, E164, IpWindow, PasswordCheck};
use crate::store::{LoginGuardStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl LoginGuardStore for MemoryStore {
    async fn reserve_password_check(
        &self,
        check: &PasswordCheck,
    ) -> StoreResult<Result<(), CheckDenied>> {
        let mut d = lock(&self.users);
        if let Some(ip) = &check.ip {
            let used = d
                .ip_checks
                .entry((ip.clone(), check.hour_window))
                .or_insert(0);
            if !spend_one(used, check.max_per_ip_hour) {
                return Ok(Err(CheckDenied::IpHour));
            }
        }
        let guard = d.login_guards.entry(check.phone.clone()).or_default();
        Ok(guard.reserve(check).map(|next| *guard = next))
    }

    async fn finish_password_check(
        &self,
        check: &PasswordCheck,
        outcome: CheckOutcome,
    ) -> StoreResult<()> {
        let mut d = lock(&self.users);
        let guard = d.login_guards.entry(check.phone.clone()).or_default();
        *guard = guard.resolve(check, outcome);
        Ok(())
    }

    async fn clear_login_failures(&self, phone: &E164) -> StoreResult<()> {
        lock(&self.users).login_guards.remove(phone);
        Ok(())
    }

    async fn reserve_ip_sign_in(&self, ip: &str, window: &IpWindow) -> StoreResult<bool> {
        let mut d = lock(&self.users);
        let used = d
            .ip_checks
            .entry((ip.to_string(), window.hour_window))
            .or_insert(0);
        Ok(spend_one(used, window.max))
    }

    async fn release_ip_sign_in(&self, ip: &str, window: &IpWindow) -> StoreResult<()> {
        let mut d = lock(&self.users);
        if let Some(used) = d.ip_checks.get_mut(&(ip.to_string(), window.hour_window)) {
            *used = used.saturating_sub(1);
        }
        Ok(())
    }
}
