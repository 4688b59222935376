//! Lambda entry point of the `pools` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = shared::app::start("pools").await;
    lambda_http::run(pools_fn::router(state)).await
}
