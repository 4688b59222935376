//! The storage ports, one small trait per aggregate, and the bundle a process holds.
//!
//! Every rule that must hold under concurrency (uniqueness, single use, attempt counters, send
//! caps, refresh rotation, seats) is one atomic operation of a port: a conditional write or a
//! transaction on DynamoDB, one critical section in memory. A service takes only the ports it
//! uses. Each port has one conformance suite (`tests/tests/conformance/`) run on both adapters.

mod bundle;
pub mod dynamo;
mod lists;
pub mod memory;
mod passkeys;
mod prefixes;
pub mod tables;

pub use bundle::Stores;
pub use lists::{AuditQuery, ListOrder, UserListing};
pub use passkeys::PasskeyStore;
pub use prefixes::{PrefixHealthRow, PrefixStore, Standing};

use crate::domain::{
    AccessChange, AdjustDenied, Adjusted, AdminSession, AuditRecord, CheckDenied, CheckOutcome,
    ClosedWallet, CreatePoolDenied, Device, Disbursal, DisburseDenied, E164, IpWindow, JoinDenied,
    KycRecord, LeaveDenied, LedgerEntry, ListedPool, Loan, LoanId, LoanRepayment, Membership,
    OpenPoolCap, OtpRecord, PasswordCheck, Pool, PoolId, ProfileEdit, Repaid, RepayDenied,
    Repayment, RiskAssessment, SendCounter, SendDenied, SendPlan, Session, SessionId, User, UserId,
    UserStatus, Verification, Wallet, WalletAdjustment,
};
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed or could not be reached. Logged, answered with a clean 500.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A stored item could not be decoded.
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A storage failure is an internal error to the services (logged, a clean 500 at the edge).
impl From<StoreError> for crate::domain::Error {
    fn from(e: StoreError) -> Self {
        crate::domain::Error::Internal(e.to_string())
    }
}

/// One-time codes and the limits on sending them (phone cooldown, hourly and daily caps per
/// phone, hourly cap per source IP).
#[async_trait]
pub trait OtpStore: Send + Sync {
    /// Atomically takes the cooldown and one unit of each send counter, or none of them.
    async fn reserve_otp_send(&self, plan: &SendPlan) -> StoreResult<Result<(), SendDenied>>;
    /// Gives back what [`OtpStore::reserve_otp_send`] took (delivery failed). Only this plan's
    /// own cooldown is removed; counters never go below zero.
    async fn release_otp_send(&self, plan: &SendPlan) -> StoreResult<()>;
    /// Adds one to each of `counters` at `now_ms` whatever its max, all or none: an SMS that is
    /// sent even when its budget is spent (a security notice) still counts against the next.
    async fn count_sms(&self, counters: &[SendCounter], now_ms: i64) -> StoreResult<()>;
    /// Stores the phone's current code, replacing any previous one.
    async fn put_otp(&self, rec: &OtpRecord) -> StoreResult<()>;
    async fn get_otp(&self, phone: &E164) -> StoreResult<Option<OtpRecord>>;
    /// Deletes the phone's code only if it is still `code_hash`.
    async fn delete_otp(&self, phone: &E164, code_hash: &str) -> StoreResult<()>;
    /// Counts a wrong guess against code `code_hash` if attempts remain; returns the new count,
    /// or `None` when the code was replaced, consumed or already exhausted.
    async fn record_otp_failure(&self, phone: &E164, code_hash: &str) -> StoreResult<Option<u32>>;
    /// Burns code `code_hash` if it is unexpired and has attempts left. True for exactly one caller.
    async fn consume_otp(&self, phone: &E164, code_hash: &str, now_ms: i64) -> StoreResult<bool>;
}

/// Verification tokens: proof that a phone was verified, single use, bound to the phone.
#[async_trait]
pub trait VerificationStore: Send + Sync {
    async fn put_verification(&self, v: &Verification) -> StoreResult<()>;
    async fn get_verification(&self, token_hash: &str) -> StoreResult<Option<Verification>>;
    /// Burns the token if it exists, is for `phone` and is unexpired. True for exactly one caller.
    async fn consume_verification(
        &self,
        token_hash: &str,
        phone: &E164,
        now_ms: i64,
    ) -> StoreResult<bool>;
}

