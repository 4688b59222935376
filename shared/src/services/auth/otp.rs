//! Sending a code and verifying it, within the send limits and the SMS budget. Test numbers
//! (`TEST_PHONE_NUMBERS`) go through every rule but get no SMS: their fixed code is stored as
//! if it had been sent.

use super::{Auth, VERIFICATION_TTL_SECONDS};
use crate::crypto::{ct_eq, random_digits, random_token};
use crate::domain::{
    ConversionGate, Error, OtpRecord, PauseScope, Result, SendDenied, SendPlan, SmsLimits,
    Verification, Window,
};
use crate::metrics::{BlockReason, OtpEvent};
use crate::phone::Phone;
use crate::services::secs_until;
use crate::sms::{Sms, SmsPurpose};
use crate::validate;

/// A code is on its way.
#[derive(Debug, Clone)]
pub struct CodeSent {
    pub phone: Phone,
    pub expires_in: i64,
    pub resend_after: i64,
}

/// A phone was proven; the token stands for it for [`VERIFICATION_TTL_SECONDS`].
#[derive(Debug, Clone)]
pub struct PhoneVerified {
    pub verification_token: String,
    pub expires_in: i64,
    pub account_exists: bool,
}

impl Auth<'_> {
    /// The reservation of one send; a test number spends no SMS budget or prefix cap (`sms`
    /// is `None`), others pass their prefix's conversion `gate`.
    fn send_plan(
        &self,
        phone: &Phone,
        ip: &str,
        sms_gate: Option<Option<ConversionGate>>,
    ) -> SendPlan {
        let (otp, sms) = (&self.config.otp, &self.config.sms);
        let now_ms = self.now_ms();
        SendPlan {
            phone: phone.e164().clone(),
            ip: ip.to_string(),
            now_ms,
            cooldown_until_ms: now_ms + otp.resend_seconds * 1000,
            nonce: random_token(),
            hour_window: Window::Hour.number_at(now_ms),
            day_window: Window::Day.number_at(now_ms),
            max_per_hour: otp.max_per_hour,
            max_per_day: otp.max_per_day,
            max_per_ip_hour: otp.max_per_ip_hour,
            sms: sms_gate.map(|conversion| SmsLimits {
                prefix: phone.prefix(sms.prefix_digits),
                max_per_prefix_hour: sms.max_per_prefix_hour,
                budget_hour: sms.budget_hour,
                budget_day: sms.budget_day,
                conversion,
            }),
        }
    }

    pub(super) fn count(&self, event: OtpEvent, phone: &Phone) {
        self.metrics.otp(&event, &phone.country(), self.now_ms());
    }

    /// Sends a code to the phone, within the send limits. Never tells whether an account exists.
    pub async fn request_otp(
        &self,
        raw_phone: &str,
        country_code: Option<&str>,
        ip: &str,
    ) -> Result<CodeSent> {
        let phone = self.parse_phone(raw_phone, country_code)?;
        if !phone.is_mobile() {
            // Toll-free, premium-rate and the like: a toll-fraud door, and no SMS arrives.
            return Err(Error::invalid(
                "phone",
                "codes are sent to mobile numbers only",
            ));
        }
        if !self.config.allowed_countries.allows(&phone) {
            self.count(OtpEvent::Blocked(BlockReason::Country), &phone);
            return Err(Error::CountryNotSupported);
        }
        let test_code = self.config.sms.test_numbers.code_for(phone.e164());
        let gate = match test_code {
            Some(_) => None,
            None => Some(
                self.prefix_gate(&phone, &phone.prefix(self.config.sms.prefix_digits))
                    .await?,
            ),
        };
        let plan = self.send_plan(&phone, ip, gate.as_ref().map(|(_, g)| g.clone()));
        match self.otps.reserve_otp_send(&plan).await? {
            Ok(()) => {}
            Err(SendDenied::PrefixConversion) => {
                let Some((control, Some(gate))) = &gate else {
                    return Err(Error::internal("conversion refusal without a gate"));
                };
                return Err(self.prefix_paused(&phone, control, gate).await?);
            }
            Err(denied) => return Err(self.refuse_send(&phone, &plan, denied)),
        }
        match test_code {
            Some(code) => {
                self.store_code(&plan, code).await?;
                tracing::warn!(phone = %phone.masked(), "test number: code stored, no SMS sent");
                self.count(OtpEvent::TestNumberUsed, &phone);
            }
            None => self.deliver_code(&phone, &plan).await?,
        }
        let otp = &self.config.otp;
        Ok(CodeSent {
            phone,
            expires_in: otp.ttl_seconds,
            resend_after: otp.resend_seconds,
        })
    }

    /// The refusal of a send whose reservation was denied: 429 for the phone, IP and prefix
    /// limits, 503 while the deployment's budget is spent; each counted by reason.
    fn refuse_send(&self, phone: &Phone, plan: &SendPlan, denied: SendDenied) -> Error {
        let hour_end = (plan.hour_window + 1) * 3_600_000;
        let day_end = (plan.day_window + 1) * 86_400_000;
        let (reason, until_ms) = match denied {
            SendDenied::Cooldown { until_ms } => (BlockReason::Cooldown, until_ms),
            SendDenied::PhoneHour => (BlockReason::PhoneCap, hour_end),
            SendDenied::PhoneDay => (BlockReason::PhoneCap, day_end),
            SendDenied::IpHour => (BlockReason::IpCap, hour_end),
            SendDenied::PrefixHour => (BlockReason::PrefixCap, hour_end),
            SendDenied::BudgetHour => (BlockReason::Budget, hour_end),
            SendDenied::BudgetDay => (BlockReason::Budget, day_end),
            // Handled by `prefix_paused` before this is reached.
            SendDenied::PrefixConversion => (BlockReason::PrefixPaused, hour_end),
        };
        let retry_after = secs_until(until_ms, plan.now_ms);
        self.count(OtpEvent::Blocked(reason), phone);
        if reason == BlockReason::Budget {
            tracing::warn!(phone = %phone.masked(), ?denied, "SMS budget spent: sending paused");
            Error::OtpSendingPaused {
                retry_after,
                scope: PauseScope::Budget,
            }
        } else {
            tracing::info!(phone = %phone.masked(), ?denied, "OTP send refused");
            Error::RateLimited { retry_after }
        }
    }

    /// Stores `code` as the phone's current one; on failure the reservation is given back.
    async fn store_code(&self, plan: &SendPlan, code: &str) -> Result<OtpRecord> {
        let otp = &self.config.otp;
        let rec = OtpRecord {
            phone: plan.phone.clone(),
            code_hash: self.code_hash(&plan.phone, code),
            attempts: 0,
            max_attempts: otp.max_attempts,
            created_at_ms: plan.now_ms,
            expires_at_ms: plan.now_ms + otp.ttl_seconds * 1000,
            conversion: plan
                .sms
                .as_ref()
                .and_then(|s| s.conversion.as_ref())
                .map(|g| (g.prefix.clone(), g.window)),
        };
        if let Err(e) = self.otps.put_otp(&rec).await {
            self.release(plan).await;
            return Err(e.into());
        }
        Ok(rec)
    }

    /// Stores a fresh code and sends it; on any failure nothing of the send is kept.
    async fn deliver_code(&self, phone: &Phone, plan: &SendPlan) -> Result<()> {
        let code = random_digits(self.config.otp.length);
        let rec = self.store_code(plan, &code).await?;
        let body = self.config.sms.text.render(&code);
        let sms = Sms {
            to: &plan.phone,
            body: &body,
            purpose: SmsPurpose::Code,
        };
        match self.sms.send(&sms).await {
            Ok(delivery) => {
                let message_id = &delivery.message_id;
                tracing::info!(phone = %phone.masked(), %message_id, "OTP sent");
                self.count(OtpEvent::Sent, phone);
                Ok(())
            }
            Err(e) => {
                tracing::error!(phone = %phone.masked(), error = %e, "OTP delivery failed");
                self.count(OtpEvent::DeliveryFailed(e.code), phone);
                if let Err(e) = self.otps.delete_otp(&plan.phone, &rec.code_hash).await {
                    tracing::error!(error = %e, "could not withdraw undelivered code");
                }
                self.release(plan).await;
                Err(Error::OtpDeliveryFailed)
            }
        }
    }

    async fn release(&self, plan: &SendPlan) {
        if let Err(e) = self.otps.release_otp_send(plan).await {
            tracing::error!(error = %e, "could not release OTP send reservation");
        }
    }

    /// Checks a code; the right one (once) buys a verification token.
    pub async fn verify_otp(
        &self,
        raw_phone: &str,
        country_code: Option<&str>,
        code: &str,
    ) -> Result<PhoneVerified> {
        let phone = self.parse_phone(raw_phone, country_code)?;
        validate::code(code)?;
        let e164 = phone.e164();
        let now_ms = self.now_ms();
        let Some(rec) = self.otps.get_otp(e164).await? else {
            return Err(Error::OtpExpired);
        };
        if rec.exhausted() {
            return Err(Error::OtpAttemptsExceeded);
        }
        if rec.expires_at_ms <= now_ms {
            return Err(Error::OtpExpired);
        }
        let given = self.code_hash(e164, code);
        if !ct_eq(given.as_bytes(), rec.code_hash.as_bytes()) {
            self.count(OtpEvent::VerifyFailed, &phone);
            return match self.otps.record_otp_failure(e164, &rec.code_hash).await? {
                Some(attempts) => {
                    tracing::info!(phone = %phone.masked(), attempts, "wrong OTP");
                    Err(Error::OtpInvalid {
                        attempts_remaining: rec.max_attempts.saturating_sub(attempts),
                    })
                }
                None => Err(self.after_race(&rec).await?),
            };
        }
        if !self.otps.consume_otp(e164, &rec.code_hash, now_ms).await? {
            return Err(self.after_race(&rec).await?);
        }
        self.count_verified(&rec).await;
        let verified = self.issue_verification(&phone, now_ms).await?;
        let test_number = self.config.sms.test_numbers.code_for(e164).is_some();
        // Test numbers count in their own metric only, so they never lift the conversion rate.
        self.count(
            match test_number {
                true => OtpEvent::TestNumberUsed,
                false => OtpEvent::Verified,
            },
            &phone,
        );
        Ok(verified)
    }

    async fn issue_verification(&self, phone: &Phone, now_ms: i64) -> Result<PhoneVerified> {
        let e164 = phone.e164();
        let token = random_token();
        self.verifications
            .put_verification(&Verification {
                token_hash: self.token_hash(&token),
                phone: e164.clone(),
                expires_at_ms: now_ms + VERIFICATION_TTL_SECONDS * 1000,
            })
            .await?;
        let account_exists = self.users.user_id_by_phone(e164).await?.is_some();
        tracing::info!(phone = %phone.masked(), account_exists, "phone verified");
        Ok(PhoneVerified {
            verification_token: token,
            expires_in: VERIFICATION_TTL_SECONDS,
            account_exists,
        })
    }

    /// Why a write on code `rec` lost to a concurrent one: exhausted, or used/replaced.
    async fn after_race(&self, rec: &OtpRecord) -> Result<Error> {
        Ok(match self.otps.get_otp(&rec.phone).await? {
            Some(r) if r.code_hash == rec.code_hash && r.exhausted() => Error::OtpAttemptsExceeded,
            _ => Error::OtpExpired,
        })
    }
}
