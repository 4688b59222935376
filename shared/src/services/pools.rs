//! Savings pools: create, read, list mine, join, leave, members.

use crate::app::{AppState, AuthContext};
use crate::crypto::random_hex8;
use crate::error::{ApiError, ApiResult};
use crate::model::{CURRENCY, JoinDenied, LeaveDenied, POOL_TYPES, Pool, PoolView};
use crate::validate;
use serde::{Deserialize, Serialize};

pub const MIN_MEMBERS: u32 = 2;
pub const MAX_MEMBERS: u32 = 100;
pub const MAX_CONTRIBUTION: i64 = 1_000_000_000_000;

#[derive(Debug, Deserialize)]
pub struct CreatePool {
    pub name: String,
    pub contribution_amount: i64,
    pub deadline: String,
    pub pool_type: String,
    pub total_members: i64,
}

#[derive(Debug, Serialize)]
pub struct PoolOnly {
    pub pool: PoolView,
}

#[derive(Debug, Serialize)]
pub struct PoolList {
    pub items: Vec<PoolView>,
}

#[derive(Debug, Serialize)]
pub struct Member {
    pub user_id: String,
    pub name: Option<String>,
    pub masked_phone: Option<String>,
    pub joined_at: String,
}

#[derive(Debug, Serialize)]
pub struct MemberList {
    pub items: Vec<Member>,
}

/// Which of the caller's pools to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    /// Parses the `role` query parameter.
    pub fn parse(v: Option<&str>) -> ApiResult<Role> {
        match v {
            Some("owner") => Ok(Role::Owner),
            Some("member") => Ok(Role::Member),
            _ => Err(ApiError::validation("role", "role must be owner or member")),
        }
    }
}

fn today(state: &AppState) -> String {
    state
        .clock
        .now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// A syntactically valid pool id (8 lowercase hex characters); anything else is not found.
fn check_id(pool_id: &str) -> ApiResult<()> {
    if pool_id.len() == 8
        && pool_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(())
    } else {
        Err(ApiError::not_found("pool"))
    }
}

fn view(state: &AppState, p: &Pool) -> PoolView {
    PoolView::new(p, &today(state))
}

/// POST /v1/pools: the owner is the caller; ids are random and a collision retries.
pub async fn create(state: &AppState, ctx: &AuthContext, req: CreatePool) -> ApiResult<PoolOnly> {
    let name = validate::name("name", &req.name)?;
    if !(1..=MAX_CONTRIBUTION).contains(&req.contribution_amount) {
        return Err(ApiError::validation(
            "contribution_amount",
            "contribution_amount must be 1 to 1000000000000 minor units",
        ));
    }
    if !(i64::from(MIN_MEMBERS)..=i64::from(MAX_MEMBERS)).contains(&req.total_members) {
        return Err(ApiError::validation(
            "total_members",
            "total_members must be 2 to 100",
        ));
    }
    let total_members = req.total_members as u32;
    if req
        .contribution_amount
        .checked_mul(req.total_members)
        .is_none()
    {
        return Err(ApiError::validation(
            "contribution_amount",
            "pool_amount is too large",
        ));
    }
    let today = state.clock.now().date_naive();
    let deadline = chrono::NaiveDate::parse_from_str(req.deadline.trim(), "%Y-%m-%d")
        .ok()
        .filter(|_| req.deadline.trim().len() == 10)
        .ok_or_else(|| ApiError::validation("deadline", "deadline must be a date YYYY-MM-DD"))?;
    if deadline < today {
        return Err(ApiError::validation(
            "deadline",
            "deadline must be today or later",
        ));
    }
    let pool_type = req.pool_type.trim().to_ascii_uppercase();
    if !POOL_TYPES.contains(&pool_type.as_str()) {
        return Err(ApiError::validation(
            "pool_type",
            "pool_type must be DAILY, WEEKLY or MONTHLY",
        ));
    }
    for _ in 0..5 {
        let pool = Pool {
            pool_id: random_hex8(),
            name: name.clone(),
            owner_id: ctx.user.user_id.clone(),
            contribution_amount: req.contribution_amount,
            currency: CURRENCY.to_string(),
            total_members,
            joined_members: 0,
            deadline: deadline.format("%Y-%m-%d").to_string(),
            pool_type: pool_type.clone(),
            created_at_ms: state.now_ms(),
        };
        if state.store.create_pool(&pool).await? {
            tracing::info!(pool_id = %pool.pool_id, "pool created");
            return Ok(PoolOnly {
                pool: view(state, &pool),
            });
        }
    }
    Err(ApiError::internal("no free pool id after 5 tries"))
}

