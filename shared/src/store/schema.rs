//! The DynamoDB key schema, in one place. `template.yaml` must declare the same tables and keys
//! (a test checks it), and `CREATE_TABLES=true` creates them from here.
//!
//! users: `USER#<id>`/`PROFILE` (user), `PHONE#<e164>`/`PHONE` (uniqueness claim),
//!        `USER#<id>`/`SESSION#<sid>`, `USER#<id>`/`DEVICE#<device_id>`.
//! otps:  `OTP#<e164>`/`CODE`, `VT#<hash>`/`VT` (verification tokens), `SEND#<e164>`/`COOLDOWN`,
//!        `SEND#<e164>`/`H#<hour>` and `D#<day>` (send counters), `IP#<ip>`/`H#<hour>`,
//!        `LOGIN#<e164>`/`FAILS` (password failures and lock); all with TTL.
//! pools: `POOL#<id>`/`META` (the pool and its seat counter), `POOL#<id>`/`MEMBER#<user_id>`,
//!        and the user's side, written in the same transactions: `USER#<id>`/`OWNED#<pool_id>`,
//!        `USER#<id>`/`JOINED#<pool_id>` (so "my pools" is a strongly consistent key query).

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const TTL_ATTRIBUTE: &str = "ttl";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// Logical id in `template.yaml`.
    pub logical_id: &'static str,
    /// Environment variable holding the table name.
    pub env: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
    pub ttl_attribute: Option<&'static str>,
}

pub const USERS: TableSpec = TableSpec {
    logical_id: "UsersTable",
    env: "USERS_TABLE",
    pk: PK,
    sk: SK,
    ttl_attribute: None,
};

pub const OTPS: TableSpec = TableSpec {
    logical_id: "OtpsTable",
    env: "OTPS_TABLE",
    pk: PK,
    sk: SK,
    ttl_attribute: Some(TTL_ATTRIBUTE),
};

pub const POOLS: TableSpec = TableSpec {
    logical_id: "PoolsTable",
    env: "POOLS_TABLE",
    pk: PK,
    sk: SK,
    ttl_attribute: None,
};

pub const TABLES: [TableSpec; 3] = [USERS, OTPS, POOLS];

pub fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}
pub const PROFILE_SK: &str = "PROFILE";
pub fn phone_pk(phone: &str) -> String {
    format!("PHONE#{phone}")
}
pub const PHONE_SK: &str = "PHONE";
pub const SESSION_PREFIX: &str = "SESSION#";
pub fn session_sk(sid: &str) -> String {
    format!("{SESSION_PREFIX}{sid}")
}
pub const DEVICE_PREFIX: &str = "DEVICE#";
pub fn device_sk(device_id: &str) -> String {
    format!("{DEVICE_PREFIX}{device_id}")
}
pub fn otp_pk(phone: &str) -> String {
    format!("OTP#{phone}")
}
pub const OTP_SK: &str = "CODE";
pub fn vt_pk(hash: &str) -> String {
    format!("VT#{hash}")
}
pub const VT_SK: &str = "VT";
pub fn send_pk(phone: &str) -> String {
    format!("SEND#{phone}")
}
pub const COOLDOWN_SK: &str = "COOLDOWN";
pub fn hour_sk(window: i64) -> String {
    format!("H#{window}")
}
pub fn day_sk(window: i64) -> String {
    format!("D#{window}")
}
pub fn ip_pk(ip: &str) -> String {
    format!("IP#{ip}")
}
pub fn login_pk(phone: &str) -> String {
    format!("LOGIN#{phone}")
}
pub const LOGIN_SK: &str = "FAILS";
pub fn pool_pk(pool_id: &str) -> String {
    format!("POOL#{pool_id}")
}
pub const POOL_SK: &str = "META";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub fn member_sk(user_id: &str) -> String {
    format!("{MEMBER_PREFIX}{user_id}")
}
pub const OWNED_PREFIX: &str = "OWNED#";
pub fn owned_sk(pool_id: &str) -> String {
    format!("{OWNED_PREFIX}{pool_id}")
}
pub const JOINED_PREFIX: &str = "JOINED#";
pub fn joined_sk(pool_id: &str) -> String {
    format!("{JOINED_PREFIX}{pool_id}")
}
