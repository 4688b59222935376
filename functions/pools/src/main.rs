//! Lambda entry point of the `pools` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::app::run(&pools_fn::FUNCTION).await
}
