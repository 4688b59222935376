//! Harness for the black-box and integration tests: the emulator (moto) endpoint, stores on
//! fresh tables, and the local-api binary.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use shared::config::Tables;
use shared::store::Store;
use shared::store::dynamo::{DynamoStore, create_tables};
use shared::store::memory::MemoryStore;
use std::sync::Arc;

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
pub fn fresh_tables() -> Tables {
    let p = shared::crypto::random_hex8();
    Tables {
        users: format!("t{p}-users"),
        otps: format!("t{p}-otps"),
        pools: format!("t{p}-pools"),
    }
}

/// A DynamoDB store on the emulator, on freshly created tables; `None` when skipped.
pub async fn dynamo() -> Option<Arc<dyn Store>> {
    let endpoint = emulator()?;
    let client = dynamo_client(&endpoint);
    let tables = fresh_tables();
    if let Err(e) = create_tables(&client, &tables).await {
        panic!("creating tables on the emulator failed: {e}");
    }
    Some(Arc::new(DynamoStore::new(client, tables)))
}

pub fn memory() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
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
