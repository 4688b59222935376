//! The prefix port on DynamoDB, in the users table (whose `lists` index lists them):
//! `PREFIX#<prefix>`/`CONTROL` (mode and pause, no TTL) and `PREFIX#<prefix>`/`C#<window>`
//! (the conversion counts, expiring after their window; indexed under `PREFIXES#<window>`,
//! written once per prefix and window since its keys never change; the index partition is
//! one of the window's shards, by prefix). A country's pause count is kept in
//! [`PAUSE_COPIES`] copies: a send reads the one its prefix spreads to, a pause writes all.

use super::expr::{Cmp, Cond, Update};
use super::items::audit_item;
use super::keys::{
    CONTROL_SK, PAUSE_COPIES, conversion_sk, country_pauses_key_parts, prefix_pk,
    prefixes_list_pks, spread,
};
use super::tx::{Transaction, TxOutcome};
use super::{DynamoStore, Item, from_item, key, n, num, s, string, to_item, ttl_after};
use crate::domain::{AuditRecord, Conversion, PrefixControl, PrefixMode};
use crate::store::tables::{PK, SK, TTL_ATTRIBUTE, Table};
use crate::store::{ListOrder, PrefixHealthRow, PrefixStore, Standing, StoreError, StoreResult};
use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Control,
    Audit,
    Pauses,
}

fn counts(item: &Item) -> Conversion {
    let count = |attr| num(item, attr).unwrap_or(0).max(0) as u32;
    Conversion {
        sent: count("sent"),
        verified: count("verified"),
    }
}

#[async_trait]
impl PrefixStore for DynamoStore {
    async fn prefix_control(&self, prefix: &str) -> StoreResult<Option<PrefixControl>> {
        self.get_as(Table::Users, key(prefix_pk(prefix), CONTROL_SK))
            .await
    }

    async fn prefix_standing(
        &self,
        prefix: &str,
        country: &str,
        window: i64,
    ) -> StoreResult<Standing> {
        let pk = prefix_pk(prefix);
        let copy = spread(prefix, b'c', PAUSE_COPIES);
        let (country_pk, pauses_sk) = country_pauses_key_parts(country, window, copy);
        let keys = vec![
            key(pk.clone(), CONTROL_SK),
            key(pk.clone(), conversion_sk(window)),
            key(country_pk.clone(), pauses_sk),
        ];
        let mut standing = Standing::default();
        for item in self.batch_get(Table::Users, keys).await? {
            if string(&item, PK).as_deref() == Some(country_pk.as_str()) {
                standing.country_pauses = num(&item, "count").unwrap_or(0).max(0) as u32;
            } else if string(&item, SK).as_deref() == Some(CONTROL_SK) {
                standing.control = Some(from_item(item)?);
            } else {
                standing.conversion = counts(&item);
            }
        }
        Ok(standing)
    }

    async fn pause_prefix(
        &self,
        control: &PrefixControl,
        until_ms: i64,
        reason: &str,
        window: i64,
    ) -> StoreResult<bool> {
        let k = key(prefix_pk(&control.prefix), CONTROL_SK);
        let mut paused = control.clone();
        paused.paused_until_ms = Some(until_ms);
        paused.reason = Some(reason.to_string());
        let shorter =
            Cond::Absent("paused_until_ms").or(Cond::cmp("paused_until_ms", Cmp::Lt, n(until_ms)));
        let auto = Cond::eq("mode", s(PrefixMode::Auto.as_str()));
        let cond = Cond::item_absent().or(auto.and(shorter));
        if !self
            .put_if(Table::Users, to_item(&paused, k)?, cond)
            .await?
        {
            return Ok(false);
        }
        // A rare write (one per pause): what new prefixes of the country are judged by.
        let end_ms = until_ms.max(control.updated_at_ms);
        let mut tx = Transaction::new();
        for copy in 0..PAUSE_COPIES {
            let (pk, sk) = country_pauses_key_parts(&control.country, window, copy);
            let count = Update::new()
                .add("count", n(1))
                .set(TTL_ATTRIBUTE, ttl_after(end_ms, 2 * 86_400));
            tx = tx.update(
                Role::Pauses,
                self.table(Table::Users),
                key(pk, sk),
                count,
                None,
            )?;
        }
        match self.run(tx).await? {
            TxOutcome::Committed => Ok(true),
            outcome => Err(StoreError::Unavailable(format!(
                "country pause count cancelled: {outcome:?}"
            ))),
        }
    }

    async fn count_verified(&self, prefix: &str, window: i64, end_ms: i64) -> StoreResult<()> {
        let k = key(prefix_pk(prefix), conversion_sk(window));
        let update = Update::new()
            .add("verified", n(1))
            .add("credit", n(1000))
            .set(TTL_ATTRIBUTE, ttl_after(end_ms, 3_600));
        self.update_if(Table::Users, k, update, None).await?;
        Ok(())
    }

    async fn conversion(&self, prefix: &str, window: i64) -> StoreResult<Conversion> {
        let k = key(prefix_pk(prefix), conversion_sk(window));
        let item = self.get(Table::Users, k).await?;
        Ok(item.as_ref().map(counts).unwrap_or_default())
    }

    async fn set_prefix_mode(
        &self,
        control: &PrefixControl,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        let t = self.table(Table::Users);
        let k = key(prefix_pk(&control.prefix), CONTROL_SK);
        let tx = Transaction::new()
            .put(Role::Control, t, to_item(control, k)?, None)?
            .put(Role::Audit, t, audit_item(audit)?, None)?;
        match self.run(tx).await? {
            TxOutcome::Committed => Ok(()),
            outcome => Err(StoreError::Unavailable(format!(
                "prefix mode change cancelled: {outcome:?}"
            ))),
        }
    }

    async fn list_prefixes(
        &self,
        window: i64,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<PrefixHealthRow>> {
        let listed = self.list_page(
            prefixes_list_pks(window),
            ListOrder::OldestFirst,
            after,
            limit,
        );
        let prefixes: Vec<String> = listed.await?.into_iter().map(|(p, _)| p).collect();
        let mut keys = Vec::new();
        for p in &prefixes {
            keys.push(key(prefix_pk(p), conversion_sk(window)));
            keys.push(key(prefix_pk(p), CONTROL_SK));
        }
        let items = self.batch_get(Table::Users, keys).await?;
        let mut rows = Vec::new();
        for p in prefixes {
            let pk = prefix_pk(&p);
            let of = |sk: &str| {
                items.iter().find(|i| {
                    string(i, PK).as_deref() == Some(pk.as_str())
                        && string(i, SK).as_deref() == Some(sk)
                })
            };
            let control = of(CONTROL_SK).cloned().map(from_item).transpose()?;
            let conversion = of(&conversion_sk(window)).map(counts).unwrap_or_default();
            rows.push(PrefixHealthRow {
                prefix: p,
                conversion,
                control,
            });
        }
        Ok(rows)
    }
}
