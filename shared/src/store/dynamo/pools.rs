//! Pools and seats (the `pools` table): a join or leave is one transaction over the membership,
//! the user's index entry and the pool's seat counter.

use super::expr::{Cmp, Cond, Update};
use super::keys::{
    JOINED_PREFIX, MEMBER_PREFIX, OWNED_PREFIX, POOL_SK, joined_sk, member_sk, owned_sk, pool_pk,
    user_pk,
};
use super::tx::Transaction;
use super::{DynamoStore, Item, from_item, key, n, s, string, to_item};
use crate::domain::{JoinDenied, LeaveDenied, Membership, Pool};
use crate::store::tables::Table;
use crate::store::{PoolCounts, PoolStore, StoreError, StoreResult};
use async_trait::async_trait;

/// The items of a pool creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Create {
    Pool,
    OwnerIndex,
}

/// The items of a join or leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seat {
    Membership,
    UserIndex,
    Counter,
}

fn meta_key(pool_id: &str) -> Item {
    key(pool_pk(pool_id), POOL_SK)
}

fn member_key(pool_id: &str, user_id: &str) -> Item {
    key(pool_pk(pool_id), member_sk(user_id))
}

fn joined_key(pool_id: &str, user_id: &str) -> Item {
    key(user_pk(user_id), joined_sk(pool_id))
}

/// The pool is open on `today` (its deadline is today or later).
fn open_on(today: &str) -> Cond {
    Cond::cmp("deadline", Cmp::Ge, s(today))
}

impl DynamoStore {
    /// A transaction moving the pool's seat counter by `delta` if `cond` holds.
    fn seat_move(
        &self,
        tx: Transaction<Seat>,
        pool_id: &str,
        delta: i64,
        cond: Cond,
    ) -> StoreResult<Transaction<Seat>> {
        let update = Update::new().add("joined_members", n(delta));
        tx.update(
            Seat::Counter,
            self.table(Table::Pools),
            meta_key(pool_id),
            update,
            Some(cond),
        )
    }

    /// Membership and index entry deleted, counter down by one, if `cond` holds on the pool.
    fn leave_tx(&self, pool_id: &str, user_id: &str, cond: Cond) -> StoreResult<Transaction<Seat>> {
        let t = self.table(Table::Pools);
        let tx = Transaction::new()
            .delete(
                Seat::Membership,
                t,
                member_key(pool_id, user_id),
                Some(Cond::item_exists()),
            )?
            .delete(Seat::UserIndex, t, joined_key(pool_id, user_id), None)?;
        self.seat_move(tx, pool_id, -1, cond)
    }

    /// Pool ids listed on the user's side under `prefix` (`OWNED#` or `JOINED#`).
    async fn user_pool_ids(&self, user_id: &str, prefix: &str) -> StoreResult<Vec<String>> {
        Ok(self
            .query_prefix(Table::Pools, user_pk(user_id), prefix)
            .await?
            .iter()
            .filter_map(|i| string(i, "pool_id"))
            .collect())
    }

    async fn pools_by_id(&self, ids: Vec<String>) -> StoreResult<Vec<Pool>> {
        let keys = ids.iter().map(|id| meta_key(id)).collect();
        self.batch_get(Table::Pools, keys)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Why a join was cancelled, from the pool's state now, in the contract's order; `None`
    /// when nothing stands in the way any more (a seat was freed meanwhile).
    async fn join_denial(
        &self,
        pool_id: &str,
        user_id: &str,
        today: &str,
    ) -> StoreResult<Option<JoinDenied>> {
        let Some(pool) = self.get_pool(pool_id).await? else {
            return Ok(Some(JoinDenied::NotFound));
        };
        Ok(if today > pool.deadline.as_str() {
            Some(JoinDenied::Closed)
        } else if self.is_member(pool_id, user_id).await? {
            Some(JoinDenied::AlreadyMember)
        } else if pool.joined_members >= pool.total_members {
            Some(JoinDenied::Full)
        } else {
            None
        })
    }
}

#[async_trait]
impl PoolStore for DynamoStore {
    async fn create_pool(&self, pool: &Pool) -> StoreResult<bool> {
        let t = self.table(Table::Pools);
        let meta = to_item(pool, meta_key(&pool.pool_id))?;
        let owned = to_item(
            &serde_json::json!({ "pool_id": pool.pool_id }),
            key(user_pk(&pool.owner_id), owned_sk(&pool.pool_id)),
        )?;
        let tx = Transaction::new()
            .put(Create::Pool, t, meta, Some(Cond::item_absent()))?
            .put(Create::OwnerIndex, t, owned, None)?;
        let outcome = self.run(tx).await?;
        if outcome.committed() {
            Ok(true)
        } else if outcome.failed(Create::Pool) {
            Ok(false)
        } else {
            Err(StoreError::Unavailable(format!(
                "pool creation cancelled: {outcome:?}"
            )))
        }
    }

