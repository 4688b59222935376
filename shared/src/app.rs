//! Application state built once per process, the authenticated-caller extractor, the common
//! router layers, and logging.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Runtime, SmsKind, StoreKind};
use crate::crypto::{SecretKey, random_bytes};
use crate::error::ApiError;
use crate::http;
use crate::model::{Session, User};
use crate::sms::{ConsoleSms, SmsSender, SnsSms};
use crate::store::dynamo::{DynamoStore, create_tables};
use crate::store::memory::MemoryStore;
use crate::store::{Store, StoreError};
use crate::tokens::{Claims, KeyError, TokenKeys};
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub sms: Arc<dyn SmsSender>,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<TokenKeys>,
    pub secret: SecretKey,
    /// The console sender's outbox, served at `GET /_dev/sms` by the local server only.
    pub dev_sms: Option<Arc<ConsoleSms>>,
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
        store: Arc<dyn Store>,
        sms: Arc<dyn SmsSender>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let keys = match &config.jwt_signing_key_pem {
            Some(pem) => TokenKeys::from_pem(pem, &config.jwt_issuer, &config.jwt_audience)?,
            None => {
                tracing::warn!(
                    "JWT_SIGNING_KEY is not set: generated a signing key valid for this run only"
                );
                TokenKeys::generate(&config.jwt_issuer, &config.jwt_audience)?
            }
        };
        let secret = match &config.secret_key {
            Some(k) => SecretKey::new(k),
            None => {
                tracing::warn!("SECRET_KEY is not set: generated one for this run only");
                SecretKey::new(&random_bytes::<32>())
            }
        };
        crate::password::warm_up();
        Ok(AppState {
            config: Arc::new(config),
            store,
            sms,
            clock,
            keys: Arc::new(keys),
            secret,
            dev_sms: None,
        })
    }

    /// Builds the configured adapters: one `SdkConfig`, clients reused for the process's life.
    pub async fn from_config(config: Config) -> Result<Self, StartupError> {
        let needs_aws = config.store == StoreKind::Dynamodb || config.sms == SmsKind::Sns;
        let sdk = if needs_aws {
            let region = aws_config::meta::region::RegionProviderChain::default_provider()
                .or_else("us-east-1");
            Some(
                aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .region(region)
                    .load()
                    .await,
            )
        } else {
            None
        };
        let store: Arc<dyn Store> = match (&sdk, config.store) {
            (Some(sdk), StoreKind::Dynamodb) => {
                let mut b = aws_sdk_dynamodb::config::Builder::from(sdk);
                if let Some(ep) = &config.dynamodb_endpoint {
                    b = b.endpoint_url(ep);
                }
                let client = aws_sdk_dynamodb::Client::from_conf(b.build());
                if config.create_tables && config.runtime == Runtime::Local {
                    create_tables(&client, &config.tables).await?;
                    tracing::info!("DynamoDB tables are present");
                }
                Arc::new(DynamoStore::new(client, config.tables.clone()))
            }
            _ => Arc::new(MemoryStore::new()),
        };
        let mut dev_sms = None;
        let sms: Arc<dyn SmsSender> = match (&sdk, config.sms) {
            (Some(sdk), SmsKind::Sns) => {
                let mut b = aws_sdk_sns::config::Builder::from(sdk);
                if let Some(ep) = &config.sns_endpoint {
                    b = b.endpoint_url(ep);
                }
                Arc::new(SnsSms::new(aws_sdk_sns::Client::from_conf(b.build())))
            }
            _ => {
                let console = Arc::new(ConsoleSms::new());
                dev_sms = Some(console.clone());
                console
            }
        };
        let mut state = AppState::new(config, store, sms, Arc::new(SystemClock))?;
        state.dev_sms = dev_sms;
        Ok(state)
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// The role a user has now: `admin` if listed in `ADMIN_PHONES`, else the stored role.
    pub fn effective_role(&self, user: &User) -> String {
        if self.config.is_admin_phone(&user.phone) {
            crate::model::ROLE_ADMIN.to_string()
        } else {
            user.role.clone()
        }
    }
}

/// The authenticated caller: a valid access token whose session is live right now.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub user: User,
    pub session: Session,
    pub claims: Claims,
}

impl FromRequestParts<AppState> for AuthContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = http::bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        crate::services::auth::authenticate(state, token).await
    }
}

/// Adds what every deployed router shares: JSON fallbacks, the body guard and request ids.
pub fn finish(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(http::not_found)
        .method_not_allowed_fallback(http::method_not_allowed)
        .layer(axum::middleware::from_fn(http::body_guard))
        .layer(axum::middleware::from_fn(http::request_id))
        .with_state(state)
}

/// JSON logs in Lambda (request id on every line via the request span), readable locally.
pub fn init_logging(runtime: Runtime) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match runtime {
        Runtime::Lambda => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .without_time()
            .with_ansi(false)
            .try_init(),
        Runtime::Local => builder.compact().try_init(),
    };
}

/// A Lambda function's start: logging, settings and state from the environment, or one clear
/// log line naming what is wrong and exit (never a fallback to development defaults).
pub async fn start(function: &str) -> AppState {
    let runtime = Runtime::detect();
    init_logging(runtime);
    let state = match Config::from_env(runtime) {
        Ok(config) => AppState::from_config(config).await,
        Err(e) => Err(e.into()),
    };
    match state {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, function, "function cannot start");
            std::process::exit(1);
        }
    }
}
