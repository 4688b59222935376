//! Lambda entry point of the `auth` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = shared::app::start("auth").await;
    lambda_http::run(auth_fn::router(state)).await
}
