//! The bundle of every port a process holds, as one adapter provides them.

use super::{
    AdminSessionStore, AdminStore, DeviceStore, KycStore, LoanStore, LoginGuardStore, OtpStore,
    PasskeyStore, PhoneStore, PoolStore, PrefixStore, ProfileStore, SessionStore, UserStore,
    VerificationStore, WalletStore, memory,
};
use std::sync::Arc;

/// Every port, as one adapter provides them. Cloning shares the adapter.
#[derive(Clone)]
pub struct Stores {
    pub otps: Arc<dyn OtpStore>,
    pub verifications: Arc<dyn VerificationStore>,
    pub users: Arc<dyn UserStore>,
    pub login_guards: Arc<dyn LoginGuardStore>,
    pub phones: Arc<dyn PhoneStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub devices: Arc<dyn DeviceStore>,
    pub pools: Arc<dyn PoolStore>,
    pub profiles: Arc<dyn ProfileStore>,
    pub kyc: Arc<dyn KycStore>,
    pub wallets: Arc<dyn WalletStore>,
    pub admin: Arc<dyn AdminStore>,
    pub admin_sessions: Arc<dyn AdminSessionStore>,
    pub loans: Arc<dyn LoanStore>,
    pub passkeys: Arc<dyn PasskeyStore>,
    pub prefixes: Arc<dyn PrefixStore>,
}

impl Stores {
    /// Every port served by one adapter.
    pub fn of<A>(adapter: A) -> Stores
    where
        A: OtpStore
            + VerificationStore
            + UserStore
            + LoginGuardStore
            + PhoneStore
            + SessionStore
            + DeviceStore
            + PoolStore
            + ProfileStore
            + KycStore
            + WalletStore
            + AdminStore
            + AdminSessionStore
            + LoanStore
            + PasskeyStore
            + PrefixStore
            + 'static,
    {
        let a = Arc::new(adapter);
        Stores {
            otps: a.clone(),
            verifications: a.clone(),
            users: a.clone(),
            login_guards: a.clone(),
            phones: a.clone(),
            sessions: a.clone(),
            devices: a.clone(),
            pools: a.clone(),
            profiles: a.clone(),
            kyc: a.clone(),
            wallets: a.clone(),
            admin: a.clone(),
            admin_sessions: a.clone(),
            loans: a.clone(),
            passkeys: a.clone(),
            prefixes: a,
        }
    }

    /// The embedded in-memory adapter (local server, tests).
    pub fn memory() -> Stores {
        Stores::of(memory::MemoryStore::default())
    }
}
