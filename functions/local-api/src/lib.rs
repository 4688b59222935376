//! The local development server's assembly (never deployed): every function's routes on the
//! deployed paths, the whole API's OpenAPI document, and the development-only routes.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use shared::sms::ConsoleSms;
use shared::state::AppState;
use std::sync::Arc;

/// Every function's routes, and the OpenAPI document they declare.
pub fn api() -> (Router<AppState>, Value) {
    let (auth, auth_doc) = auth_fn::routes();
    let (pools, pools_doc) = pools_fn::routes();
    let doc = shared::openapi::document([auth_doc, pools_doc]);
    (auth.merge(pools), doc)
}

/// The API's routes plus `GET /_dev/sms`, the console sender's outbox.
pub fn routes(outbox: Arc<ConsoleSms>) -> Router<AppState> {
    let dev = Router::new()
        .route("/_dev/sms", get(dev_sms))
        .with_state(outbox);
    api().0.merge(dev)
}

async fn dev_sms(State(outbox): State<Arc<ConsoleSms>>) -> Json<Value> {
    Json(serde_json::json!({ "messages": outbox.messages() }))
}
