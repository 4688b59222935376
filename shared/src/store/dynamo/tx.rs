//! `TransactWriteItems` with named outcomes. Each item is added under a role (a small enum of
//! the operation), and a cancellation is reported as the roles whose conditions failed, never
//! as index positions. Transactions cancelled only by conflicts with concurrent transactions
//! are retried with jittered backoff.

use super::expr::{Cond, Update, render};
use super::{Item, built, unavailable};
use crate::store::{StoreError, StoreResult};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update as TxUpdate};

/// How a transaction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TxOutcome<R> {
    Committed,
    /// Cancelled; the roles whose condition failed, in the order they were added.
    Cancelled(Vec<R>),
}

impl<R: Copy + PartialEq> TxOutcome<R> {
    pub(super) fn committed(&self) -> bool {
        matches!(self, TxOutcome::Committed)
    }

    /// True when the item added under `role` failed its condition.
    pub(super) fn failed(&self, role: R) -> bool {
        matches!(self, TxOutcome::Cancelled(roles) if roles.contains(&role))
    }
}

/// A transaction being built. `R` names the items' roles.
pub(super) struct Transaction<R> {
    items: Vec<TransactWriteItem>,
    roles: Vec<R>,
}

impl<R: Copy + PartialEq + std::fmt::Debug> Transaction<R> {
    pub(super) fn new() -> Self {
        Transaction {
            items: Vec::new(),
            roles: Vec::new(),
        }
    }

    fn push(mut self, role: R, item: TransactWriteItem) -> Self {
        self.items.push(item);
        self.roles.push(role);
        self
    }

    /// Writes `item`, if `cond` (when given) holds.
    pub(super) fn put(
        self,
        role: R,
        table: &str,
        item: Item,
        cond: Option<Cond>,
    ) -> StoreResult<Self> {
        let r = render(None, cond.as_ref());
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values);
        let item = TransactWriteItem::builder()
            .put(built(put.build())?)
            .build();
        Ok(self.push(role, item))
    }

    /// Applies `update` to the item at `key`, if `cond` (when given) holds.
    pub(super) fn update(
        self,
        role: R,
        table: &str,
        key: Item,
        update: Update,
        cond: Option<Cond>,
    ) -> StoreResult<Self> {
        let r = render(Some(&update), cond.as_ref());
        let upd = TxUpdate::builder()
            .table_name(table)
            .set_key(Some(key))
            .set_update_expression(r.update)
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values);
        let item = TransactWriteItem::builder()
            .update(built(upd.build())?)
            .build();
        Ok(self.push(role, item))
    }

    /// Deletes the item at `key`, if `cond` (when given) holds.
    pub(super) fn delete(
        self,
        role: R,
        table: &str,
        key: Item,
        cond: Option<Cond>,
    ) -> StoreResult<Self> {
        let r = render(None, cond.as_ref());
        let del = Delete::builder()
            .table_name(table)
            .set_key(Some(key))
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values);
        let item = TransactWriteItem::builder()
            .delete(built(del.build())?)
            .build();
        Ok(self.push(role, item))
    }

    /// Requires `cond` of the item at `key` without writing it.
    pub(super) fn check(self, role: R, table: &str, key: Item, cond: Cond) -> StoreResult<Self> {
        let r = render(None, Some(&cond));
        let check = ConditionCheck::builder()
            .table_name(table)
            .set_key(Some(key))
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values);
        let item = TransactWriteItem::builder()
            .condition_check(built(check.build())?)
            .build();
        Ok(self.push(role, item))
    }

    /// Runs the transaction. A cancellation with a failed condition is an outcome; any other
    /// failure (or conflicts that persist) is an error.
    pub(super) async fn run(self, client: &Client) -> StoreResult<TxOutcome<R>> {
        let mut delay_ms = 10u64;
        for _ in 0..6 {
            let res = client
                .transact_write_items()
                .set_transact_items(Some(self.items.clone()))
                .send()
                .await;
            let err = match res {
                Ok(_) => return Ok(TxOutcome::Committed),
                Err(e) => e,
            };
            match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                    let codes: Vec<Option<&str>> =
                        c.cancellation_reasons().iter().map(|r| r.code()).collect();
                    let failed: Vec<R> = self
                        .roles
                        .iter()
                        .zip(&codes)
                        .filter(|(_, code)| **code == Some("ConditionalCheckFailed"))
                        .map(|(role, _)| *role)
                        .collect();
                    let conflict_only =
                        failed.is_empty() && codes.contains(&Some("TransactionConflict"));
                    if !conflict_only {
                        if failed.is_empty() {
                            return Err(StoreError::Unavailable(format!(
                                "transaction {:?} cancelled: {codes:?}",
                                self.roles
                            )));
                        }
                        return Ok(TxOutcome::Cancelled(failed));
                    }
                }
                Some(TransactWriteItemsError::TransactionInProgressException(_)) => {}
                _ => return Err(unavailable("TransactWriteItems", err)),
            }
            let jitter = u64::from(crate::crypto::random_below(delay_ms as u32 + 1));
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms + jitter)).await;
            delay_ms *= 2;
        }
        Err(StoreError::Unavailable(
            "TransactWriteItems: conflicts persisted".into(),
        ))
    }
}

impl<R: Copy + PartialEq + std::fmt::Debug> Default for Transaction<R> {
    fn default() -> Self {
        Self::new()
    }
}
