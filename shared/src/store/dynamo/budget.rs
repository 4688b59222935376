//! The deployment's SMS budget on DynamoDB, spread over shards. Every SMS spends the hour's and
//! the day's budget: kept as one item each, they would take every send's write (10,000 a second
//! at national scale, ten times what one partition key takes). Each window's budget `B` is
//! split over `n = min(64, B)` items, shard `i` holding at most its share (`B / n`, one more for
//! the first `B % n`), so the shares add up to `B` exactly: sends never pass the budget. A send
//! tries one shard picked from its nonce; when that shard is full it reads every shard and
//! moves to one with room, so it is refused only when every shard was full as read. A release
//! gives one back on a shard over its share (a notice counted past a full budget) if there is
//! one, else on the shard the send first tried, else on any that holds one: the total is right
//! even when the send had moved, and room opens only where the total has room. The memory
//! store keeps one counter; the rule is the same.

use super::keys::{counter_sk, spread, window_letter};
use super::{DynamoStore, Item, key, num, string};
use crate::domain::{CounterScope, SendCounter};
use crate::store::StoreResult;
use crate::store::tables::{PK, Table};

/// Most shards a budget is spread over (10,000 sends a second: about 160 per shard).
pub(super) const BUDGET_SHARDS: u32 = 64;

/// How many times a send moves to another shard before it is refused (racing sends that take
/// the shards it saw open): every move means a shard filled, so `n + 1` moves cover a budget
/// no release reopens; twice that leaves room for releases.
pub(super) fn max_moves(c: &SendCounter) -> u32 {
    2 * shard_count(c.max) + 2
}

/// The number of shards of a budget of `total`.
pub(super) fn shard_count(total: u32) -> u32 {
    BUDGET_SHARDS.min(total.max(1))
}

/// Shard `shard`'s share of a budget of `total`: the shares add up to `total`.
pub(super) fn share(total: u32, shard: u32) -> u32 {
    let n = shard_count(total);
    total / n + u32::from(shard < total % n)
}

/// The first shard a send with nonce `nonce` tries for budget counter `c`.
pub(super) fn first_shard(nonce: &str, c: &SendCounter) -> u32 {
    spread(nonce, window_letter(c.window) as u8, shard_count(c.max))
}

/// `SMS#BUDGET#H#<shard>` or `SMS#BUDGET#D#<shard>`: the hour's and the day's shards are
/// apart, so a send writes two keys of 128.
fn shard_pk(c: &SendCounter, shard: u32) -> String {
    format!("SMS#BUDGET#{}#{shard}", window_letter(c.window))
}

/// The key of budget counter `c`'s shard `shard`.
pub(super) fn shard_key(c: &SendCounter, shard: u32) -> Item {
    debug_assert_eq!(c.scope, CounterScope::Deployment);
    key(shard_pk(c, shard), counter_sk(c.window, c.number))
}

impl DynamoStore {
    /// The shards of budget counter `c` with room left, as read now (one `BatchGetItem`).
    pub(super) async fn open_shards(&self, c: &SendCounter) -> StoreResult<Vec<u32>> {
        let used = self.shard_counts(c).await?;
        Ok((0..shard_count(c.max))
            .filter(|&i| used[i as usize] < i64::from(share(c.max, i)))
            .collect())
    }

    /// The shard a release of budget counter `c` gives back on: one over its share if any
    /// (a notice counted past a full budget), else `first` if it holds any, else any that does.
    pub(super) async fn release_shard(&self, c: &SendCounter, first: u32) -> StoreResult<u32> {
        let used = self.shard_counts(c).await?;
        let over = (0..shard_count(c.max)).find(|&i| used[i as usize] > i64::from(share(c.max, i)));
        let held = (0..shard_count(c.max)).find(|&i| used[i as usize] > 0);
        Ok(match over {
            Some(i) => i,
            None if used.get(first as usize).is_some_and(|&u| u > 0) => first,
            None => held.unwrap_or(first),
        })
    }

    /// How many each shard of budget counter `c` holds.
    async fn shard_counts(&self, c: &SendCounter) -> StoreResult<Vec<i64>> {
        let n = shard_count(c.max);
        let keys = (0..n).map(|i| shard_key(c, i)).collect();
        let items = self.batch_get(Table::Otps, keys).await?;
        let used = |i: u32| {
            let pk = shard_pk(c, i);
            items
                .iter()
                .find(|it| string(it, PK).as_deref() == Some(pk.as_str()))
                .and_then(|it| num(it, "count"))
                .unwrap_or(0)
        };
        Ok((0..n).map(used).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_budget() {
        for total in [1, 2, 9, 63, 64, 65, 1000, 10_000_000] {
            let sum: u64 = (0..shard_count(total))
                .map(|i| u64::from(share(total, i)))
                .sum();
            assert_eq!(sum, u64::from(total), "budget {total}");
            assert!((0..shard_count(total)).all(|i| share(total, i) >= 1));
        }
        assert_eq!(shard_count(9), 9);
        assert_eq!(shard_count(1000), BUDGET_SHARDS);
    }
}
