//! Finishing a passkey sign-in: one answer (`INVALID_CREDENTIALS`) for every failed check,
//! each failure spending the source IP's sign-in budget, the reason logged and counted.

use super::{Holder, Passkeys};
use crate::domain::{Error, IpWindow, Passkey, PasskeyUse, Result, Role, User};
use crate::metrics::PasskeyEvent;
use crate::services::secs_until;
use crate::webauthn::{Assertion, Refusal};
use serde_json::Value;

impl Passkeys<'_> {
    /// The account a sign-in ceremony proves: the ceremony is spent, one unit of `ip`'s hourly
    /// sign-in budget is held while the response is checked and kept if it fails. An admin
    /// sign-in also needs an active admin (else the same refusal).
    pub async fn finish_sign_in(
        &self,
        holder: Holder,
        ceremony_id: &str,
        credential: &Value,
        ip: &str,
    ) -> Result<User> {
        let c = self.take(ceremony_id, holder.sign_in(), None).await?;
        let now_ms = self.now_ms();
        let window = IpWindow::at(now_ms, self.config.login_max_per_ip_hour);
        if !self.login_guards.reserve_ip_sign_in(ip, &window).await? {
            let retry_after = secs_until(window.end_ms(), now_ms);
            return Err(Error::RateLimited { retry_after });
        }
        match self.check_assertion(holder, &c.state, credential).await? {
            Ok(user) => {
                self.login_guards.release_ip_sign_in(ip, &window).await?;
                self.metrics.passkey(PasskeyEvent::SignedIn, now_ms);
                Ok(user)
            }
            Err(Refusal(why)) => {
                self.metrics.passkey(PasskeyEvent::Failed(why), now_ms);
                if why == "counter" {
                    tracing::warn!(
                        "passkey sign-in refused: the sign counter did not grow (a possible cloned authenticator)"
                    );
                } else {
                    tracing::info!(reason = why, "passkey sign-in refused");
                }
                Err(Error::PasskeyRefused)
            }
        }
    }

    /// Every check of a sign-in response; `Ok(Err(reason))` for a refusal.
    async fn check_assertion(
        &self,
        holder: Holder,
        state: &str,
        credential: &Value,
    ) -> Result<std::result::Result<User, Refusal>> {
        let assertion = match Assertion::parse(credential) {
            Ok(a) => a,
            Err(why) => return Ok(Err(why)),
        };
        let credential_id = assertion.credential_id();
        let found = self.passkeys.passkey_by_credential(&credential_id);
        let Some(passkey) = found.await? else {
            return Ok(Err(Refusal("unknown_credential")));
        };
        if assertion.user_handle().as_deref() != Some(passkey.user_handle.as_str()) {
            return Ok(Err(Refusal("user_handle")));
        }
        let rp = self.rp()?;
        let asserted = rp.finish_sign_in(&assertion, state, &passkey.credential, passkey.counter);
        let asserted = match asserted {
            Ok(a) => a,
            Err(why) => return Ok(Err(why)),
        };
        if !self
            .record_use(&passkey, asserted.counter, asserted.backed_up)
            .await?
        {
            return Ok(Err(Refusal("counter")));
        }
        let Some(user) = self.users.get_user(&passkey.user_id).await? else {
            return Ok(Err(Refusal("unknown_credential")));
        };
        if holder == Holder::Admin
            && !(user.is_active() && self.config.role_of(&user) == Role::Admin)
        {
            return Ok(Err(Refusal("not_admin")));
        }
        if !user.is_active() {
            return Err(Error::AccountSuspended);
        }
        Ok(Ok(user))
    }

    /// Records the use at the counter read; false when another use moved it meanwhile (or the
    /// passkey was removed).
    async fn record_use(&self, p: &Passkey, counter: u32, backed_up: bool) -> Result<bool> {
        let used = PasskeyUse {
            user_id: p.user_id.clone(),
            passkey_id: p.passkey_id.clone(),
            counter_was: p.counter,
            counter,
            backed_up,
            at_ms: self.now_ms(),
        };
        Ok(self.passkeys.record_passkey_use(&used).await?)
    }
}
