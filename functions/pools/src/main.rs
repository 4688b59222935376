//! Lambda entry point of the `pools` function: state is built once, then every request is served.

use shared::aws::Adapters;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // Checks bearer tokens; keys nothing and sends nothing.
    let needs = shared::config::Needs {
        tokens: shared::config::TokenUse::Verify,
        secret_key: false,
        sms: false,
    };
    let state = shared::app::start("pools", needs, Adapters::DYNAMODB_ONLY).await;
    lambda_http::run(pools_fn::router(state)).await
}
