//! What every function needs, built once per process: settings, the storage ports, the SMS
//! sender, the metrics sink, the clock and the keys. Adapters are chosen here by an exhaustive
//! match on the settings and on the AWS adapters the process links ([`Adapters`]); nothing
//! falls back silently.

use crate::aws::{Adapters, Aws, dynamo_store};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, Runtime, SmsKind, StoreKind};
use crate::crypto::{SecretKey, random_bytes};
use crate::metrics::{Metrics, StdoutSink};
use crate::objects::ObjectStore;
use crate::objects::local::LocalObjects;
use crate::services::Deps;
use crate::services::admin::Admin;
use crate::services::auth::Auth;
use crate::services::passkeys::Passkeys;
use crate::services::pools::Pools;
use crate::services::users::Users;
use crate::sms::{ConsoleSms, SmsSender};
use crate::store::{StoreError, Stores};
use crate::tokens::{KeyError, TokenKeys};
use crate::{objects, sms};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub stores: Stores,
    pub sms: Arc<dyn SmsSender>,
    /// EMF lines on stdout (locally too: what you see is what CloudWatch gets); tests
    /// capture them.
    pub metrics: Metrics,
    /// KYC document images.
    pub objects: Arc<dyn ObjectStore>,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<TokenKeys>,
    pub secret: SecretKey,
}

/// What the local server shares with its development routes: the console sender's outbox
/// (`GET /_dev/sms`) and the local object store (`PUT /_dev/uploads/...`).
#[derive(Clone)]
pub struct DevParts {
    pub outbox: Arc<ConsoleSms>,
    pub uploads: Arc<LocalObjects>,
}

impl DevParts {
    /// Fresh parts for a local server on `port`.
    pub fn new(config: &Config) -> Self {
        DevParts {
            outbox: Arc::new(ConsoleSms::new()),
            uploads: local_uploads(config),
        }
    }
}

/// The local object store of a local server on `config.port`.
fn local_uploads(config: &Config) -> Arc<LocalObjects> {
    let base = format!("http://127.0.0.1:{}", config.port);
    Arc::new(LocalObjects::new(&config.documents_bucket, &base))
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("creating tables failed: {0}")]
    Store(#[from] StoreError),
}

impl AppState {
    /// State from explicit parts (tests, and [`AppState::from_config`]).
    pub fn new(
        config: Config,
        stores: Stores,
        sms: Arc<dyn SmsSender>,
        objects: Arc<dyn ObjectStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let (iss, aud) = (&config.jwt_issuer, &config.jwt_audience);
        let keys = match (&config.jwt_signing_key_pem, &config.jwt_public_key) {
            (Some(pem), _) => TokenKeys::from_pem(pem.expose(), iss, aud)?,
            (None, Some(x)) => TokenKeys::verify_only(x, iss, aud)?,
            // In Lambda only for a function that neither signs nor verifies tokens
            // (`config::TokenUse::Neither`): an unused key.
            (None, None) if config.runtime == Runtime::Lambda => TokenKeys::generate(iss, aud)?,
            (None, None) => {
                tracing::warn!(
                    "JWT_SIGNING_KEY is not set: generated a signing key valid for this run only"
                );
                TokenKeys::generate(iss, aud)?
            }
        }
        .with_max_lifetime(config.access_token_ttl_seconds);
        let secret = match (&config.secret_key, config.runtime) {
            (Some(k), _) => SecretKey::new(k.expose()),
            // In Lambda the settings check let this through only for a function that keys
            // nothing with the secret (see `config::Needs`): an unused random key.
            (None, Runtime::Lambda) => SecretKey::new(&random_bytes::<32>()),
            (None, Runtime::Local) => {
                tracing::warn!("SECRET_KEY is not set: generated one for this run only");
                SecretKey::new(&random_bytes::<32>())
            }
        };
        Ok(AppState {
            metrics: Metrics::new(&config.sms.metrics_namespace, Arc::new(StdoutSink)),
            config: Arc::new(config),
            stores,
            sms,
            objects,
            clock,
            keys: Arc::new(keys),
            secret,
        })
    }

    /// Builds the configured adapters, each SDK client once for the process's life, from those
    /// `adapters` links. The console sender and the local object store are `dev`'s when given
    /// (the local server's development routes), else fresh ones, made only when chosen (a
    /// Lambda makes neither). Documents go to S3 with `STORE=dynamodb`, else to the local
    /// stand-in.
    pub async fn from_config(
        config: Config,
        dev: Option<DevParts>,
        adapters: Adapters,
    ) -> Result<Self, StartupError> {
        let needs_aws = config.store == StoreKind::Dynamodb || config.sms_sender == SmsKind::Sns;
        let aws = match needs_aws {
            true => Some(Aws::from_env()?),
            false => None,
        };
        let stores = match (config.store, &aws) {
            (StoreKind::Memory, _) => Stores::memory(),
            (StoreKind::Dynamodb, Some(aws)) => Stores::of(dynamo_store(&config, aws).await?),
            (StoreKind::Dynamodb, None) => return Err(no_aws()),
        };
        let sms: Arc<dyn SmsSender> = match (config.sms_sender, &aws, adapters.sms) {
            (SmsKind::Console, _, _) => dev.as_ref().map(|d| d.outbox.clone()).unwrap_or_default(),
            (SmsKind::Sns, Some(aws), Some(connect)) => connect(&config, aws),
            (SmsKind::Sns, Some(_), None) => Arc::new(sms::NotLinked),
            (SmsKind::Sns, None, _) => return Err(no_aws()),
        };
        let objects: Arc<dyn ObjectStore> = match (config.store, &aws, adapters.objects) {
            (StoreKind::Memory, _, _) => match &dev {
                Some(d) => d.uploads.clone(),
                None => local_uploads(&config),
            },
            (StoreKind::Dynamodb, Some(aws), Some(connect)) => connect(&config, aws).await?,
            (StoreKind::Dynamodb, Some(_), None) => Arc::new(objects::NotLinked),
            (StoreKind::Dynamodb, None, _) => return Err(no_aws()),
        };
        AppState::new(config, stores, sms, objects, Arc::new(SystemClock))
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// What services are built from, borrowed from this state.
    pub fn deps(&self) -> Deps<'_> {
        Deps {
            stores: &self.stores,
            objects: &*self.objects,
            sms: &*self.sms,
            metrics: &self.metrics,
            clock: &*self.clock,
            keys: &self.keys,
            secret: &self.secret,
            config: &self.config,
        }
    }

    /// The auth service over this state.
    pub fn auth(&self) -> Auth<'_> {
        Auth::new(self.deps())
    }

    /// The admin service over this state.
    pub fn admin(&self) -> Admin<'_> {
        Admin::new(self.deps())
    }

    /// The users service over this state.
    pub fn users(&self) -> Users<'_> {
        Users::new(self.deps())
    }

    /// The passkeys service over this state.
    pub fn passkeys(&self) -> Passkeys<'_> {
        Passkeys::new(self.deps())
    }

    /// The pools service over this state.
    pub fn pools(&self) -> Pools<'_> {
        Pools::new(self.deps())
    }
}

/// An AWS adapter was chosen, and `from_config` builds [`Aws`] whenever one is.
fn no_aws() -> StartupError {
    ConfigError("an AWS adapter needs the AWS settings".into()).into()
}
