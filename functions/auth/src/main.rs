//! Lambda entry point of the `auth` function: state is built once, then every request is served.

use shared::aws::Adapters;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // Issues tokens, hashes codes and tokens, sends SMS.
    let needs = shared::config::Needs {
        tokens: shared::config::TokenUse::Sign,
        secret_key: true,
        sms: true,
    };
    let state =
        shared::app::start("auth", needs, Adapters::DYNAMODB_ONLY.with_sns().with_s3()).await;
    lambda_http::run(auth_fn::router(state)).await
}
