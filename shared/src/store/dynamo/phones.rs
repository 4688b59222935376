//! Phone changes: one transaction over the token, both phone claims, the profile and the kept
//! session, each conditional on what the change was decided from.

use super::expr::{Cond, Update};
use super::items::profile_key;
use super::keys::{PHONE_SK, phone_pk, session_sk, user_pk};
use super::tx::Transaction;
use super::{DynamoStore, key, n, s, to_item};
use crate::store::tables::Table;
use crate::store::{PhoneChange, PhoneChangeDenied, PhoneStore, StoreResult};
use async_trait::async_trait;

/// The items of a phone change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Token,
    NewClaim,
    OldClaim,
    Profile,
    KeptSession,
}

#[async_trait]
impl PhoneStore for DynamoStore {
    async fn change_phone(&self, c: &PhoneChange) -> StoreResult<Result<(), PhoneChangeDenied>> {
        if c.new_phone == c.old_phone {
            // One transaction cannot write one item twice; the number is taken (by this user).
            return Ok(Err(PhoneChangeDenied::PhoneTaken));
        }
        let t = self.table(Table::Users);
        let uid = &c.user_id;
        let claim = to_item(
            &serde_json::json!({ "user_id": uid }),
            key(phone_pk(&c.new_phone), PHONE_SK),
        )?;
        let profile = Update::new()
            .set("phone", s(&c.new_phone))
            .set("session_epoch", n(c.new_epoch))
            .set("updated_at_ms", n(c.now_ms));
        let tx = self.token_delete(
            Transaction::new(),
            Change::Token,
            &c.token_hash,
            &c.new_phone,
            c.now_ms,
        )?;
        let tx = tx
            .put(Change::NewClaim, t, claim, Some(Cond::item_absent()))?
            .delete(
                Change::OldClaim,
                t,
                key(phone_pk(&c.old_phone), PHONE_SK),
                Some(Cond::eq("user_id", s(uid))),
            )?
            .update(
                Change::Profile,
                t,
                profile_key(uid),
                profile,
                Some(Cond::eq("phone", s(&c.old_phone))),
            )?
            .update(
                Change::KeptSession,
                t,
                key(user_pk(uid), session_sk(&c.keep_session)),
                Update::new().set("epoch", n(c.new_epoch)),
                Some(Cond::item_exists()),
            )?;
        let outcome = self.run(tx).await?;
        Ok(if outcome.committed() {
            Ok(())
        } else if outcome.failed(Change::Token) {
            Err(PhoneChangeDenied::TokenInvalid)
        } else if outcome.failed(Change::NewClaim) {
            Err(PhoneChangeDenied::PhoneTaken)
        } else {
            Err(PhoneChangeDenied::Stale)
        })
    }
}