/// Why a registration did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateUserDenied {
    /// The verification token was already used, expired, or is for another phone.
    TokenInvalid,
    /// The phone already has an account.
    PhoneTaken,
}

/// A password write, with the session revocation that goes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordChange {
    pub user_id: UserId,
    pub password_hash: String,
    /// The user's new session epoch: every session stamped otherwise is dead.
    pub new_epoch: u64,
    /// Consume this verification token (hash, phone) in the same atomic write.
    pub consume_token: Option<(String, E164)>,
    /// Re-stamp this session with the new epoch so it survives (password change).
    pub keep_session: Option<SessionId>,
    pub now_ms: i64,
}

/// A phone change, written in one atomic step.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneChange {
    pub user_id: UserId,
    /// The number the account has now; the write is refused if it changed meanwhile.
    pub old_phone: E164,
    pub new_phone: E164,
    /// The verification token of the new number (hash), consumed in the same write.
    pub token_hash: String,
    /// The user's new session epoch: every session but `keep_session` is dead.
    pub new_epoch: u64,
    pub keep_session: SessionId,
    pub now_ms: i64,
}

/// Why a phone change did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneChangeDenied {
    /// The verification token was already used, expired, or is for another phone.
    TokenInvalid,
    /// The new number has an account (the caller's own included).
    PhoneTaken,
    /// The account's number changed meanwhile, or the account or the caller's session is gone.
    Stale,
}

/// Moving an account to another phone number.
#[async_trait]
pub trait PhoneStore: Send + Sync {
    /// Consumes the token, claims the new number (it must be free), releases the old claim,
    /// sets the user's phone and session epoch and re-stamps the kept session: all or nothing.
    async fn change_phone(
        &self,
        change: &PhoneChange,
    ) -> StoreResult<Result<(), PhoneChangeDenied>>;
}

/// Accounts and their phone claims (one account per phone).
///
/// Registration and password writes also consume a verification token, and deletion removes
/// the account's sessions and devices: those writes span aggregates and stay atomic.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates the user and its phone claim, consuming the verification token, atomically.
    async fn create_user(
        &self,
        user: &User,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Result<(), CreateUserDenied>>;
    async fn get_user(&self, user_id: &UserId) -> StoreResult<Option<User>>;
    /// The users of `user_ids` that exist, in any order, in as few reads as the backend allows
    /// (one `BatchGetItem` per 100 on DynamoDB).
    async fn get_users(&self, user_ids: &[UserId]) -> StoreResult<Vec<User>>;
    async fn user_id_by_phone(&self, phone: &E164) -> StoreResult<Option<UserId>>;
    /// Counts a sign-in on the user (usage statistics).
    async fn record_login(&self, user_id: &UserId, now_ms: i64) -> StoreResult<()>;
    /// Sets the password and the new session epoch (and consumes a token) atomically.
    /// `Ok(false)` when the token was gone or the user no longer exists.
    async fn set_password(&self, change: &PasswordChange) -> StoreResult<bool>;
    /// Sets the status and a new session epoch in one write, so suspension revokes every
    /// session at once. False if the user does not exist.
    async fn set_user_status(
        &self,
        user_id: &UserId,
        status: UserStatus,
        new_epoch: u64,
    ) -> StoreResult<bool>;
    /// Marks the account as being deleted (one conditional write), before its seats are given
    /// back: a join checks the mark in its own atomic write, so none lands after this. False
    /// if the user does not exist.
    async fn begin_deletion(&self, user_id: &UserId, now_ms: i64) -> StoreResult<bool>;
    /// Clears the mark of [`UserStore::begin_deletion`] (a deletion that was refused after it).
    async fn end_deletion(&self, user_id: &UserId) -> StoreResult<()>;
    /// Deletes the user and everything it holds in the users table: phone claim, sessions,
    /// devices, KYC record and document claim, wallet, ledger and idempotency records. The
    /// phone can register again. A wallet with money or points left is not lost: in the same
    /// atomic write as the wallet's deletion, a [`ClosedWallet`] is kept under `phone_ref`
    /// (and returned).
    async fn delete_user(
        &self,
        user: &User,
        phone_ref: &str,
        now_ms: i64,
    ) -> StoreResult<Option<ClosedWallet>>;
}

