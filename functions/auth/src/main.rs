//! Lambda entry point of the `auth` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // Issues tokens, hashes codes and tokens, sends SMS.
    let needs = shared::config::Needs {
        tokens: shared::config::TokenUse::Sign,
        secret_key: true,
        sms: true,
    };
    let state = shared::app::start("auth", needs).await;
    lambda_http::run(auth_fn::router(state)).await
}
