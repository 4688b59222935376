//! Phone verification, registration, sign-in, sessions, devices and account deletion. The
//! service speaks domain types: requests arrive as validated-here values, results leave as
//! records; the function crate shapes both for HTTP.

mod account;
mod admin_sign_in;
mod defence;
mod login;
mod otp;
mod phone_change;
mod sessions;

pub use account::{DeletionProof, NewAccount};
pub use admin_sign_in::AdminCredentials;
pub use login::{Credentials, SignedIn};
pub use otp::{CodeSent, PhoneVerified};
pub use sessions::IssuedTokens;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{SecretKey, random_bytes};
use crate::domain::{
    CheckDenied, CheckOutcome, E164, Error, PasswordCheck, Result, SessionId, User, UserId,
    Verification,
};
use crate::metrics::Metrics;
use crate::objects::ObjectStore;
use crate::password;
use crate::phone::{Phone, PhoneError};
use crate::services::{Deps, secs_until};
use crate::sms::SmsSender;
use crate::store::{
    DeviceStore, LoanStore, LoginGuardStore, OtpStore, PhoneStore, PoolStore, PrefixStore,
    SessionStore, UserStore, VerificationStore,
};
use crate::tokens::TokenKeys;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Lifetime of a verification token (contract: 10 minutes).
pub const VERIFICATION_TTL_SECONDS: i64 = 600;

/// The user id looked up for an unknown phone, so both paths do the same reads.
const NO_USER: &str = "00000000-0000-0000-0000-000000000000";

/// What the auth rules need: the ports they use, the SMS sender, the clock, keys and settings.
pub struct Auth<'a> {
    otps: &'a dyn OtpStore,
    verifications: &'a dyn VerificationStore,
    users: &'a dyn UserStore,
    /// Every password check is reserved and resolved against the phone's lockout.
    login_guards: &'a dyn LoginGuardStore,
    sessions: &'a dyn SessionStore,
    devices: &'a dyn DeviceStore,
    /// Account deletion gives back the account's pool seats and deletes its documents.
    pools: &'a dyn PoolStore,
    /// Account deletion is refused while a loan is active.
    loans: &'a dyn LoanStore,
    /// The SMS pumping defence: prefix controls and conversion counts.
    prefixes: &'a dyn PrefixStore,
    /// Phone changes move the phone claim and the user's number in one write.
    phones: &'a dyn PhoneStore,
    objects: &'a dyn ObjectStore,
    sms: &'a dyn SmsSender,
    metrics: &'a Metrics,
    clock: &'a dyn Clock,
    keys: &'a TokenKeys,
    secret: &'a SecretKey,
    config: &'a Config,
}

impl<'a> Auth<'a> {
    pub fn new(d: Deps<'a>) -> Self {
        let stores = d.stores;
        Auth {
            otps: &*stores.otps,
            verifications: &*stores.verifications,
            users: &*stores.users,
            login_guards: &*stores.login_guards,
            sessions: &*stores.sessions,
            devices: &*stores.devices,
            pools: &*stores.pools,
            loans: &*stores.loans,
            phones: &*stores.phones,
            prefixes: &*stores.prefixes,
            objects: d.objects,
            sms: d.sms,
            metrics: d.metrics,
            clock: d.clock,
            keys: d.keys,
            secret: d.secret,
            config: d.config,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    fn parse_phone(&self, raw: &str, country_code: Option<&str>) -> Result<Phone> {
        Phone::parse(raw, country_code, self.config.default_country).map_err(|e| match e {
            PhoneError::Invalid => Error::invalid("phone", "phone is not a valid phone number"),
            PhoneError::BadCountryCode => {
                Error::invalid("country_code", "country_code must be like +91 or IN")
            }
        })
    }

    fn code_hash(&self, phone: &E164, code: &str) -> String {
        self.secret
            .mac_hex("otp", &[phone.as_bytes(), code.as_bytes()])
    }

    fn token_hash(&self, token: &str) -> String {
        self.secret.mac_hex("verification", &[token.as_bytes()])
    }

    /// A live verification token, with its stored hash.
    async fn live_verification(&self, token: &str) -> Result<(String, Verification)> {
        if token.is_empty() || token.len() > 128 {
            return Err(Error::VerificationTokenInvalid);
        }
        let hash = self.token_hash(token);
        match self.verifications.get_verification(&hash).await? {
            Some(v) if v.expires_at_ms > self.now_ms() => Ok((hash, v)),
            _ => Err(Error::VerificationTokenInvalid),
        }
    }

    /// The account registered for a (verified) phone.
    async fn account_of(&self, phone: &E164) -> Result<User> {
        self.account_by_phone(phone)
            .await?
            .ok_or(Error::AccountNotFound)
    }

    /// The account of `e164`, read the same way whether or not it exists (an unknown phone
    /// looks up [`NO_USER`]), so answers about unknown phones take no less work.
    async fn account_by_phone(&self, e164: &E164) -> Result<Option<User>> {
        let user_id = self.users.user_id_by_phone(e164).await?;
        let id = user_id.unwrap_or_else(|| UserId::new(NO_USER));
        Ok(self.users.get_user(&id).await?)
    }

    /// Deletes dead sessions after a revoke-all. They are already unusable (epoch), so a
    /// failure here only leaves garbage and is logged, not returned.
    async fn sweep_sessions(&self, user_id: &UserId, keep: Option<&SessionId>) {
        let sessions = match self.sessions.list_sessions(user_id).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "session sweep skipped");
                return;
            }
        };
        for s in sessions.iter().filter(|s| Some(&s.session_id) != keep) {
            if let Err(e) = self.sessions.delete_session(user_id, &s.session_id).await {
                tracing::warn!(error = %e, "session sweep incomplete");
                return;
            }
        }
    }
}