/// The password lockout of each phone ([`LoginGuard`](crate::domain::LoginGuard)): every
/// password check is reserved before it runs and resolved after, so however many guesses
/// arrive at once the budget holds. Kept per phone, known or not.
#[async_trait]
pub trait LoginGuardStore: Send + Sync {
    /// Reserves one password check for `check.phone` (known or not, so both cost the same)
    /// before it runs, in one atomic write: the phone's [`LoginGuard`](crate::domain::LoginGuard) as
    /// [`reserve`](crate::domain::LoginGuard::reserve) moves it (refused while locked, or while failures and checks in
    /// flight fill the budget), after one unit of the source IP's hourly budget (refused when
    /// spent).
    async fn reserve_password_check(
        &self,
        check: &PasswordCheck,
    ) -> StoreResult<Result<(), CheckDenied>>;
    /// Records how a reserved check ended ([`resolve`](crate::domain::LoginGuard::resolve)), atomically.
    async fn finish_password_check(
        &self,
        check: &PasswordCheck,
        outcome: CheckOutcome,
    ) -> StoreResult<()>;
    /// Forgets the phone's failures and any lock (a code sign-in, a reset).
    async fn clear_login_failures(&self, phone: &E164) -> StoreResult<()>;
    /// Takes one unit of `ip`'s hourly sign-in budget (the one password checks spend) for a
    /// sign-in without a password (a passkey), if one is left. False, nothing taken, when spent.
    async fn reserve_ip_sign_in(&self, ip: &str, window: &IpWindow) -> StoreResult<bool>;
    /// Gives back a unit [`LoginGuardStore::reserve_ip_sign_in`] took (the sign-in succeeded:
    /// only failures count). Never below zero.
    async fn release_ip_sign_in(&self, ip: &str, window: &IpWindow) -> StoreResult<()>;
}

/// The profile side of the user record (the users function's writes to it).
#[async_trait]
pub trait ProfileStore: Send + Sync {
    /// Writes the edit's fields and `updated_at_ms` in one write; every other field keeps what
    /// is stored, whatever a concurrent edit wrote. The user after it; `None` if no such user.
    async fn update_profile(
        &self,
        user_id: &UserId,
        edit: &ProfileEdit,
        now_ms: i64,
    ) -> StoreResult<Option<User>>;
    /// Stores the latest risk assessment and its band on the user. False if no such user.
    async fn set_risk(&self, user_id: &UserId, risk: &RiskAssessment) -> StoreResult<bool>;
}

/// KYC records (one per user) and the look-up of a document across accounts.
#[async_trait]
pub trait KycStore: Send + Sync {
    async fn get_kyc(&self, user_id: &UserId) -> StoreResult<Option<KycRecord>>;
    /// Writes `record` if the stored record is still `previous` (same version; `None`: there is
    /// none), in one atomic write that also moves the document claim to the record's hash and
    /// sets the user's `kyc_status`. False when the record changed meanwhile or the user is
    /// gone; then nothing is written.
    async fn save_kyc(&self, record: &KycRecord, previous: Option<&KycRecord>)
    -> StoreResult<bool>;
    /// The users whose KYC record holds the document with `document_hash` (by key, no scan).
    async fn document_holders(&self, document_hash: &str) -> StoreResult<Vec<UserId>>;
}

