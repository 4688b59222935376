//! Lambda entry point of the `admin` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::app::run(&admin_fn::FUNCTION).await
}
