//! Pools and seats.

use super::{MemoryStore, key, lock};
use crate::domain::{
    CreatePoolDenied, JoinDenied, LeaveDenied, ListedPool, Membership, OpenPoolCap, Pool, PoolId,
    UserId, list_position,
};
use crate::store::{PoolCounts, PoolStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl PoolStore for MemoryStore {
    async fn create_pool(
        &self,
        pool: &Pool,
        cap: &OpenPoolCap,
    ) -> StoreResult<Result<(), CreatePoolDenied>> {
        let mut d = lock(&self.pools);
        if d.pools.contains_key(&pool.pool_id) {
            return Ok(Err(CreatePoolDenied::IdTaken));
        }
        let open = d
            .pools
            .values()
            .filter(|p| p.owner_id == pool.owner_id && p.deadline >= cap.today)
            .count();
        if open >= cap.max_open as usize {
            return Ok(Err(CreatePoolDenied::Limit));
        }
        d.pools.insert(pool.pool_id.clone(), pool.clone());
        Ok(Ok(()))
    }

    async fn get_pool(&self, pool_id: &PoolId) -> StoreResult<Option<Pool>> {
        Ok(lock(&self.pools).pools.get(pool_id).cloned())
    }

    async fn join_pool(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>> {
        // Users before pools (the fixed order): a deletion's mark and this seat are serialised.
        let users = lock(&self.users);
        let mut d = lock(&self.pools);
        let k = key(pool_id, user_id);
        let member = d.members.contains_key(&k);
        let Some(pool) = d.pools.get_mut(pool_id) else {
            return Ok(Err(JoinDenied::NotFound));
        };
        if today > pool.deadline.as_str() {
            return Ok(Err(JoinDenied::Closed));
        }
        if !users.users.get(user_id).is_some_and(|u| u.may_join()) {
            return Ok(Err(JoinDenied::AccountInactive));
        }
        if member {
            return Ok(Err(JoinDenied::AlreadyMember));
        }
        if pool.joined_members >= pool.total_members {
            return Ok(Err(JoinDenied::Full));
        }
        pool.joined_members += 1;
        let pool = pool.clone();
        d.members.insert(k, joined_at_ms);
        Ok(Ok(pool))
    }

    async fn leave_pool(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
        today: &str,
    ) -> StoreResult<Result<Pool, LeaveDenied>> {
        let mut d = lock(&self.pools);
        let k = key(pool_id, user_id);
        let member = d.members.contains_key(&k);
        let Some(pool) = d.pools.get_mut(pool_id) else {
            return Ok(Err(LeaveDenied::NotFound));
        };
        if today > pool.deadline.as_str() {
            return Ok(Err(LeaveDenied::Closed));
        }
        if !member {
            return Ok(Err(LeaveDenied::NotFound));
        }
        pool.joined_members = pool.joined_members.saturating_sub(1);
        let pool = pool.clone();
        d.members.remove(&k);
        Ok(Ok(pool))
    }

    async fn pools_owned(
        &self,
        user_id: &UserId,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>> {
        let d = lock(&self.pools);
        let listed = d
            .pools
            .values()
            .filter(|p| p.owner_id == user_id)
            .map(|p| (list_position(p.created_at_ms, &p.pool_id), p.clone()));
        Ok(page(listed, before, limit))
    }

    async fn pools_joined(
        &self,
        user_id: &UserId,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>> {
        let d = lock(&self.pools);
        let listed = d
            .members
            .iter()
            .filter(|((_, uid), _)| uid == user_id)
            .filter_map(|((pid, _), at)| {
                Some((list_position(*at, pid), d.pools.get(pid)?.clone()))
            });
        Ok(page(listed, before, limit))
    }

    async fn pool_members(&self, pool_id: &PoolId) -> StoreResult<Vec<Membership>> {
        Ok(lock(&self.pools)
            .members
            .iter()
            .filter(|((pid, _), _)| pid == pool_id)
            .map(|((pid, uid), at)| Membership {
                pool_id: pid.clone(),
                user_id: uid.clone(),
                joined_at_ms: *at,
            })
            .collect())
    }

    async fn is_member(&self, pool_id: &PoolId, user_id: &UserId) -> StoreResult<bool> {
        Ok(lock(&self.pools)
            .members
            .contains_key(&key(pool_id, user_id)))
    }

    async fn pool_counts(&self, user_id: &UserId) -> StoreResult<PoolCounts> {
        let d = lock(&self.pools);
        Ok(PoolCounts {
            owned: d.pools.values().filter(|p| p.owner_id == user_id).count() as u64,
            joined: d.members.keys().filter(|(_, uid)| uid == user_id).count() as u64,
        })
    }

    async fn remove_user_from_pools(&self, user_id: &UserId) -> StoreResult<()> {
        let mut d = lock(&self.pools);
        let held: Vec<PoolId> = d
            .members
            .keys()
            .filter(|(_, uid)| uid == user_id)
            .map(|(pid, _)| pid.clone())
            .collect();
        for pid in held {
            d.members.remove(&key(&pid, user_id));
            if let Some(p) = d.pools.get_mut(&pid) {
                p.joined_members = p.joined_members.saturating_sub(1);
            }
        }
        Ok(())
    }
}

/// Up to `limit` of `listed` whose position is below `before`, newest first.
fn page(
    listed: impl Iterator<Item = (String, Pool)>,
    before: Option<&str>,
    limit: usize,
) -> Vec<ListedPool> {
    let mut out: Vec<ListedPool> = listed
        .filter(|(position, _)| before.is_none_or(|b| position.as_str() < b))
        .map(|(position, pool)| ListedPool { position, pool })
        .collect();
    out.sort_by(|a, b| b.position.cmp(&a.position));
    out.truncate(limit);
    out
}
