//! The DynamoDB adapter (`aws-sdk-dynamodb`). Every rule that must hold under concurrency is
//! a condition expression or a `TransactWriteItems`; reads on decision paths are consistent.

use super::schema::{self, PK, SK, TTL_ATTRIBUTE, TableSpec};
use super::{CreateUserDenied, PasswordChange, Store, StoreError, StoreResult};
use crate::config::Tables;
use crate::model::{
    Device, JoinDenied, LeaveDenied, Membership, OtpRecord, Pool, SendDenied, SendPlan, Session,
    User, Verification,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, Delete, KeySchemaElement, KeyType,
    KeysAndAttributes, Put, ReturnValue, ScalarAttributeType, TimeToLiveSpecification,
    TransactWriteItem, Update,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

pub struct DynamoStore {
    client: Client,
    tables: Tables,
}

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

/// `ExpressionAttributeValues`, or none when empty (DynamoDB rejects an empty map).
pub fn expression_values(
    vals: Vec<(&str, AttributeValue)>,
) -> Option<HashMap<String, AttributeValue>> {
    (!vals.is_empty()).then(|| vals.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `ExpressionAttributeNames` for the given expressions, derived from their `#name`
/// placeholders, or none when they use no placeholder.
pub fn expression_names(exprs: &[Option<&str>]) -> Option<HashMap<String, String>> {
    let exprs: Vec<&str> = exprs.iter().flatten().copied().collect();
    let names = placeholders(&exprs);
    (!names.is_empty()).then_some(names)
}

/// Query by partition key and sort-key prefix.
const KEY_PREFIX_QUERY: &str = "#pk = :pk AND begins_with(#sk, :prefix)";

pub fn to_item<T: Serialize>(rec: &T, pk: String, sk: String) -> StoreResult<Item> {
    let mut item: Item =
        serde_dynamo::to_item(rec).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    item.insert(PK.into(), s(pk));
    item.insert(SK.into(), s(sk));
    Ok(item)
}

pub fn from_item<T: DeserializeOwned>(item: Item) -> StoreResult<T> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn unavailable<E, R>(op: &str, e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    StoreError::Unavailable(format!("{op}: {}", DisplayErrorContext(&e)))
}

pub fn built<T>(r: Result<T, BuildError>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Unavailable(format!("request build: {e}")))
}

/// True when a single-item write failed its condition.
pub fn is_conditional<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error().and_then(|s| s.code()) == Some("ConditionalCheckFailedException")
}

/// The `#name` placeholders of DynamoDB expressions, each mapped to the attribute it names.
pub fn placeholders(exprs: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for expr in exprs {
        let mut rest = *expr;
        while let Some(i) = rest.find('#') {
            let tail = &rest[i + 1..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            out.insert(format!("#{}", &tail[..end]), tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    out
}

/// A numeric attribute of an item.
pub fn num(item: &Item, attr: &str) -> Option<i64> {
    item.get(attr)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// Epoch seconds for the TTL attribute, `grace_s` after `ms`.
fn ttl_after(ms: i64, grace_s: i64) -> AttributeValue {
    n(ms / 1000 + grace_s)
}

/// The outcome of a transaction: committed, or cancelled with a reason code per item.
pub enum Tx {
    Committed,
    Cancelled(Vec<Option<String>>),
}

impl Tx {
    /// Index of the first item whose condition failed.
    pub fn failed_condition(&self) -> Option<usize> {
        match self {
            Tx::Committed => None,
            Tx::Cancelled(codes) => codes
                .iter()
                .position(|c| c.as_deref() == Some("ConditionalCheckFailed")),
        }
    }
}

impl DynamoStore {
    pub fn new(client: Client, tables: Tables) -> Self {
        DynamoStore { client, tables }
    }

    /// Runs a transaction, retrying (with backoff) when DynamoDB cancels it only because
    /// another transaction touched the same items at the same time.
    pub async fn transact(&self, items: Vec<TransactWriteItem>) -> StoreResult<Tx> {
        let mut delay_ms = 10u64;
        for _ in 0..6 {
            let res = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let err = match res {
                Ok(_) => return Ok(Tx::Committed),
                Err(e) => e,
            };
            let retry = match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                    let codes: Vec<Option<String>> = c
                        .cancellation_reasons()
                        .iter()
                        .map(|r| r.code().map(String::from))
                        .collect();
                    let conflict = codes
                        .iter()
                        .any(|c| c.as_deref() == Some("TransactionConflict"));
                    let condition = codes
                        .iter()
                        .any(|c| c.as_deref() == Some("ConditionalCheckFailed"));
                    if condition || !conflict {
                        return Ok(Tx::Cancelled(codes));
                    }
                    true
                }
                Some(TransactWriteItemsError::TransactionInProgressException(_)) => true,
                _ => false,
            };
            if !retry {
                return Err(unavailable("TransactWriteItems", err));
            }
            let jitter = u64::from(crate::crypto::random_below(delay_ms as u32 + 1));
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms + jitter)).await;
            delay_ms *= 2;
        }
        Err(StoreError::Unavailable(
            "TransactWriteItems: conflicts persisted".into(),
        ))
    }

    pub async fn get(&self, table: &str, pk: String, sk: &str) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    async fn get_as<T: DeserializeOwned>(
        &self,
        table: &str,
        pk: String,
        sk: &str,
    ) -> StoreResult<Option<T>> {
        self.get(table, pk, sk).await?.map(from_item).transpose()
    }

    async fn put(&self, table: &str, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        Ok(())
    }

    /// All items of a partition whose sort key starts with `prefix` (consistent, paginated).
    pub async fn query_prefix(
        &self,
        table: &str,
        pk: String,
        prefix: &str,
    ) -> StoreResult<Vec<Item>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(table)
                .key_condition_expression(KEY_PREFIX_QUERY)
                .set_expression_attribute_names(expression_names(&[Some(KEY_PREFIX_QUERY)]))
                .set_expression_attribute_values(expression_values(vec![
                    (":pk", s(pk.clone())),
                    (":prefix", s(prefix)),
                ]))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            out.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    /// Deletes an item if `condition` holds; false when it did not.
    async fn delete_if(
        &self,
        table: &str,
        k: Item,
        condition: &str,
        vals: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<bool> {
        let res = self
            .client
            .delete_item()
            .table_name(table)
            .set_key(Some(k))
            .condition_expression(condition)
            .set_expression_attribute_names(expression_names(&[Some(condition)]))
            .set_expression_attribute_values(expression_values(vals))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if is_conditional(&e) => Ok(false),
            Err(e) => Err(unavailable("DeleteItem", e)),
        }
    }

    /// A conditional `UpdateItem`: the updated attributes when `condition` held (or there is
    /// none), `None` when it did not. `#name` placeholders are derived from the expressions.
    async fn update_if(
        &self,
        table: &str,
        k: Item,
        update: &str,
        condition: Option<&str>,
        vals: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<Option<Item>> {
        let res = self
            .client
            .update_item()
            .table_name(table)
            .set_key(Some(k))
            .update_expression(update)
            .set_condition_expression(condition.map(String::from))
            .set_expression_attribute_names(expression_names(&[Some(update), condition]))
            .set_expression_attribute_values(expression_values(vals))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match res {
            Ok(out) => Ok(Some(out.attributes.unwrap_or_default())),
            Err(e) if is_conditional(&e) => Ok(None),
            Err(e) => Err(unavailable("UpdateItem", e)),
        }
    }

    /// A transaction Put, conditional when `condition` is given.
    fn put_tx(
        table: &str,
        item: Item,
        condition: Option<&str>,
        vals: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<TransactWriteItem> {
        let b = Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(String::from))
            .set_expression_attribute_names(expression_names(&[condition]))
            .set_expression_attribute_values(expression_values(vals));
        Ok(TransactWriteItem::builder().put(built(b.build())?).build())
    }

    /// A transaction Delete, conditional when `condition` is given.
    fn delete_tx(
        table: &str,
        k: Item,
        condition: Option<&str>,
        vals: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<TransactWriteItem> {
        let b = Delete::builder()
            .table_name(table)
            .set_key(Some(k))
            .set_condition_expression(condition.map(String::from))
            .set_expression_attribute_names(expression_names(&[condition]))
            .set_expression_attribute_values(expression_values(vals));
        Ok(TransactWriteItem::builder()
            .delete(built(b.build())?)
            .build())
    }

    /// A transaction Update, conditional when `condition` is given.
    fn update_tx(
        table: &str,
        k: Item,
        update: &str,
        condition: Option<&str>,
        vals: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<TransactWriteItem> {
        let b = Update::builder()
            .table_name(table)
            .set_key(Some(k))
            .update_expression(update)
            .set_condition_expression(condition.map(String::from))
            .set_expression_attribute_names(expression_names(&[Some(update), condition]))
            .set_expression_attribute_values(expression_values(vals));
        Ok(TransactWriteItem::builder()
            .update(built(b.build())?)
            .build())
    }

    /// Moves a pool's seat counter by `delta` under `condition`, which may use `#pk`,
    /// `#joined_members`, `#total_members`, `#deadline`, `:today` and `:zero`.
    fn seat_update(
        &self,
        pool_id: &str,
        delta: i64,
        condition: &str,
        today: &str,
    ) -> StoreResult<TransactWriteItem> {
        let mut vals = vec![(":delta", n(delta))];
        if condition.contains(":today") {
            vals.push((":today", s(today)));
        }
        if condition.contains(":zero") {
            vals.push((":zero", n(0)));
        }
        Self::update_tx(
            &self.tables.pools,
            key(schema::pool_pk(pool_id), schema::POOL_SK),
            "ADD #joined_members :delta",
            Some(condition),
            vals,
        )
    }

    /// Pools by id, consistently read, in batches of 100 (unprocessed keys retried).
    async fn batch_get_pools(&self, ids: Vec<String>) -> StoreResult<Vec<Pool>> {
        let t = &self.tables.pools;
        let mut out = Vec::new();
        for chunk in ids.chunks(100) {
            let keys: Vec<Item> = chunk
                .iter()
                .map(|id| key(schema::pool_pk(id), schema::POOL_SK))
                .collect();
            let mut request = Some(HashMap::from([(
                t.clone(),
                built(
                    KeysAndAttributes::builder()
                        .set_keys(Some(keys))
                        .consistent_read(true)
                        .build(),
                )?,
            )]));
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
                for item in res
                    .responses
                    .and_then(|mut r| r.remove(t))
                    .unwrap_or_default()
                {
                    out.push(from_item(item)?);
                }
                request = res.unprocessed_keys;
            }
        }
        Ok(out)
    }

    /// Pool ids listed on the user's side under `prefix` (`OWNED#` or `JOINED#`).
    async fn user_pool_ids(&self, user_id: &str, prefix: &str) -> StoreResult<Vec<String>> {
        Ok(self
            .query_prefix(&self.tables.pools, schema::user_pk(user_id), prefix)
            .await?
            .into_iter()
            .filter_map(|i| i.get("pool_id").and_then(|v| v.as_s().ok()).cloned())
            .collect())
    }

    async fn delete_key(&self, table: &str, k: Item) -> StoreResult<()> {
        self.client
            .delete_item()
            .table_name(table)
            .set_key(Some(k))
            .send()
            .await
            .map_err(|e| unavailable("DeleteItem", e))?;
        Ok(())
    }

    fn counter_update(
        &self,
        pk: String,
        sk: String,
        max: u32,
        ttl: AttributeValue,
    ) -> StoreResult<TransactWriteItem> {
        Self::update_tx(
            &self.tables.otps,
            key(pk, sk),
            "ADD #count :one SET #ttl = :ttl",
            Some("attribute_not_exists(#count) OR #count < :max"),
            vec![(":one", n(1)), (":max", n(max)), (":ttl", ttl)],
        )
    }

    fn token_delete(
        &self,
        token_hash: &str,
        phone: &str,
        now_ms: i64,
    ) -> StoreResult<TransactWriteItem> {
        Self::delete_tx(
            &self.tables.otps,
            key(schema::vt_pk(token_hash), schema::VT_SK),
            Some("attribute_exists(#pk) AND #phone = :phone AND #expires_at_ms > :now"),
            vec![(":phone", s(phone)), (":now", n(now_ms))],
        )
    }
}

/// Creates any missing table of [`schema::TABLES`] (on-demand, with its TTL).
pub async fn create_tables(client: &Client, tables: &Tables) -> StoreResult<()> {
    for spec in schema::TABLES {
        let name = table_name(tables, &spec);
        create_table(client, name, &spec).await?;
    }
    Ok(())
}

pub fn table_name<'a>(tables: &'a Tables, spec: &TableSpec) -> &'a str {
    match spec.env {
        "USERS_TABLE" => &tables.users,
        "OTPS_TABLE" => &tables.otps,
        _ => &tables.pools,
    }
}

async fn create_table(client: &Client, name: &str, spec: &TableSpec) -> StoreResult<()> {
    let attr = |a: &str| {
        built(
            AttributeDefinition::builder()
                .attribute_name(a)
                .attribute_type(ScalarAttributeType::S)
                .build(),
        )
    };
    let key_el = |a: &str, t: KeyType| {
        built(
            KeySchemaElement::builder()
                .attribute_name(a)
                .key_type(t)
                .build(),
        )
    };
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr(spec.pk)?)
        .attribute_definitions(attr(spec.sk)?)
        .key_schema(key_el(spec.pk, KeyType::Hash)?)
        .key_schema(key_el(spec.sk, KeyType::Range)?)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e) if e.as_service_error().and_then(|s| s.code()) == Some("ResourceInUseException") => {
            return Ok(());
        }
        Err(e) => return Err(unavailable("CreateTable", e)),
    }
    if let Some(ttl) = spec.ttl_attribute {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(built(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(ttl)
                    .build(),
            )?)
            .send()
            .await
            .map_err(|e| unavailable("UpdateTimeToLive", e))?;
    }
    Ok(())
}

