//! A DynamoDB outage gets a clean 500: code INTERNAL, no SDK text, a request id.

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use serde_json::json;
use shared::store::Stores;
use shared::store::dynamo::DynamoStore;
use shared::testing::{TestApp, assert_error};

#[tokio::test]
async fn store_outage_is_a_clean_500() {
    // Nothing listens on this port: every call fails at connect.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry_config(RetryConfig::disabled())
        .build();
    let store = DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(conf),
        integration_tests::fresh_tables(),
    );
    let app = TestApp::new(Stores::of(store), auth_fn::routes().0, &[]);
    let r = app
        .post("/v1/auth/otp/request", json!({"phone": "9816456565"}))
        .await;
    assert_error(&r, 500, "INTERNAL");
    assert_eq!(r.body["error"]["message"], "internal error");
    let text = r.body.to_string().to_lowercase();
    for leak in ["dispatch", "connect", "dynamodb", "127.0.0.1"] {
        assert!(!text.contains(leak), "leaked {leak}: {text}");
    }
    assert!(r.headers.contains_key("x-request-id"));
    assert!(
        app.sms.messages().is_empty(),
        "no SMS when the store is down"
    );
}
