//! A DynamoDB or S3 outage gets a clean 500: code INTERNAL, no SDK text, a request id, and
//! nothing half-written. A port whose AWS adapter the binary does not link fails cleanly too.

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

/// An S3 adapter whose endpoint nothing listens on: every call fails at connect.
fn unreachable_s3() -> shared::objects::s3::S3Objects {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let b = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled());
    let endpoint = format!("http://127.0.0.1:{port}");
    let conf = shared::objects::s3::S3Objects::configure(b, Some(&endpoint));
    shared::objects::s3::S3Objects::new(aws_sdk_s3::Client::from_conf(conf), "documents".into())
}

#[tokio::test]
async fn object_store_outage_is_a_clean_500_and_writes_nothing() {
    let s3 = unreachable_s3();
    let routes = users_fn::routes().0;
    let mut app = TestApp::new(Stores::memory(), routes.clone(), &[]);
    app.state.objects = std::sync::Arc::new(s3);
    app.router = shared::app::finish(routes, app.state.clone());
    let u = app.signed_in("+919816456565").await;
    let image = format!(
        "s3://documents/uploads/{}/front/{}.jpg",
        u.user_id,
        "ab".repeat(16)
    );
    let body =
        json!({"document_type": "pan", "document_number": "ABCDE1234F", "front_image_url": image});
    let r = app
        .call(
            axum::http::Method::POST,
            "/v1/users/kyc",
            Some(body),
            Some(&u.access_token),
        )
        .await;
    assert_error(&r, 500, "INTERNAL");
    let text = r.body.to_string().to_lowercase();
    for leak in ["dispatch", "connect", "s3", "127.0.0.1"] {
        assert!(!text.contains(leak), "leaked {leak}: {text}");
    }
    let stores = app.stores();
    assert!(stores.kyc.get_kyc(&u.user_id).await.unwrap().is_none());
    let user = stores.users.get_user(&u.user_id).await.unwrap().unwrap();
    assert_eq!(user.kyc_status, shared::domain::KycStatus::NotSubmitted);
}

/// An object store failing in the middle of an account deletion: a clean 500, the account still
/// there and usable, without the deletion mark that would refuse its joins and loans.
#[tokio::test]
async fn a_deletion_that_fails_midway_leaves_a_usable_account() {
    let routes = auth_fn::routes().0;
    let mut app = TestApp::new(Stores::memory(), routes.clone(), &[]);
    app.state.objects = std::sync::Arc::new(unreachable_s3());
    app.router = shared::app::finish(routes, app.state.clone());
    let u = app.signed_in("+919816456565").await;
    let vt = app.verification_token("+919816456565").await;
    let body = json!({ "verification_token": vt });
    let r = app
        .call(
            axum::http::Method::DELETE,
            "/v1/auth/account",
            Some(body),
            Some(&u.access_token),
        )
        .await;
    assert_error(&r, 500, "INTERNAL");
    let user = app.stores().users.get_user(&u.user_id).await.unwrap();
    let user = user.expect("the account still exists");
    assert_eq!(user.deleting_since_ms, None, "the mark is cleared");
    assert_eq!(
        app.get_as("/v1/auth/me", &u).await.status,
        axum::http::StatusCode::OK
    );
}

/// A binary built without the S3 and SNS adapters (the pools function) answers those ports
/// with clean failures, never with the local stand-ins; one that links them reaches AWS.
#[tokio::test]
async fn unlinked_aws_adapters_fail_cleanly_and_linked_ones_reach_aws() {
    use shared::aws::Adapters;
    use shared::sms::{Sms, SmsError, SmsPurpose};
    use shared::state::AppState;
    use shared::store::StoreError;
    let Some(ep) = integration_tests::emulator() else {
        return;
    };
    let tables = integration_tests::fresh_tables();
    let bucket = format!("docs-{}", shared::crypto::random_hex8());
    let settings = integration_tests::aws_settings(&ep, &tables, &bucket);
    let state =
        |adapters| AppState::from_config(shared::testing::config(&settings), None, adapters);
    let sms = Sms {
        to: "+919816456565",
        body: "The number on your account was changed.",
        purpose: SmsPurpose::Notice,
    };

    let unlinked = state(Adapters::DYNAMODB_ONLY).await.unwrap();
    let head = unlinked.objects.head("kyc/u/aadhaar_front.jpg").await;
    assert!(matches!(head, Err(StoreError::Unavailable(_))), "{head:?}");
    assert_eq!(
        unlinked.sms.send(&sms).await,
        Err(SmsError::new("NotLinked"))
    );

    let linked = state(Adapters::all()).await.unwrap();
    let head = linked.objects.head("kyc/u/aadhaar_front.jpg").await;
    assert_eq!(
        head.unwrap(),
        None,
        "the bucket exists and the key does not"
    );
    assert!(linked.sms.send(&sms).await.is_ok());
}
