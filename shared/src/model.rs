//! Records as stored, and the views the API returns. Stored times are epoch milliseconds so
//! that conditional writes can compare them; views render RFC 3339.

use crate::clock::rfc3339;
use crate::phone;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> String {
    rfc3339(DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default())
}

pub const ROLE_USER: &str = "user";
pub const ROLE_ADMIN: &str = "admin";
pub const STATUS_ACTIVE: &str = "ACTIVE";
pub const STATUS_SUSPENDED: &str = "SUSPENDED";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub user_id: String,
    pub phone: String,
    pub name: String,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub dob: Option<String>,
    /// Keyed hash of the 4-digit security number; the number itself is never stored.
    pub security_number_hash: Option<String>,
    pub role: String,
    pub status: String,
    pub kyc_status: String,
    pub risk_band: Option<String>,
    pub password_hash: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// Sessions stamped with an older epoch are dead (revoke-all in one write).
    #[serde(default)]
    pub session_epoch: u64,
    #[serde(default)]
    pub login_count: u64,
    pub last_login_at_ms: Option<i64>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.status == STATUS_ACTIVE
    }
}

/// `user` as the contract returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub user_id: String,
    pub phone: String,
    pub masked_phone: String,
    pub name: String,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub dob: Option<String>,
    pub role: String,
    pub status: String,
    pub is_profile_complete: bool,
    pub kyc_status: String,
    pub risk_band: Option<String>,
    pub has_password: bool,
    pub created_at: String,
}

impl UserView {
    pub fn new(u: &User, role: &str) -> Self {
        UserView {
            user_id: u.user_id.clone(),
            phone: u.phone.clone(),
            masked_phone: phone::mask(&u.phone),
            name: u.name.clone(),
            email: u.email.clone(),
            state: u.state.clone(),
            city: u.city.clone(),
            dob: u.dob.clone(),
            role: role.to_string(),
            status: u.status.clone(),
            // Needs the profile fields (family size, income, business location) that only the
            // users function edits; none of them can be set through auth.
            is_profile_complete: false,
            kyc_status: u.kyc_status.clone(),
            risk_band: u.risk_band.clone(),
            has_password: u.password_hash.is_some(),
            created_at: from_ms(u.created_at_ms),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: String,
    pub session_id: String,
    pub epoch: u64,
    /// Random per-session seed; refresh tokens are HMAC(SECRET_KEY, seed, generation).
    pub seed: String,
    pub generation: u64,
    pub rotated_at_ms: Option<i64>,
    pub device_id: Option<String>,
    pub platform: Option<String>,
    pub created_at_ms: i64,
    pub last_used_at_ms: i64,
    pub expires_at_ms: i64,
}

impl Session {
    /// Live for `user` at `now_ms`: not expired and not revoked by an epoch bump.
    pub fn is_live(&self, user: &User, now_ms: i64) -> bool {
        self.expires_at_ms > now_ms && self.epoch == user.session_epoch && user.is_active()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub session_id: String,
    pub current: bool,
    pub device_id: Option<String>,
    pub platform: Option<String>,
    pub created_at: String,
    pub last_used_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub device_id: String,
    pub platform: String,
    pub push_token: Option<String>,
    pub app_version: Option<String>,
    pub os_version: Option<String>,
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtpRecord {
    pub phone: String,
    /// HMAC-SHA256 under SECRET_KEY of (phone, code); the code itself is never stored.
    pub code_hash: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// HMAC-SHA256 under SECRET_KEY of the token; the token itself is never stored.
    pub token_hash: String,
    pub phone: String,
    pub expires_at_ms: i64,
}

/// One OTP send to reserve atomically: cooldown plus three fixed-window counters.
#[derive(Debug, Clone, PartialEq)]
pub struct SendPlan {
    pub phone: String,
    pub ip: String,
    pub now_ms: i64,
    pub cooldown_until_ms: i64,
    /// Identifies this reservation so a rollback only removes its own cooldown.
    pub nonce: String,
    pub hour_window: i64,
    pub day_window: i64,
    pub max_per_hour: u32,
    pub max_per_day: u32,
    pub max_per_ip_hour: u32,
}

/// Why a send was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendDenied {
    /// Another code was sent less than the resend interval ago; until when.
    Cooldown {
        until_ms: i64,
    },
    PhoneHour,
    PhoneDay,
    IpHour,
}

pub const POOL_TYPES: [&str; 3] = ["DAILY", "WEEKLY", "MONTHLY"];
pub const CURRENCY: &str = "INR";

/// A savings pool: a fixed number of seats, joined until full or past the deadline day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub pool_id: String,
    pub name: String,
    pub owner_id: String,
    /// Minor units (paise).
    pub contribution_amount: i64,
    pub currency: String,
    pub total_members: u32,
    pub joined_members: u32,
    /// `YYYY-MM-DD`, the last day on which members may join or leave.
    pub deadline: String,
    pub pool_type: String,
    pub created_at_ms: i64,
}

impl Pool {
    /// `OPEN`, `FULL`, or `CLOSED` once `today` (`YYYY-MM-DD`, UTC) is after the deadline day.
    pub fn status(&self, today: &str) -> &'static str {
        if today > self.deadline.as_str() {
            "CLOSED"
        } else if self.joined_members >= self.total_members {
            "FULL"
        } else {
            "OPEN"
        }
    }
}

/// `pool` as the contract returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolView {
    pub pool_id: String,
    pub name: String,
    pub owner_id: String,
    pub contribution_amount: i64,
    pub pool_amount: i64,
    pub currency: String,
    pub total_members: u32,
    pub joined_members: u32,
    pub deadline: String,
    pub pool_type: String,
    pub status: &'static str,
    pub created_at: String,
}

impl PoolView {
    pub fn new(p: &Pool, today: &str) -> Self {
        PoolView {
            pool_id: p.pool_id.clone(),
            name: p.name.clone(),
            owner_id: p.owner_id.clone(),
            contribution_amount: p.contribution_amount,
            // Validated at creation not to overflow; saturate rather than panic on old data.
            pool_amount: p
                .contribution_amount
                .saturating_mul(i64::from(p.total_members)),
            currency: p.currency.clone(),
            total_members: p.total_members,
            joined_members: p.joined_members,
            deadline: p.deadline.clone(),
            pool_type: p.pool_type.clone(),
            status: p.status(today),
            created_at: from_ms(p.created_at_ms),
        }
    }
}

/// One seat taken in a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub pool_id: String,
    pub user_id: String,
    pub joined_at_ms: i64,
}

/// Why a join was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinDenied {
    NotFound,
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
