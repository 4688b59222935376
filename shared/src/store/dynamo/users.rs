//! Accounts, phone claims (the `users` table) and the password lockout (the `otps` table).

use super::expr::{Cmp, Cond, Update};
use super::items::{closed_key, list_entry, profile_key, wallet_key};
use super::keys::{
    KYC_SK, LOGIN_SK, PHONE_SK, PROFILE_SK, WALLET_SK, ip_pk, login_hour_sk, login_pk, phone_pk,
    session_sk, user_pk,
};
use super::kyc::claim_key;
use super::tx::{Transaction, TxOutcome};
use super::{DynamoStore, from_item, key, key_of, n, s, string, to_item, ttl_after};
use crate::domain::{
    CheckDenied, CheckOutcome, ClosedWallet, LoginGuard, PasswordCheck, User, UserStatus,
};
use crate::store::tables::{SK, TTL_ATTRIBUTE, Table};
use crate::store::{CreateUserDenied, PasswordChange, StoreError, StoreResult, UserStore};
use async_trait::async_trait;

/// The items of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Register {
    Token,
    PhoneClaim,
    Profile,
}

/// The items of a password write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Password {
    Profile,
    Token,
    KeptSession,
}

/// The items of an account deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delete {
    Profile,
    PhoneClaim,
    Wallet,
    ClosedWallet,
}

