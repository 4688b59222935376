//! Signing in, with a password or with a verified phone.

use super::{Auth, IssuedTokens};
use crate::domain::{Device, Error, Result, Role, User};

/// How a caller signs in.
#[derive(Debug, Clone)]
pub enum Credentials {
    Password {
        phone: String,
        country_code: Option<String>,
        password: String,
    },
    VerificationToken(String),
}

/// A signed-in account: the user, its role now, and the new session's first tokens.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub role: Role,
    pub tokens: IssuedTokens,
}

impl Auth<'_> {
    /// Opens a session for `user` (optionally on a device).
    pub(super) async fn sign_in(&self, user: User, device: Option<Device>) -> Result<SignedIn> {
        let tokens = self.start_session(&user, device).await?;
        Ok(SignedIn {
            role: self.config.role_of(&user),
            user,
            tokens,
        })
    }

    /// Signs in; `ip` is the source address (password sign-ins spend its hourly budget).
    pub async fn login(
        &self,
        credentials: Credentials,
        device: Option<Device>,
        ip: &str,
    ) -> Result<SignedIn> {
        let device = device.map(|d| validate_device(d, "device.")).transpose()?;
        match credentials {
            Credentials::VerificationToken(token) => self.login_with_token(&token, device).await,
            Credentials::Password {
                phone,
                country_code,
                password,
            } => {
                let cc = country_code.as_deref();
                self.login_with_password(&phone, cc, password, device, ip)
                    .await
            }
        }
    }

    /// Signs in the account `proof` establishes (a passkey sign-in), once the device is known
    /// to be well formed: a malformed device refuses before the proof is spent.
    pub async fn login_with_passkey(
        &self,
        proof: impl std::future::Future<Output = Result<User>>,
        device: Option<Device>,
    ) -> Result<SignedIn> {
        let device = device.map(|d| validate_device(d, "device.")).transpose()?;
        let user = proof.await?;
        tracing::info!(phone = %crate::phone::mask(&user.phone), "signed in with passkey");
        self.sign_in(user, device).await
    }

    async fn login_with_password(
        &self,
        raw_phone: &str,
        country_code: Option<&str>,
        password: String,
        device: Option<Device>,
        ip: &str,
    ) -> Result<SignedIn> {
        let ip = Some(ip);
        let phone = self.parse_phone(raw_phone, country_code)?;
        let e164 = phone.e164();
        // The same reads and the same argon2 work whether or not the phone has an account.
        let user = self.account_by_phone(e164).await?;
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let matched = self.check_password(e164, ip, password, stored).await?;
        let user = match user {
            Some(u) if matched => u,
            _ => {
                tracing::info!(phone = %phone.masked(), "password sign-in failed");
                return Err(Error::InvalidCredentials);
            }
        };
        if !user.is_active() {
            return Err(Error::AccountSuspended);
        }
        tracing::info!(phone = %phone.masked(), "signed in with password");
        self.sign_in(user, device).await
    }

    async fn login_with_token(&self, token: &str, device: Option<Device>) -> Result<SignedIn> {
        let (hash, v) = self.live_verification(token).await?;
        let user = self.account_of(&v.phone).await?;
        if !user.is_active() {
            return Err(Error::AccountSuspended);
        }
        if !self
            .verifications
            .consume_verification(&hash, &v.phone, self.now_ms())
            .await?
        {
            return Err(Error::VerificationTokenInvalid);
        }
        // Proving the phone again also lifts a password lock.
        self.login_guards.clear_login_failures(&v.phone).await?;
        tracing::info!(phone = %crate::phone::mask(&v.phone), "signed in with code");
        self.sign_in(user, device).await
    }
}

/// A device as the caller gave it, trimmed and bounded; fields are named under `prefix`.
pub(super) fn validate_device(d: Device, prefix: &str) -> Result<Device> {
    let field = |name: &str| format!("{prefix}{name}");
    let text = |name: &str, v: &str, max: usize| crate::validate::short_text(&field(name), v, max);
    let opt = |name: &str, v: Option<String>, max: usize| -> Result<Option<String>> {
        v.map(|v| text(name, &v, max)).transpose()
    };
    Ok(Device {
        device_id: text("device_id", &d.device_id, 128)?,
        platform: d.platform,
        push_token: opt("push_token", d.push_token, 4096)?,
        app_version: opt("app_version", d.app_version, 64)?,
        os_version: opt("os_version", d.os_version, 64)?,
        device_name: opt("device_name", d.device_name, 100)?,
    })
}
