//! Moving an account to another number: proven by a verification token for the new number,
//! written in one atomic step, announced to the old number.

use super::{Auth, new_epoch};
use crate::domain::{Caller, Conflict, E164, Error, Result, User, Window, budget_counters};
use crate::phone::mask;
use crate::sms::{Sms, SmsPurpose};
use crate::store::{PhoneChange, PhoneChangeDenied};

impl Auth<'_> {
    /// Moves the caller's account to the verified number of `verification_token`; every other
    /// session ends and the old number is told by SMS. The old number works until the change
    /// commits; a refused change writes nothing (the token stays usable).
    pub async fn change_phone(&self, ctx: &Caller, verification_token: &str) -> Result<User> {
        let (hash, v) = self.live_verification(verification_token).await?;
        let old_phone = ctx.user.phone.clone();
        if v.phone == old_phone {
            return Err(Error::Conflict(Conflict::AccountExists));
        }
        let change = PhoneChange {
            user_id: ctx.user.user_id.clone(),
            old_phone: old_phone.clone(),
            new_phone: v.phone.clone(),
            token_hash: hash,
            new_epoch: new_epoch(),
            keep_session: ctx.session.session_id.clone(),
            now_ms: self.now_ms(),
        };
        match self.phones.change_phone(&change).await? {
            Ok(()) => {}
            Err(PhoneChangeDenied::TokenInvalid) => return Err(Error::VerificationTokenInvalid),
            Err(PhoneChangeDenied::PhoneTaken) => {
                return Err(Error::Conflict(Conflict::AccountExists));
            }
            Err(PhoneChangeDenied::Stale) => return Err(Error::Unauthorized),
        }
        tracing::info!(
            from = %mask(&old_phone),
            to = %mask(&v.phone),
            "phone changed; other sessions revoked"
        );
        self.sweep_sessions(&ctx.user.user_id, Some(&ctx.session.session_id))
            .await;
        self.notify_old_phone(&old_phone, &v.phone).await;
        self.users
            .get_user(&ctx.user.user_id)
            .await?
            .ok_or(Error::Unauthorized)
    }

    /// Tells the old number that the account moved. The change has committed, so a failed
    /// notice is logged (with its error code), not returned. The notice is sent even while the
    /// SMS budget is spent (the owner must hear of it) and counts against the budget all the
    /// same; its own cost is bounded by the budgeted code that proved the new number.
    async fn notify_old_phone(&self, old_phone: &E164, new_phone: &E164) {
        if self.config.sms.test_numbers.code_for(old_phone).is_some() {
            tracing::warn!(phone = %mask(old_phone), "test number: phone change notice not sent");
            return;
        }
        let (now_ms, sms) = (self.now_ms(), &self.config.sms);
        let budget = budget_counters(
            Window::Hour.number_at(now_ms),
            sms.budget_hour,
            Window::Day.number_at(now_ms),
            sms.budget_day,
        );
        if let Err(e) = self.otps.count_sms(&budget, now_ms).await {
            tracing::warn!(error = %e, "phone change notice not counted in the SMS budget");
        }
        let body = format!(
            "The phone number on your {} account was changed to {}. If this was not you, contact support.",
            self.config.sms.app_name,
            mask(new_phone)
        );
        let sms = Sms {
            to: old_phone,
            body: &body,
            purpose: SmsPurpose::Notice,
        };
        match self.sms.send(&sms).await {
            Ok(d) => {
                tracing::info!(phone = %mask(old_phone), message_id = %d.message_id, "phone change notice sent");
            }
            Err(e) => {
                tracing::warn!(phone = %mask(old_phone), error = %e, "phone change notice not sent");
            }
        }
    }
}
