//! Health, the JWKS that verifies access tokens, and the API's own OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use shared::api_error::ok;
use shared::openapi::Envelope;
use shared::state::AppState;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
    pub version: String,
}

/// The committed OpenAPI document (a test keeps it equal to the one generated from the code).
pub const OPENAPI_JSON: &str = include_str!("../../../openapi.json");

/// Liveness: answers without touching storage.
#[utoipa::path(get, path = "/v1/health", tag = "meta",
    responses((status = 200, description = "alive", body = Envelope<Health>)))]
pub async fn health() -> impl IntoResponse {
    let health = Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    ([(header::CACHE_CONTROL, "no-cache")], ok(health))
}

/// The JSON Web Key Set publishing the access tokens' Ed25519 key (not enveloped: JWT
/// libraries fetch it as is).
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "meta",
    responses((status = 200, description = "JWKS (RFC 7517)", body = Object)))]
pub async fn jwks(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(s.keys.jwks()),
    )
}

/// This document (not enveloped).
#[utoipa::path(get, path = "/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "the OpenAPI 3.1 document of the whole API", body = Object)))]
pub async fn openapi() -> impl IntoResponse {
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::CACHE_CONTROL, "public, max-age=300"),
    ];
    (headers, OPENAPI_JSON)
}
