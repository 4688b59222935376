//! The local development server (never deployed): every function's routes in one process,
//! on the deployed paths, plus `GET /_dev/sms` and `PUT /_dev/uploads/...`.

use shared::app::init_logging;
use shared::aws::Adapters;
use shared::config::{Config, Runtime, StoreKind};
use shared::state::{AppState, DevParts};
use std::net::SocketAddr;

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    tracing::error!(error = %e, "local-api cannot start: {what}");
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    init_logging(Runtime::Local);
    let mut config = Config::from_env(Runtime::Local).unwrap_or_else(|e| fail("settings", e));
    // `--setup`: create what the settings name (tables, the documents bucket), then exit: the
    // one-time step before running the functions locally under cargo-lambda.
    let setup = std::env::args().any(|a| a == "--setup");
    if setup {
        if config.store != StoreKind::Dynamodb {
            fail(
                "setup",
                "--setup needs STORE=dynamodb (the memory store needs no setup)",
            );
        }
        config.create_tables = true;
    }
    let port = config.port;
    let (store, sms) = (config.store, config.sms_sender);
    let dev = DevParts::new(&config);
    let state = AppState::from_config(config, Some(dev.clone()), Adapters::all())
        .await
        .unwrap_or_else(|e| fail("state", e));
    if setup {
        tracing::info!("setup done: tables and documents bucket are ready");
        return;
    }
    let app = local_api::app(state, dev);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| fail("listen", e));
    tracing::info!(%addr, ?store, ?sms, "local API listening on http://{addr}");
    let serve = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    if let Err(e) = serve.await {
        fail("serve", e);
    }
}
