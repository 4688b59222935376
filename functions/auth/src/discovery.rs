//! Health, the JWKS that verifies access tokens, the API's own OpenAPI document, and the
//! files that let the configured mobile apps use the API's domain (`/.well-known/`).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use shared::api_error::{ApiResult, ok};
use shared::domain::Error;
use shared::openapi::{Envelope, ErrorBody};
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

/// Digital Asset Links for the Android apps of `ANDROID_APP_LINKS` (app links and shared
/// sign-in credentials), not enveloped, as Android fetches it.
#[utoipa::path(get, path = "/.well-known/assetlinks.json", tag = "meta",
    responses(
        (status = 200, description = "the statements, one per app", body = [Object]),
        (status = 404, description = "`NOT_FOUND`: no Android app is configured", body = ErrorBody),
    ))]
pub async fn assetlinks(State(s): State<AppState>) -> ApiResult<impl IntoResponse> {
    let links = s.config.app_links.assetlinks();
    Ok(well_known(links.ok_or(Error::NotFound("app links"))?))
}

/// The web credentials of the iOS apps of `IOS_APP_IDS`, not enveloped, as iOS fetches it.
#[utoipa::path(get, path = "/.well-known/apple-app-site-association", tag = "meta",
    responses(
        (status = 200, description = "`{\"webcredentials\": {\"apps\": [...]}}`", body = Object),
        (status = 404, description = "`NOT_FOUND`: no iOS app is configured", body = ErrorBody),
    ))]
pub async fn apple_app_site_association(State(s): State<AppState>) -> ApiResult<impl IntoResponse> {
    let links = s.config.app_links.apple_app_site_association();
    Ok(well_known(links.ok_or(Error::NotFound("app links"))?))
}

fn well_known(body: serde_json::Value) -> impl IntoResponse {
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::CACHE_CONTROL, "public, max-age=3600"),
    ];
    (headers, body.to_string())
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
