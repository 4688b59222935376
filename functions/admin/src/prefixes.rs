//! The SMS pumping defence in the admin API: the number prefixes that sent in the current
//! conversion window, and an admin's mode for a prefix (audited).

use super::svc;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use shared::admin_context::AdminContext;
use shared::api_error::{ApiError, ApiResult, Success, ok};
use shared::domain::{PrefixMode, PrefixState, from_ms};
use shared::field_schemas::Text500;
use shared::http::{JsonBody, PathParam, decode_param, limit_param, query_params};
use shared::openapi::{Envelope, ErrorBody};
use shared::services::admin::PrefixHealth;
use shared::state::AppState;
use utoipa::ToSchema;

/// `prefix_health`: a number prefix's sends and verified codes in the current conversion
/// window, its mode and whether codes are sent to it now.
#[derive(Serialize, ToSchema)]
pub struct PrefixHealthView {
    /// `+`, the calling code and `OTP_PREFIX_DIGITS` digits.
    #[schema(example = "+9198164")]
    pub prefix: String,
    /// ISO region, `ZZ` when none.
    pub country: String,
    #[schema(format = DateTime)]
    pub window_start: String,
    pub sent: u32,
    pub verified: u32,
    /// `verified / sent` (0 when nothing was sent).
    pub conversion: f64,
    pub mode: PrefixMode,
    pub state: PrefixState,
    #[schema(format = DateTime)]
    pub paused_until: Option<String>,
    /// The admin's reason for the mode, or why the prefix paused.
    pub reason: Option<String>,
}

impl From<PrefixHealth> for PrefixHealthView {
    fn from(h: PrefixHealth) -> Self {
        PrefixHealthView {
            conversion: h.conversion.rate(),
            sent: h.conversion.sent,
            verified: h.conversion.verified,
            prefix: h.prefix,
            country: h.country,
            window_start: from_ms(h.window_start_ms),
            mode: h.mode,
            state: h.state,
            paused_until: h.paused_until_ms.map(from_ms),
            reason: h.reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PrefixList {
    /// In prefix order.
    pub items: Vec<PrefixHealthView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PrefixOnly {
    pub prefix_health: PrefixHealthView,
}

/// The prefixes that sent codes in the current conversion window, with their conversion.
#[utoipa::path(get, path = "/v1/admin/sms/prefixes", tag = "admin",
    operation_id = "admin_sms_prefixes",
    security(("admin_session" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "prefixes per page (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("state" = Option<PrefixState>, Query, description = "only prefixes in this state"),
    ),
    responses(
        (status = 200, description = "a page of prefixes", body = Envelope<PrefixList>),
        (status = 400, description = "`VALIDATION_ERROR`: a malformed `limit`, `cursor` or `state`", body = ErrorBody),
    ))]
pub async fn list(
    State(s): State<AppState>,
    AdminContext(_): AdminContext,
    RawQuery(q): RawQuery,
) -> ApiResult<Success<PrefixList>> {
    let params = query_params(q.as_deref(), &["limit", "cursor", "state"])?;
    let limit = limit_param(&params)?.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::validation("limit", "limit must be 1 to 100"));
    }
    let state = match params.get("state") {
        None => None,
        Some(v) => Some(
            v.parse::<PrefixState>()
                .map_err(|()| ApiError::validation("state", "state must be OPEN or PAUSED"))?,
        ),
    };
    let cursor = match params.get("cursor") {
        None => None,
        Some(c) => Some(
            decode_param(c).ok_or_else(|| ApiError::validation("cursor", "cursor is malformed"))?,
        ),
    };
    let page = svc(&s)
        .sms_prefixes(state, cursor.as_deref(), limit as usize)
        .await?;
    Ok(ok(PrefixList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct PrefixModeBody {
    pub mode: PrefixMode,
    #[schema(value_type = Text500)]
    pub reason: String,
}

/// Sets a prefix's mode: `BLOCKED` always pauses it, `ALLOWED` never pauses it on conversion
/// (the hourly prefix cap still applies), `AUTO` lets the conversion rule decide and lifts a
/// pause. Recorded in the audit trail (`sms.prefix_mode`).
#[utoipa::path(put, path = "/v1/admin/sms/prefixes/{prefix}", tag = "admin",
    operation_id = "admin_sms_prefix_mode",
    security(("admin_session" = [])),
    params(("prefix" = String, Path, description = "`+`, a calling code and digits (URL-encoded: `%2B9198164`)")),
    request_body = PrefixModeBody,
    responses(
        (status = 200, description = "the prefix now", body = Envelope<PrefixOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming `prefix`, `mode` or `reason`", body = ErrorBody),
    ))]
pub async fn set_mode(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(prefix): PathParam,
    JsonBody(b): JsonBody<PrefixModeBody>,
) -> ApiResult<Success<PrefixOnly>> {
    let health = svc(&s)
        .set_prefix_mode(&caller, &prefix, b.mode, &b.reason)
        .await?;
    Ok(ok(PrefixOnly {
        prefix_health: health.into(),
    }))
}
