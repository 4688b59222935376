//! One-time codes, the limits on sending them, and the verification tokens they buy.

use serde::{Deserialize, Serialize};

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

impl OtpRecord {
    pub fn exhausted(&self) -> bool {
        self.attempts >= self.max_attempts
    }
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

/// One password check to reserve before argon2 runs: a slot of the phone's failure budget
/// (and, for sign-ins, of the source IP's hourly budget), so that however many guesses arrive
/// at once, at most `max_failures` are checked per lock window.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordCheck {
    pub phone: String,
    /// The source IP for password sign-ins; `None` for checks behind a session (password
    /// change, account deletion), which spend the phone's budget only.
    pub ip: Option<String>,
    pub now_ms: i64,
    pub max_failures: u32,
    /// When a lock that starts with this check ends.
    pub lock_until_ms: i64,
    pub hour_window: i64,
    pub max_per_ip_hour: u32,
}

/// Why a password check was refused before it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckDenied {
    /// The phone's budget is spent; locked until then.
    Locked { until_ms: i64 },
    /// The source IP's hourly budget is spent.
    IpHour,
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
