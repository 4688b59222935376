//! `local-api --setup`: the one-time, non-interactive step before running the functions under
//! cargo-lambda against the emulator: creates the tables and the documents bucket, says what
//! it created, and exits.

use integration_tests::{aws_settings, emulator, fresh_tables, local_api_bin};
use std::process::Command;

fn setup(extra: &[(&str, &str)]) -> (bool, String) {
    let out = Command::new(local_api_bin())
        .arg("--setup")
        .env_clear()
        .envs(extra.iter().copied())
        .envs([
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("SMS_SENDER", "console"),
        ])
        .output()
        .expect("run local-api");
    let logs =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), logs)
}

#[test]
fn setup_creates_the_tables_once_and_exits() {
    let Some(ep) = emulator() else {
        return;
    };
    let tables = fresh_tables();
    let bucket = format!("setup-{}", shared::crypto::random_hex8());
    let mut env = aws_settings(&ep, &tables, &bucket);
    env.retain(|(k, _)| *k != "CREATE_TABLES" && *k != "SMS_SENDER");
    let (ok, logs) = setup(&env);
    assert!(ok, "{logs}");
    assert!(
        logs.contains("DynamoDB tables created") && logs.contains("setup done"),
        "{logs}"
    );
    let (ok, logs) = setup(&env);
    assert!(ok && logs.contains("none created"), "{logs}");
}

#[test]
fn setup_needs_the_dynamodb_store() {
    let (ok, logs) = setup(&[("STORE", "memory")]);
    assert!(
        !ok && logs.contains("--setup needs STORE=dynamodb"),
        "{logs}"
    );
}
