//! The `auth` function: routing and request/response shaping only; rules live in
//! `shared::services::auth`.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use shared::app::{AppState, AuthContext, finish};
use shared::error::{ApiResult, created, ok};
use shared::http::{JsonBody, SourceIp};
use shared::services::auth as svc;

/// Every route of this function (method, path), as deployed in `template.yaml`.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/health"),
    ("GET", "/.well-known/jwks.json"),
    ("POST", "/v1/auth/otp/request"),
    ("POST", "/v1/auth/otp/verify"),
    ("POST", "/v1/auth/register"),
    ("POST", "/v1/auth/login"),
    ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"),
    ("POST", "/v1/auth/password/reset"),
    ("POST", "/v1/auth/password/change"),
    ("GET", "/v1/auth/me"),
    ("GET", "/v1/auth/sessions"),
    ("DELETE", "/v1/auth/sessions/{session_id}"),
    ("POST", "/v1/auth/devices"),
    ("DELETE", "/v1/auth/account"),
];

/// The function's routes, without the shared layers (the local server merges several).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/health", get(health))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/v1/auth/otp/request", post(otp_request))
        .route("/v1/auth/otp/verify", post(otp_verify))
        .route("/v1/auth/register", post(register))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/password/reset", post(password_reset))
        .route("/v1/auth/password/change", post(password_change))
        .route("/v1/auth/me", get(me))
        .route("/v1/auth/sessions", get(sessions))
        .route("/v1/auth/sessions/{session_id}", delete(revoke_session))
        .route("/v1/auth/devices", post(devices))
        .route("/v1/auth/account", delete(delete_account))
}

/// The deployable router: routes plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(routes(), state)
}

async fn health() -> impl IntoResponse {
    ok(svc::health())
}

/// Plain JWKS document (not enveloped: JWT libraries fetch it as is).
async fn jwks(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(axum::http::header::CACHE_CONTROL, "public, max-age=300")],
        Json(s.keys.jwks()),
    )
}

async fn otp_request(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    JsonBody(b): JsonBody<svc::OtpRequest>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::request_otp(&s, b, &ip).await?))
}

async fn otp_verify(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<svc::OtpVerify>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::verify_otp(&s, b).await?))
}

async fn register(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<svc::Register>,
) -> ApiResult<impl IntoResponse> {
    Ok(created(svc::register(&s, b).await?))
}

async fn login(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<svc::Login>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::login(&s, b).await?))
}

async fn refresh(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<svc::Refresh>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::refresh(&s, b).await?))
}

async fn logout(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::logout(&s, &ctx).await?))
}

async fn password_reset(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<svc::PasswordReset>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::reset_password(&s, b).await?))
}

async fn password_change(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<svc::PasswordChangeInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::change_password(&s, &ctx, b).await?))
}

async fn me(State(s): State<AppState>, ctx: AuthContext) -> impl IntoResponse {
    ok(svc::me(&s, &ctx))
}

async fn sessions(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::sessions(&s, &ctx).await?))
}

async fn revoke_session(
    State(s): State<AppState>,
    ctx: AuthContext,
    Path(session_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::revoke_session(&s, &ctx, &session_id).await?))
}

async fn devices(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<svc::DeviceInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::upsert_device(&s, &ctx, b).await?))
}

async fn delete_account(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<svc::DeleteAccount>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::delete_account(&s, &ctx, b).await?))
}
