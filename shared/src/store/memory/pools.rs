//! Pools and seats.

use super::{MemoryStore, key, lock};
use crate::domain::{JoinDenied, LeaveDenied, Membership, Pool};
use crate::store::{PoolCounts, PoolStore, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl PoolStore for MemoryStore {
    async fn create_pool(&self, pool: &Pool) -> StoreResult<bool> {
        let mut d = lock(&self.pools);
        if d.pools.contains_key(&pool.pool_id) {
            return Ok(false);
        }
        d.pools.insert(pool.pool_id.clone(), pool.clone());
        Ok(true)
    }

    async fn get_pool(&self, pool_id: &str) -> StoreResult<Option<Pool>> {
        Ok(lock(&self.pools).pools.get(pool_id).cloned())
    }

    async fn join_pool(
        &self,
        pool_id: &str,
        user_id: &str,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>> {
        let mut d = lock(&self.pools);
        let k = key(pool_id, user_id);
        let member = d.members.contains_key(&k);
        let Some(pool) = d.pools.get_mut(pool_id) else {
            return Ok(Err(JoinDenied::NotFound));
        };
        if today > pool.deadline.as_str() {
            return Ok(Err(JoinDenied::Closed));
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
        pool_id: &str,
        user_id: &str,
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

    async fn pools_owned(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        Ok(lock(&self.pools)
            .pools
            .values()
            .filter(|p| p.owner_id == user_id)
            .cloned()
            .collect())
    }

    async fn pools_joined(&self, user_id: &str) -> StoreResult<Vec<Pool>> {
        let d = lock(&self.pools);
        Ok(d.members
            .keys()
            .filter(|(_, uid)| uid == user_id)
            .filter_map(|(pid, _)| d.pools.get(pid).cloned())
            .collect())
    }

    async fn pool_members(&self, pool_id: &str) -> StoreResult<Vec<Membership>> {
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

    async fn is_member(&self, pool_id: &str, user_id: &str) -> StoreResult<bool> {
        Ok(lock(&self.pools)
            .members
            .contains_key(&key(pool_id, user_id)))
    }

    async fn pool_counts(&self, user_id: &str) -> StoreResult<PoolCounts> {
        Ok(PoolCounts {
            owned: self.pools_owned(user_id).await?.len() as u64,
            joined: self.pools_joined(user_id).await?.len() as u64,
        })
    }

    async fn remove_user_from_pools(&self, user_id: &str) -> StoreResult<()> {
        let mut d = lock(&self.pools);
        let held: Vec<String> = d
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
