//! Lambda entry point of the `users` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = shared::app::start("users").await;
    lambda_http::run(users_fn::router(state)).await
}