/// Wallets and their ledgers.
#[async_trait]
pub trait WalletStore: Send + Sync {
    /// The user's wallet (all zero when never adjusted).
    async fn get_wallet(&self, user_id: &UserId) -> StoreResult<Wallet>;
    /// Up to `limit` ledger entries numbered below `before` (from the newest when `None`),
    /// newest first.
    async fn list_ledger(
        &self,
        user_id: &UserId,
        before: Option<u64>,
        limit: usize,
    ) -> StoreResult<Vec<LedgerEntry>>;
    /// Applies the adjustment in one atomic write (idempotency record, ledger entry, wallet,
    /// and the audit record when an admin makes it),
    /// refusing it if the balance or points would go below zero or the user does not exist.
    /// Repeated with its key and the same fingerprint, it returns the first result and writes
    /// nothing; with another fingerprint, [`AdjustDenied::KeyReused`].
    async fn adjust_wallet(
        &self,
        adj: &WalletAdjustment,
    ) -> StoreResult<Result<Adjusted, AdjustDenied>>;
    /// What a deleted account left in its wallet, if anything.
    async fn closed_wallet(&self, user_id: &UserId) -> StoreResult<Option<ClosedWallet>>;
}

/// What an admin reads across accounts, and the admin changes that are not a user's own
/// writes; each change carries its audit record into the same atomic write.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Up to `limit` users of `listing` in `order`, each with its list sort key
    /// ([`crate::domain::user_sort_key`] of the sign-up or KYC submission time), starting past
    /// `past` (a sort key from a previous page). By index, no scan.
    async fn list_users(
        &self,
        listing: UserListing,
        order: ListOrder,
        past: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, User)>>;
    /// Sets status and role (and the new epoch, if any) and writes `audit`, atomically, if the
    /// user still has `from_status` and `from_role`. The user after; `None` when it changed
    /// meanwhile or is gone (then nothing is written).
    async fn change_access(
        &self,
        change: &AccessChange,
        audit: &AuditRecord,
    ) -> StoreResult<Option<User>>;
    /// As [`KycStore::save_kyc`] over an existing record, with `audit` in the same write.
    async fn review_kyc(
        &self,
        record: &KycRecord,
        previous: &KycRecord,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
    /// Up to `limit` audit records of `query`, newest first. By key or index, no scan.
    async fn list_audit(
        &self,
        query: AuditQuery<'_>,
        limit: usize,
    ) -> StoreResult<Vec<AuditRecord>>;
}

/// Admin console sessions, by the keyed hash of their cookie.
#[async_trait]
pub trait AdminSessionStore: Send + Sync {
    async fn put_admin_session(&self, id_hash: &str, s: &AdminSession) -> StoreResult<()>;
    async fn get_admin_session(&self, id_hash: &str) -> StoreResult<Option<AdminSession>>;
    /// Records a use at `now_ms`, if the session still exists.
    async fn touch_admin_session(&self, id_hash: &str, now_ms: i64) -> StoreResult<()>;
    /// True if it existed.
    async fn delete_admin_session(&self, id_hash: &str) -> StoreResult<bool>;
}

/// Signed-in sessions and refresh-token rotation.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session of an existing user (else an error). A user holds at most `max`
    /// sessions: when it already has `max`, its oldest (by creation) is deleted in the same
    /// atomic write.
    async fn put_session(&self, s: &Session, max: usize) -> StoreResult<()>;
    async fn get_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> StoreResult<Option<Session>>;
    async fn list_sessions(&self, user_id: &UserId) -> StoreResult<Vec<Session>>;
    /// True if it existed.
    async fn delete_session(&self, user_id: &UserId, session_id: &SessionId) -> StoreResult<bool>;
    /// Moves the session from generation `from` to `from + 1`. True for exactly one caller.
    async fn rotate_session(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        from: u64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<bool>;
}

/// The devices a user's apps registered (push tokens), upserted by `device_id`.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Inserts or replaces by `device_id` a device of an existing user (else an error). A user
    /// holds at most `max` devices: a new one beyond that replaces the least recently
    /// registered, in the same atomic write.
    async fn put_device(
        &self,
        user_id: &UserId,
        device: &Device,
        now_ms: i64,
        max: usize,
    ) -> StoreResult<()>;
    async fn list_devices(&self, user_id: &UserId) -> StoreResult<Vec<Device>>;
}

