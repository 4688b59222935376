//! Lambda entry point of the `auth` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::app::run(&auth_fn::FUNCTION).await
}
