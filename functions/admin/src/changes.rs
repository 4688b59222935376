//! KYC review, wallet adjustment and the audit trail.

use super::svc;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::admin_context::AdminContext;
use shared::domain::{AuditAction, AuditRecord, from_ms};
use shared::error::{ApiResult, Success, ok};
use shared::http::{JsonBody, PathParam, limit_param, query_params};
use shared::openapi::{Envelope, ErrorBody};
use shared::services::admin::{AdjustRequest, KycDecision};
use shared::state::AppState;
use shared::views::{KycView, WalletView};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    pub decision: KycDecision,
    /// Shown to the user with a rejection (1 to 500 characters, not blank).
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct KycOnly {
    pub kyc: KycView,
}

/// Verifies or rejects a `PENDING` KYC submission (audited).
#[utoipa::path(post, path = "/v1/admin/users/{user_id}/kyc/review", tag = "admin",
    security(("admin_session" = [])),
    params(("user_id" = String, Path, description = "the user's id; an id that is malformed or unknown is 404")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "the KYC after the review", body = Envelope<KycOnly>),
        (status = 404, description = "`NOT_FOUND`: no such user, or nothing submitted", body = ErrorBody),
        (status = 409, description = "`KYC_NOT_PENDING`: the KYC is not `PENDING`", body = ErrorBody),
    ))]
pub async fn review_kyc(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(user_id): PathParam,
    JsonBody(b): JsonBody<ReviewRequest>,
) -> ApiResult<Success<KycOnly>> {
    let k = svc(&s)
        .review_kyc(&caller, &user_id, b.decision, b.reason)
        .await?;
    Ok(ok(KycOnly {
        kyc: KycView::new(Some(k)),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AdjustBody {
    /// Minor units (paise); negative for a debit. `amount` and `points` are not both 0.
    #[schema(minimum = -1_000_000_000_000i64, maximum = 1_000_000_000_000i64)]
    pub amount: i64,
    #[schema(minimum = -1_000_000_000_000i64, maximum = 1_000_000_000_000i64)]
    pub points: Option<i64>,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    /// 8 to 64 of `A-Z a-z 0-9 - _`; a repeat with the same key and body applies once.
    #[schema(min_length = 8, max_length = 64, pattern = r"^[A-Za-z0-9_-]{8,64}$")]
    pub idempotency_key: String,
}

#[derive(Serialize, ToSchema)]
pub struct WalletOnly {
    pub wallet: WalletView,
}

/// Credits or debits the user's wallet once per `idempotency_key` (audited).
#[utoipa::path(post, path = "/v1/admin/users/{user_id}/wallet/adjust", tag = "admin",
    security(("admin_session" = [])),
    params(("user_id" = String, Path, description = "the user's id; an id that is malformed or unknown is 404")),
    request_body = AdjustBody,
    responses(
        (status = 200, description = "the wallet right after this adjustment (a replay returns the first result)", body = Envelope<WalletOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`: no such user", body = ErrorBody),
        (status = 409, description = "`INSUFFICIENT_FUNDS` (balance or points would go below 0), or `IDEMPOTENCY_KEY_REUSED` (same key, different body)", body = ErrorBody),
    ))]
pub async fn adjust_wallet(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(user_id): PathParam,
    JsonBody(b): JsonBody<AdjustBody>,
) -> ApiResult<Success<WalletOnly>> {
    let req = AdjustRequest {
        amount: b.amount,
        points: b.points.unwrap_or(0),
        reason: b.reason,
        idempotency_key: b.idempotency_key,
    };
    let w = svc(&s).adjust_wallet(&caller, &user_id, req).await?;
    Ok(ok(WalletOnly {
        wallet: WalletView::new(&w),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    #[schema(format = Uuid)]
    pub audit_id: String,
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(format = Uuid)]
    pub admin_id: String,
    pub action: AuditAction,
    #[schema(format = Uuid)]
    pub target_user_id: String,
    /// The changed values before (shape per action).
    pub before: Value,
    pub after: Value,
}

impl From<AuditRecord> for AuditView {
    fn from(a: AuditRecord) -> Self {
        AuditView {
            at: from_ms(a.at_ms),
            audit_id: a.audit_id,
            admin_id: a.admin_id,
            action: a.action,
            target_user_id: a.target_user_id,
            before: a.before,
            after: a.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditView>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The audit trail, newest first (of one user with `user_id`).
#[utoipa::path(get, path = "/v1/admin/audit", tag = "admin",
    security(("admin_session" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "records per page (default 20)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("user_id" = Option<String>, Query, format = Uuid, description = "only changes to this user"),
    ),
    responses(
        (status = 200, description = "a page of the trail", body = Envelope<AuditList>),
        (status = 400, description = "`VALIDATION_ERROR`: `limit`, `cursor` or `user_id`", body = ErrorBody),
    ))]
pub async fn audit(
    State(s): State<AppState>,
    AdminContext(_): AdminContext,
    RawQuery(q): RawQuery,
) -> ApiResult<Success<AuditList>> {
    let params = query_params(q.as_deref(), &["limit", "cursor", "user_id"])?;
    let page = svc(&s)
        .audit(
            params.get("user_id").map(String::as_str),
            limit_param(&params)?,
            params.get("cursor").map(String::as_str),
        )
        .await?;
    Ok(ok(AuditList {
        items: page.items.into_iter().map(AuditView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}
