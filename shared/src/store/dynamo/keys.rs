//! Item keys (see the layout in `store::tables`). The `lists` index partitions a national
//! surge writes (every sign-up's `USERS#ACTIVE`, a window's first send of every prefix) are
//! spread over shards by a hash of the entry; readers query every shard and merge.

use crate::domain::{Window, list_position};

pub(super) fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}
pub(super) const PROFILE_SK: &str = "PROFILE";
pub(super) fn phone_pk(phone: &str) -> String {
    format!("PHONE#{phone}")
}
pub(super) const PHONE_SK: &str = "PHONE";
pub(super) const SESSION_PREFIX: &str = "SESSION#";
pub(super) fn session_sk(sid: &str) -> String {
    format!("{SESSION_PREFIX}{sid}")
}
pub(super) const DEVICE_PREFIX: &str = "DEVICE#";
pub(super) fn device_sk(device_id: &str) -> String {
    format!("{DEVICE_PREFIX}{device_id}")
}
pub(super) fn otp_pk(phone: &str) -> String {
    format!("OTP#{phone}")
}
pub(super) const OTP_SK: &str = "CODE";
pub(super) fn vt_pk(hash: &str) -> String {
    format!("VT#{hash}")
}
pub(super) const VT_SK: &str = "VT";
pub(super) fn send_pk(phone: &str) -> String {
    format!("SEND#{phone}")
}
pub(super) const COOLDOWN_SK: &str = "COOLDOWN";
/// The letter of a counter's window in its keys: `H` for an hour, `D` for a day.
pub(super) fn window_letter(window: Window) -> char {
    match window {
        Window::Hour => 'H',
        Window::Day => 'D',
    }
}
/// A send counter's window: `H#<hour>` or `D#<day>`.
pub(super) fn counter_sk(window: Window, number: i64) -> String {
    format!("{}#{number}", window_letter(window))
}
pub(super) fn ip_pk(ip: &str) -> String {
    format!("IP#{ip}")
}
/// A number prefix's send counters (`PREFIX#+9198164`).
pub(super) fn prefix_pk(prefix: &str) -> String {
    format!("PREFIX#{prefix}")
}
pub(super) fn login_pk(phone: &str) -> String {
    format!("LOGIN#{phone}")
}
pub(super) const LOGIN_SK: &str = "FAILS";
pub(super) fn login_hour_sk(window: i64) -> String {
    format!("LOGIN#{window}")
}
pub(super) fn pool_pk(pool_id: &str) -> String {
    format!("POOL#{pool_id}")
}
pub(super) const POOL_SK: &str = "META";
pub(super) const MEMBER_PREFIX: &str = "MEMBER#";
pub(super) fn member_sk(user_id: &str) -> String {
    format!("{MEMBER_PREFIX}{user_id}")
}
/// An owner's index entry, in creation order: `OWNED#<list position>`.
pub(super) const OWNED_PREFIX: &str = "OWNED#";
pub(super) fn owned_sk(created_at_ms: i64, pool_id: &str) -> String {
    format!("{OWNED_PREFIX}{}", list_position(created_at_ms, pool_id))
}
/// A member's index entry, in joining order: `JOINED#<list position>`.
pub(super) const JOINED_PREFIX: &str = "JOINED#";
pub(super) fn joined_sk(joined_at_ms: i64, pool_id: &str) -> String {
    format!("{JOINED_PREFIX}{}", list_position(joined_at_ms, pool_id))
}
/// The owner's open pools and their deadlines (the cap is checked against it).
pub(super) const OPEN_POOLS_SK: &str = "OPEN_POOLS";
pub(super) const KYC_SK: &str = "KYC";
/// A document claim: `DOC#<hash>`/`USER#<id>` (who holds the document).
pub(super) fn document_pk(hash: &str) -> String {
    format!("DOC#{hash}")
}
pub(super) const WALLET_SK: &str = "WALLET";
pub(super) const LEDGER_PREFIX: &str = "TXN#";
/// Ledger entries sort by their zero-padded number.
pub(super) fn ledger_sk(seq: u64) -> String {
    format!("{LEDGER_PREFIX}{seq:020}")
}
pub(super) fn idempotency_sk(key: &str) -> String {
    format!("IDEM#{key}")
}
pub(super) const LOAN_PREFIX: &str = "LOAN#";
/// A loan: `USER#<id>`/`LOAN#<loan_id>` (ids are time-ordered: key order is disbursal order).
pub(super) fn loan_sk(loan_id: &str) -> String {
    format!("{LOAN_PREFIX}{loan_id}")
}
/// A repayment: `USER#<id>`/`REPAY#<loan_id>#<seq>`, in the order they were applied.
pub(super) fn repayment_sk(loan_id: &str, seq: u64) -> String {
    format!("REPAY#{loan_id}#{seq:020}")
}
pub(super) fn repayments_prefix(loan_id: &str) -> String {
    format!("REPAY#{loan_id}#")
}
/// A loan operation's idempotency record: `LOANIDEM#D#<key>` for disbursals (the admin's
/// keys), `LOANIDEM#R#<key>` for repayments, apart from each other and from wallet adjustments'
/// `IDEM#`.
pub(super) fn loan_idempotency_sk(kind: char, key: &str) -> String {
    format!("LOANIDEM#{kind}#{key}")
}
pub(super) fn closed_wallet_pk(user_id: &str) -> String {
    format!("CLOSED#{user_id}")
}
pub(super) const USER_PREFIX: &str = "USER#";
pub(super) const AUDIT_PK: &str = "AUDIT";
/// An audit record's entry in the `lists` index: the trail of one user.
pub(super) fn audit_list_pk(user_id: &str) -> String {
    format!("AUDIT#{user_id}")
}
/// A stable spread of `seed` over `0..n` (FNV-1a of its bytes and `salt`).
pub(super) fn spread(seed: &str, salt: u8, n: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in seed.bytes().chain(std::iter::once(salt)) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h % n.max(1)
}

