//! Harness for the black-box and integration tests: the emulator (moto) endpoint, stores on
//! fresh tables, and the local-api binary.

pub mod http;
pub mod load;

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
};
use aws_sdk_dynamodb::error::BoxError;
use shared::store::Stores;
use shared::store::dynamo::{DynamoStore, create_tables};
use shared::store::tables::{TABLES, TableNames};
use std::sync::{Arc, Mutex};

/// The emulator endpoint. With `REQUIRE_EMULATOR=1` (the test command sets it) a missing
/// endpoint fails the test instead of skipping it.
pub fn emulator() -> Option<String> {
    match std::env::var("DYNAMODB_ENDPOINT")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(ep) => Some(ep),
        None if std::env::var("REQUIRE_EMULATOR").as_deref() == Ok("1") => {
            panic!("REQUIRE_EMULATOR=1 but DYNAMODB_ENDPOINT is not set")
        }
        None => {
            eprintln!("skipped: DYNAMODB_ENDPOINT not set (run tests/run.sh)");
            None
        }
    }
}

pub fn dynamo_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}

/// Table names no other test uses.
pub fn fresh_tables() -> TableNames {
    let p = shared::crypto::random_hex8();
    TableNames::with(|spec| format!("t{p}-{}", spec.default_name))
}

/// The settings of a process on DynamoDB, SNS and S3 in the emulator at `ep` (creating what it
/// uses), on `tables` and `bucket`.
pub fn aws_settings<'a>(
    ep: &'a str,
    tables: &'a TableNames,
    bucket: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut env = vec![
        ("STORE", "dynamodb"),
        ("CREATE_TABLES", "true"),
        ("SMS_SENDER", "sns"),
        ("DYNAMODB_ENDPOINT", ep),
        ("SNS_ENDPOINT", ep),
        ("S3_ENDPOINT", ep),
        ("DOCUMENTS_BUCKET", bucket),
    ];
    for spec in &TABLES {
        env.push((spec.env, tables.get(spec.table)));
    }
    env
}

/// Every port on DynamoDB in the emulator, on freshly created tables; `None` when skipped.
pub async fn dynamo() -> Option<Stores> {
    let endpoint = emulator()?;
    let client = dynamo_client(&endpoint);
    let tables = fresh_tables();
    if let Err(e) = create_tables(&client, &tables).await {
        panic!("creating tables on the emulator failed: {e}");
    }
    Some(Stores::of(DynamoStore::new(client, tables)))
}

/// The DynamoDB operation of a request (`X-Amz-Target: DynamoDB_20120810.GetItem`).
pub fn operation(ctx: &BeforeTransmitInterceptorContextRef<'_>) -> String {
    let target = ctx.request().headers().get("x-amz-target").unwrap_or("?");
    target.rsplit('.').next().unwrap_or(target).to_string()
}

/// Every DynamoDB API call a client makes (each attempt), by operation name, in order.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<String>>>);

impl CallLog {
    /// The calls so far, and forget them.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "CallLog"
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.lock().unwrap().push(operation(ctx));
        Ok(())
    }
}

/// Every port on DynamoDB in the emulator (fresh tables), its client with `interceptor`;
/// `None` when skipped.
pub async fn dynamo_with(interceptor: impl Intercept + 'static) -> Option<Stores> {
    let endpoint = emulator()?;
    let conf = dynamo_client(&endpoint)
        .config()
        .to_builder()
        .interceptor(interceptor)
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(conf);
    let tables = fresh_tables();
    if let Err(e) = create_tables(&client, &tables).await {
        panic!("creating tables on the emulator failed: {e}");
    }
    Some(Stores::of(DynamoStore::new(client, tables)))
}

/// Every port on DynamoDB in the emulator (fresh tables), with a log of the API calls made;
/// `None` when skipped.
pub async fn dynamo_counted() -> Option<(Stores, CallLog)> {
    let log = CallLog::default();
    let stores = dynamo_with(log.clone()).await?;
    log.take();
    Some((stores, log))
}

pub fn memory() -> Stores {
    Stores::memory()
}

/// Path of the local-api binary (`LOCAL_API_BIN`, else the workspace's debug build).
pub fn local_api_bin() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("LOCAL_API_BIN") {
        return p.into();
    }
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/local-api");
    assert!(
        p.exists(),
        "{} missing: run `cargo build --bin local-api` (tests/run.sh does)",
        p.display()
    );
    p
}

/// A running local-api process, killed on drop.
pub struct LocalApi {
    child: std::process::Child,
    pub base: String,
    /// Where SMS are read: `/_dev/sms` (console) or moto's data endpoint (SNS).
    sms_source: SmsSource,
    pub tables: Option<TableNames>,
    /// The documents bucket (DynamoDB runs: on S3 in the emulator).
    pub bucket: Option<String>,
    /// Where the process's log lines go.
    log: std::path::PathBuf,
}

enum SmsSource {
    Dev(String),
    Moto(String),
}

impl LocalApi {
    /// Starts the binary with the memory store and console SMS.
    pub async fn memory() -> LocalApi {
        Self::start(&[], None).await
    }

    /// As [`LocalApi::memory`], with more settings.
    pub async fn memory_with(extra: &[(&str, &str)]) -> LocalApi {
        Self::start(extra, None).await
    }

    /// Starts the binary on DynamoDB and SNS in the emulator (fresh tables); `None` when skipped.
    pub async fn dynamodb() -> Option<LocalApi> {
        Self::dynamodb_with(&[]).await
    }

