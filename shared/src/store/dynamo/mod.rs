//! The DynamoDB adapter (`aws-sdk-dynamodb`). Every rule that must hold under concurrency is a
//! condition expression (typed, [`expr`]) or a `TransactWriteItems` with named outcomes
//! ([`tx`]); reads on decision paths are strongly consistent. One file per port.

mod admin;
mod budget;
mod create_tables;
mod devices;
mod expr;
mod items;
mod keys;
mod kyc;
mod lists;
mod loans;
mod login_guards;
mod otp;
mod passkeys;
mod phones;
mod pools;
mod prefixes;
mod profile;
mod sessions;
mod tx;
mod users;
mod wallet;

pub use create_tables::create_tables;

use super::tables::{PK, SK, TTL_ATTRIBUTE, Table, TableNames};
use super::{StoreError, StoreResult};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};
use expr::{Cond, Update, render};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

/// How one page of a `Query` is read.
#[derive(Debug, Clone, Copy)]
struct Page {
    /// A keys-only index to read instead of the table (eventually consistent).
    index: Option<&'static str>,
    forward: bool,
    limit: Option<i32>,
    count_only: bool,
}

pub struct DynamoStore {
    client: Client,
    tables: TableNames,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

/// The key (partition and sort key) of a stored item.
fn key_of(item: &Item) -> Item {
    item.iter()
        .filter(|(name, _)| *name == PK || *name == SK)
        .map(|(a, v)| (a.clone(), v.clone()))
        .collect()
}

/// The item of a record, under its key.
fn to_item<T: Serialize>(rec: &T, k: Item) -> StoreResult<Item> {
    let mut item: Item =
        serde_dynamo::to_item(rec).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    item.extend(k);
    Ok(item)
}

/// As [`to_item`], with a TTL `grace_s` seconds after `expires_ms`.
fn to_item_expiring<T: Serialize>(
    rec: &T,
    k: Item,
    expires_ms: i64,
    grace_s: i64,
) -> StoreResult<Item> {
    let mut item = to_item(rec, k)?;
    item.insert(TTL_ATTRIBUTE.into(), ttl_after(expires_ms, grace_s));
    Ok(item)
}

fn from_item<T: DeserializeOwned>(item: Item) -> StoreResult<T> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Epoch seconds for the TTL attribute, `grace_s` after `ms`.
fn ttl_after(ms: i64, grace_s: i64) -> AttributeValue {
    n(ms / 1000 + grace_s)
}

/// `ADD count 1`, the counter living `ttl_s_after` seconds from `now_ms`.
fn count_one(ttl_s_after: i64, now_ms: i64) -> Update {
    Update::new()
        .add("count", n(1))
        .set(TTL_ATTRIBUTE, ttl_after(now_ms, ttl_s_after))
}

/// `ADD count 1` unless the counter already reached `max`.
fn bounded_count(max: u32, ttl_s_after: i64, now_ms: i64) -> (Update, Cond) {
    (
        count_one(ttl_s_after, now_ms),
        Cond::Absent("count").or(Cond::cmp("count", expr::Cmp::Lt, n(max))),
    )
}

/// A numeric attribute of an item.
fn num(item: &Item, attr: &str) -> Option<i64> {
    item.get(attr)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// A string attribute of an item.
fn string(item: &Item, attr: &str) -> Option<String> {
    item.get(attr).and_then(|v| v.as_s().ok()).cloned()
}

fn unavailable<E, R>(op: &str, e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    StoreError::Unavailable(format!("{op}: {}", DisplayErrorContext(&e)))
}

fn built<T>(r: Result<T, BuildError>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Unavailable(format!("request build: {e}")))
}

/// True when a single-item write failed its condition.
fn is_conditional<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error().and_then(|s| s.code()) == Some("ConditionalCheckFailedException")
}

impl DynamoStore {
    pub fn new(client: Client, tables: TableNames) -> Self {
        DynamoStore { client, tables }
    }

    fn table(&self, t: Table) -> &str {
        self.tables.get(t)
    }

    /// Runs a transaction built with [`tx::Transaction`].
    async fn run<R: Copy + PartialEq + std::fmt::Debug>(
        &self,
        tx: tx::Transaction<R>,
    ) -> StoreResult<tx::TxOutcome<R>> {
        tx.run(&self.client).await
    }

