//! The AWS side of the composition root: the parts every SDK client shares, and the adapters
//! a process links. A function's `main` names the AWS adapters it uses ([`Adapters`]); one it
//! does not name is not reached from that binary, so the linker drops its SDK crate (the pools
//! function links neither S3 nor SNS). The choice is made in code, not in settings, because a
//! setting cannot make a binary smaller.

use crate::config::{Config, ConfigError, Runtime};
use crate::objects::ObjectStore;
use crate::objects::s3::S3Objects;
use crate::sms::{SmsSender, SnsSms};
use crate::store::StoreError;
use crate::store::dynamo::{DynamoStore, create_tables};
use aws_sdk_dynamodb::config::{Credentials, Region, SharedHttpClient};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What every AWS SDK client shares: region, credentials and the HTTPS client. A Lambda
/// function finds its region and its role's credentials in its environment; locally they are
/// exported (any values for the emulator). Nothing is read from files or the network at start.
pub(crate) struct Aws {
    region: Region,
    credentials: Credentials,
    http: SharedHttpClient,
}

/// An adapter's asynchronous start (creating the emulator's bucket, locally).
pub(crate) type Connecting<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Builds the documents adapter from the settings and the shared AWS parts.
pub(crate) type ConnectObjects =
    for<'a> fn(&'a Config, &'a Aws) -> Connecting<'a, Arc<dyn ObjectStore>>;

/// Builds the SMS adapter from the settings and the shared AWS parts.
pub(crate) type ConnectSms = fn(&Config, &Aws) -> Arc<dyn SmsSender>;

/// The AWS adapters a process links besides DynamoDB (which every function uses). Where the
/// settings choose an AWS service whose adapter is not linked (`STORE=dynamodb` without S3, or
/// `SMS_SENDER=sns` without SNS), the port gets an adapter that fails every call as
/// unavailable: a clean 5xx, never a fallback to the local stand-ins.
#[derive(Clone, Copy)]
pub struct Adapters {
    pub(crate) objects: Option<ConnectObjects>,
    pub(crate) sms: Option<ConnectSms>,
}

impl Adapters {
    /// DynamoDB only.
    pub const DYNAMODB_ONLY: Adapters = Adapters {
        objects: None,
        sms: None,
    };

    /// Every adapter (the local server, the tests, the bench).
    pub const fn all() -> Adapters {
        Adapters::DYNAMODB_ONLY.with_s3().with_sns()
    }

    /// KYC documents in S3.
    pub const fn with_s3(self) -> Adapters {
        Adapters {
            objects: Some(connect_s3),
            ..self
        }
    }

    /// SMS through SNS.
    pub const fn with_sns(self) -> Adapters {
        Adapters {
            sms: Some(connect_sns),
            ..self
        }
    }

    /// Whether SMS can reach SNS.
    pub fn sends_sms(&self) -> bool {
        self.sms.is_some()
    }

    /// Whether documents can reach S3.
    pub fn links_s3(&self) -> bool {
        self.objects.is_some()
    }
}

impl Aws {
    pub(crate) fn from_env() -> Result<Aws, ConfigError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(ConfigError(
                "AWS credentials are not in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
                    .into(),
            ));
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

/// The Amazon Trust Services roots (and the Starfield root that cross-signs them): AWS
/// service endpoints present chains that end there. Copied from Debian's ca-certificates.
const AWS_ROOTS_PEM: &[u8] = include_bytes!("aws-roots.pem");

/// The HTTPS client of every AWS SDK client: rustls on aws-lc with the compiled-in trust store
/// above, so a cold start reads no certificate files (the SDK's default loads every system
/// root while the client is built).
fn https_client() -> Result<SharedHttpClient, ConfigError> {
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

/// Local runs against an emulator create what they use; a Lambda never does.
fn creates_resources(config: &Config) -> bool {
    config.create_tables && config.runtime == Runtime::Local
}

pub(crate) async fn dynamo_store(config: &Config, aws: &Aws) -> Result<DynamoStore, StoreError> {
    let mut b = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws.region.clone())
        .credentials_provider(aws.credentials.clone())
        .http_client(aws.http.clone());
    if let Some(ep) = &config.dynamodb_endpoint {
        b = b.endpoint_url(ep);
    }
    let client = aws_sdk_dynamodb::Client::from_conf(b.build());
    if creates_resources(config) {
        match create_tables(&client, &config.tables).await?.as_slice() {
            [] => tracing::info!("DynamoDB tables were present; none created"),
            created => tracing::info!(tables = %created.join(", "), "DynamoDB tables created"),
        }
    }
    Ok(DynamoStore::new(client, config.tables.clone()))
}

fn connect_sns(config: &Config, aws: &Aws) -> Arc<dyn SmsSender> {
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

/// The documents bucket through S3 (see [`S3Objects::configure`]); the client is built on
/// first use.
fn connect_s3<'a>(config: &'a Config, aws: &'a Aws) -> Connecting<'a, Arc<dyn ObjectStore>> {
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
    Box::pin(async move {
        if creates_resources(config) {
            objects.ensure_bucket().await?;
            tracing::info!(bucket = %config.documents_bucket, "documents bucket is present");
        }
        let objects: Arc<dyn ObjectStore> = Arc::new(objects);
        Ok(objects)
    })
}
