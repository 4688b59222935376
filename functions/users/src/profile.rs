//! The caller's profile: read, replace (PUT), change some fields (PATCH).

use super::svc;
use axum::extract::State;
use serde::Serialize;
use shared::api_error::{ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::domain::User;
use shared::http::JsonBody;
use shared::openapi::{Envelope, ErrorBody};
use shared::services::users::ProfileInput;
use shared::state::AppState;
use shared::views::ProfileView;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ProfileOnly {
    pub profile: ProfileView,
}

fn profile_only(u: User) -> Success<ProfileOnly> {
    ok(ProfileOnly {
        profile: ProfileView::new(u),
    })
}

/// The caller's profile.
#[utoipa::path(get, path = "/v1/users/profile", tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "the profile", body = Envelope<ProfileOnly>)))]
pub async fn get_profile(ctx: AuthContext) -> ApiResult<Success<ProfileOnly>> {
    Ok(profile_only(ctx.user))
}

/// Replaces every editable field: omitted ones become null; `name` is required.
#[utoipa::path(put, path = "/v1/users/profile", tag = "users",
    security(("bearer" = [])),
    request_body(content = ProfileInput, description = "The whole editable profile. `name` is required; every field left out becomes null."),
    responses(
        (status = 200, description = "the profile after the change", body = Envelope<ProfileOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field; nothing is changed", body = ErrorBody),
    ))]
pub async fn put_profile(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<ProfileInput>,
) -> ApiResult<Success<ProfileOnly>> {
    Ok(profile_only(svc(&s).replace_profile(&ctx, &b).await?))
}

/// Changes only the fields given (`null` clears one; `name` cannot be cleared).
#[utoipa::path(patch, path = "/v1/users/profile", tag = "users",
    security(("bearer" = [])),
    request_body(content = ProfileInput, description = "Any subset of the editable profile."),
    responses(
        (status = 200, description = "the profile after the change", body = Envelope<ProfileOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field; nothing is changed", body = ErrorBody),
    ))]
pub async fn patch_profile(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<ProfileInput>,
) -> ApiResult<Success<ProfileOnly>> {
    Ok(profile_only(svc(&s).patch_profile(&ctx, &b).await?))
}