    /// As [`LocalApi::dynamodb`], with more settings.
    pub async fn dynamodb_with(extra: &[(&str, &str)]) -> Option<LocalApi> {
        let ep = emulator()?;
        let tables = fresh_tables();
        let bucket = format!("docs-{}", shared::crypto::random_hex8());
        let mut env = aws_settings(&ep, &tables, &bucket);
        env.extend_from_slice(&[
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
        ]);
        env.extend_from_slice(extra);
        let mut api = Self::start(&env, Some(ep.clone())).await;
        api.tables = Some(tables);
        api.bucket = Some(bucket);
        Some(api)
    }

    async fn start(env: &[(&str, &str)], moto: Option<String>) -> LocalApi {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-logs");
        std::fs::create_dir_all(&dir).expect("log dir");
        let log = dir.join(format!("local-api-{port}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let mut cmd = std::process::Command::new(local_api_bin());
        cmd.env("PORT", port.to_string())
            .env("RUST_LOG", "debug")
            .env_remove("STORE")
            .env_remove("SMS_SENDER")
            .stdout(out)
            .stderr(err);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("spawn local-api");
        let base = format!("http://127.0.0.1:{port}");
        let sms_source = match moto {
            Some(m) => SmsSource::Moto(m),
            None => SmsSource::Dev(base.clone()),
        };
        let api = LocalApi {
            child,
            base,
            sms_source,
            tables: None,
            bucket: None,
            log,
        };
        let client = reqwest::Client::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(format!("{}/v1/health", api.base)).send().await
                && r.status().is_success()
            {
                return api;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "local-api did not become ready"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The process's resident memory now and at its peak, in KiB (`/proc`; Linux only).
    pub fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Everything the process logged so far (at `debug`).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The code in the latest SMS to `e164`.
    pub async fn last_code(&self, e164: &str) -> String {
        let client = reqwest::Client::new();
        let bodies: Vec<String> = match &self.sms_source {
            SmsSource::Dev(base) => {
                let v: serde_json::Value = client
                    .get(format!("{base}/_dev/sms"))
                    .query(&[("to", e164), ("limit", "1")])
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                v["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|m| m["to"] == e164)
                    .map(|m| m["body"].as_str().unwrap().to_string())
                    .collect()
            }
            SmsSource::Moto(ep) => {
                let v: serde_json::Value = client
                    .get(format!("{ep}/moto-api/data.json"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                v["sns"]["SMS"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .filter(|m| m["phone_number"] == e164)
                    .map(|m| m["message"].as_str().unwrap().to_string())
                    .collect()
            }
        };
        let last = bodies.last().unwrap_or_else(|| panic!("no SMS to {e164}"));
        shared::testing::extract_code(last).expect("a code in the SMS")
    }
}

impl Drop for LocalApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An S3 client of the emulator.
pub fn s3_client(endpoint: &str) -> aws_sdk_s3::Client {
    let b = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "test", "test", None, None, "tests",
        ));
    aws_sdk_s3::Client::from_conf(shared::objects::s3::S3Objects::configure(b, Some(endpoint)))
}

/// Every item of a DynamoDB-backed local-api's tables, as text (checks of what is at rest).
pub async fn dump_tables(api: &LocalApi) -> String {
    let tables = api.tables.clone().expect("a DynamoDB run");
    let client = dynamo_client(&emulator().expect("emulator"));
    let mut dump = String::new();
    for spec in TABLES {
        let out = client
            .scan()
            .table_name(tables.get(spec.table))
            .send()
            .await
            .unwrap();
        dump.push_str(&format!("{:?}", out.items()));
    }
    dump
}

/// The documents bucket on S3 in the emulator: a fresh bucket per call; `None` when skipped.
pub async fn s3_objects() -> Option<shared::objects::s3::S3Objects> {
    use shared::objects::s3::S3Objects;
    let client = s3_client(&emulator()?);
    let objects = S3Objects::new(client, format!("docs-{}", shared::crypto::random_hex8()));
    objects.ensure_bucket().await.expect("create bucket");
    Some(objects)
}

/// The string at `v` (a test's expectation that it is one).
pub fn text(v: &serde_json::Value) -> String {
    v.as_str().expect("a string").to_string()
}

/// Instantiates each case as two tests, in modules `memory_store` and `dynamodb_store`: one on
/// the memory store, one on DynamoDB in the emulator (skipped without it, unless
/// `REQUIRE_EMULATOR` makes that a failure). A case is an `async fn(Stores)`; with
/// `with make: a, b; c`, cases `a` and `b` get `make(stores)` and `c` the stores themselves;
/// with `adapters local, aws: a, b`, another port's adapters from those two functions.
#[macro_export]
macro_rules! on_both_stores {
    (with $make:ident: $($case:ident),* ; $($plain:ident),* $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::$make($crate::memory())).await
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $plain() {
                    super::$plain($crate::memory()).await
                }
            )*
        }
        mod dynamodb_store {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    if let Some(s) = $crate::dynamo().await {
                        super::$case(super::$make(s)).await
                    }
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $plain() {
                    if let Some(s) = $crate::dynamo().await {
                        super::$plain(s).await
                    }
                }
            )*
        }
    };
    ($($case:ident),* $(,)?) => {
        $crate::on_both_stores!(with std_stores: ; $($case),*);
    };
    // Another port's two adapters: `local()` always, `aws().await` when the emulator runs.
    (adapters $local:ident, $aws:ident: $($case:ident),* $(,)?) => {
        mod local_adapter {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::$local()).await
                }
            )*
        }
        mod aws_adapter {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    if let Some(s) = super::$aws().await {
                        super::$case(s).await
                    }
                }
            )*
        }
    };
}