    async fn get_pool(&self, pool_id: &str) -> StoreResult<Option<Pool>> {
        self.get_as(Table::Pools, meta_key(pool_id)).await
    }

    async fn join_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>> {
        let t = self.table(Table::Pools);
        let m = Membership {
            pool_id: pool_id.into(),
            user_id: user_id.into(),
            joined_at_ms,
        };
        let seat_free = Cond::item_exists()
            .and(Cond::cmp_attr("joined_members", Cmp::Lt, "total_members"))
            .and(open_on(today));
        for _ in 0..3 {
            let tx = Transaction::new()
                .put(
                    Seat::Membership,
                    t,
                    to_item(&m, member_key(pool_id, user_id))?,
                    Some(Cond::item_absent()),
                )?
                .put(
                    Seat::UserIndex,
                    t,
                    to_item(&m, joined_key(pool_id, user_id))?,
                    None,
                )?;
            let tx = self.seat_move(tx, pool_id, 1, seat_free.clone())?;
            if self.run(tx).await?.committed() {
                return Ok(self.get_pool(pool_id).await?.ok_or(JoinDenied::NotFound));
            }
            if let Some(denied) = self.join_denial(pool_id, user_id, today).await? {
                return Ok(Err(denied));
            }
        }
        Ok(Err(JoinDenied::Full))
    }

    async fn leave_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        today: &str,
    ) -> StoreResult<Result<Pool, LeaveDenied>> {
        let open =
            Cond::item_exists()
                .and(open_on(today))
                .and(Cond::cmp("joined_members", Cmp::Gt, n(0)));
        let tx = self.leave_tx(pool_id, user_id, open)?;
        if self.run(tx).await?.committed() {
            return Ok(self.get_pool(pool_id).await?.ok_or(LeaveDenied::NotFound));
        }
        match self.get_pool(pool_id).await? {
            Some(p) if today > p.deadline.as_str() => Ok(Err(LeaveDenied::Closed)),
            _ => Ok(Err(LeaveDenied::NotFound)),
        }
    }

    async fn pools_owned(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let ids = self.user_pool_ids(user_id, OWNED_PREFIX).await?;
        self.pools_by_id(ids).await
    }

    async fn pools_joined(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let ids = self.user_pool_ids(user_id, JOINED_PREFIX).await?;
        self.pools_by_id(ids).await
    }

    async fn pool_members(&self, pool_id: &str) -> StoreResult<Vec<Membership>> {
        self.query_as(Table::Pools, pool_pk(pool_id), MEMBER_PREFIX)
            .await
    }

    async fn is_member(&self, pool_id: &str, user_id: &str) -> StoreResult<bool> {
        Ok(self
            .get(Table::Pools, member_key(pool_id, user_id))
            .await?
            .is_some())
    }

    async fn pool_counts(&self, user_id: &str) -> StoreResult<PoolCounts> {
        let (owned, joined) = tokio::try_join!(
            self.count_prefix(Table::Pools, user_pk(user_id), OWNED_PREFIX),
            self.count_prefix(Table::Pools, user_pk(user_id), JOINED_PREFIX),
        )?;
        Ok(PoolCounts { owned, joined })
    }

    async fn remove_user_from_pools(&self, user_id: &str) -> StoreResult<()> {
        for pool_id in self.user_pool_ids(user_id, JOINED_PREFIX).await? {
            // Whatever the deadline: a deleted account is counted nowhere.
            let held = Cond::item_exists().and(Cond::cmp("joined_members", Cmp::Gt, n(0)));
            let tx = self.leave_tx(&pool_id, user_id, held)?;
            if !self.run(tx).await?.committed() {
                // Not a member any more, or the pool is gone: only the index entry is left.
                self.delete_key(Table::Pools, joined_key(&pool_id, user_id))
                    .await?;
            }
        }
        for pool_id in self.user_pool_ids(user_id, OWNED_PREFIX).await? {
            let k = key(user_pk(user_id), owned_sk(&pool_id));
            self.delete_key(Table::Pools, k).await?;
        }
        Ok(())
    }
}
