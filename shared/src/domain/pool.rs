//! Savings pools: a fixed number of seats, joined until full or past the deadline day.

use super::ids::{PoolId, UserId};
use super::state_enum;
use serde::{Deserialize, Serialize};

pub const CURRENCY: &str = "INR";
pub const MIN_MEMBERS: u32 = 2;
pub const MAX_MEMBERS: u32 = 100;
pub const MAX_CONTRIBUTION: i64 = 1_000_000_000_000;

state_enum!(
    /// Which of the caller's pools to list.
    PoolRole { Owner => "owner", Member => "member" }
);

state_enum!(
    /// How often members contribute.
    PoolType { Daily => "DAILY", Weekly => "WEEKLY", Monthly => "MONTHLY" }
);

state_enum!(
    /// Derived, never stored: `CLOSED` after the deadline day, else `FULL` or `OPEN`.
    PoolStatus { Open => "OPEN", Full => "FULL", Closed => "CLOSED" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub pool_id: PoolId,
    pub name: String,
    pub owner_id: UserId,
    /// Minor units (paise).
    pub contribution_amount: i64,
    pub currency: String,
    pub total_members: u32,
    pub joined_members: u32,
    /// `YYYY-MM-DD`, the last day on which members may join or leave.
    pub deadline: String,
    pub pool_type: PoolType,
    pub created_at_ms: i64,
}

impl Pool {
    /// The status on `today` (`YYYY-MM-DD`, UTC).
    pub fn status(&self, today: &str) -> PoolStatus {
        if today > self.deadline.as_str() {
            PoolStatus::Closed
        } else if self.joined_members >= self.total_members {
            PoolStatus::Full
        } else {
            PoolStatus::Open
        }
    }

    /// `contribution_amount * total_members` (validated at creation not to overflow; saturates
    /// rather than panics on old data).
    pub fn pool_amount(&self) -> i64 {
        self.contribution_amount
            .saturating_mul(i64::from(self.total_members))
    }
}

/// Where a pool sits in one of a user's lists (owned: by creation, joined: by joining),
/// newest last in key order: `<ms, 13 digits>#<pool_id>`. Cursors carry it.
pub fn list_position(at_ms: i64, pool_id: &str) -> String {
    format!("{:013}#{pool_id}", at_ms.max(0))
}

/// A well-formed [`list_position`].
pub fn is_list_position(p: &str) -> bool {
    p.split_once('#').is_some_and(|(ms, id)| {
        ms.len() == 13
            && ms.bytes().all(|b| b.is_ascii_digit())
            && id.len() == 8
            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// A pool in one of a user's lists, with its position there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPool {
    pub position: String,
    pub pool: Pool,
}

/// The cap on the pools one user owns that are still open (deadline today or later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPoolCap {
    pub max_open: u32,
    /// `YYYY-MM-DD` (UTC): pools whose deadline is before it no longer count.
    pub today: String,
}

/// Why a pool was not created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatePoolDenied {
    /// The random id is taken (try another).
    IdTaken,
    /// The owner already owns `max_open` open pools.
    Limit,
}

/// One seat taken in a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub pool_id: PoolId,
    pub user_id: UserId,
    pub joined_at_ms: i64,
}

/// Why a join was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinDenied {
    NotFound,
    /// The account is suspended, being deleted or gone: it may hold no seat.
    AccountInactive,
    Closed,
    AlreadyMember,
    Full,
}

/// Why a leave was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveDenied {
    /// No such pool, or the caller is not a member.
    NotFound,
    Closed,
}