#[async_trait]
impl Store for DynamoStore {
    async fn reserve_otp_send(&self, plan: &SendPlan) -> StoreResult<Result<(), SendDenied>> {
        let t = &self.tables.otps;
        let day_ttl = ttl_after(plan.now_ms, 2 * 86_400);
        let hour_ttl = ttl_after(plan.now_ms, 2 * 3_600);
        let mut cooldown = to_item(
            &serde_json::json!({ "until_ms": plan.cooldown_until_ms, "nonce": plan.nonce }),
            schema::send_pk(&plan.phone),
            schema::COOLDOWN_SK.into(),
        )?;
        cooldown.insert(TTL_ATTRIBUTE.into(), ttl_after(plan.cooldown_until_ms, 60));
        let items = vec![
            Self::put_tx(
                t,
                cooldown,
                Some("attribute_not_exists(#pk) OR #until_ms <= :now"),
                vec![(":now", n(plan.now_ms))],
            )?,
            self.counter_update(
                schema::send_pk(&plan.phone),
                schema::hour_sk(plan.hour_window),
                plan.max_per_hour,
                hour_ttl.clone(),
            )?,
            self.counter_update(
                schema::send_pk(&plan.phone),
                schema::day_sk(plan.day_window),
                plan.max_per_day,
                day_ttl,
            )?,
            self.counter_update(
                schema::ip_pk(&plan.ip),
                schema::hour_sk(plan.hour_window),
                plan.max_per_ip_hour,
                hour_ttl,
            )?,
        ];
        let tx = self.transact(items).await?;
        Ok(match tx.failed_condition() {
            None if matches!(tx, Tx::Committed) => Ok(()),
            Some(0) => {
                let until_ms = self
                    .get(t, schema::send_pk(&plan.phone), schema::COOLDOWN_SK)
                    .await?
                    .and_then(|i| num(&i, "until_ms"))
                    .unwrap_or(plan.cooldown_until_ms);
                Err(SendDenied::Cooldown { until_ms })
            }
            Some(1) => Err(SendDenied::PhoneHour),
            Some(2) => Err(SendDenied::PhoneDay),
            Some(_) => Err(SendDenied::IpHour),
            None => {
                return Err(StoreError::Unavailable(
                    "send reservation cancelled without a failed condition".into(),
                ));
            }
        })
    }

