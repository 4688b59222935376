//! Item keys (see the layout in `store::tables`).

use crate::domain::list_position;

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
/// A number prefix's send counters (`PREFIX#+9198164`).
pub fn prefix_pk(prefix: &str) -> String {
    format!("PREFIX#{prefix}")
}
/// The deployment's SMS budget counters.
pub const SMS_BUDGET_PK: &str = "SMS#BUDGET";
pub fn login_pk(phone: &str) -> String {
    format!("LOGIN#{phone}")
}
pub const LOGIN_SK: &str = "FAILS";
pub fn login_hour_sk(window: i64) -> String {
    format!("LOGIN#{window}")
}
pub fn pool_pk(pool_id: &str) -> String {
    format!("POOL#{pool_id}")
}
pub const POOL_SK: &str = "META";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub fn member_sk(user_id: &str) -> String {
    format!("{MEMBER_PREFIX}{user_id}")
}
/// An owner's index entry, in creation order: `OWNED#<list position>`.
pub const OWNED_PREFIX: &str = "OWNED#";
pub fn owned_sk(created_at_ms: i64, pool_id: &str) -> String {
    format!("{OWNED_PREFIX}{}", list_position(created_at_ms, pool_id))
}
/// A member's index entry, in joining order: `JOINED#<list position>`.
pub const JOINED_PREFIX: &str = "JOINED#";
pub fn joined_sk(joined_at_ms: i64, pool_id: &str) -> String {
    format!("{JOINED_PREFIX}{}", list_position(joined_at_ms, pool_id))
}
/// The owner's open pools and their deadlines (the cap is checked against it).
pub const OPEN_POOLS_SK: &str = "OPEN_POOLS";
pub const KYC_SK: &str = "KYC";
/// A document claim: `DOC#<hash>`/`USER#<id>` (who holds the document).
pub fn document_pk(hash: &str) -> String {
    format!("DOC#{hash}")
}
pub const WALLET_SK: &str = "WALLET";
pub const LEDGER_PREFIX: &str = "TXN#";
/// Ledger entries sort by their zero-padded number.
pub fn ledger_sk(seq: u64) -> String {
    format!("{LEDGER_PREFIX}{seq:020}")
}
pub fn idempotency_sk(key: &str) -> String {
    format!("IDEM#{key}")
}
pub fn closed_wallet_pk(user_id: &str) -> String {
    format!("CLOSED#{user_id}")
}
pub const USER_PREFIX: &str = "USER#";
pub const AUDIT_PK: &str = "AUDIT";
/// An audit record's entry in the `lists` index: the trail of one user.
pub fn audit_list_pk(user_id: &str) -> String {
    format!("AUDIT#{user_id}")
}
/// A profile's entry in the `lists` index: the users with one status.
pub fn users_list_pk(status: &str) -> String {
    format!("USERS#{status}")
}
/// A KYC record's entry in the `lists` index: the users whose KYC has one status, by
/// submission time (`PENDING` is the review queue).
pub fn kyc_list_pk(status: &str) -> String {
    format!("KYC#{status}")
}
pub fn admin_session_pk(id_hash: &str) -> String {
    format!("ADMIN#{id_hash}")
}
pub const ADMIN_SESSION_SK: &str = "SESSION";
