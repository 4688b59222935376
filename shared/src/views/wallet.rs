//! The wallet and its ledger entries.

use crate::domain::{LedgerEntry, WALLET_CURRENCY, Wallet, from_ms};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct WalletView {
    /// Minor units (paise).
    pub balance: i64,
    /// Always `INR`.
    pub currency: String,
    pub points: i64,
    /// Null until the first adjustment.
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
}

impl WalletView {
    pub fn new(w: &Wallet) -> Self {
        WalletView {
            balance: w.balance,
            currency: WALLET_CURRENCY.into(),
            points: w.points,
            updated_at: w.updated_at_ms.map(from_ms),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TransactionView {
    pub transaction_id: String,
    /// Minor units; negative for a debit.
    pub amount: i64,
    pub points: i64,
    pub balance_after: i64,
    pub points_after: i64,
    pub reason: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl TransactionView {
    pub fn new(e: LedgerEntry) -> Self {
        TransactionView {
            created_at: from_ms(e.created_at_ms),
            transaction_id: e.transaction_id,
            amount: e.amount,
            points: e.points,
            balance_after: e.balance_after,
            points_after: e.points_after,
            reason: e.reason,
        }
    }
}
