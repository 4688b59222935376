//! Lambda entry point of the `admin` function: state is built once, then every request is served.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = shared::app::start("admin").await;
    lambda_http::run(admin_fn::router(state)).await
}
