//! Savings pools: create, read, list mine, join, leave, members.

use super::svc;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use shared::api_error::{ApiError, ApiResult, Success, created, ok};
use shared::auth_context::AuthContext;
use shared::domain::{Pool, PoolId, PoolStatus, PoolType, from_ms};
use shared::field_schemas::Text100;
use shared::http::{JsonBody, PathParam, limit_param, query_params};
use shared::openapi::{Envelope, ErrorBody};
use shared::phone::mask;
use shared::services::pools::{NewPool, PoolRole};
use shared::state::AppState;
use utoipa::ToSchema;

/// `pool` as the contract returns it. Money is in minor units (paise).
#[derive(Serialize, ToSchema)]
pub struct PoolView {
    #[schema(pattern = "^[0-9a-f]{8}$")]
    pub pool_id: String,
    pub name: String,
    #[schema(format = Uuid)]
    pub owner_id: String,
    pub contribution_amount: i64,
    /// `contribution_amount * total_members`.
    pub pool_amount: i64,
    /// Always `INR`.
    pub currency: String,
    pub total_members: u32,
    pub joined_members: u32,
    #[schema(format = Date)]
    pub deadline: String,
    pub pool_type: PoolType,
    pub status: PoolStatus,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl PoolView {
    fn new(p: Pool, today: &str) -> Self {
        PoolView {
            pool_amount: p.pool_amount(),
            status: p.status(today),
            created_at: from_ms(p.created_at_ms),
            pool_id: p.pool_id.into_string(),
            name: p.name,
            owner_id: p.owner_id.into_string(),
            contribution_amount: p.contribution_amount,
            currency: p.currency,
            total_members: p.total_members,
            joined_members: p.joined_members,
            deadline: p.deadline,
            pool_type: p.pool_type,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PoolOnly {
    pub pool: PoolView,
}

fn pool_only(s: &AppState, p: Pool) -> Success<PoolOnly> {
    ok(PoolOnly {
        pool: PoolView::new(p, &svc(s).today()),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct CreatePool {
    #[schema(value_type = Text100)]
    pub name: String,
    /// Minor units.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub contribution_amount: i64,
    /// The last day (UTC) on which members may join or leave: today or later.
    #[schema(format = Date)]
    pub deadline: String,
    pub pool_type: PoolType,
    #[schema(minimum = 2, maximum = 100)]
    pub total_members: i64,
}

/// Creates a pool owned by the caller (who is not a member until it joins).
#[utoipa::path(post, path = "/v1/pools", tag = "pools",
    security(("bearer" = [])),
    request_body = CreatePool,
    responses((status = 201, description = "created", body = Envelope<PoolOnly>, links(
        ("GetPool" = (operation_id = "get_pool", parameters(("pool_id" = "$response.body#/data/pool/pool_id")))),
        ("JoinPool" = (operation_id = "join", parameters(("pool_id" = "$response.body#/data/pool/pool_id")))),
        ("PoolMembers" = (operation_id = "members", parameters(("pool_id" = "$response.body#/data/pool/pool_id")))),
    )),
    (status = 409, description = "`POOL_LIMIT`: the caller already owns `POOLS_MAX_OPEN_OWNED` (default 50) pools whose deadline is today or later", body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<CreatePool>,
) -> ApiResult<Success<PoolOnly>> {
    let req = NewPool {
        name: b.name,
        contribution_amount: b.contribution_amount,
        deadline: b.deadline,
        pool_type: b.pool_type,
        total_members: b.total_members,
    };
    let pool = svc(&s).create(&ctx, req).await?;
    let today = svc(&s).today();
    Ok(created(PoolOnly {
        pool: PoolView::new(pool, &today),
    }))
}

const LIST_PARAMS: &[&str] = &["role", "limit", "cursor"];

/// `role` (`owner|member`) from the list's query parameters.
fn role_param(params: &std::collections::HashMap<&'static str, String>) -> ApiResult<PoolRole> {
    params
        .get("role")
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| ApiError::validation("role", "role must be owner or member"))
}

#[derive(Serialize, ToSchema)]
pub struct PoolList {
    pub items: Vec<PoolView>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A page of the caller's pools, newest first: owned pools by creation, joined pools by the
/// time the caller joined.
#[utoipa::path(get, path = "/v1/pools", tag = "pools",
    security(("bearer" = [])),
    params(
        ("role" = inline(PoolRole), Query, description = "pools the caller owns, or is a member of"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "pools per page (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page (of the same role)"),
    ),
    responses(
        (status = 200, description = "the caller's pools", body = Envelope<PoolList>),
        (status = 400, description = "`VALIDATION_ERROR`: `role`, `limit` or `cursor`", body = ErrorBody),
    ))]
pub async fn list_mine(
    State(s): State<AppState>,
    ctx: AuthContext,
    RawQuery(q): RawQuery,
) -> ApiResult<Success<PoolList>> {
    let params = query_params(q.as_deref(), LIST_PARAMS)?;
    let role = role_param(&params)?;
    let service = svc(&s);
    let today = service.today();
    let cursor = params.get("cursor").map(String::as_str);
    let page = service
        .list_mine(&ctx, role, limit_param(&params)?, cursor)
        .await?;
    Ok(ok(PoolList {
        items: page
            .items
            .into_iter()
            .map(|p| PoolView::new(p, &today))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Reads a pool by id (any signed-in user: that is how a pool is found to be joined).
#[utoipa::path(get, path = "/v1/pools/{pool_id}", tag = "pools",
    security(("bearer" = [])),
    params(("pool_id" = String, Path, description = "the pool's id (8 hex digits); an id that is malformed or unknown is 404")),
    responses(
        (status = 200, description = "the pool", body = Envelope<PoolOnly>),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
    ))]
pub async fn get_pool(
    State(s): State<AppState>,
    _ctx: AuthContext,
    PathParam(pool_id): PathParam<PoolId>,
) -> ApiResult<Success<PoolOnly>> {
    Ok(pool_only(&s, svc(&s).get_pool(&pool_id).await?))
}

/// Takes a seat, atomically.
#[utoipa::path(post, path = "/v1/pools/{pool_id}/join", tag = "pools",
    security(("bearer" = [])),
    params(("pool_id" = String, Path, description = "the pool's id (8 hex digits); an id that is malformed or unknown is 404")),
    responses(
        (status = 200, description = "joined", body = Envelope<PoolOnly>, links(
            ("LeavePool" = (operation_id = "leave", parameters(("pool_id" = "$response.body#/data/pool/pool_id")))),
        )),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`POOL_CLOSED`, `ALREADY_MEMBER` or `POOL_FULL`, in that order", body = ErrorBody),
    ))]
pub async fn join(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(pool_id): PathParam<PoolId>,
) -> ApiResult<Success<PoolOnly>> {
    Ok(pool_only(&s, svc(&s).join(&ctx, &pool_id).await?))
}

/// Gives the caller's seat back, atomically.
#[utoipa::path(post, path = "/v1/pools/{pool_id}/leave", tag = "pools",
    security(("bearer" = [])),
    params(("pool_id" = String, Path, description = "the pool's id (8 hex digits); an id that is malformed or unknown is 404")),
    responses(
        (status = 200, description = "left", body = Envelope<PoolOnly>),
        (status = 404, description = "`NOT_FOUND`: no such pool, or the caller is not a member", body = ErrorBody),
        (status = 409, description = "`POOL_CLOSED`", body = ErrorBody),
    ))]
pub async fn leave(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(pool_id): PathParam<PoolId>,
) -> ApiResult<Success<PoolOnly>> {
    Ok(pool_only(&s, svc(&s).leave(&ctx, &pool_id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    #[schema(format = Uuid)]
    pub user_id: String,
    /// Null while the member's account is being deleted.
    pub name: Option<String>,
    pub masked_phone: Option<String>,
    #[schema(format = DateTime)]
    pub joined_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<MemberView>,
}

/// The pool's members in join order (owner or members only; phones masked).
#[utoipa::path(get, path = "/v1/pools/{pool_id}/members", tag = "pools",
    security(("bearer" = [])),
    params(("pool_id" = String, Path, description = "the pool's id (8 hex digits); an id that is malformed or unknown is 404")),
    responses(
        (status = 200, description = "members", body = Envelope<MemberList>),
        (status = 403, description = "`PERMISSION_DENIED`: neither owner nor member", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
    ))]
pub async fn members(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(pool_id): PathParam<PoolId>,
) -> ApiResult<Success<MemberList>> {
    let items = svc(&s)
        .members(&ctx, &pool_id)
        .await?
        .into_iter()
        .map(|m| MemberView {
            user_id: m.membership.user_id.into_string(),
            name: m.user.as_ref().map(|u| u.name.clone()),
            masked_phone: m.user.as_ref().map(|u| mask(&u.phone)),
            joined_at: from_ms(m.membership.joined_at_ms),
        })
        .collect();
    Ok(ok(MemberList { items }))
}

#[cfg(test)]
mod tests {
    use super::{LIST_PARAMS, PoolRole};
    use shared::api_error::ApiResult;
    use shared::http::query_params;

    fn role_param(query: Option<&str>) -> ApiResult<PoolRole> {
        super::role_param(&query_params(query, LIST_PARAMS)?)
    }

    #[test]
    fn role_from_query() {
        assert_eq!(role_param(Some("role=owner")).ok(), Some(PoolRole::Owner));
        assert_eq!(
            role_param(Some("x=1&role=member")).ok(),
            Some(PoolRole::Member)
        );
        assert!(role_param(Some("x=1")).is_err());
        assert!(role_param(None).is_err());
    }
}
