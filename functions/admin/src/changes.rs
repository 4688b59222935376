//! KYC review and wallet adjustment.

use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::admin_context::AdminContext;
use shared::api_error::{ApiResult, Success, ok};
use shared::domain::UserId;
use shared::field_schemas::{IdempotencyKey, Text500};
use shared::http::{JsonBody, PathParam, Replayed, idempotent_replayed};
use shared::openapi::{Envelope, ErrorBody};
use shared::services::admin::{AdjustRequest, KycDecision};
use shared::state::AppState;
use shared::views::{KycView, WalletView};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    pub decision: KycDecision,
    /// Shown to the user with a rejection (1 to 500 characters, not blank).
    #[schema(value_type = Option<Text500>)]
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
    PathParam(user_id): PathParam<UserId>,
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
    #[schema(value_type = IdempotencyKey)]
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
        (status = 200, description = "the wallet right after this adjustment (a replay returns the first result and says so)", body = Envelope<WalletOnly>,
            headers(("Idempotent-Replayed" = String, description = "`true` when this key and body were applied before: nothing changed now"))),
        (status = 400, description = "`VALIDATION_ERROR` naming the field", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`: no such user", body = ErrorBody),
        (status = 409, description = "`INSUFFICIENT_FUNDS` (balance or points would go below 0), or `IDEMPOTENCY_KEY_REUSED` (same key, different body)", body = ErrorBody),
    ))]
pub async fn adjust_wallet(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(user_id): PathParam<UserId>,
    JsonBody(b): JsonBody<AdjustBody>,
) -> ApiResult<(Replayed, Success<WalletOnly>)> {
    let req = AdjustRequest {
        amount: b.amount,
        points: b.points.unwrap_or(0),
        reason: b.reason,
        idempotency_key: b.idempotency_key,
    };
    let done = svc(&s).adjust_wallet(&caller, &user_id, req).await?;
    Ok((
        idempotent_replayed(done.replayed),
        ok(WalletOnly {
            wallet: WalletView::new(&done.wallet),
        }),
    ))
}
