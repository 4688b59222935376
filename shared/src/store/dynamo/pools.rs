//! Pools and seats (the `pools` table): a join or leave is one transaction over the membership,
//! the user's index entry and the pool's seat counter (a join also checks the account in the
//! users table). A user's index entries sort by time, so its lists page by key, newest first;
//! a creation and the owner's open-pools list (the cap) are one transaction.

use super::expr::{Cmp, Cond, Update};
use super::items::profile_key;
use super::keys::{
    JOINED_PREFIX, MEMBER_PREFIX, OPEN_POOLS_SK, OWNED_PREFIX, POOL_SK, joined_sk, member_sk,
    owned_sk, pool_pk, user_pk,
};
use super::tx::Transaction;
use super::{DynamoStore, Item, from_item, key, key_of, n, s, string, to_item};
use crate::domain::{
    CreatePoolDenied, JoinDenied, LeaveDenied, ListedPool, Membership, OpenPoolCap, Pool, PoolId,
    UserId, UserStatus,
};
use crate::store::tables::{PK, SK, Table};
use crate::store::{PoolCounts, PoolStore, StoreError, StoreResult};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The items of a pool creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Create {
    Pool,
    OwnerIndex,
    OpenPools,
}

/// The items of a join or leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seat {
    Membership,
    UserIndex,
    Counter,
    /// The joining account (users table): exists, active, not being deleted.
    Account,
}

/// The account may take a seat: it exists, is active and its deletion has not begun.
fn may_join() -> Cond {
    Cond::item_exists()
        .and(Cond::eq("status", s(UserStatus::Active.as_str())))
        .and(Cond::Absent("deleting_since_ms"))
}

fn meta_key(pool_id: &PoolId) -> Item {
    key(pool_pk(pool_id), POOL_SK)
}

fn member_key(pool_id: &PoolId, user_id: &UserId) -> Item {
    key(pool_pk(pool_id), member_sk(user_id))
}

fn joined_key(m: &Membership) -> Item {
    key(user_pk(&m.user_id), joined_sk(m.joined_at_ms, &m.pool_id))
}

fn open_pools_key(user_id: &UserId) -> Item {
    key(user_pk(user_id), OPEN_POOLS_SK)
}

/// The pool is open on `today` (its deadline is today or later).
fn open_on(today: &str) -> Cond {
    Cond::cmp("deadline", Cmp::Ge, s(today))
}

/// The owner's open pools (id → deadline), versioned for compare-and-set.
#[derive(Debug, Default, Serialize, Deserialize)]
struct OpenPools {
    #[serde(default)]
    open: BTreeMap<String, String>,
    #[serde(default)]
    version: u64,
}

