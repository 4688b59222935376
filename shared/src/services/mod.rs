//! Business rules, one module per endpoint group. Each service takes only the ports it uses
//! and returns domain values and domain errors; the function crates shape them for HTTP.

pub mod admin;
pub mod auth;
pub mod paging;
pub mod passkeys;
pub mod pools;
pub mod users;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::SecretKey;
use crate::metrics::Metrics;
use crate::objects::ObjectStore;
use crate::sms::SmsSender;
use crate::store::Stores;
use crate::tokens::TokenKeys;

/// Whole seconds from `now_ms` until `until_ms`, at least 1 (a `Retry-After`).
pub(crate) fn secs_until(until_ms: i64, now_ms: i64) -> u64 {
    ((until_ms - now_ms).max(0) as u64).div_ceil(1000).max(1)
}

/// Everything a service may be built from (a process's state, borrowed); each service keeps
/// only the parts it uses. `AppState::deps` makes one.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub stores: &'a Stores,
    pub objects: &'a dyn ObjectStore,
    pub sms: &'a dyn SmsSender,
    pub metrics: &'a Metrics,
    pub clock: &'a dyn Clock,
    pub keys: &'a TokenKeys,
    pub secret: &'a SecretKey,
    pub config: &'a Config,
}
