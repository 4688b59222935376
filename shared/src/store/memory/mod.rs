//! The embedded in-memory adapter (local server and tests). Each aggregate has its own lock (a
//! user's profile, KYC record and wallet are one aggregate, under the users lock) and
//! every port operation runs in one critical section, which gives the same guarantees as the
//! DynamoDB conditions. Operations spanning aggregates take the locks in one fixed order:
//! verifications, users, sessions, devices, pools (a join reads the user under the users lock
//! while it holds the pools lock; codes are held with another only by an admin's prefix mode
//! change, which takes codes, then users).

mod admin;
mod devices;
mod kyc;
mod loans;
mod login_guards;
mod otp;
mod passkeys;
mod phones;
mod pools;
mod prefixes;
mod profile;
mod sessions;
mod users;
mod wallet;

use crate::domain::{
    Adjusted, AdminSession, AuditRecord, ClosedWallet, Conversion, Device, E164, KycRecord,
    LedgerEntry, LoginGuard, OtpRecord, Pool, PoolId, PrefixControl, Session, SessionId, User,
    UserId, Verification, Wallet,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
struct Codes {
    cooldowns: HashMap<E164, (i64, String)>,
    counters: HashMap<String, u32>,
    otps: HashMap<E164, OtpRecord>,
    /// (prefix, conversion window) → its counts
    conversions: HashMap<(String, i64), Conversion>,
    /// prefix → its control (mode, pause)
    controls: HashMap<String, PrefixControl>,
    /// (country, conversion window) → prefixes paused
    country_pauses: HashMap<(String, i64), u32>,
}

#[derive(Default)]
struct Users {
    users: HashMap<UserId, User>,
    phones: HashMap<E164, UserId>,
    /// phone → its password lockout
    login_guards: HashMap<E164, LoginGuard>,
    /// (ip, hour window) → password sign-ins checked
    ip_checks: HashMap<(String, i64), u32>,
    kyc: HashMap<UserId, KycRecord>,
    /// (document hash, user id)
    documents: BTreeSet<(String, UserId)>,
    wallets: HashMap<UserId, Wallet>,
    /// (user id, seq) → entry
    ledger: BTreeMap<(UserId, u64), LedgerEntry>,
    /// (user id, idempotency key) → (fingerprint, first result)
    adjustments: HashMap<(UserId, String), (String, Adjusted)>,
    closed_wallets: HashMap<UserId, ClosedWallet>,
    /// sort key → record (the trail is kept with the users it changes: one write)
    audit: BTreeMap<String, AuditRecord>,
    loans: loans::Loans,
    passkeys: passkeys::Passkeys,
}

#[derive(Default)]
struct Pools {
    pools: HashMap<PoolId, Pool>,
    /// (pool_id, user_id) → joined_at_ms
    members: BTreeMap<(PoolId, UserId), i64>,
}

type Verifications = HashMap<String, Verification>;
type Sessions = BTreeMap<(UserId, SessionId), Session>;
/// (user, device id) → (device, registered at)
type Devices = BTreeMap<(UserId, String), (Device, i64)>;

#[derive(Default)]
pub struct MemoryStore {
    codes: Mutex<Codes>,
    verifications: Mutex<Verifications>,
    users: Mutex<Users>,
    sessions: Mutex<Sessions>,
    devices: Mutex<Devices>,
    pools: Mutex<Pools>,
    /// id hash → admin session (never held with another lock)
    admin_sessions: Mutex<HashMap<String, AdminSession>>,
    /// started passkey ceremonies (never held with another lock)
    ceremonies: Mutex<passkeys::Ceremonies>,
}

/// Locks `m`. A poisoned lock only means another request panicked mid-way; the data is still
/// whole because every operation validates before it mutates.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Spends one unit of a counter that holds `used`, unless it reached `max`.
fn spend_one(used: &mut u32, max: u32) -> bool {
    let left = *used < max;
    if left {
        *used += 1;
    }
    left
}

fn key<A: Clone, B: Clone>(a: &A, b: &B) -> (A, B) {
    (a.clone(), b.clone())
}

/// The values of a `(user_id, _)`-keyed map that belong to `user_id`.
fn of_user<K, V: Clone>(map: &BTreeMap<(UserId, K), V>, user_id: &UserId) -> Vec<V> {
    map.iter()
        .filter(|((uid, _), _)| uid == user_id)
        .map(|(_, v)| v.clone())
        .collect()
}

fn valid_token(v: &Verifications, token_hash: &str, phone: &E164, now_ms: i64) -> bool {
    v.get(token_hash)
        .is_some_and(|v| v.phone == phone && v.expires_at_ms > now_ms)
}
