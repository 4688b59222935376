//! Administration: admin console sessions, the users list and detail, and the audited changes
//! (status, role, KYC review, wallet adjustment). The credential check itself is the auth
//! service's ([`crate::services::auth::Auth::verify_admin`]); this service opens the session
//! it earns and answers every later request of it.
//!
//! An admin session is an opaque random cookie stored under a keyed hash. It is checked on
//! every request against its lifetime, its idle time and the user as stored now: a suspended
//! account, a removed role or a new session epoch (password reset) ends it at once.

mod accounts;
mod audit;
mod changes;
mod loans;
mod prefixes;

pub use crate::domain::KycDecision;
pub use accounts::{UserDetail, UserPage, UserSearch};
pub use audit::{AuditFilter, AuditPage};
pub use changes::{AdjustRequest, Adjustment};
pub use loans::{DisburseRequest, ROLES, RecordRepayment};
pub use prefixes::{PrefixHealth, PrefixPage};

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{SecretKey, b64url, random_bytes};
use crate::domain::{AdminSession, Error, Result, Role, User};
use crate::objects::ObjectStore;
use crate::services::Deps;
use crate::store::{
    AdminSessionStore, AdminStore, DeviceStore, KycStore, LoanStore, PasskeyStore, PrefixStore,
    SessionStore, UserStore, WalletStore,
};

/// A new audit record's id: time-ordered (UUID v7), so records of the same millisecond sort
/// (`<at>#<id>`) in the order they were made, not at random.
pub(crate) fn audit_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A use refreshes the idle clock at most this often (one write a minute, not per request).
const TOUCH_EVERY_MS: i64 = 60_000;

/// The admin making a request: its user as stored now, and its session's id hash.
#[derive(Debug, Clone)]
pub struct AdminCaller {
    pub user: User,
    pub session_hash: String,
}

pub struct Admin<'a> {
    users: &'a dyn UserStore,
    /// The lists, the audited changes and the trail.
    admin: &'a dyn AdminStore,
    admin_sessions: &'a dyn AdminSessionStore,
    /// The detail: KYC, wallet and ledger, devices, live sessions.
    kyc: &'a dyn KycStore,
    wallets: &'a dyn WalletStore,
    loans: &'a dyn LoanStore,
    passkeys: &'a dyn PasskeyStore,
    /// The SMS pumping defence's prefixes.
    prefixes: &'a dyn PrefixStore,
    devices: &'a dyn DeviceStore,
    sessions: &'a dyn SessionStore,
    objects: &'a dyn ObjectStore,
    clock: &'a dyn Clock,
    secret: &'a SecretKey,
    config: &'a Config,
}

impl<'a> Admin<'a> {
    pub fn new(d: Deps<'a>) -> Self {
        Admin {
            users: &*d.stores.users,
            admin: &*d.stores.admin,
            admin_sessions: &*d.stores.admin_sessions,
            kyc: &*d.stores.kyc,
            wallets: &*d.stores.wallets,
            loans: &*d.stores.loans,
            passkeys: &*d.stores.passkeys,
            prefixes: &*d.stores.prefixes,
            devices: &*d.stores.devices,
            sessions: &*d.stores.sessions,
            objects: d.objects,
            clock: d.clock,
            secret: d.secret,
            config: d.config,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    fn session_hash(&self, cookie: &str) -> String {
        self.secret.mac_hex("admin-session", &[cookie.as_bytes()])
    }

    /// Opens a session for `user` (already proven an admin by two factors); returns the
    /// cookie value, which is never stored.
    pub async fn open_session(&self, user: &User) -> Result<String> {
        let cookie = b64url(&random_bytes::<32>());
        let now = self.now_ms();
        let session = AdminSession {
            user_id: user.user_id.clone(),
            epoch: user.session_epoch,
            created_at_ms: now,
            last_used_at_ms: now,
        };
        self.admin_sessions
            .put_admin_session(&self.session_hash(&cookie), &session)
            .await?;
        Ok(cookie)
    }

    /// The admin behind a session cookie, or [`Error::Unauthorized`].
    pub async fn authenticate(&self, cookie: &str) -> Result<AdminCaller> {
        if cookie.is_empty() || cookie.len() > 128 {
            return Err(Error::Unauthorized);
        }
        let hash = self.session_hash(cookie);
        let sessions = &self.admin_sessions;
        let session = sessions
            .get_admin_session(&hash)
            .await?
            .ok_or(Error::Unauthorized)?;
        let now = self.now_ms();
        let user = self.users.get_user(&session.user_id).await?;
        let live = |u: &User| {
            session.is_fresh(now)
                && u.is_active()
                && u.session_epoch == session.epoch
                && self.config.role_of(u) == Role::Admin
        };
        let Some(user) = user.filter(live) else {
            return Err(Error::Unauthorized);
        };
        if now - session.last_used_at_ms >= TOUCH_EVERY_MS {
            sessions.touch_admin_session(&hash, now).await?;
        }
        Ok(AdminCaller {
            user,
            session_hash: hash,
        })
    }

    /// Ends the caller's session at once.
    pub async fn logout(&self, caller: &AdminCaller) -> Result<()> {
        self.admin_sessions
            .delete_admin_session(&caller.session_hash)
            .await?;
        Ok(())
    }

    /// The user's role now (see [`Config::role_of`]).
    pub fn role_of(&self, user: &User) -> Role {
        self.config.role_of(user)
    }
}
