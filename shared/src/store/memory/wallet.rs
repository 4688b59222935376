//! Wallets, ledgers and idempotency records, under the users lock with their user.

use super::{MemoryStore, lock};
use crate::domain::{
    AdjustDenied, Adjusted, ClosedWallet, LedgerEntry, UserId, Wallet, WalletAdjustment,
};
use crate::store::{StoreResult, WalletStore};
use async_trait::async_trait;

#[async_trait]
impl WalletStore for MemoryStore {
    async fn get_wallet(&self, user_id: &UserId) -> StoreResult<Wallet> {
        Ok(lock(&self.users)
            .wallets
            .get(user_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn list_ledger(
        &self,
        user_id: &UserId,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<LedgerEntry>> {
        let d = lock(&self.users);
        let lo = (user_id.clone(), 0);
        let hi = (user_id.clone(), before.unwrap_or(u64::MAX));
        Ok(d.ledger
            .range(lo..hi)
            .rev()
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect())
    }

    async fn adjust_wallet(
        &self,
        adj: &WalletAdjustment,
    ) -> StoreResult<Result<Adjusted, AdjustDenied>> {
        let mut d = lock(&self.users);
        let id = (adj.user_id.clone(), adj.idempotency_key.clone());
        if let Some((fingerprint, first)) = d.adjustments.get(&id) {
            return Ok(match *fingerprint == adj.fingerprint {
                true => Ok(first.clone()),
                false => Err(AdjustDenied::KeyReused),
            });
        }
        if !d.users.contains_key(&adj.user_id) {
            return Ok(Err(AdjustDenied::NoUser));
        }
        let now = d.wallets.get(&adj.user_id).cloned().unwrap_or_default();
        let Some((wallet, entry)) = adj.apply(&now) else {
            return Ok(Err(AdjustDenied::InsufficientFunds));
        };
        let result = Adjusted { wallet, entry };
        d.wallets.insert(adj.user_id.clone(), result.wallet.clone());
        d.ledger.insert(
            (adj.user_id.clone(), result.entry.seq),
            result.entry.clone(),
        );
        if let Some(audit) = adj.audit_record(&now, &result) {
            d.audit.insert(audit.sort_key(), audit);
        }
        d.adjustments
            .insert(id, (adj.fingerprint.clone(), result.clone()));
        Ok(Ok(result))
    }

    async fn closed_wallet(&self, user_id: &UserId) -> StoreResult<Option<ClosedWallet>> {
        Ok(lock(&self.users).closed_wallets.get(user_id).cloned())
    }
}
