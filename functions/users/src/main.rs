//! Lambda entry point of the `users` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::app::run(&users_fn::FUNCTION).await
}