impl DynamoStore {
    /// A transaction moving the pool's seat counter by `delta` if `cond` holds.
    fn seat_move(
        &self,
        tx: Transaction<Seat>,
        pool_id: &PoolId,
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

    /// Membership (still the one joined at `m.joined_at_ms`) and index entry deleted, counter
    /// down by one, if `cond` holds on the pool.
    fn leave_tx(&self, m: &Membership, cond: Cond) -> StoreResult<Transaction<Seat>> {
        let t = self.table(Table::Pools);
        let same_seat = Cond::item_exists().and(Cond::eq("joined_at_ms", n(m.joined_at_ms)));
        let tx = Transaction::new()
            .delete(
                Seat::Membership,
                t,
                member_key(&m.pool_id, &m.user_id),
                Some(same_seat),
            )?
            .delete(Seat::UserIndex, t, joined_key(m), None)?;
        self.seat_move(tx, &m.pool_id, -1, cond)
    }

    /// One page of the user's index entries under `prefix` (`OWNED#` or `JOINED#`) below
    /// position `before`, newest first, with their pools (one `BatchGetItem`).
    async fn listed(
        &self,
        user_id: &UserId,
        prefix: &str,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>> {
        let partition = Cond::eq(PK, s(user_pk(user_id)));
        let (cond, read) = match before {
            // Between is inclusive: read one more and drop the cursor's own entry.
            Some(b) => (
                partition.and(Cond::Between(SK, s(prefix), s(format!("{prefix}{b}")))),
                limit + 1,
            ),
            None => (partition.and(Cond::BeginsWith(SK, s(prefix))), limit),
        };
        let mut positions: Vec<(String, PoolId)> = self
            .query(Table::Pools, cond, Some(read), false)
            .await?
            .iter()
            .filter_map(|i| {
                let position = string(i, SK)?.strip_prefix(prefix)?.to_string();
                Some((position, PoolId::new(string(i, "pool_id")?)))
            })
            .filter(|(position, _)| before.is_none_or(|b| position.as_str() < b))
            .collect();
        positions.truncate(limit);
        let keys = positions.iter().map(|(_, id)| meta_key(id)).collect();
        let mut pools: HashMap<PoolId, Pool> = self
            .batch_get(Table::Pools, keys)
            .await?
            .into_iter()
            .map(from_item::<Pool>)
            .map(|p| p.map(|p| (p.pool_id.clone(), p)))
            .collect::<StoreResult<_>>()?;
        Ok(positions
            .into_iter()
            .filter_map(|(position, id)| {
                let pool = pools.remove(&id)?;
                Some(ListedPool { position, pool })
            })
            .collect())
    }

    /// Why a join was cancelled, from the pool's state now, in the contract's order; `None`
    /// when nothing stands in the way any more (a seat was freed meanwhile).
    async fn join_denial(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
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

    /// One try at a creation: the owner's open pools as read, pruned of closed ones, must not
    /// be full; the pool, its index entry and the grown list are written together, the list
    /// only if no other creation changed it meanwhile. `None`: it did (try again).
    async fn try_create(
        &self,
        pool: &Pool,
        cap: &OpenPoolCap,
    ) -> StoreResult<Option<Result<(), CreatePoolDenied>>> {
        let t = self.table(Table::Pools);
        let ledger_key = open_pools_key(&pool.owner_id);
        let stored: Option<OpenPools> = self.get_as(Table::Pools, ledger_key.clone()).await?;
        let unchanged = match &stored {
            None => Cond::item_absent(),
            Some(o) => Cond::eq("version", n(o.version)),
        };
        let mut ledger = stored.unwrap_or_default();
        ledger.open.retain(|_, deadline| *deadline >= cap.today);
        if ledger.open.len() >= cap.max_open as usize {
            return Ok(Some(Err(CreatePoolDenied::Limit)));
        }
        ledger
            .open
            .insert(pool.pool_id.to_string(), pool.deadline.clone());
        ledger.version += 1;
        let owned = to_item(
            &serde_json::json!({ "pool_id": pool.pool_id }),
            key(
                user_pk(&pool.owner_id),
                owned_sk(pool.created_at_ms, &pool.pool_id),
            ),
        )?;
        let tx = Transaction::new()
            .put(
                Create::Pool,
                t,
                to_item(pool, meta_key(&pool.pool_id))?,
                Some(Cond::item_absent()),
            )?
            .put(Create::OwnerIndex, t, owned, None)?
            .put(
                Create::OpenPools,
                t,
                to_item(&ledger, ledger_key)?,
                Some(unchanged),
            )?;
        let outcome = self.run(tx).await?;
        Ok(if outcome.committed() {
            Some(Ok(()))
        } else if outcome.failed(Create::Pool) {
            Some(Err(CreatePoolDenied::IdTaken))
        } else if outcome.failed(Create::OpenPools) {
            None
        } else {
            return Err(StoreError::Unavailable(format!(
                "pool creation cancelled: {outcome:?}"
            )));
        })
    }
}

#[async_trait]
impl PoolStore for DynamoStore {
    async fn create_pool(
        &self,
        pool: &Pool,
        cap: &OpenPoolCap,
    ) -> StoreResult<Result<(), CreatePoolDenied>> {
        for _ in 0..5 {
            if let Some(done) = self.try_create(pool, cap).await? {
                return Ok(done);
            }
        }
        Err(StoreError::Unavailable(
            "pool creation: the owner's open pools kept changing".into(),
        ))
    }

    async fn get_pool(&self, pool_id: &PoolId) -> StoreResult<Option<Pool>> {
        self.get_as(Table::Pools, meta_key(pool_id)).await
    }

    async fn join_pool(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>> {
        let t = self.table(Table::Pools);
        let m = Membership {
            pool_id: pool_id.clone(),
            user_id: user_id.clone(),
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
                .put(Seat::UserIndex, t, to_item(&m, joined_key(&m))?, None)?;
            let tx = self.seat_move(tx, pool_id, 1, seat_free.clone())?.check(
                Seat::Account,
                self.table(Table::Users),
                profile_key(user_id),
                may_join(),
            )?;
            let outcome = self.run(tx).await?;
            if outcome.committed() {
                return Ok(self.get_pool(pool_id).await?.ok_or(JoinDenied::NotFound));
            }
            if outcome.failed(Seat::Account) {
                return Ok(Err(JoinDenied::AccountInactive));
            }
            if let Some(denied) = self.join_denial(pool_id, user_id, today).await? {
                return Ok(Err(denied));
            }
        }
        Ok(Err(JoinDenied::Full))
    }

    async fn leave_pool(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
        today: &str,
    ) -> StoreResult<Result<Pool, LeaveDenied>> {
        let open =
            Cond::item_exists()
                .and(open_on(today))
                .and(Cond::cmp("joined_members", Cmp::Gt, n(0)));
        for _ in 0..3 {
            let seat: Option<Membership> = self
                .get_as(Table::Pools, member_key(pool_id, user_id))
                .await?;
            if let Some(m) = seat {
                let tx = self.leave_tx(&m, open.clone())?;
                let outcome = self.run(tx).await?;
                if outcome.committed() {
                    return Ok(self.get_pool(pool_id).await?.ok_or(LeaveDenied::NotFound));
                }
                if outcome.failed(Seat::Membership) {
                    continue; // left and joined again meanwhile: read the new seat
                }
            }
            return match self.get_pool(pool_id).await? {
                Some(p) if today > p.deadline.as_str() => Ok(Err(LeaveDenied::Closed)),
                _ => Ok(Err(LeaveDenied::NotFound)),
            };
        }
        Ok(Err(LeaveDenied::NotFound))
    }

    async fn pools_owned(
        &self,
        user_id: &UserId,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>> {
        self.listed(user_id, OWNED_PREFIX, before, limit).await
    }

    async fn pools_joined(
        &self,
        user_id: &UserId,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>> {
        self.listed(user_id, JOINED_PREFIX, before, limit).await
    }

    async fn pool_members(&self, pool_id: &PoolId) -> StoreResult<Vec<Membership>> {
        self.query_as(Table::Pools, pool_pk(pool_id), MEMBER_PREFIX)
            .await
    }

    async fn is_member(&self, pool_id: &PoolId, user_id: &UserId) -> StoreResult<bool> {
        Ok(self
            .get(Table::Pools, member_key(pool_id, user_id))
            .await?
            .is_some())
    }

    async fn pool_counts(&self, user_id: &UserId) -> StoreResult<PoolCounts> {
        let (owned, joined) = tokio::try_join!(
            self.count_prefix(Table::Pools, user_pk(user_id), OWNED_PREFIX),
            self.count_prefix(Table::Pools, user_pk(user_id), JOINED_PREFIX),
        )?;
        Ok(PoolCounts { owned, joined })
    }

    async fn remove_user_from_pools(&self, user_id: &UserId) -> StoreResult<()> {
        let seats: Vec<Membership> = self
            .query_as(Table::Pools, user_pk(user_id), JOINED_PREFIX)
            .await?;
        for m in seats {
            // Whatever the deadline: a deleted account is counted nowhere.
            let held = Cond::item_exists().and(Cond::cmp("joined_members", Cmp::Gt, n(0)));
            let tx = self.leave_tx(&m, held)?;
            if !self.run(tx).await?.committed() {
                // Not a member any more, or the pool is gone: only the index entry is left.
                self.delete_key(Table::Pools, joined_key(&m)).await?;
            }
        }
        for item in self
            .query_prefix(Table::Pools, user_pk(user_id), OWNED_PREFIX)
            .await?
        {
            self.delete_key(Table::Pools, key_of(&item)).await?;
        }
        self.delete_key(Table::Pools, open_pools_key(user_id)).await
    }
}