/// Savings pools, their seats and both sides of membership.
#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Creates the pool if its id is free, with the owner's index entry, unless the owner
    /// already owns `cap.max_open` pools open on `cap.today`: the count and the creation are
    /// one atomic write, so racing creations never pass the cap.
    async fn create_pool(
        &self,
        pool: &Pool,
        cap: &OpenPoolCap,
    ) -> StoreResult<Result<(), CreatePoolDenied>>;
    async fn get_pool(&self, pool_id: &PoolId) -> StoreResult<Option<Pool>>;
    /// Takes a seat atomically: the membership is written and the counter moved only if the pool
    /// exists, is open on `today` (`YYYY-MM-DD`), has a free seat, the user is not a member,
    /// and the user exists, is active and is not being deleted ([`UserStore::begin_deletion`]).
    async fn join_pool(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
        joined_at_ms: i64,
        today: &str,
    ) -> StoreResult<Result<Pool, JoinDenied>>;
    /// Gives a seat back atomically (membership deleted, counter moved) while the pool is open.
    async fn leave_pool(
        &self,
        pool_id: &PoolId,
        user_id: &UserId,
        today: &str,
    ) -> StoreResult<Result<Pool, LeaveDenied>>;
    /// Up to `limit` pools the user owns whose position (creation) is below `before`, newest
    /// first (by key, no scan).
    async fn pools_owned(
        &self,
        user_id: &UserId,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>>;
    /// Up to `limit` pools the user is a member of whose position (joining) is below
    /// `before`, most recently joined first (by key, no scan).
    async fn pools_joined(
        &self,
        user_id: &UserId,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ListedPool>>;
    async fn pool_members(&self, pool_id: &PoolId) -> StoreResult<Vec<Membership>>;
    async fn is_member(&self, pool_id: &PoolId, user_id: &UserId) -> StoreResult<bool>;
    /// How many pools the user owns and how many it is a member of (key queries, no scan).
    async fn pool_counts(&self, user_id: &UserId) -> StoreResult<PoolCounts>;
    /// Account deletion, after [`UserStore::begin_deletion`]: gives back every seat the user
    /// holds (whatever the deadline) and drops its owner index entries. Owned pools stay for
    /// their members.
    async fn remove_user_from_pools(&self, user_id: &UserId) -> StoreResult<()>;
}

/// Loans and their repayments, kept under the user's partition.
#[async_trait]
pub trait LoanStore: Send + Sync {
    /// Writes the loan, its idempotency record and the admin's audit record in one atomic
    /// step, if the user exists, is active, is not being deleted and its KYC is verified.
    /// Repeated with its key and the same fingerprint it returns the first loan and writes
    /// nothing; with another fingerprint, [`DisburseDenied::KeyReused`].
    async fn disburse(&self, d: &Disbursal) -> StoreResult<Result<Loan, DisburseDenied>>;
    /// Applies the repayment in one atomic step: the loan (conditional on the version read),
    /// the repayment record and the idempotency record, with, from the wallet, the debit
    /// (conditional on the wallet's `seq`) and its ledger entry, or, from an admin, the audit
    /// record. Never below zero, never over what is outstanding; idempotent as
    /// [`LoanStore::disburse`].
    async fn repay(&self, r: &LoanRepayment) -> StoreResult<Result<Repaid, RepayDenied>>;
    /// The user's loans, newest first (one key query).
    async fn list_loans(&self, user_id: &UserId) -> StoreResult<Vec<Loan>>;
    async fn get_loan(&self, user_id: &UserId, loan_id: &LoanId) -> StoreResult<Option<Loan>>;
    /// The loan's repayments, oldest first.
    async fn repayments(&self, user_id: &UserId, loan_id: &LoanId) -> StoreResult<Vec<Repayment>>;
}

/// The user's side of the pools, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolCounts {
    pub owned: u64,
    pub joined: u64,
}