impl DynamoStore {
    /// Spends one of the source IP's password checks this hour; false when none is left.
    async fn spend_ip_check(&self, ip: &str, check: &PasswordCheck) -> StoreResult<bool> {
        let spend = Update::new()
            .add("count", n(1))
            .set(TTL_ATTRIBUTE, ttl_after(check.now_ms, 2 * 3_600));
        let left = Cond::Absent("count").or(Cond::cmp("count", Cmp::Lt, n(check.max_per_ip_hour)));
        let k = key(ip_pk(ip), login_hour_sk(check.hour_window));
        Ok(self
            .update_if(Table::Otps, k, spend, Some(left))
            .await?
            .is_some())
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

/// Compare-and-set rounds on one phone's lockout record before giving up.
const GUARD_ROUNDS: usize = 20;

impl DynamoStore {
    /// One pass of an account deletion: every item of the user's partition but the profile
    /// and wallet goes first (if anything later fails, the account still exists, signed out
    /// everywhere, and deletion can be retried); then profile, phone claim and wallet in one
    /// transaction conditional on the wallet being as read, with its closing record when money
    /// or points are left. `None` when an adjustment landed meanwhile (try again).
    async fn try_delete_user(
        &self,
        user: &User,
        phone_ref: &str,
        now_ms: i64,
    ) -> StoreResult<Option<Option<ClosedWallet>>> {
        let uid = &user.user_id;
        let wallet = self.stored_wallet(uid).await?;
        for item in self.query_prefix(Table::Users, user_pk(uid), "").await? {
            let sk = string(&item, SK).unwrap_or_default();
            if sk == PROFILE_SK || sk == WALLET_SK {
                continue;
            }
            if sk == KYC_SK
                && let Some(hash) = string(&item, "document_hash")
            {
                self.delete_key(Table::Users, claim_key(&hash, uid)).await?;
            }
            self.delete_key(Table::Users, key_of(&item)).await?;
        }
        let t = self.table(Table::Users);
        let own_claim = Cond::item_absent().or(Cond::eq("user_id", s(uid)));
        let mut tx = Transaction::new()
            .delete(Delete::Profile, t, profile_key(uid), None)?
            .delete(
                Delete::PhoneClaim,
                t,
                key(phone_pk(&user.phone), PHONE_SK),
                Some(own_claim),
            )?;
        let closed = wallet
            .as_ref()
            .filter(|w| w.balance != 0 || w.points != 0)
            .map(|w| ClosedWallet {
                user_id: uid.clone(),
                phone_ref: phone_ref.to_string(),
                balance: w.balance,
                points: w.points,
                closed_at_ms: now_ms,
            });
        tx = match &wallet {
            None => tx.check(Delete::Wallet, t, wallet_key(uid), Cond::item_absent())?,
            Some(w) => tx.delete(
                Delete::Wallet,
                t,
                wallet_key(uid),
                Some(Cond::eq("seq", n(w.seq))),
            )?,
        };
        if let Some(c) = &closed {
            tx = tx.put(Delete::ClosedWallet, t, to_item(c, closed_key(uid))?, None)?;
        }
        match self.run(tx).await? {
            TxOutcome::Committed => Ok(Some(closed)),
            outcome if outcome.failed(Delete::Wallet) => Ok(None),
            outcome => Err(StoreError::Unavailable(format!(
                "account deletion cancelled: {outcome:?}"
            ))),
        }
    }
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_user(
        &self,
        user: &User,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Result<(), CreateUserDenied>> {
        let t = self.table(Table::Users);
        let claim = to_item(
            &serde_json::json!({ "user_id": user.user_id }),
            key(phone_pk(&user.phone), PHONE_SK),
        )?;
        let mut profile = to_item(user, profile_key(&user.user_id))?;
        profile.extend(list_entry(user.status, user.created_at_ms, &user.user_id));
        let tx = self.token_delete(
            Transaction::new(),
            Register::Token,
            token_hash,
            &user.phone,
            now_ms,
        )?;
        let tx = tx
            .put(Register::PhoneClaim, t, claim, Some(Cond::item_absent()))?
            .put(Register::Profile, t, profile, Some(Cond::item_absent()))?;
        let outcome = self.run(tx).await?;
        Ok(if outcome.committed() {
            Ok(())
        } else if outcome.failed(Register::Token) {
            Err(CreateUserDenied::TokenInvalid)
        } else if outcome.failed(Register::PhoneClaim) {
            Err(CreateUserDenied::PhoneTaken)
        } else {
            return Err(StoreError::Unavailable(format!(
                "registration cancelled: {outcome:?}"
            )));
        })
    }

    async fn get_user(&self, user_id: &str) -> StoreResult<Option<User>> {
        self.get_as(Table::Users, profile_key(user_id)).await
    }

    async fn get_users(&self, user_ids: &[String]) -> StoreResult<Vec<User>> {
        let keys = user_ids.iter().map(|id| profile_key(id)).collect();
        self.batch_get(Table::Users, keys)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn user_id_by_phone(&self, phone: &str) -> StoreResult<Option<String>> {
        Ok(self
            .get(Table::Users, key(phone_pk(phone), PHONE_SK))
            .await?
            .and_then(|i| string(&i, "user_id")))
    }

    async fn reserve_password_check(
        &self,
        check: &PasswordCheck,
    ) -> StoreResult<Result<(), CheckDenied>> {
        if let Some(ip) = &check.ip
            && !self.spend_ip_check(ip, check).await?
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

    async fn clear_login_failures(&self, phone: &str) -> StoreResult<()> {
        self.delete_key(Table::Otps, key(login_pk(phone), LOGIN_SK))
            .await
    }

    async fn record_login(&self, user_id: &str, now_ms: i64) -> StoreResult<()> {
        let update = Update::new()
            .set("last_login_at_ms", n(now_ms))
            .add("login_count", n(1));
        self.update_if(
            Table::Users,
            profile_key(user_id),
            update,
            Some(Cond::item_exists()),
        )
        .await?;
        Ok(())
    }

    async fn set_password(&self, change: &PasswordChange) -> StoreResult<bool> {
        let t = self.table(Table::Users);
        let update = Update::new()
            .set("password_hash", s(&change.password_hash))
            .set("session_epoch", n(change.new_epoch))
            .set("updated_at_ms", n(change.now_ms));
        let mut tx = Transaction::new().update(
            Password::Profile,
            t,
            profile_key(&change.user_id),
            update,
            Some(Cond::item_exists()),
        )?;
        if let Some((hash, phone)) = &change.consume_token {
            tx = self.token_delete(tx, Password::Token, hash, phone, change.now_ms)?;
        }
        if let Some(sid) = &change.keep_session {
            tx = tx.update(
                Password::KeptSession,
                t,
                key(user_pk(&change.user_id), session_sk(sid)),
                Update::new().set("epoch", n(change.new_epoch)),
                Some(Cond::item_exists()),
            )?;
        }
        Ok(self.run(tx).await?.committed())
    }

    async fn set_user_status(
        &self,
        user_id: &str,
        status: UserStatus,
        new_epoch: u64,
    ) -> StoreResult<bool> {
        let update = Update::new()
            .set("status", s(status.as_str()))
            .set("session_epoch", n(new_epoch));
        let updated = self
            .update_if(
                Table::Users,
                profile_key(user_id),
                update,
                Some(Cond::item_exists()),
            )
            .await?;
        Ok(updated.is_some())
    }

    async fn begin_deletion(&self, user_id: &str, now_ms: i64) -> StoreResult<bool> {
        let mark = Update::new().set("deleting_since_ms", n(now_ms));
        let updated = self
            .update_if(
                Table::Users,
                profile_key(user_id),
                mark,
                Some(Cond::item_exists()),
            )
            .await?;
        Ok(updated.is_some())
    }

    async fn delete_user(
        &self,
        user: &User,
        phone_ref: &str,
        now_ms: i64,
    ) -> StoreResult<Option<ClosedWallet>> {
        for _ in 0..5 {
            if let Some(closed) = self.try_delete_user(user, phone_ref, now_ms).await? {
                return Ok(closed);
            }
        }
        Err(StoreError::Unavailable(
            "account deletion: the wallet kept changing".into(),
        ))
    }
}