/// A random session epoch: setting one on the user revokes every session stamped otherwise.
pub fn new_epoch() -> u64 {
    u64::from_be_bytes(random_bytes::<8>()) >> 1
}

impl Auth<'_> {
    /// Checks `candidate` against `stored` (or, for an unknown account, the same work against a
    /// dummy hash) within `phone`'s failure budget, reserved before argon2 runs. `ip` is the
    /// source of a password sign-in, which also spends that IP's hourly budget. A match clears
    /// the budget unless other checks were reserved after this one.
    async fn check_password(
        &self,
        phone: &E164,
        ip: Option<&str>,
        candidate: String,
        stored: Option<String>,
    ) -> Result<bool> {
        self.check_factors(phone, ip, candidate, stored, true).await
    }

    /// As [`Self::check_password`] for a sign-in with more factors than the password:
    /// unless `others_ok`, a matching password still counts as a failed check.
    async fn check_factors(
        &self,
        phone: &E164,
        ip: Option<&str>,
        candidate: String,
        stored: Option<String>,
        others_ok: bool,
    ) -> Result<bool> {
        let now_ms = self.now_ms();
        let check = PasswordCheck {
            phone: phone.clone(),
            ip: ip.map(String::from),
            now_ms,
            max_failures: self.config.login_max_failures,
            lock_until_ms: now_ms + self.config.login_lock_seconds * 1000,
            hour_window: now_ms.div_euclid(3_600_000),
            max_per_ip_hour: self.config.login_max_per_ip_hour,
        };
        match self.login_guards.reserve_password_check(&check).await? {
            Ok(()) => {}
            Err(CheckDenied::Locked { until_ms }) => {
                let retry_after = secs_until(until_ms, now_ms);
                return Err(Error::AccountLocked { retry_after });
            }
            Err(CheckDenied::Busy) => return Err(Error::RateLimited { retry_after: 1 }),
            Err(CheckDenied::IpHour) => {
                let retry_after = secs_until(check.ip_window().end_ms(), now_ms);
                return Err(Error::RateLimited { retry_after });
            }
        };
        let ok = match verify_password(candidate, stored).await {
            Ok(ok) => ok,
            Err(e) => {
                let abandoned = CheckOutcome::Abandoned;
                self.login_guards
                    .finish_password_check(&check, abandoned)
                    .await?;
                return Err(e);
            }
        };
        let outcome = match ok && others_ok {
            true => CheckOutcome::Passed,
            false => CheckOutcome::Failed,
        };
        self.login_guards
            .finish_password_check(&check, outcome)
            .await?;
        if outcome == CheckOutcome::Failed {
            tracing::info!(phone = %crate::phone::mask(phone), "password check failed");
        }
        Ok(ok)
    }
}

/// argon2 runs allowed at once: one per core. Each holds 19 MiB and a core for tens of
/// milliseconds, so a flood of sign-ins queues here instead of exhausting memory.
static ARGON2_PERMITS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Semaphore::new(cores)
});

/// Runs `work` (argon2) off the async workers, within [`ARGON2_PERMITS`].
async fn run_argon2<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = ARGON2_PERMITS.acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(Error::internal)
}

async fn verify_password(candidate: String, stored: Option<String>) -> Result<bool> {
    run_argon2(move || password::verify(&candidate, stored.as_deref())).await
}

async fn hash_password(pw: String) -> Result<String> {
    run_argon2(move || password::hash(&pw))
        .await?
        .map_err(Error::internal)
}
