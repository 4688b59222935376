//! Load per partition key, counted on the wire: an SDK interceptor reads every DynamoDB request
//! a client sends and adds its capacity units to the partition keys it touches, per class of
//! traffic (a tokio task-local names the class of the request being served).
//!
//! Units as DynamoDB bills items up to 1 KB written and 4 KB read (this product's items): a
//! write 1, a transactional write or condition check 2; a strongly consistent read 1, an
//! eventually consistent one 0.5, a transactional one 2; a query 1 per call (its pages are a
//! few small keys). The keys-only `lists` index takes a write on the partition of its new key
//! (and one on the old, when an item moves) only when an item's index key changes, as
//! DynamoDB documents; the interceptor remembers each item's index key to tell.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

tokio::task_local! {
    /// The class of traffic the current task serves (e.g. "code request").
    pub static CLASS: &'static str;
}

/// Units one class put on one partition key.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Units {
    pub read: f64,
    pub write: f64,
}

#[derive(Default)]
struct State {
    /// (class, partition) -> units. A partition is `<table>:<pk>` or `<table>/lists:<list_pk>`.
    units: HashMap<(&'static str, String), Units>,
    /// The index key each item has, by `<table>:<pk>:<sk>`.
    listed: HashMap<String, String>,
}

/// The interceptor; clone it into a client's config and read it after.
#[derive(Clone, Default)]
pub struct KeyLoad(Arc<Mutex<State>>);

impl KeyLoad {
    /// Every (class, partition) and its units so far.
    pub fn units(&self) -> HashMap<(&'static str, String), Units> {
        self.0.lock().map(|s| s.units.clone()).unwrap_or_default()
    }
}

impl std::fmt::Debug for KeyLoad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyLoad")
    }
}

fn s_of(v: &Value) -> Option<String> {
    v.get("S").and_then(Value::as_str).map(str::to_string)
}

/// The logical table of a test table name (`t<hex>-<name>`).
fn table_of(name: &str) -> String {
    name.split_once('-')
        .map_or(name, |(_, rest)| rest)
        .to_string()
}

/// The string value of the placeholder that follows `marker` in expression `expr` of `req`.
fn value_after(req: &Value, expr: &str, marker: &str) -> Option<String> {
    let after = req.get(expr)?.as_str()?.split(marker).nth(1)?;
    let placeholder: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == ':' || *c == '_')
        .collect();
    s_of(req.get("ExpressionAttributeValues")?.get(&placeholder)?)
}

/// The value an update expression sets `#list_pk` to, if it does.
fn listed_by_update(req: &Value) -> Option<String> {
    value_after(req, "UpdateExpression", "#list_pk = ")
}

impl State {
    fn add(&mut self, class: &'static str, partition: String, read: f64, write: f64) {
        let u = self.units.entry((class, partition)).or_default();
        u.read += read;
        u.write += write;
    }

    /// A write of `units` to the item at `key` of `table`, which leaves its index key `listed`.
    fn write(
        &mut self,
        class: &'static str,
        table: &str,
        key: &Value,
        units: f64,
        listed: Option<String>,
    ) {
        let pk = key.get("pk").and_then(s_of).unwrap_or_default();
        let sk = key.get("sk").and_then(s_of).unwrap_or_default();
        self.add(class, format!("{table}:{pk}"), 0.0, units);
        let Some(new) = listed else { return };
        let old = self
            .listed
            .insert(format!("{table}:{pk}:{sk}"), new.clone());
        if old.as_deref() != Some(new.as_str()) {
            self.add(class, format!("{table}/lists:{new}"), 0.0, 1.0);
            if let Some(old) = old {
                self.add(class, format!("{table}/lists:{old}"), 0.0, 1.0);
            }
        }
    }

    fn read(&mut self, class: &'static str, table: &str, key: &Value, units: f64) {
        let pk = key.get("pk").and_then(s_of).unwrap_or_default();
        self.add(class, format!("{table}:{pk}"), units, 0.0);
    }

    /// One request `op` with body `req`.
    fn request(&mut self, class: &'static str, op: &str, req: &Value) {
        let table = table_of(req.get("TableName").and_then(Value::as_str).unwrap_or(""));
        let consistent = |r: &Value| match r.get("ConsistentRead").and_then(Value::as_bool) {
            Some(true) => 1.0,
            _ => 0.5,
        };
        let null = Value::Null;
        match op {
            "GetItem" => self.read(
                class,
                &table,
                req.get("Key").unwrap_or(&null),
                consistent(req),
            ),
            "PutItem" => {
                let item = req.get("Item").unwrap_or(&null);
                let listed = item.get("list_pk").and_then(s_of);
                self.write(class, &table, item, 1.0, listed);
            }
            "UpdateItem" => {
                let listed = listed_by_update(req);
                self.write(class, &table, req.get("Key").unwrap_or(&null), 1.0, listed);
            }
            "DeleteItem" => self.write(class, &table, req.get("Key").unwrap_or(&null), 1.0, None),
            "Query" => self.query(class, &table, req),
            "BatchGetItem" => self.batch_get(class, req),
            "TransactWriteItems" => self.transact_write(class, req),
            "TransactGetItems" => {
                for item in req["TransactItems"].as_array().into_iter().flatten() {
                    let get = &item["Get"];
                    let t = table_of(get["TableName"].as_str().unwrap_or(""));
                    self.read(class, &t, &get["Key"], 2.0);
                }
            }
            _ => self.add(class, format!("{table}:<{op}>"), 1.0, 1.0),
        }
    }

    fn query(&mut self, class: &'static str, table: &str, req: &Value) {
        let pk = value_after(req, "KeyConditionExpression", " = ").unwrap_or_default();
        let partition = match req.get("IndexName").and_then(Value::as_str) {
            Some(index) => format!("{table}/{index}:{pk}"),
            None => format!("{table}:{pk}"),
        };
        self.add(class, partition, 1.0, 0.0);
    }

    fn batch_get(&mut self, class: &'static str, req: &Value) {
        let Some(tables) = req["RequestItems"].as_object() else {
            return;
        };
        for (name, keys) in tables {
            let t = table_of(name);
            let units = match keys["ConsistentRead"].as_bool() {
                Some(true) => 1.0,
                _ => 0.5,
            };
            for k in keys["Keys"].as_array().into_iter().flatten() {
                self.read(class, &t, k, units);
            }
        }
    }

    fn transact_write(&mut self, class: &'static str, req: &Value) {
        for item in req["TransactItems"].as_array().into_iter().flatten() {
            let Some((kind, body)) = item.as_object().and_then(|o| o.iter().next()) else {
                continue;
            };
            let t = table_of(body["TableName"].as_str().unwrap_or(""));
            match kind.as_str() {
                "Put" => {
                    let listed = body["Item"].get("list_pk").and_then(s_of);
                    self.write(class, &t, &body["Item"], 2.0, listed);
                }
                "Update" => self.write(class, &t, &body["Key"], 2.0, listed_by_update(body)),
                _ => self.write(class, &t, &body["Key"], 2.0, None),
            }
        }
    }
}

impl Intercept for KeyLoad {
    fn name(&self) -> &'static str {
        "KeyLoad"
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = crate::operation(ctx);
        let body = ctx.request().body().bytes().unwrap_or_default();
        let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let class = CLASS.try_with(|c| *c).unwrap_or("setup");
        if let Ok(mut state) = self.0.lock() {
            state.request(class, &op, &req);
        }
        Ok(())
    }
}