/// GET /v1/pools/{pool_id}
pub async fn get(state: &AppState, pool_id: &str) -> ApiResult<PoolOnly> {
    check_id(pool_id)?;
    match state.store.get_pool(pool_id).await? {
        Some(p) => Ok(PoolOnly {
            pool: view(state, &p),
        }),
        None => Err(ApiError::not_found("pool")),
    }
}

/// GET /v1/pools?role=owner|member, newest first.
pub async fn list_mine(state: &AppState, ctx: &AuthContext, role: Role) -> ApiResult<PoolList> {
    let uid = &ctx.user.user_id;
    let mut pools = match role {
        Role::Owner => state.store.pools_owned(uid).await?,
        Role::Member => state.store.pools_joined(uid).await?,
    };
    pools.sort_by(|a, b| {
        b.created_at_ms
            .cmp(&a.created_at_ms)
            .then(a.pool_id.cmp(&b.pool_id))
    });
    let today = today(state);
    Ok(PoolList {
        items: pools.iter().map(|p| PoolView::new(p, &today)).collect(),
    })
}

/// POST /v1/pools/{pool_id}/join
pub async fn join(state: &AppState, ctx: &AuthContext, pool_id: &str) -> ApiResult<PoolOnly> {
    check_id(pool_id)?;
    let res = state
        .store
        .join_pool(pool_id, &ctx.user.user_id, state.now_ms(), &today(state))
        .await?;
    match res {
        Ok(p) => Ok(PoolOnly {
            pool: view(state, &p),
        }),
        Err(JoinDenied::NotFound) => Err(ApiError::not_found("pool")),
        Err(JoinDenied::AlreadyMember) => Err(ApiError::conflict(
            "ALREADY_MEMBER",
            "you are already a member of this pool",
        )),
        Err(JoinDenied::Full) => Err(ApiError::conflict(
            "POOL_FULL",
            "this pool has no free seat",
        )),
        Err(JoinDenied::Closed) => Err(ApiError::conflict(
            "POOL_CLOSED",
            "this pool's deadline has passed",
        )),
    }
}

/// POST /v1/pools/{pool_id}/leave
pub async fn leave(state: &AppState, ctx: &AuthContext, pool_id: &str) -> ApiResult<PoolOnly> {
    check_id(pool_id)?;
    match state
        .store
        .leave_pool(pool_id, &ctx.user.user_id, &today(state))
        .await?
    {
        Ok(p) => Ok(PoolOnly {
            pool: view(state, &p),
        }),
        Err(LeaveDenied::NotFound) => Err(ApiError::not_found("membership")),
        Err(LeaveDenied::Closed) => Err(ApiError::conflict(
            "POOL_CLOSED",
            "this pool's deadline has passed",
        )),
    }
}

/// GET /v1/pools/{pool_id}/members: the owner or a member only; phones masked.
pub async fn members(state: &AppState, ctx: &AuthContext, pool_id: &str) -> ApiResult<MemberList> {
    check_id(pool_id)?;
    let pool = state
        .store
        .get_pool(pool_id)
        .await?
        .ok_or_else(|| ApiError::not_found("pool"))?;
    let uid = &ctx.user.user_id;
    if pool.owner_id != *uid && !state.store.is_member(pool_id, uid).await? {
        return Err(ApiError::permission_denied());
    }
    let mut memberships = state.store.pool_members(pool_id).await?;
    memberships.sort_by_key(|m| m.joined_at_ms);
    let users =
        futures::future::try_join_all(memberships.iter().map(|m| state.store.get_user(&m.user_id)))
            .await?;
    let items = memberships
        .into_iter()
        .zip(users)
        .map(|(m, u)| Member {
            user_id: m.user_id,
            name: u.as_ref().map(|u| u.name.clone()),
            masked_phone: u.as_ref().map(|u| crate::phone::mask(&u.phone)),
            joined_at: crate::model::from_ms(m.joined_at_ms),
        })
        .collect();
    Ok(MemberList { items })
}
