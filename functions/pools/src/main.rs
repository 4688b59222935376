//! Lambda entry point of the `pools` function.

use shared::app::{AppState, init_logging};
use shared::config::{Config, Runtime};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let runtime = Runtime::detect();
    init_logging(runtime);
    let state = match Config::from_env(runtime) {
        Ok(config) => AppState::from_config(config).await,
        Err(e) => Err(e.into()),
    };
    let state = match state {
        Ok(s) => s,
        Err(e) => {
            // One clear line, then refuse to start.
            tracing::error!(error = %e, "pools function cannot start");
            std::process::exit(1);
        }
    };
    lambda_http::run(pools_fn::router(state)).await
}
