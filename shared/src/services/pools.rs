//! Savings pools: create, read, list mine, join, leave, members.

use crate::clock::Clock;
use crate::crypto::random_hex8;
use crate::domain::{
    CURRENCY, Caller, Conflict, CreatePoolDenied, Error, JoinDenied, LeaveDenied, MAX_CONTRIBUTION,
    MAX_MEMBERS, MIN_MEMBERS, Membership, OpenPoolCap, Pool, PoolId, PoolType, Result, User,
    UserId, is_list_position,
};
use crate::services::Deps;
use crate::services::paging::{decode_cursor, encode_cursor, finish_page};
use crate::store::{PoolStore, UserStore};
use crate::validate;

/// How far ahead a pool's deadline may be.
pub const MAX_DEADLINE_YEARS: u32 = 5;

/// A pool as the caller asked for it (validated by [`Pools::create`]).
#[derive(Debug, Clone)]
pub struct NewPool {
    pub name: String,
    pub contribution_amount: i64,
    pub deadline: String,
    pub pool_type: PoolType,
    pub total_members: i64,
}

pub use crate::domain::PoolRole;

/// A seat holder, with its account when it still exists.
#[derive(Debug, Clone)]
pub struct Member {
    pub membership: Membership,
    pub user: Option<User>,
}

pub struct Pools<'a> {
    pools: &'a dyn PoolStore,
    /// Members' names and masked phones.
    users: &'a dyn UserStore,
    clock: &'a dyn Clock,
    /// Open pools one user may own.
    max_open_owned: u32,
}

/// A page of the caller's pools.
#[derive(Debug, Clone)]
pub struct PoolPage {
    pub items: Vec<Pool>,
    pub next_cursor: Option<String>,
}

/// The default and largest page of `GET /v1/pools`.
pub const DEFAULT_POOL_PAGE: i64 = 50;
pub const MAX_POOL_PAGE: i64 = 100;

