//! What every function needs, built once per process: settings, the storage ports, the SMS
//! sender, the metrics sink, the clock and the keys. Adapters are chosen here by an exhaustive match on the
//! settings; nothing falls back silently.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, Runtime, SmsKind, StoreKind};
use crate::crypto::{SecretKey, random_bytes};
use crate::metrics::{Metrics, StdoutSink};
use crate::objects::ObjectStore;
use crate::objects::local::LocalObjects;
use crate::objects::s3::S3Objects;
use crate::services::Deps;
use crate::services::admin::Admin;
use crate::services::auth::Auth;
use crate::sms::{ConsoleSms, SmsSender, SnsSms};
use crate::store::dynamo::{DynamoStore, create_tables};
use crate::store::{StoreError, Stores};
use crate::tokens::{KeyError, TokenKeys};
use aws_sdk_dynamodb::config::{Credentials, Region, SharedHttpClient};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
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
            (Some(pem), _) => TokenKeys::from_pem(pem, iss, aud)?,
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
        };
        let secret = match (&config.secret_key, config.runtime) {
            (Some(k), _) => SecretKey::new(k),
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

    /// Builds the configured adapters, each SDK client once for the process's life. The
    /// console sender and the local object store are `dev`'s when given (the local server's
    /// development routes), else fresh ones, made only when chosen (a Lambda makes neither).
    /// Documents go to S3 with `STORE=dynamodb`, else to the local stand-in.
    pub async fn from_config(config: Config, dev: Option<DevParts>) -> Result<Self, StartupError> {
        let needs_aws = config.store == StoreKind::Dynamodb || config.sms_sender == SmsKind::Sns;
        let aws = match needs_aws {
            true => Some(Aws::from_env()?),
            false => None,
        };
        let stores = match (config.store, &aws) {
            (StoreKind::Memory, _) => Stores::memory(),
            (StoreKind::Dynamodb, Some(aws)) => dynamo_stores(&config, aws).await?,
            (StoreKind::Dynamodb, None) => return Err(no_aws()),
        };
        let sms: Arc<dyn SmsSender> = match (config.sms_sender, &aws) {
            (SmsKind::Console, _) => dev.as_ref().map(|d| d.outbox.clone()).unwrap_or_default(),
            (SmsKind::Sns, Some(aws)) => {
                let mut b = aws_sdk_sns::Config::builder()
                    .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
                    .region(aws.region.clone())
                    .credentials_provider(aws.credentials.clone())
                    .http_client(aws.http.clone());
                if let Some(ep) = &config.sns_endpoint {
                    b = b.endpoint_url(ep);
                }
                let client = aws_sdk_sns::Client::from_conf(b.build());
                Arc::new(SnsSms::new(client, config.sms.attributes.clone()))
            }
            (SmsKind::Sns, None) => return Err(no_aws()),
        };
        let objects: Arc<dyn ObjectStore> = match (config.store, &aws) {
            (StoreKind::Memory, _) => match &dev {
                Some(d) => d.uploads.clone(),
                None => local_uploads(&config),
            },
            (StoreKind::Dynamodb, Some(aws)) => Arc::new(s3_objects(&config, aws).await?),
            (StoreKind::Dynamodb, None) => return Err(no_aws()),
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
}

/// The Amazon Trust Services roots (and the Starfield root that cross-signs them): AWS
/// service endpoints present chains that end there. Copied from Debian's ca-certificates.
const AWS_ROOTS_PEM: &[u8] = include_bytes!("aws-roots.pem");

/// The HTTPS client of every AWS SDK client: rustls on aws-lc with the compiled-in trust store
/// above, so a cold start reads no certificate files (the SDK's default loads every system
/// root while the client is built).
fn https_client() -> Result<SharedHttpClient, StartupError> {
    let roots = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AWS_ROOTS_PEM);
    let context = TlsContext::builder()
        .with_trust_store(roots)
        .build()
        .map_err(|e| ConfigError(format!("TLS trust store: {e}")))?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_https())
}

/// What every AWS SDK client shares: region, credentials and the HTTPS client. A Lambda
/// function finds its region and its role's credentials in its environment; locally they are
/// exported (any values for the emulator). Nothing is read from files or the network at start.
struct Aws {
    region: Region,
    credentials: Credentials,
    http: SharedHttpClient,
}

impl Aws {
    fn from_env() -> Result<Aws, StartupError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(ConfigError(
                "AWS credentials are not in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
                    .into(),
            )
            .into());
        };
        let credentials =
            Credentials::new(id, secret, var("AWS_SESSION_TOKEN"), None, "environment");
        Ok(Aws {
            region: Region::new(region),
            credentials,
            http: https_client()?,
        })
    }
}

/// An AWS adapter was chosen, and `from_config` builds [`Aws`] whenever one is.
fn no_aws() -> StartupError {
    ConfigError("an AWS adapter needs the AWS settings".into()).into()
}

async fn dynamo_stores(config: &Config, aws: &Aws) -> Result<Stores, StartupError> {
    let mut b = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws.region.clone())
        .credentials_provider(aws.credentials.clone())
        .http_client(aws.http.clone());
    if let Some(ep) = &config.dynamodb_endpoint {
        b = b.endpoint_url(ep);
    }
    let client = aws_sdk_dynamodb::Client::from_conf(b.build());
    if config.create_tables && config.runtime == Runtime::Local {
        create_tables(&client, &config.tables).await?;
        tracing::info!("DynamoDB tables are present");
    }
    Ok(Stores::of(DynamoStore::new(client, config.tables.clone())))
}

/// The documents bucket through S3 (see [`S3Objects::configure`]); the client is built on
/// first use.
async fn s3_objects(config: &Config, aws: &Aws) -> Result<S3Objects, StartupError> {
    let (region, credentials, http) = (
        aws.region.clone(),
        aws.credentials.clone(),
        aws.http.clone(),
    );
    let endpoint = config.s3_endpoint.clone();
    let make = move || {
        let b = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(region.clone())
            .credentials_provider(credentials.clone())
            .http_client(http.clone());
        aws_sdk_s3::Client::from_conf(S3Objects::configure(b, endpoint.as_deref()))
    };
    let objects = S3Objects::lazy(config.documents_bucket.clone(), make);
    if config.create_tables && config.runtime == Runtime::Local {
        objects.ensure_bucket().await?;
        tracing::info!(bucket = %config.documents_bucket, "documents bucket is present");
    }
    Ok(objects)
}
