//! Signed-in sessions and the devices they run on.

use super::ids::{SessionId, UserId};
use super::state_enum;
use super::user::User;
use serde::{Deserialize, Serialize};

/// Live sessions a user may hold; a new sign-in beyond that ends the oldest.
pub const MAX_SESSIONS: usize = 20;
/// Devices a user may register; a new one beyond that replaces the least recently registered.
pub const MAX_DEVICES: usize = 20;

state_enum!(
    /// The platform an app runs on.
    Platform { Android => "android", Ios => "ios", Web => "web" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub epoch: u64,
    /// Random per-session seed; refresh tokens are HMAC(SECRET_KEY, seed, generation).
    pub seed: String,
    pub generation: u64,
    pub rotated_at_ms: Option<i64>,
    pub device_id: Option<String>,
    pub platform: Option<Platform>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub device_id: String,
    pub platform: Platform,
    pub push_token: Option<String>,
    pub app_version: Option<String>,
    pub os_version: Option<String>,
    pub device_name: Option<String>,
}