    async fn release_otp_send(&self, plan: &SendPlan) -> StoreResult<()> {
        let t = &self.tables.otps;
        self.delete_if(
            t,
            key(schema::send_pk(&plan.phone), schema::COOLDOWN_SK),
            "#nonce = :nonce",
            vec![(":nonce", s(&plan.nonce))],
        )
        .await?;
        let decrement = |pk: String, sk: String| {
            Self::update_tx(
                t,
                key(pk, sk),
                "ADD #count :minus",
                Some("#count > :zero"),
                vec![(":minus", n(-1)), (":zero", n(0))],
            )
        };
        for (pk, sk) in [
            (
                schema::send_pk(&plan.phone),
                schema::hour_sk(plan.hour_window),
            ),
            (
                schema::send_pk(&plan.phone),
                schema::day_sk(plan.day_window),
            ),
            (schema::ip_pk(&plan.ip), schema::hour_sk(plan.hour_window)),
        ] {
            // One at a time: a counter that is already 0 must not block the others.
            self.transact(vec![decrement(pk, sk)?]).await?;
        }
        Ok(())
    }

    async fn put_otp(&self, rec: &OtpRecord) -> StoreResult<()> {
        let mut item = to_item(rec, schema::otp_pk(&rec.phone), schema::OTP_SK.into())?;
        item.insert(TTL_ATTRIBUTE.into(), ttl_after(rec.expires_at_ms, 60));
        self.put(&self.tables.otps, item).await
    }

