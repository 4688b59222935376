//! Sending a code and verifying it.

use super::{Auth, VERIFICATION_TTL_SECONDS, secs_until};
use crate::crypto::{ct_eq, random_digits, random_token};
use crate::domain::{Error, OtpRecord, Result, SendDenied, SendPlan, Verification};
use crate::phone::Phone;
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
    fn send_plan(&self, phone: &Phone, ip: &str) -> SendPlan {
        let otp = &self.config.otp;
        let now_ms = self.now_ms();
        let now_s = now_ms.div_euclid(1000);
        SendPlan {
            phone: phone.e164().to_string(),
            ip: ip.to_string(),
            now_ms,
            cooldown_until_ms: now_ms + otp.resend_seconds * 1000,
            nonce: random_token(),
            hour_window: now_s.div_euclid(3600),
            day_window: now_s.div_euclid(86_400),
            max_per_hour: otp.max_per_hour,
            max_per_day: otp.max_per_day,
            max_per_ip_hour: otp.max_per_ip_hour,
        }
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
            return Err(Error::CountryNotSupported);
        }
        let plan = self.send_plan(&phone, ip);
        if let Err(denied) = self.otps.reserve_otp_send(&plan).await? {
            let retry_after = match denied {
                SendDenied::Cooldown { until_ms } => secs_until(until_ms, plan.now_ms),
                SendDenied::PhoneHour | SendDenied::IpHour => {
                    secs_until((plan.hour_window + 1) * 3_600_000, plan.now_ms)
                }
                SendDenied::PhoneDay => secs_until((plan.day_window + 1) * 86_400_000, plan.now_ms),
            };
            tracing::info!(phone = %phone.masked(), ?denied, "OTP send refused");
            return Err(Error::RateLimited { retry_after });
        }
        self.deliver_code(&phone, &plan).await?;
        tracing::info!(phone = %phone.masked(), "OTP sent");
        let otp = &self.config.otp;
        Ok(CodeSent {
            phone,
            expires_in: otp.ttl_seconds,
            resend_after: otp.resend_seconds,
        })
    }

    /// Stores a fresh code and sends it; on any failure nothing of the send is kept.
    async fn deliver_code(&self, phone: &Phone, plan: &SendPlan) -> Result<()> {
        let otp = &self.config.otp;
        let code = random_digits(otp.length);
        let rec = OtpRecord {
            phone: plan.phone.clone(),
            code_hash: self.code_hash(&plan.phone, &code),
            attempts: 0,
            max_attempts: otp.max_attempts,
            created_at_ms: plan.now_ms,
            expires_at_ms: plan.now_ms + otp.ttl_seconds * 1000,
        };
        if let Err(e) = self.otps.put_otp(&rec).await {
            self.release(plan).await;
            return Err(e.into());
        }
        let minutes = (otp.ttl_seconds + 59) / 60;
        let body = format!(
            "Your verification code is {code}. It expires in {minutes} min. Never share it."
        );
        if let Err(e) = self.sms.send(&plan.phone, &body).await {
            tracing::error!(phone = %phone.masked(), error = %e, "OTP delivery failed");
            if let Err(e) = self.otps.delete_otp(&plan.phone, &rec.code_hash).await {
                tracing::error!(error = %e, "could not withdraw undelivered code");
            }
            self.release(plan).await;
            return Err(Error::OtpDeliveryFailed);
        }
        Ok(())
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
        let token = random_token();
        self.verifications
            .put_verification(&Verification {
                token_hash: self.token_hash(&token),
                phone: e164.to_string(),
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
