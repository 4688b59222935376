//! The credential check of the admin console: phone, password and a verification token for
//! that phone (two factors), answered alike whichever is wrong.

use super::Auth;
use crate::domain::{Error, Result, Role, User};

/// What an admin signs in with.
#[derive(Debug, Clone)]
pub struct AdminCredentials {
    pub phone: String,
    pub country_code: Option<String>,
    pub password: String,
    pub verification_token: String,
}

impl Auth<'_> {
    /// The admin proven by `c`, its verification token consumed. A wrong password, a token
    /// that is missing, used, expired or for another phone, an account that is not an active
    /// admin: all the same [`Error::InvalidCredentials`] after the same reads and the same
    /// argon2 work, and all counted against the phone's password lockout.
    pub async fn verify_admin(&self, c: AdminCredentials, ip: &str) -> Result<User> {
        let phone = self.parse_phone(&c.phone, c.country_code.as_deref())?;
        let e164 = phone.e164();
        let user = self.account_by_phone(e164).await?;
        let token = self
            .live_verification(&c.verification_token)
            .await
            .ok()
            .filter(|(_, v)| v.phone == e164);
        let admin = user
            .as_ref()
            .is_some_and(|u| u.is_active() && self.config.role_of(u) == Role::Admin);
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let others_ok = admin && token.is_some();
        let matched = self
            .check_factors(e164, Some(ip), c.password, stored, others_ok)
            .await?;
        let (Some(user), Some((hash, _)), true) = (user, token, matched && others_ok) else {
            tracing::info!(phone = %phone.masked(), "admin sign-in refused");
            return Err(Error::InvalidCredentials);
        };
        if !self
            .verifications
            .consume_verification(&hash, e164, self.now_ms())
            .await?
        {
            return Err(Error::InvalidCredentials);
        }
        tracing::info!(phone = %phone.masked(), "admin signed in");
        Ok(user)
    }
}