    async fn get_otp(&self, phone: &str) -> StoreResult<Option<OtpRecord>> {
        self.get_as(&self.tables.otps, schema::otp_pk(phone), schema::OTP_SK)
            .await
    }

    async fn delete_otp(&self, phone: &str, code_hash: &str) -> StoreResult<()> {
        self.delete_if(
            &self.tables.otps,
            key(schema::otp_pk(phone), schema::OTP_SK),
            "#code_hash = :h",
            vec![(":h", s(code_hash))],
        )
        .await
        .map(|_| ())
    }

    async fn record_otp_failure(&self, phone: &str, code_hash: &str) -> StoreResult<Option<u32>> {
        let updated = self
            .update_if(
                &self.tables.otps,
                key(schema::otp_pk(phone), schema::OTP_SK),
                "ADD #attempts :one",
                Some("#code_hash = :h AND #attempts < #max_attempts"),
                vec![(":one", n(1)), (":h", s(code_hash))],
            )
            .await?;
        Ok(updated.and_then(|a| num(&a, "attempts")).map(|v| v as u32))
    }

    async fn consume_otp(&self, phone: &str, code_hash: &str, now_ms: i64) -> StoreResult<bool> {
        self.delete_if(
            &self.tables.otps,
            key(schema::otp_pk(phone), schema::OTP_SK),
            "#code_hash = :h AND #attempts < #max_attempts AND #expires_at_ms > :now",
            vec![(":h", s(code_hash)), (":now", n(now_ms))],
        )
        .await
    }

