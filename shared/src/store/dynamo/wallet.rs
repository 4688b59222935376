//! Wallets (`USER#<id>`/`WALLET`), ledger entries (`USER#<id>`/`TXN#<seq>`), idempotency
//! records (`USER#<id>`/`IDEM#<key>`) and closed wallets (`CLOSED#<id>`/`WALLET`).
//!
//! An adjustment reads the wallet, computes the entry, and commits idempotency record, entry
//! and wallet in one transaction conditional on the wallet's `seq` being the one read (and the
//! user existing). A concurrent adjustment makes that condition fail; the loser reads again.

use super::expr::Cond;
use super::items::{audit_item, closed_key, wallet_key};
use super::keys::{PROFILE_SK, idempotency_sk, ledger_sk, user_pk};
use super::tx::Transaction;
use super::{DynamoStore, from_item, key, s, to_item};
use crate::domain::{
    AdjustDenied, Adjusted, ClosedWallet, LedgerEntry, UserId, Wallet, WalletAdjustment,
};
use crate::store::tables::{PK, SK, Table};
use crate::store::{StoreError, StoreResult, WalletStore};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// How often an adjustment re-reads a wallet that others changed meanwhile. Each round one of
/// the contenders commits, so this bounds the concurrent adjustments of one wallet served.
const MAX_ROUNDS: u32 = 40;

/// The items of an adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Adjust {
    Idempotency,
    Entry,
    Wallet,
    User,
    Audit,
}

/// What an idempotency key recorded.
#[derive(Serialize, Deserialize)]
struct Applied {
    fingerprint: String,
    result: Adjusted,
}

impl DynamoStore {
    /// The stored wallet with its `seq` (`None` when never written).
    pub(super) async fn stored_wallet(&self, user_id: &UserId) -> StoreResult<Option<Wallet>> {
        self.get_as(Table::Users, wallet_key(user_id)).await
    }

    /// The recorded result of `adj`'s key, if the key was used.
    async fn replay(
        &self,
        adj: &WalletAdjustment,
    ) -> StoreResult<Option<Result<Adjusted, AdjustDenied>>> {
        let k = key(user_pk(&adj.user_id), idempotency_sk(&adj.idempotency_key));
        let Some(applied) = self.get_as::<Applied>(Table::Users, k).await? else {
            return Ok(None);
        };
        Ok(Some(match applied.fingerprint == adj.fingerprint {
            true => Ok(applied.result),
            false => Err(AdjustDenied::KeyReused),
        }))
    }

    /// One attempt: `None` when the wallet or key changed since they were read.
    async fn try_adjust(
        &self,
        adj: &WalletAdjustment,
    ) -> StoreResult<Option<Result<Adjusted, AdjustDenied>>> {
        if let Some(done) = self.replay(adj).await? {
            return Ok(Some(done));
        }
        let stored = self.stored_wallet(&adj.user_id).await?;
        let Some((wallet, entry)) = adj.apply(&stored.clone().unwrap_or_default()) else {
            let user = self.get(Table::Users, key(user_pk(&adj.user_id), PROFILE_SK));
            return Ok(Some(Err(match user.await? {
                Some(_) => AdjustDenied::InsufficientFunds,
                None => AdjustDenied::NoUser,
            })));
        };
        let result = Adjusted { wallet, entry };
        let tx = self.adjust_tx(adj, stored.as_ref(), &result)?;
        let outcome = self.run(tx).await?;
        Ok(if outcome.committed() {
            Some(Ok(result))
        } else if outcome.failed(Adjust::User) {
            Some(Err(AdjustDenied::NoUser))
        } else {
            None
        })
    }
}

impl DynamoStore {
    /// Idempotency record, ledger entry, wallet (conditional on `stored`'s seq), the user's
    /// existence, and an admin's audit record: one transaction.
    fn adjust_tx(
        &self,
        adj: &WalletAdjustment,
        stored: Option<&Wallet>,
        result: &Adjusted,
    ) -> StoreResult<Transaction<Adjust>> {
        let t = self.table(Table::Users);
        let pk = user_pk(&adj.user_id);
        let applied = Applied {
            fingerprint: adj.fingerprint.clone(),
            result: result.clone(),
        };
        let unchanged = match stored {
            None => Cond::item_absent(),
            Some(w) => Cond::eq("seq", super::n(w.seq)),
        };
        let idem = key(pk.clone(), idempotency_sk(&adj.idempotency_key));
        let entry = key(pk.clone(), ledger_sk(result.entry.seq));
        let mut tx = Transaction::new()
            .put(
                Adjust::Idempotency,
                t,
                to_item(&applied, idem)?,
                Some(Cond::item_absent()),
            )?
            .put(
                Adjust::Entry,
                t,
                to_item(&result.entry, entry)?,
                Some(Cond::item_absent()),
            )?
            .put(
                Adjust::Wallet,
                t,
                to_item(&result.wallet, wallet_key(&adj.user_id))?,
                Some(unchanged),
            )?
            .check(Adjust::User, t, key(pk, PROFILE_SK), Cond::item_exists())?;
        if let Some(audit) = adj.audit_record(&stored.cloned().unwrap_or_default(), result) {
            let item = audit_item(&audit)?;
            tx = tx.put(Adjust::Audit, t, item, Some(Cond::item_absent()))?;
        }
        Ok(tx)
    }
}

#[async_trait]
impl WalletStore for DynamoStore {
    async fn get_wallet(&self, user_id: &UserId) -> StoreResult<Wallet> {
        Ok(self.stored_wallet(user_id).await?.unwrap_or_default())
    }

    async fn list_ledger(
        &self,
        user_id: &UserId,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<LedgerEntry>> {
        let below = match before {
            Some(0) => return Ok(Vec::new()),
            Some(b) => b - 1,
            None => u64::MAX,
        };
        let cond = Cond::eq(PK, s(user_pk(user_id))).and(Cond::Between(
            SK,
            s(ledger_sk(0)),
            s(ledger_sk(below)),
        ));
        let items = self.query(Table::Users, cond, Some(limit), false).await?;
        items.into_iter().map(from_item).collect()
    }

    async fn adjust_wallet(
        &self,
        adj: &WalletAdjustment,
    ) -> StoreResult<Result<Adjusted, AdjustDenied>> {
        for round in 0..MAX_ROUNDS {
            if let Some(done) = self.try_adjust(adj).await? {
                return Ok(done);
            }
            let jitter = crate::crypto::random_below(round + 2);
            tokio::time::sleep(std::time::Duration::from_millis(u64::from(jitter))).await;
        }
        Err(StoreError::Unavailable(
            "wallet adjustment: the wallet kept changing".into(),
        ))
    }

    async fn closed_wallet(&self, user_id: &UserId) -> StoreResult<Option<ClosedWallet>> {
        self.get_as(Table::Users, closed_key(user_id)).await
    }
}