/// Shards of the users and KYC lists (2,000 sign-ups a second: 125 index writes per shard).
pub(super) const LIST_SHARDS: u32 = 16;
/// Shards of a window's prefix list (at a window's start nearly every send is a prefix's
/// first: 10,000 a second, about 310 per shard).
pub(super) const PREFIX_LIST_SHARDS: u32 = 32;

/// The shard of list `base` that entry `of` is written to: `<base>#<shard>`.
fn list_shard(base: &str, of: &str, shards: u32) -> String {
    format!("{base}#{}", spread(of, b'l', shards))
}

/// Every partition a reader of list `base` queries: its shards, and `base` itself, where the
/// entries written before the lists were sharded stay until their item is written again.
fn list_partitions(base: &str, shards: u32) -> Vec<String> {
    (0..shards)
        .map(|i| format!("{base}#{i}"))
        .chain(std::iter::once(base.to_string()))
        .collect()
}

/// A profile's entry in the `lists` index: the users with one status, its shard by user id.
pub(super) fn users_list_pk(status: &str, user_id: &str) -> String {
    list_shard(&format!("USERS#{status}"), user_id, LIST_SHARDS)
}
pub(super) fn users_list_pks(status: &str) -> Vec<String> {
    list_partitions(&format!("USERS#{status}"), LIST_SHARDS)
}
/// A KYC record's entry in the `lists` index: the users whose KYC has one status, by
/// submission time (`PENDING` is the review queue), its shard by user id.
pub(super) fn kyc_list_pk(status: &str, user_id: &str) -> String {
    list_shard(&format!("KYC#{status}"), user_id, LIST_SHARDS)
}
pub(super) fn kyc_list_pks(status: &str) -> Vec<String> {
    list_partitions(&format!("KYC#{status}"), LIST_SHARDS)
}
pub(super) fn admin_session_pk(id_hash: &str) -> String {
    format!("ADMIN#{id_hash}")
}
pub(super) const ADMIN_SESSION_SK: &str = "SESSION";
pub(super) const PASSKEY_PREFIX: &str = "PASSKEY#";
pub(super) fn passkey_sk(passkey_id: &str) -> String {
    format!("{PASSKEY_PREFIX}{passkey_id}")
}
/// The number of passkeys a user holds, under `USER#<id>`.
pub(super) const PASSKEYS_SK: &str = "PASSKEYS";
/// A credential id's claim: `CRED#<base64url id>`/`CRED`.
pub(super) fn credential_pk(credential_id: &str) -> String {
    format!("CRED#{credential_id}")
}
pub(super) const CREDENTIAL_SK: &str = "CRED";
pub(super) fn ceremony_pk(id_hash: &str) -> String {
    format!("CEREMONY#{id_hash}")
}
pub(super) const CEREMONY_SK: &str = "CEREMONY";
/// Passkey ceremonies one IP started in an hour, under `IP#<ip>`.
pub(super) fn ceremony_hour_sk(window: i64) -> String {
    format!("PK#{window}")
}
/// A prefix's conversion counts in one window, under `PREFIX#<prefix>`.
pub(super) fn conversion_sk(window: i64) -> String {
    format!("C#{window}")
}
/// A prefix's control (mode, pause), under `PREFIX#<prefix>`.
pub(super) const CONTROL_SK: &str = "CONTROL";
/// The `lists` index entry of the prefixes that sent in a conversion window, its shard by
/// prefix.
pub(super) fn prefixes_list_pk(window: i64, prefix: &str) -> String {
    list_shard(&format!("PREFIXES#{window}"), prefix, PREFIX_LIST_SHARDS)
}
pub(super) fn prefixes_list_pks(window: i64) -> Vec<String> {
    list_partitions(&format!("PREFIXES#{window}"), PREFIX_LIST_SHARDS)
}
/// Copies of a country's pause count: every send of the country reads it (10,000 a second
/// would be three times what one key serves), a pause (rare) writes them all.
pub(super) const PAUSE_COPIES: u32 = 8;
/// How many prefixes of a country paused in a conversion window, copy `copy`:
/// `COUNTRY#<cc>#<copy>`/`PAUSES#<window>`.
pub(super) fn country_pauses_key_parts(country: &str, window: i64, copy: u32) -> (String, String) {
    (
        format!("COUNTRY#{country}#{copy}"),
        format!("PAUSES#{window}"),
    )
}
/// The probation sends a country's unproven prefixes share in a window:
/// `COUNTRY#<cc>`/`PROBATION#<window>`.
pub(super) fn probation_key_parts(country: &str, window: i64) -> (String, String) {
    (format!("COUNTRY#{country}"), format!("PROBATION#{window}"))
}
