//! Lambda entry point of the `users` function: state is built once, then every request is served.

use shared::aws::Adapters;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // Checks bearer tokens; seals and hashes document numbers.
    let needs = shared::config::Needs {
        tokens: shared::config::TokenUse::Verify,
        secret_key: true,
        sms: false,
    };
    let state = shared::app::start("users", needs, Adapters::DYNAMODB_ONLY.with_s3()).await;
    lambda_http::run(users_fn::router(state)).await
}
