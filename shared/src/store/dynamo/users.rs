//! Accounts and phone claims (the `users` table).

use super::expr::{Cond, Update};
use super::items::{closed_key, credential_claim_key, list_entry, profile_key, wallet_key};
use super::keys::{
    KYC_SK, PASSKEY_PREFIX, PHONE_SK, PROFILE_SK, WALLET_SK, phone_pk, session_sk, user_pk,
};
use super::kyc::claim_key;
use super::tx::{Transaction, TxOutcome};
use super::{DynamoStore, from_item, key, key_of, n, s, string, to_item};
use crate::domain::{ClosedWallet, E164, Loan, User, UserId, UserStatus};
use crate::store::tables::{SK, Table};
use crate::store::{
    CreateUserDenied, LoanStore, PasswordChange, StoreError, StoreResult, UserStore,
};
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
    /// One pass of an account deletion: every item of the user's partition but the profile
    /// and wallet goes first (if anything later fails, the account still exists, signed out
    /// everywhere, and deletion can be retried); then profile, phone claim and wallet in one
    /// transaction conditional on the wallet being as read, with its closing record when money
    /// or points are left. `None` when an adjustment landed meanwhile (try again).
    async fn try_delete_user(
        &self,
        user: &User,
        phone_ref: &str,
        loans: &[Loan],
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
            if sk.starts_with(PASSKEY_PREFIX)
                && let Some(credential) = string(&item, "credential_id")
            {
                let claim = credential_claim_key(&credential);
                self.delete_key(Table::Users, claim).await?;
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
        let left = wallet.clone().unwrap_or_default();
        let summaries = loans.iter().rev().map(Loan::summary).collect();
        let closed = ClosedWallet::of(uid, phone_ref, &left, summaries, now_ms);
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

    async fn get_user(&self, user_id: &UserId) -> StoreResult<Option<User>> {
        self.get_as(Table::Users, profile_key(user_id)).await
    }

    async fn get_users(&self, user_ids: &[UserId]) -> StoreResult<Vec<User>> {
        let keys = user_ids.iter().map(|id| profile_key(id)).collect();
        self.batch_get(Table::Users, keys)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn user_id_by_phone(&self, phone: &E164) -> StoreResult<Option<UserId>> {
        Ok(self
            .get(Table::Users, key(phone_pk(phone), PHONE_SK))
            .await?
            .and_then(|i| string(&i, "user_id"))
            .map(UserId::new))
    }

    async fn record_login(&self, user_id: &UserId, now_ms: i64) -> StoreResult<()> {
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
        user_id: &UserId,
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

    async fn begin_deletion(&self, user_id: &UserId, now_ms: i64) -> StoreResult<bool> {
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

    async fn end_deletion(&self, user_id: &UserId) -> StoreResult<()> {
        let clear = Update::new().remove("deleting_since_ms");
        self.update_if(
            Table::Users,
            profile_key(user_id),
            clear,
            Some(Cond::item_exists()),
        )
        .await?;
        Ok(())
    }

    async fn delete_user(
        &self,
        user: &User,
        phone_ref: &str,
        now_ms: i64,
    ) -> StoreResult<Option<ClosedWallet>> {
        // Read once: a pass that is retried has already deleted the loan items.
        let loans = self.list_loans(&user.user_id).await?;
        for _ in 0..5 {
            let pass = self.try_delete_user(user, phone_ref, &loans, now_ms);
            if let Some(closed) = pass.await? {
                return Ok(closed);
            }
        }
        Err(StoreError::Unavailable(
            "account deletion: the wallet kept changing".into(),
        ))
    }
}
