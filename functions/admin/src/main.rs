//! Lambda entry point of the `admin` function: state is built once, then every request is served.

use shared::aws::Adapters;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // Cookie sessions only (bearer tokens are refused); hashes session ids and verification tokens.
    let needs = shared::config::Needs {
        tokens: shared::config::TokenUse::Neither,
        secret_key: true,
        sms: false,
    };
    let state = shared::app::start("admin", needs, Adapters::DYNAMODB_ONLY.with_s3()).await;
    lambda_http::run(admin_fn::router(state)).await
}
