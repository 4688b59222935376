//! The `pools` function: routing and request/response shaping only; rules live in
//! `shared::services::pools`. Every route needs a bearer access token.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use shared::app::{AppState, AuthContext, finish};
use shared::error::{ApiResult, created, ok};
use shared::http::JsonBody;
use shared::services::pools as svc;

/// Every route of this function (method, path), as deployed in `template.yaml`.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/v1/pools"),
    ("GET", "/v1/pools"),
    ("GET", "/v1/pools/{pool_id}"),
    ("POST", "/v1/pools/{pool_id}/join"),
    ("POST", "/v1/pools/{pool_id}/leave"),
    ("GET", "/v1/pools/{pool_id}/members"),
];

/// The function's routes, without the shared layers (the local server merges several).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/pools", post(create).get(list))
        .route("/v1/pools/{pool_id}", get(read))
        .route("/v1/pools/{pool_id}/join", post(join))
        .route("/v1/pools/{pool_id}/leave", post(leave))
        .route("/v1/pools/{pool_id}/members", get(members))
}

/// The deployable router: routes plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(routes(), state)
}

async fn create(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<svc::CreatePool>,
) -> ApiResult<impl IntoResponse> {
    Ok(created(svc::create(&s, &ctx, b).await?))
}

/// `role` from the raw query string (`role=owner|member`).
fn role_param(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "role")
        .map(|(_, v)| v)
}

async fn list(
    State(s): State<AppState>,
    ctx: AuthContext,
    RawQuery(q): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let role = svc::Role::parse(role_param(q.as_deref()))?;
    Ok(ok(svc::list_mine(&s, &ctx, role).await?))
}

async fn read(
    State(s): State<AppState>,
    _ctx: AuthContext,
    Path(pool_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::get(&s, &pool_id).await?))
}

async fn join(
    State(s): State<AppState>,
    ctx: AuthContext,
    Path(pool_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::join(&s, &ctx, &pool_id).await?))
}

async fn leave(
    State(s): State<AppState>,
    ctx: AuthContext,
    Path(pool_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::leave(&s, &ctx, &pool_id).await?))
}

async fn members(
    State(s): State<AppState>,
    ctx: AuthContext,
    Path(pool_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(ok(svc::members(&s, &ctx, &pool_id).await?))
}

#[cfg(test)]
mod tests {
    use super::role_param;

    #[test]
    fn role_from_query() {
        assert_eq!(role_param(Some("role=owner")), Some("owner"));
        assert_eq!(role_param(Some("x=1&role=member")), Some("member"));
        assert_eq!(role_param(Some("x=1")), None);
        assert_eq!(role_param(None), None);
    }
}
