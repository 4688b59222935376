//! The caller: who it is, its sessions and its devices.

use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::api_error::{ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::domain::{Device, Platform, SessionId, from_ms};
use shared::field_schemas::{Text64, Text100, Text128, Text4096};
use shared::http::{JsonBody, PathParam};
use shared::openapi::{Empty, Envelope, ErrorBody};
use shared::state::AppState;
use shared::views::{UserOnly, UserView};
use utoipa::ToSchema;

/// The signed-in user.
#[utoipa::path(get, path = "/v1/auth/me", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "the caller", body = Envelope<UserOnly>)))]
pub async fn me(State(s): State<AppState>, ctx: AuthContext) -> Success<UserOnly> {
    let role = s.config.role_of(&ctx.user);
    ok(UserOnly {
        user: UserView::new(&ctx.user, role),
    })
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    #[schema(format = Uuid)]
    pub session_id: String,
    /// The session of the token making this request.
    pub current: bool,
    pub device_id: Option<String>,
    pub platform: Option<Platform>,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The last sign-in or refresh.
    #[schema(format = DateTime)]
    pub last_used_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionView>,
}

/// The caller's live sessions, oldest first.
#[utoipa::path(get, path = "/v1/auth/sessions", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "live sessions", body = Envelope<SessionList>, links(
        ("RevokeSession" = (operation_id = "revoke_session", parameters(("session_id" = "$response.body#/data/items/0/session_id")))),
    ))))]
pub async fn sessions(
    State(s): State<AppState>,
    ctx: AuthContext,
) -> ApiResult<Success<SessionList>> {
    let current = &ctx.session.session_id;
    let items = svc(&s)
        .sessions(&ctx)
        .await?
        .into_iter()
        .map(|s| SessionView {
            current: s.session_id == current,
            created_at: from_ms(s.created_at_ms),
            last_used_at: from_ms(s.last_used_at_ms),
            session_id: s.session_id.into_string(),
            device_id: s.device_id,
            platform: s.platform,
        })
        .collect();
    Ok(ok(SessionList { items }))
}

/// Revokes one of the caller's sessions at once.
#[utoipa::path(delete, path = "/v1/auth/sessions/{session_id}", tag = "auth",
    security(("bearer" = [])),
    params(("session_id" = String, Path, description = "a session id from `GET /v1/auth/sessions`; an id that is malformed or unknown is 404")),
    responses(
        (status = 200, description = "revoked", body = Envelope<Empty>),
        (status = 404, description = "`NOT_FOUND`: not one of the caller's live sessions", body = ErrorBody),
    ))]
pub async fn revoke_session(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(session_id): PathParam<SessionId>,
) -> ApiResult<Success<Empty>> {
    svc(&s).revoke_session(&ctx, &session_id).await?;
    Ok(ok(Empty {}))
}

/// A device as the app registers it.
#[derive(Deserialize, ToSchema)]
pub struct DeviceBody {
    #[schema(value_type = Text128)]
    pub device_id: String,
    pub platform: Platform,
    #[schema(value_type = Option<Text4096>)]
    pub push_token: Option<String>,
    #[schema(value_type = Option<Text64>)]
    pub app_version: Option<String>,
    #[schema(value_type = Option<Text64>)]
    pub os_version: Option<String>,
    #[schema(value_type = Option<Text100>)]
    pub device_name: Option<String>,
}

impl From<DeviceBody> for Device {
    fn from(d: DeviceBody) -> Self {
        Device {
            device_id: d.device_id,
            platform: d.platform,
            push_token: d.push_token,
            app_version: d.app_version,
            os_version: d.os_version,
            device_name: d.device_name,
        }
    }
}

/// A device as stored; a field the app did not give is `null`.
#[derive(Serialize, ToSchema)]
pub struct DeviceView {
    pub device_id: String,
    pub platform: Platform,
    pub push_token: Option<String>,
    pub app_version: Option<String>,
    pub os_version: Option<String>,
    pub device_name: Option<String>,
}

impl From<Device> for DeviceView {
    fn from(d: Device) -> Self {
        DeviceView {
            device_id: d.device_id,
            platform: d.platform,
            push_token: d.push_token,
            app_version: d.app_version,
            os_version: d.os_version,
            device_name: d.device_name,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeviceOnly {
    pub device: DeviceView,
}

/// Registers or updates (by `device_id`) one of the caller's devices.
#[utoipa::path(post, path = "/v1/auth/devices", tag = "auth",
    security(("bearer" = [])),
    request_body = DeviceBody,
    responses((status = 200, description = "the device as stored", body = Envelope<DeviceOnly>)))]
pub async fn upsert_device(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<DeviceBody>,
) -> ApiResult<Success<DeviceOnly>> {
    let device = svc(&s).upsert_device(&ctx, b.into()).await?;
    Ok(ok(DeviceOnly {
        device: device.into(),
    }))
}
