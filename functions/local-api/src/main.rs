//! The local development server (never deployed): every function's routes in one process,
//! on the deployed paths, plus `GET /_dev/sms`.

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use shared::app::{AppState, finish, init_logging};
use shared::config::{Config, Runtime};
use std::net::SocketAddr;

async fn dev_sms(State(s): State<AppState>) -> Json<serde_json::Value> {
    let messages = s.dev_sms.as_ref().map(|c| c.messages()).unwrap_or_default();
    Json(serde_json::json!({ "messages": messages }))
}

#[tokio::main]
async fn main() {
    init_logging(Runtime::Local);
    let config = match Config::from_env(Runtime::Local) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "local-api cannot start");
            std::process::exit(1);
        }
    };
    let port = config.port;
    let (store, sms) = (config.store, config.sms);
    let state = match AppState::from_config(config).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "local-api cannot start");
            std::process::exit(1);
        }
    };
    let routes = auth_fn::routes()
        .merge(pools_fn::routes())
        .route("/_dev/sms", get(dev_sms));
    let app = finish(routes, state);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, %addr, "cannot listen");
            std::process::exit(1);
        }
    };
    tracing::info!(%addr, ?store, ?sms, "local API listening on http://{addr}");
    let serve = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    if let Err(e) = serve.await {
        tracing::error!(error = %e, "server error");
        std::process::exit(1);
    }
}
