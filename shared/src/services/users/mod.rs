//! The users group: profile, KYC with private document uploads, the wallet (read-only for
//! users), usage statistics and the risk questionnaire. Every operation acts on the caller.

mod kyc;
mod loans;
mod profile;
mod wallet;

pub use kyc::{
    KYC_PREFIX, KycInput, KycPatch, UPLOAD_PREFIX, UPLOAD_TTL_SECONDS, UploadTicket,
    document_prefixes,
};
pub(crate) use loans::repay_denied;
pub use loans::{RepayRequest, RepaymentDone};
pub use profile::{Given, ProfileInput};
pub use wallet::LedgerPage;

use crate::clock::Clock;
use crate::crypto::SecretKey;
use crate::domain::Caller;
use crate::domain::{LoanStatus, Result, RiskAnswers, RiskAssessment};
use crate::objects::ObjectStore;
use crate::services::Deps;
use crate::store::{
    DeviceStore, KycStore, LoanStore, PoolStore, ProfileStore, SessionStore, WalletStore,
};

pub struct Users<'a> {
    profiles: &'a dyn ProfileStore,
    kyc: &'a dyn KycStore,
    wallets: &'a dyn WalletStore,
    loans: &'a dyn LoanStore,
    /// Usage statistics: live sessions, devices, pools.
    sessions: &'a dyn SessionStore,
    devices: &'a dyn DeviceStore,
    pools: &'a dyn PoolStore,
    objects: &'a dyn ObjectStore,
    clock: &'a dyn Clock,
    secret: &'a SecretKey,
}

/// How an account uses the service, from its counters and records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageStats {
    pub member_since_ms: i64,
    pub login_count: u64,
    pub last_login_at_ms: Option<i64>,
    pub active_sessions: u64,
    pub devices: u64,
    pub pools_owned: u64,
    pub pools_joined: u64,
    /// Loans still being repaid, and what is left to repay on them (minor units).
    pub loans_active: u64,
    pub loans_outstanding: i64,
    pub loans_closed: u64,
}

impl<'a> Users<'a> {
    pub fn new(d: Deps<'a>) -> Self {
        let stores = d.stores;
        Users {
            profiles: &*stores.profiles,
            kyc: &*stores.kyc,
            wallets: &*stores.wallets,
            loans: &*stores.loans,
            sessions: &*stores.sessions,
            devices: &*stores.devices,
            pools: &*stores.pools,
            objects: d.objects,
            clock: d.clock,
            secret: d.secret,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// Sign-ins, live sessions, devices, pools and loans of the caller.
    pub async fn usage_stats(&self, ctx: &Caller) -> Result<UsageStats> {
        let u = &ctx.user;
        let (sessions, devices, pools, loans) = tokio::try_join!(
            self.sessions.list_sessions(&u.user_id),
            self.devices.list_devices(&u.user_id),
            self.pools.pool_counts(&u.user_id),
            self.loans.list_loans(&u.user_id),
        )?;
        let active: Vec<_> = loans
            .iter()
            .filter(|l| l.status == LoanStatus::Active)
            .collect();
        let now = self.now_ms();
        Ok(UsageStats {
            member_since_ms: u.created_at_ms,
            login_count: u.login_count,
            last_login_at_ms: u.last_login_at_ms,
            active_sessions: sessions.iter().filter(|s| s.is_live(u, now)).count() as u64,
            devices: devices.len() as u64,
            pools_owned: pools.owned,
            pools_joined: pools.joined,
            loans_active: active.len() as u64,
            loans_outstanding: active.iter().map(|l| l.outstanding()).sum(),
            loans_closed: (loans.len() - active.len()) as u64,
        })
    }

    /// Scores the questionnaire and keeps it as the caller's latest (its band shows on the
    /// user).
    pub async fn assess_risk(&self, ctx: &Caller, answers: RiskAnswers) -> Result<RiskAssessment> {
        let assessment = answers.assess(self.now_ms());
        if !self
            .profiles
            .set_risk(&ctx.user.user_id, &assessment)
            .await?
        {
            return Err(crate::domain::Error::Unauthorized);
        }
        Ok(assessment)
    }
}
