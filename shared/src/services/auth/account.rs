//! Opening an account, password reset and change, and deleting an account.

use super::{Auth, SignedIn, hash_password, new_epoch};
use crate::domain::{Caller, Conflict, E164, Error, LoanStatus, Result, User, UserId};
use crate::services::users::document_prefixes;
use crate::store::{CreateUserDenied, PasswordChange};
use crate::validate;

/// What a new account starts with, as the caller gave it (validated by [`Auth::register`]).
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub verification_token: String,
    pub name: String,
    pub password: Option<String>,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub dob: Option<String>,
    pub security_number: Option<String>,
}

/// How a caller proves it may delete its account.
#[derive(Debug, Clone)]
pub enum DeletionProof {
    Password(String),
    VerificationToken(String),
}

impl Auth<'_> {
    /// The profile fields of `req`, validated, as a user record without ids or secrets.
    fn profile_of(&self, req: &NewAccount) -> Result<User> {
        let today = self.clock.now().date_naive();
        let region = |field: &str, v: &Option<String>| -> Result<Option<String>> {
            v.as_deref()
                .map(|v| validate::free_text(field, v, 100))
                .transpose()
        };
        let name = validate::name("name", &req.name)?;
        let mut user = User::new(
            UserId::default(),
            E164::default(),
            name,
            self.now_ms(),
            new_epoch(),
        );
        user.email = req.email.as_deref().map(validate::email).transpose()?;
        user.state = region("state", &req.state)?;
        user.city = region("city", &req.city)?;
        user.dob = req
            .dob
            .as_deref()
            .map(|d| validate::dob(d, today))
            .transpose()?;
        Ok(user)
    }

    /// Opens an account for the verified phone and signs it in.
    pub async fn register(&self, req: NewAccount) -> Result<SignedIn> {
        let mut user = self.profile_of(&req)?;
        if let Some(p) = &req.password {
            validate::password("password", p)?;
        }
        let security_number = req
            .security_number
            .as_deref()
            .map(validate::security_number)
            .transpose()?;
        let (hash, v) = self.live_verification(&req.verification_token).await?;
        if let Some(p) = req.password {
            validate::new_password("password", &p, &v.phone, &user.name)?;
            user.password_hash = Some(hash_password(p).await?);
        }
        user.user_id = UserId::generate();
        user.security_number_hash = security_number.map(|n| {
            self.secret
                .mac_hex("security_number", &[user.user_id.as_bytes(), n.as_bytes()])
        });
        user.phone = v.phone;
        match self.users.create_user(&user, &hash, self.now_ms()).await? {
            Ok(()) => {}
            Err(CreateUserDenied::TokenInvalid) => return Err(Error::VerificationTokenInvalid),
            Err(CreateUserDenied::PhoneTaken) => {
                return Err(Error::Conflict(Conflict::AccountExists));
            }
        }
        tracing::info!(phone = %crate::phone::mask(&user.phone), "account registered");
        self.sign_in(user, None).await
    }

    /// Sets a new password for the verified phone's account; every session ends.
    pub async fn reset_password(
        &self,
        verification_token: &str,
        new_password: String,
    ) -> Result<()> {
        validate::password("new_password", &new_password)?;
        let (hash, v) = self.live_verification(verification_token).await?;
        let user = self.account_of(&v.phone).await?;
        let user_id = user.user_id.clone();
        validate::new_password("new_password", &new_password, &user.phone, &user.name)?;
        let change = PasswordChange {
            user_id: user_id.clone(),
            password_hash: hash_password(new_password).await?,
            new_epoch: new_epoch(),
            consume_token: Some((hash, v.phone.clone())),
            keep_session: None,
            now_ms: self.now_ms(),
        };
        if !self.users.set_password(&change).await? {
            return Err(Error::VerificationTokenInvalid);
        }
        self.login_guards.clear_login_failures(&v.phone).await?;
        self.sweep_sessions(&user_id, None).await;
        tracing::info!(phone = %crate::phone::mask(&v.phone), "password reset; all sessions revoked");
        Ok(())
    }

    /// Replaces the caller's password; every other session ends.
    pub async fn change_password(
        &self,
        ctx: &Caller,
        current_password: String,
        new_password: String,
    ) -> Result<()> {
        let (phone, name) = (&ctx.user.phone, &ctx.user.name);
        validate::new_password("new_password", &new_password, phone, name)?;
        let stored = ctx.user.password_hash.clone();
        let phone = &ctx.user.phone;
        if !self
            .check_password(phone, None, current_password, stored)
            .await?
        {
            return Err(Error::InvalidCredentials);
        }
        let change = PasswordChange {
            user_id: ctx.user.user_id.clone(),
            password_hash: hash_password(new_password).await?,
            new_epoch: new_epoch(),
            consume_token: None,
            keep_session: Some(ctx.session.session_id.clone()),
            now_ms: self.now_ms(),
        };
        if !self.users.set_password(&change).await? {
            return Err(Error::Unauthorized);
        }
        self.sweep_sessions(&ctx.user.user_id, Some(&ctx.session.session_id))
            .await;
        Ok(())
    }

    /// Deletes the caller's account: seats given back, personal data, sessions and devices
    /// removed; the phone can register again.
    async fn refuse_with_active_loan(&self, user_id: &UserId) -> Result<()> {
        let loans = self.loans.list_loans(user_id).await?;
        match loans.iter().any(|l| l.status == LoanStatus::Active) {
            true => Err(Error::Conflict(Conflict::LoanOutstanding)),
            false => Ok(()),
        }
    }

    pub async fn delete_account(&self, ctx: &Caller, proof: DeletionProof) -> Result<()> {
        let user = &ctx.user;
        // Before the proof is spent; checked again, race-free, after the mark below.
        self.refuse_with_active_loan(&user.user_id).await?;
        match proof {
            DeletionProof::Password(pw) => {
                let stored = user.password_hash.clone();
                if !self.check_password(&user.phone, None, pw, stored).await? {
                    return Err(Error::InvalidCredentials);
                }
            }
            DeletionProof::VerificationToken(token) => {
                let (hash, v) = self.live_verification(&token).await?;
                if v.phone != user.phone
                    || !self
                        .verifications
                        .consume_verification(&hash, &user.phone, self.now_ms())
                        .await?
                {
                    return Err(Error::VerificationTokenInvalid);
                }
            }
        }
        // The mark first: no join lands after it (each checks it in its own atomic write), so
        // the seats given back next are all there will ever be. Owned pools stay for members.
        if !self
            .users
            .begin_deletion(&user.user_id, self.now_ms())
            .await?
        {
            return Err(Error::Unauthorized);
        }
        // No loan is disbursed after the mark (each disbursal checks it in its own atomic
        // write), so what is read now is final.
        if let Err(e) = self.refuse_with_active_loan(&user.user_id).await {
            self.users.end_deletion(&user.user_id).await?;
            return Err(e);
        }
        if let Err(e) = self.finish_deletion(user).await {
            // The account still exists (its record goes last): it may join pools and borrow
            // again until a retry deletes it. Seats already given back stay given back.
            if let Err(clear) = self.users.end_deletion(&user.user_id).await {
                tracing::warn!(error = %clear, "deletion mark left after a failed deletion");
            }
            return Err(e);
        }
        Ok(())
    }

    /// After the mark: seats, documents, then the records (the account's own last).
    async fn finish_deletion(&self, user: &User) -> Result<()> {
        self.pools.remove_user_from_pools(&user.user_id).await?;
        // Documents before the records: if a deletion fails, the account still exists and
        // deleting it again finishes the job; no image outlives its account.
        for prefix in document_prefixes(&user.user_id) {
            self.objects.delete_prefix(&prefix).await?;
        }
        let phone_ref = self
            .secret
            .mac_hex("closed-wallet", &[user.phone.as_bytes()]);
        let closed = self
            .users
            .delete_user(user, &phone_ref, self.now_ms())
            .await?;
        tracing::info!(
            phone = %crate::phone::mask(&user.phone),
            closed_wallet = closed.is_some(),
            "account deleted"
        );
        Ok(())
    }
}