    async fn get(&self, t: Table, k: Item) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(self.table(t))
            .set_key(Some(k))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    async fn get_as<T: DeserializeOwned>(&self, t: Table, k: Item) -> StoreResult<Option<T>> {
        self.get(t, k).await?.map(from_item).transpose()
    }

    async fn put(&self, t: Table, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(self.table(t))
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        Ok(())
    }

    /// All items of partition `pk` whose sort key starts with `prefix` (every item of the
    /// partition when `prefix` is empty), consistently read, every page.
    async fn query_prefix(&self, t: Table, pk: String, prefix: &str) -> StoreResult<Vec<Item>> {
        let partition = Cond::eq(PK, s(pk));
        let cond = match prefix.is_empty() {
            true => partition,
            false => partition.and(Cond::BeginsWith(SK, s(prefix))),
        };
        self.query(t, cond, None, true).await
    }

    /// One page of a consistent `Query` with the rendered key condition `r`: items in key
    /// order (reversed unless `forward`), at most `limit`, or only their count.
    async fn query_page(
        &self,
        t: Table,
        r: &expr::Rendered,
        page: Page,
        start: Option<Item>,
    ) -> StoreResult<QueryOutput> {
        let select = page
            .count_only
            .then_some(aws_sdk_dynamodb::types::Select::Count);
        self.client
            .query()
            .table_name(self.table(t))
            .set_key_condition_expression(r.condition.clone())
            .set_expression_attribute_names(r.names.clone())
            .set_expression_attribute_values(r.values.clone())
            .set_index_name(page.index.map(String::from))
            .consistent_read(page.index.is_none())
            .scan_index_forward(page.forward)
            .set_limit(page.limit)
            .set_select(select)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| unavailable("Query", e))
    }

    /// Items matching the key condition `cond`, consistently read, in key order (reversed
    /// unless `forward`), at most `limit` of them (all when `None`).
    async fn query(
        &self,
        t: Table,
        cond: Cond,
        limit: Option<usize>,
        forward: bool,
    ) -> StoreResult<Vec<Item>> {
        self.query_in(t, None, cond, limit, forward).await
    }

    /// As [`Self::query`], on `index` when given (its items carry keys only).
    async fn query_in(
        &self,
        t: Table,
        index: Option<&'static str>,
        cond: Cond,
        limit: Option<usize>,
        forward: bool,
    ) -> StoreResult<Vec<Item>> {
        let r = render(None, Some(&cond));
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let left = limit.map(|l| l.saturating_sub(out.len()) as i32);
            let page = Page {
                index,
                forward,
                limit: left,
                count_only: false,
            };
            let res = self.query_page(t, &r, page, start).await?;
            out.extend(res.items.unwrap_or_default());
            let full = limit.is_some_and(|l| out.len() >= l);
            match res.last_evaluated_key {
                Some(k) if !k.is_empty() && !full => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    /// The number of items of partition `pk` whose sort key starts with `prefix`.
    async fn count_prefix(&self, t: Table, pk: String, prefix: &str) -> StoreResult<u64> {
        let cond = Cond::eq(PK, s(pk)).and(Cond::BeginsWith(SK, s(prefix)));
        let r = render(None, Some(&cond));
        let mut count = 0u64;
        let mut start = None;
        loop {
            let page = Page {
                index: None,
                forward: true,
                limit: None,
                count_only: true,
            };
            let res = self.query_page(t, &r, page, start).await?;
            count += res.count.max(0) as u64;
            match res.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(count),
            }
        }
    }

    /// Decoded records of [`Self::query_prefix`].
    async fn query_as<T: DeserializeOwned>(
        &self,
        t: Table,
        pk: String,
        prefix: &str,
    ) -> StoreResult<Vec<T>> {
        self.query_prefix(t, pk, prefix)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn delete_key(&self, t: Table, k: Item) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(self.table(t))
            .set_key(Some(k))
            .send()
            .await
            .map_err(|e| unavailable("DeleteItem", e))?;
        Ok(())
    }

    /// Writes `item` if `cond` holds; false when it did not.
    async fn put_if(&self, t: Table, item: Item, cond: Cond) -> StoreResult<bool> {
        let r = render(None, Some(&cond));
        let res = self
            .client
            .put_item()
            .table_name(self.table(t))
            .set_item(Some(item))
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values)
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if is_conditional(&e) => Ok(false),
            Err(e) => Err(unavailable("PutItem", e)),
        }
    }

    /// Deletes an item if `cond` holds; false when it did not.
    async fn delete_if(&self, t: Table, k: Item, cond: Cond) -> StoreResult<bool> {
        let deleted = self.delete_returning(t, k, cond, ReturnValue::None);
        Ok(deleted.await?.is_some())
    }

    /// Spends one unit of the counter at `k` (see [`bounded_count`]); false, nothing spent,
    /// when it had reached `max`.
    async fn spend_one(
        &self,
        t: Table,
        k: Item,
        max: u32,
        ttl_s_after: i64,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let (update, cond) = bounded_count(max, ttl_s_after, now_ms);
        Ok(self.update_if(t, k, update, Some(cond)).await?.is_some())
    }

    /// Deletes the item at `k` if it exists and returns it: of callers racing on one key,
    /// exactly one gets it.
    async fn take(&self, t: Table, k: Item) -> StoreResult<Option<Item>> {
        let deleted = self.delete_returning(t, k, Cond::item_exists(), ReturnValue::AllOld);
        Ok(deleted.await?.flatten())
    }

    /// A conditional `DeleteItem`: `None` when `cond` did not hold, else the attributes
    /// `returning` names (if any).
    async fn delete_returning(
        &self,
        t: Table,
        k: Item,
        cond: Cond,
        returning: ReturnValue,
    ) -> StoreResult<Option<Option<Item>>> {
        let r = render(None, Some(&cond));
        let res = self
            .client
            .delete_item()
            .table_name(self.table(t))
            .set_key(Some(k))
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values)
            .return_values(returning)
            .send()
            .await;
        match res {
            Ok(out) => Ok(Some(out.attributes)),
            Err(e) if is_conditional(&e) => Ok(None),
            Err(e) => Err(unavailable("DeleteItem", e)),
        }
    }

    /// A conditional `UpdateItem`: the updated attributes when `cond` held (or there is none),
    /// `None` when it did not.
    async fn update_if(
        &self,
        t: Table,
        k: Item,
        update: Update,
        cond: Option<Cond>,
    ) -> StoreResult<Option<Item>> {
        self.update_returning(t, k, update, cond, ReturnValue::UpdatedNew)
            .await
    }

    /// As [`Self::update_if`], returning the attributes `returning` names.
    async fn update_returning(
        &self,
        t: Table,
        k: Item,
        update: Update,
        cond: Option<Cond>,
        returning: ReturnValue,
    ) -> StoreResult<Option<Item>> {
        let r = render(Some(&update), cond.as_ref());
        let res = self
            .client
            .update_item()
            .table_name(self.table(t))
            .set_key(Some(k))
            .set_update_expression(r.update)
            .set_condition_expression(r.condition)
            .set_expression_attribute_names(r.names)
            .set_expression_attribute_values(r.values)
            .return_values(returning)
            .send()
            .await;
        match res {
            Ok(out) => Ok(Some(out.attributes.unwrap_or_default())),
            Err(e) if is_conditional(&e) => Ok(None),
            Err(e) => Err(unavailable("UpdateItem", e)),
        }
    }

    /// Items by key, consistently read, in batches of 100 (unprocessed keys retried). Missing
    /// items are left out; order is not kept.
    async fn batch_get(&self, t: Table, keys: Vec<Item>) -> StoreResult<Vec<Item>> {
        let name = self.table(t).to_string();
        let mut out = Vec::new();
        for chunk in keys.chunks(100) {
            let batch = KeysAndAttributes::builder()
                .set_keys(Some(chunk.to_vec()))
                .consistent_read(true)
                .build();
            let mut request = Some(HashMap::from([(name.clone(), built(batch)?)]));
            let mut rounds = 0;
            while let Some(req) = request.take().filter(|r| !r.is_empty()) {
                rounds += 1;
                if rounds > 10 {
                    return Err(StoreError::Unavailable(
                        "BatchGetItem: keys left unprocessed".into(),
                    ));
                }
                let res = self
                    .client
                    .batch_get_item()
                    .set_request_items(Some(req))
                    .send()
                    .await
                    .map_err(|e| unavailable("BatchGetItem", e))?;
                out.extend(
                    res.responses
                        .and_then(|mut r| r.remove(&name))
                        .unwrap_or_default(),
                );
                request = res.unprocessed_keys;
            }
        }
        Ok(out)
    }
}
