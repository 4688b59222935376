//! The audit trail.

use super::svc;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use serde_json::Value;
use shared::admin_context::AdminContext;
use shared::api_error::{ApiError, ApiResult, Success, ok};
use shared::domain::{AuditAction, AuditRecord, from_ms};
use shared::http::{limit_param, query_params};
use shared::openapi::{Envelope, ErrorBody};
use shared::services::admin::AuditFilter;
use shared::state::AppState;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    #[schema(format = Uuid)]
    pub audit_id: String,
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(format = Uuid)]
    pub admin_id: String,
    /// The admin's name now; null when the account is gone.
    pub admin_name: Option<String>,
    pub action: AuditAction,
    #[schema(format = Uuid)]
    pub target_user_id: String,
    /// The user's name now; null when the account is gone.
    pub target_name: Option<String>,
    /// The changed values before (shape per action).
    pub before: Value,
    pub after: Value,
}

impl AuditView {
    fn new(a: AuditRecord, names: &BTreeMap<String, String>) -> Self {
        AuditView {
            at: from_ms(a.at_ms),
            admin_name: names.get(a.admin_id.as_str()).cloned(),
            target_name: names.get(a.target_user_id.as_str()).cloned(),
            audit_id: a.audit_id,
            admin_id: a.admin_id.into_string(),
            action: a.action,
            target_user_id: a.target_user_id.into_string(),
            before: a.before,
            after: a.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditView>,
    /// Pass as `cursor` for the next (older) page; null on the last page. With `action`, a
    /// page may hold fewer than `limit` records and still have a next one.
    pub next_cursor: Option<String>,
}

/// The audit trail, newest first: of one user, one action, and UTC days `from`..=`to`.
#[utoipa::path(get, path = "/v1/admin/audit", tag = "admin",
    security(("admin_session" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "records per page (default 20)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("user_id" = Option<String>, Query, format = Uuid, description = "only changes to this user"),
        ("action" = Option<AuditAction>, Query, description = "only this kind of change"),
        ("from" = Option<String>, Query, format = Date, description = "first UTC day (inclusive)"),
        ("to" = Option<String>, Query, format = Date, description = "last UTC day (inclusive)"),
    ),
    responses(
        (status = 200, description = "a page of the trail", body = Envelope<AuditList>),
        (status = 400, description = "`VALIDATION_ERROR`: `limit`, `cursor`, `user_id`, `action`, `from` or `to`", body = ErrorBody),
    ))]
pub async fn audit(
    State(s): State<AppState>,
    AdminContext(_): AdminContext,
    RawQuery(q): RawQuery,
) -> ApiResult<Success<AuditList>> {
    let names = ["limit", "cursor", "user_id", "action", "from", "to"];
    let params = query_params(q.as_deref(), &names)?;
    let action = params
        .get("action")
        .map(|v| {
            v.parse::<AuditAction>()
                .map_err(|_| ApiError::validation("action", "action is not a kind of change"))
        })
        .transpose()?;
    let filter = AuditFilter {
        user_id: params.get("user_id").cloned(),
        action,
        from: params.get("from").cloned(),
        to: params.get("to").cloned(),
    };
    let page = svc(&s)
        .audit(
            &filter,
            limit_param(&params)?,
            params.get("cursor").map(String::as_str),
        )
        .await?;
    Ok(ok(AuditList {
        items: page
            .items
            .into_iter()
            .map(|a| AuditView::new(a, &page.names))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
