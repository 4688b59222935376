//! Reading the `lists` index: a list is one or more of its partitions (a sharded list's
//! shards, `keys::list_partitions`); a page is every partition's entries past the cursor,
//! queried at once and merged in the list's order.

use super::expr::{Cmp, Cond};
use super::{DynamoStore, Item, s, string};
use crate::store::tables::{LISTS_INDEX, Table};
use crate::store::{ListOrder, StoreResult};

impl DynamoStore {
    /// Up to `limit` entries of list `pk` past `past` in `order`: (sort key, table key).
    async fn list_entries(
        &self,
        pk: String,
        order: ListOrder,
        past: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Item)>> {
        let (cmp, forward) = match order {
            ListOrder::NewestFirst => (Cmp::Lt, false),
            ListOrder::OldestFirst => (Cmp::Gt, true),
        };
        let mut cond = Cond::eq(LISTS_INDEX.pk, s(pk));
        if let Some(p) = past {
            cond = cond.and(Cond::cmp(LISTS_INDEX.sk, cmp, s(p)));
        }
        let entries = self
            .query_in(
                Table::Users,
                Some(LISTS_INDEX.name),
                cond,
                Some(limit),
                forward,
            )
            .await?;
        Ok(entries
            .iter()
            .map(|e| {
                (
                    string(e, LISTS_INDEX.sk).unwrap_or_default(),
                    super::key_of(e),
                )
            })
            .collect())
    }

    /// Up to `limit` entries of the list made of partitions `pks`, past `past` in `order`,
    /// merged: (sort key, table key).
    pub(super) async fn list_page(
        &self,
        pks: Vec<String>,
        order: ListOrder,
        past: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Item)>> {
        let pages = pks
            .into_iter()
            .map(|pk| self.list_entries(pk, order, past, limit));
        let mut entries: Vec<_> = futures::future::try_join_all(pages)
            .await?
            .into_iter()
            .flatten()
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        if order == ListOrder::NewestFirst {
            entries.reverse();
        }
        entries.truncate(limit);
        Ok(entries)
    }
}