    async fn put_verification(&self, v: &Verification) -> StoreResult<()> {
        let mut item = to_item(v, schema::vt_pk(&v.token_hash), schema::VT_SK.into())?;
        item.insert(TTL_ATTRIBUTE.into(), ttl_after(v.expires_at_ms, 60));
        self.put(&self.tables.otps, item).await
    }

    async fn get_verification(&self, token_hash: &str) -> StoreResult<Option<Verification>> {
        self.get_as(&self.tables.otps, schema::vt_pk(token_hash), schema::VT_SK)
            .await
    }

    async fn consume_verification(
        &self,
        token_hash: &str,
        phone: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let tx = self
            .transact(vec![self.token_delete(token_hash, phone, now_ms)?])
            .await?;
        Ok(matches!(tx, Tx::Committed))
    }

    async fn create_user(
        &self,
        user: &User,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Result<(), CreateUserDenied>> {
        let t = &self.tables.users;
        let claim = to_item(
            &serde_json::json!({ "user_id": user.user_id }),
            schema::phone_pk(&user.phone),
            schema::PHONE_SK.into(),
        )?;
        let profile = to_item(
            user,
            schema::user_pk(&user.user_id),
            schema::PROFILE_SK.into(),
        )?;
        let put_new = |item: Item| Self::put_tx(t, item, Some("attribute_not_exists(#pk)"), vec![]);
        let tx = self
            .transact(vec![
                self.token_delete(token_hash, &user.phone, now_ms)?,
                put_new(claim)?,
                put_new(profile)?,
            ])
            .await?;
        Ok(match tx.failed_condition() {
            None if matches!(tx, Tx::Committed) => Ok(()),
            Some(0) => Err(CreateUserDenied::TokenInvalid),
            Some(1) => Err(CreateUserDenied::PhoneTaken),
            _ => {
                return Err(StoreError::Unavailable(
                    "user creation cancelled unexpectedly".into(),
                ));
            }
        })
    }

    async fn get_user(&self, user_id: &str) -> StoreResult<Option<User>> {
        self.get_as(
            &self.tables.users,
            schema::user_pk(user_id),
            schema::PROFILE_SK,
        )
        .await
    }

    async fn user_id_by_phone(&self, phone: &str) -> StoreResult<Option<String>> {
        Ok(self
            .get(
                &self.tables.users,
                schema::phone_pk(phone),
                schema::PHONE_SK,
            )
            .await?
            .and_then(|i| i.get("user_id").and_then(|v| v.as_s().ok()).cloned()))
    }

    async fn login_locked_until(&self, phone: &str, now_ms: i64) -> StoreResult<Option<i64>> {
        Ok(self
            .get(&self.tables.otps, schema::login_pk(phone), schema::LOGIN_SK)
            .await?
            .and_then(|i| num(&i, "locked_until_ms"))
            .filter(|until| *until > now_ms))
    }

    async fn record_login_failure(
        &self,
        phone: &str,
        max: u32,
        lock_until_ms: i64,
    ) -> StoreResult<u32> {
        let k = key(schema::login_pk(phone), schema::LOGIN_SK);
        let t = &self.tables.otps;
        let updated = self
            .update_if(
                t,
                k.clone(),
                "ADD #failures :one SET #ttl = :ttl",
                None,
                vec![(":one", n(1)), (":ttl", ttl_after(lock_until_ms, 86_400))],
            )
            .await?;
        let count = updated.and_then(|a| num(&a, "failures")).unwrap_or(0) as u32;
        if count >= max {
            // Only the failure that reached the limit locks; concurrent ones see the reset count.
            self.update_if(
                t,
                k,
                "SET #locked_until_ms = :until, #failures = :zero",
                Some("#failures >= :max"),
                vec![
                    (":until", n(lock_until_ms)),
                    (":zero", n(0)),
                    (":max", n(max)),
                ],
            )
            .await?;
        }
        Ok(count)
    }

    async fn clear_login_failures(&self, phone: &str) -> StoreResult<()> {
        self.delete_key(
            &self.tables.otps,
            key(schema::login_pk(phone), schema::LOGIN_SK),
        )
        .await
    }

    async fn record_login(&self, user_id: &str, now_ms: i64) -> StoreResult<()> {
        self.update_if(
            &self.tables.users,
            key(schema::user_pk(user_id), schema::PROFILE_SK),
            "SET #last_login_at_ms = :now ADD #login_count :one",
            Some("attribute_exists(#pk)"),
            vec![(":now", n(now_ms)), (":one", n(1))],
        )
        .await?;
        Ok(())
    }

    async fn set_password(&self, change: &PasswordChange) -> StoreResult<bool> {
        let t = &self.tables.users;
        let user_key = |sk: String| key(schema::user_pk(&change.user_id), sk);
        let mut items = vec![Self::update_tx(
            t,
            user_key(schema::PROFILE_SK.into()),
            "SET #password_hash = :h, #session_epoch = :ep, #updated_at_ms = :now",
            Some("attribute_exists(#pk)"),
            vec![
                (":h", s(&change.password_hash)),
                (":ep", n(change.new_epoch)),
                (":now", n(change.now_ms)),
            ],
        )?];
        if let Some((hash, phone)) = &change.consume_token {
            items.push(self.token_delete(hash, phone, change.now_ms)?);
        }
        if let Some(sid) = &change.keep_session {
            items.push(Self::update_tx(
                t,
                user_key(schema::session_sk(sid)),
                "SET #epoch = :ep",
                Some("attribute_exists(#pk)"),
                vec![(":ep", n(change.new_epoch))],
            )?);
        }
        Ok(matches!(self.transact(items).await?, Tx::Committed))
    }

    async fn set_user_status(
        &self,
        user_id: &str,
        status: &str,
        new_epoch: u64,
    ) -> StoreResult<bool> {
        let updated = self
            .update_if(
                &self.tables.users,
                key(schema::user_pk(user_id), schema::PROFILE_SK),
                "SET #status = :status, #session_epoch = :ep",
                Some("attribute_exists(#pk)"),
                vec![(":status", s(status)), (":ep", n(new_epoch))],
            )
            .await?;
        Ok(updated.is_some())
    }

    async fn delete_user(&self, user: &User) -> StoreResult<()> {
        let t = &self.tables.users;
        // Sessions and devices first: if anything below fails, the account still exists
        // (signed out everywhere) and deletion can be retried.
        let mut rest = self
            .query_prefix(t, schema::user_pk(&user.user_id), schema::SESSION_PREFIX)
            .await?;
        rest.extend(
            self.query_prefix(t, schema::user_pk(&user.user_id), schema::DEVICE_PREFIX)
                .await?,
        );
        for item in rest {
            let (Some(pk), Some(sk)) = (item.get(PK).cloned(), item.get(SK).cloned()) else {
                continue;
            };
            self.delete_key(
                t,
                HashMap::from([(PK.to_string(), pk), (SK.to_string(), sk)]),
            )
            .await?;
        }
        let profile = Self::delete_tx(
            t,
            key(schema::user_pk(&user.user_id), schema::PROFILE_SK),
            None,
            vec![],
        )?;
        let claim = Self::delete_tx(
            t,
            key(schema::phone_pk(&user.phone), schema::PHONE_SK),
            Some("attribute_not_exists(#pk) OR #user_id = :uid"),
            vec![(":uid", s(&user.user_id))],
        )?;
        match self.transact(vec![profile, claim]).await? {
            Tx::Committed => Ok(()),
            Tx::Cancelled(codes) => Err(StoreError::Unavailable(format!(
                "account deletion cancelled: {codes:?}"
            ))),
        }
    }

    async fn put_session(&self, sess: &Session) -> StoreResult<()> {
        let item = to_item(
            sess,
            schema::user_pk(&sess.user_id),
            schema::session_sk(&sess.session_id),
        )?;
        self.put(&self.tables.users, item).await
    }

    async fn get_session(&self, user_id: &str, session_id: &str) -> StoreResult<Option<Session>> {
        self.get_as(
            &self.tables.users,
            schema::user_pk(user_id),
            &schema::session_sk(session_id),
        )
        .await
    }

    async fn list_sessions(&self, user_id: &str) -> StoreResult<Vec<Session>> {
        self.query_prefix(
            &self.tables.users,
            schema::user_pk(user_id),
            schema::SESSION_PREFIX,
        )
        .await?
        .into_iter()
        .map(from_item)
        .collect()
    }

    async fn delete_session(&self, user_id: &str, session_id: &str) -> StoreResult<bool> {
        self.delete_if(
            &self.tables.users,
            key(schema::user_pk(user_id), schema::session_sk(session_id)),
            "attribute_exists(#pk)",
            vec![],
        )
        .await
    }

    async fn rotate_session(
        &self,
        user_id: &str,
        session_id: &str,
        from: u64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<bool> {
        let updated = self
            .update_if(
                &self.tables.users,
                key(schema::user_pk(user_id), schema::session_sk(session_id)),
                "SET #generation = :next, #rotated_at_ms = :now, #last_used_at_ms = :now, #expires_at_ms = :exp",
                Some("#generation = :from"),
                vec![
                    (":next", n(from + 1)),
                    (":from", n(from)),
                    (":now", n(now_ms)),
                    (":exp", n(expires_at_ms)),
                ],
            )
            .await?;
        Ok(updated.is_some())
    }

    async fn put_device(&self, user_id: &str, device: &Device, now_ms: i64) -> StoreResult<()> {
        let mut item = to_item(
            device,
            schema::user_pk(user_id),
            schema::device_sk(&device.device_id),
        )?;
        item.insert("updated_at_ms".into(), n(now_ms));
        self.put(&self.tables.users, item).await
    }

    async fn list_devices(&self, user_id: &str) -> StoreResult<Vec<Device>> {
        self.query_prefix(
            &self.tables.users,
            schema::user_pk(user_id),
            schema::DEVICE_PREFIX,
        )
        .await?
        .into_iter()
        .map(from_item)
        .collect()
    }

    async fn create_pool(&self, pool: &Pool) -> StoreResult<bool> {
        let t = &self.tables.pools;
        let meta = to_item(pool, schema::pool_pk(&pool.pool_id), schema::POOL_SK.into())?;
        let owned = to_item(
            &serde_json::json!({ "pool_id": pool.pool_id }),
            schema::user_pk(&pool.owner_id),
            schema::owned_sk(&pool.pool_id),
        )?;
        let tx = self
            .transact(vec![
                Self::put_tx(t, meta, Some("attribute_not_exists(#pk)"), vec![])?,
                Self::put_tx(t, owned, None, vec![])?,
            ])
            .await?;
        match tx {
            Tx::Committed => Ok(true),
            _ if tx.failed_condition() == Some(0) => Ok(false),
            Tx::Cancelled(codes) => Err(StoreError::Unavailable(format!(
                "pool creation cancelled: {codes:?}"
            ))),
        }
    }

    async fn get_pool(&self, pool_id: &str) -> StoreResult<Option<Pool>> {
        self.get_as(
            &self.tables.pools,
            schema::pool_pk(pool_id),
            schema::POOL_SK,
        )
        .await
    }

    async fn join_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>> {
        let t = &self.tables.pools;
        let m = Membership {
            pool_id: pool_id.into(),
            user_id: user_id.into(),
            joined_at_ms,
        };
        for _ in 0..3 {
            let items = vec![
                Self::put_tx(
                    t,
                    to_item(&m, schema::pool_pk(pool_id), schema::member_sk(user_id))?,
                    Some("attribute_not_exists(#pk)"),
                vec![]
                )?,
                Self::put_tx(
                    t,
                    to_item(&m, schema::user_pk(user_id), schema::joined_sk(pool_id))?,
                    None,
                vec![]
                )?,
                self.seat_update(
                    pool_id,
                    1,
                    "attribute_exists(#pk) AND #joined_members < #total_members AND #deadline >= :today",
                    today,
                )?,
            ];
            if let Tx::Committed = self.transact(items).await? {
                return match self.get_pool(pool_id).await? {
                    Some(p) => Ok(Ok(p)),
                    None => Ok(Err(JoinDenied::NotFound)),
                };
            }
            // Cancelled: explain it from the current state, in the contract's order.
            let Some(pool) = self.get_pool(pool_id).await? else {
                return Ok(Err(JoinDenied::NotFound));
            };
            if today > pool.deadline.as_str() {
                return Ok(Err(JoinDenied::Closed));
            }
            if self.is_member(pool_id, user_id).await? {
                return Ok(Err(JoinDenied::AlreadyMember));
            }
            if pool.joined_members >= pool.total_members {
                return Ok(Err(JoinDenied::Full));
            }
            // A seat was freed between the attempt and the read: try again.
        }
        Ok(Err(JoinDenied::Full))
    }

    async fn leave_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        today: &str,
    ) -> StoreResult<Result<Pool, LeaveDenied>> {
        let t = &self.tables.pools;
        let items = vec![
            Self::delete_tx(
                t,
                key(schema::pool_pk(pool_id), schema::member_sk(user_id)),
                Some("attribute_exists(#pk)"),
                vec![],
            )?,
            Self::delete_tx(
                t,
                key(schema::user_pk(user_id), schema::joined_sk(pool_id)),
                None,
                vec![],
            )?,
            self.seat_update(
                pool_id,
                -1,
                "attribute_exists(#pk) AND #deadline >= :today AND #joined_members > :zero",
                today,
            )?,
        ];
        if let Tx::Committed = self.transact(items).await? {
            return match self.get_pool(pool_id).await? {
                Some(p) => Ok(Ok(p)),
                None => Ok(Err(LeaveDenied::NotFound)),
            };
        }
        match self.get_pool(pool_id).await? {
            Some(p) if today > p.deadline.as_str() => Ok(Err(LeaveDenied::Closed)),
            _ => Ok(Err(LeaveDenied::NotFound)),
        }
    }

    async fn pools_owned(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let ids = self.user_pool_ids(user_id, schema::OWNED_PREFIX).await?;
        self.batch_get_pools(ids).await
    }

    async fn pools_joined(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let ids = self.user_pool_ids(user_id, schema::JOINED_PREFIX).await?;
        self.batch_get_pools(ids).await
    }

    async fn pool_members(&self, pool_id: &str) -> StoreResult<Vec<Membership>> {
        self.query_prefix(
            &self.tables.pools,
            schema::pool_pk(pool_id),
            schema::MEMBER_PREFIX,
        )
        .await?
        .into_iter()
        .map(from_item)
        .collect()
    }

    async fn is_member(&self, pool_id: &str, user_id: &str) -> StoreResult<bool> {
        Ok(self
            .get(
                &self.tables.pools,
                schema::pool_pk(pool_id),
                &schema::member_sk(user_id),
            )
            .await?
            .is_some())
    }

    async fn remove_user_from_pools(&self, user_id: &str) -> StoreResult<()> {
        let t = &self.tables.pools;
        for pool_id in self.user_pool_ids(user_id, schema::JOINED_PREFIX).await? {
            // Whatever the deadline: a deleted account is counted nowhere.
            let items = vec![
                Self::delete_tx(
                    t,
                    key(schema::pool_pk(&pool_id), schema::member_sk(user_id)),
                    Some("attribute_exists(#pk)"),
                    vec![],
                )?,
                Self::delete_tx(
                    t,
                    key(schema::user_pk(user_id), schema::joined_sk(&pool_id)),
                    None,
                    vec![],
                )?,
                self.seat_update(
                    &pool_id,
                    -1,
                    "attribute_exists(#pk) AND #joined_members > :zero",
                    "",
                )?,
            ];
            if let Tx::Cancelled(_) = self.transact(items).await? {
                // Not a member any more, or the pool is gone: only the index entry is left.
                self.delete_key(
                    t,
                    key(schema::user_pk(user_id), schema::joined_sk(&pool_id)),
                )
                .await?;
            }
        }
        for pool_id in self.user_pool_ids(user_id, schema::OWNED_PREFIX).await? {
            self.delete_key(t, key(schema::user_pk(user_id), schema::owned_sk(&pool_id)))
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_name_every_attribute_once() {
        let p = placeholders(&[
            "SET #a = :x, #b_2 = :y ADD #a :one",
            "attribute_exists(#pk)",
        ]);
        assert_eq!(p.len(), 3);
        assert_eq!(p["#a"], "a");
        assert_eq!(p["#b_2"], "b_2");
        assert_eq!(p["#pk"], "pk");
    }
}