/// A syntactically valid pool id (8 lowercase hex characters); anything else is not found.
fn is_pool_id(pool_id: &PoolId) -> bool {
    pool_id.len() == 8
        && pool_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_id(pool_id: &PoolId) -> Result<()> {
    match is_pool_id(pool_id) {
        true => Ok(()),
        false => Err(Error::NotFound("pool")),
    }
}

impl<'a> Pools<'a> {
    pub fn new(d: Deps<'a>) -> Self {
        Pools {
            pools: &*d.stores.pools,
            users: &*d.stores.users,
            clock: d.clock,
            max_open_owned: d.config.pools_max_open_owned,
        }
    }

    /// Today (UTC) as `YYYY-MM-DD`: a pool's status and whether it is open depend on it.
    pub fn today(&self) -> String {
        self.clock.now().date_naive().format("%Y-%m-%d").to_string()
    }

    fn validate(&self, req: &NewPool) -> Result<(String, u32, String)> {
        let name = validate::name("name", &req.name)?;
        if !(1..=MAX_CONTRIBUTION).contains(&req.contribution_amount) {
            return Err(Error::invalid(
                "contribution_amount",
                "contribution_amount must be 1 to 1000000000000 minor units",
            ));
        }
        if !(i64::from(MIN_MEMBERS)..=i64::from(MAX_MEMBERS)).contains(&req.total_members) {
            return Err(Error::invalid(
                "total_members",
                "total_members must be 2 to 100",
            ));
        }
        if req
            .contribution_amount
            .checked_mul(req.total_members)
            .is_none()
        {
            return Err(Error::invalid(
                "contribution_amount",
                "pool_amount is too large",
            ));
        }
        let today = self.clock.now().date_naive();
        let deadline = chrono::NaiveDate::parse_from_str(&req.deadline, "%Y-%m-%d")
            .ok()
            .filter(|_| req.deadline.len() == 10)
            .ok_or_else(|| Error::invalid("deadline", "deadline must be a date YYYY-MM-DD"))?;
        if deadline < today {
            return Err(Error::invalid(
                "deadline",
                "deadline must be today or later",
            ));
        }
        if deadline > today + chrono::Months::new(12 * MAX_DEADLINE_YEARS) {
            return Err(Error::invalid(
                "deadline",
                "deadline must be within 5 years",
            ));
        }
        let total = req.total_members as u32;
        Ok((name, total, deadline.format("%Y-%m-%d").to_string()))
    }

    /// Creates a pool owned by the caller, within the cap on open pools owned; ids are random
    /// and a collision retries.
    pub async fn create(&self, ctx: &Caller, req: NewPool) -> Result<Pool> {
        let (name, total_members, deadline) = self.validate(&req)?;
        let cap = OpenPoolCap {
            max_open: self.max_open_owned,
            today: self.today(),
        };
        for _ in 0..5 {
            let pool = Pool {
                pool_id: PoolId::new(random_hex8()),
                name: name.clone(),
                owner_id: ctx.user.user_id.clone(),
                contribution_amount: req.contribution_amount,
                currency: CURRENCY.to_string(),
                total_members,
                joined_members: 0,
                deadline: deadline.clone(),
                pool_type: req.pool_type,
                created_at_ms: self.clock.now().timestamp_millis(),
            };
            match self.pools.create_pool(&pool, &cap).await? {
                Ok(()) => {
                    tracing::info!(pool_id = %pool.pool_id, "pool created");
                    return Ok(pool);
                }
                Err(CreatePoolDenied::Limit) => return Err(Error::Conflict(Conflict::PoolLimit)),
                Err(CreatePoolDenied::IdTaken) => continue,
            }
        }
        Err(Error::internal("no free pool id after 5 tries"))
    }

    /// Any signed-in user may read a pool by id (that is how it is found to be joined).
    pub async fn get_pool(&self, pool_id: &PoolId) -> Result<Pool> {
        check_id(pool_id)?;
        self.pools
            .get_pool(pool_id)
            .await?
            .ok_or(Error::NotFound("pool"))
    }

    /// A page of the caller's pools in `role`, newest first (owned: by creation; joined: by
    /// joining). `limit` is 1..=100 (default 50).
    pub async fn list_mine(
        &self,
        ctx: &Caller,
        role: PoolRole,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<PoolPage> {
        let limit = limit.unwrap_or(DEFAULT_POOL_PAGE);
        if !(1..=MAX_POOL_PAGE).contains(&limit) {
            return Err(Error::invalid("limit", "limit must be 1 to 100"));
        }
        let limit = limit as usize;
        let kind = match role {
            PoolRole::Owner => "owned",
            PoolRole::Member => "joined",
        };
        let before = cursor
            .map(|c| decode_cursor(kind, c, is_list_position))
            .transpose()?;
        let uid = &ctx.user.user_id;
        let listed = match role {
            PoolRole::Owner => self.pools.pools_owned(uid, before.as_deref(), limit + 1),
            PoolRole::Member => self.pools.pools_joined(uid, before.as_deref(), limit + 1),
        }
        .await?;
        let (listed, next_cursor) =
            finish_page(listed, limit, |l| encode_cursor(kind, &l.position));
        Ok(PoolPage {
            items: listed.into_iter().map(|l| l.pool).collect(),
            next_cursor,
        })
    }

    pub async fn join(&self, ctx: &Caller, pool_id: &PoolId) -> Result<Pool> {
        check_id(pool_id)?;
        let now_ms = self.clock.now().timestamp_millis();
        let res = self
            .pools
            .join_pool(pool_id, &ctx.user.user_id, now_ms, &self.today())
            .await?;
        res.map_err(|denied| match denied {
            JoinDenied::NotFound => Error::NotFound("pool"),
            JoinDenied::AccountInactive => Error::Unauthorized,
            JoinDenied::AlreadyMember => Error::Conflict(Conflict::AlreadyMember),
            JoinDenied::Full => Error::Conflict(Conflict::PoolFull),
            JoinDenied::Closed => Error::Conflict(Conflict::PoolClosed),
        })
    }

    pub async fn leave(&self, ctx: &Caller, pool_id: &PoolId) -> Result<Pool> {
        check_id(pool_id)?;
        let res = self
            .pools
            .leave_pool(pool_id, &ctx.user.user_id, &self.today())
            .await?;
        res.map_err(|denied| match denied {
            LeaveDenied::NotFound => Error::NotFound("membership"),
            LeaveDenied::Closed => Error::Conflict(Conflict::PoolClosed),
        })
    }

    /// The pool's members in join order: the owner or a member only.
    pub async fn members(&self, ctx: &Caller, pool_id: &PoolId) -> Result<Vec<Member>> {
        let pool = self.get_pool(pool_id).await?;
        let uid = &ctx.user.user_id;
        if pool.owner_id != *uid && !self.pools.is_member(pool_id, uid).await? {
            return Err(Error::PermissionDenied);
        }
        let mut memberships = self.pools.pool_members(pool_id).await?;
        memberships.sort_by_key(|m| m.joined_at_ms);
        let ids: Vec<UserId> = memberships.iter().map(|m| m.user_id.clone()).collect();
        let mut users: std::collections::HashMap<UserId, User> = self
            .users
            .get_users(&ids)
            .await?
            .into_iter()
            .map(|u| (u.user_id.clone(), u))
            .collect();
        Ok(memberships
            .into_iter()
            .map(|membership| Member {
                user: users.remove(&membership.user_id),
                membership,
            })
            .collect())
    }
}
