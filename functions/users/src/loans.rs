//! The caller's loans: the list, one loan with its repayments, and a repayment from the wallet.

use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::api_error::{ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::domain::LoanId;
use shared::field_schemas::IdempotencyKey;
use shared::http::{JsonBody, PathParam, Replayed, idempotent_replayed};
use shared::openapi::{Envelope, ErrorBody};
use shared::services::users::RepayRequest;
use shared::state::AppState;
use shared::views::{LoanView, RepaymentView, WalletView};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct LoanList {
    /// Newest first.
    pub items: Vec<LoanView>,
}

#[derive(Serialize, ToSchema)]
pub struct LoanDetail {
    pub loan: LoanView,
    /// Oldest first.
    pub repayments: Vec<RepaymentView>,
}

#[derive(Deserialize, ToSchema)]
pub struct RepayBody {
    /// Minor units (paise), 1 to what is outstanding and what the wallet holds.
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(value_type = IdempotencyKey)]
    pub idempotency_key: String,
}

#[derive(Serialize, ToSchema)]
pub struct Repaid {
    pub loan: LoanView,
    pub wallet: WalletView,
}

/// The caller's loans, newest first.
#[utoipa::path(get, path = "/v1/users/loans", tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "the caller's loans", body = Envelope<LoanList>)))]
pub async fn list(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<Success<LoanList>> {
    let items = svc(&s).loans(&ctx).await?;
    Ok(ok(LoanList {
        items: items.into_iter().map(LoanView::new).collect(),
    }))
}

/// One of the caller's loans with its repayments.
#[utoipa::path(get, path = "/v1/users/loans/{loan_id}", tag = "users",
    security(("bearer" = [])),
    params(("loan_id" = String, Path, description = "the loan's id; one that is malformed, unknown or not the caller's is 404")),
    responses(
        (status = 200, description = "the loan and its repayments", body = Envelope<LoanDetail>),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
    ))]
pub async fn detail(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(loan_id): PathParam<LoanId>,
) -> ApiResult<Success<LoanDetail>> {
    let (loan, repayments) = svc(&s).loan(&ctx, &loan_id).await?;
    Ok(ok(LoanDetail {
        loan: LoanView::new(loan),
        repayments: repayments.into_iter().map(RepaymentView::new).collect(),
    }))
}

/// Repays part or all of a loan from the caller's wallet, once per `idempotency_key`: the
/// wallet debit (a ledger entry naming the loan), the loan and the repayment move together.
#[utoipa::path(post, path = "/v1/users/loans/{loan_id}/repay", tag = "users",
    security(("bearer" = [])),
    params(("loan_id" = String, Path, description = "the loan's id; one that is malformed, unknown or not the caller's is 404")),
    request_body = RepayBody,
    responses(
        (status = 200, description = "the loan and the wallet right after this repayment (a replay returns the first result and says so)", body = Envelope<Repaid>,
            headers(("Idempotent-Replayed" = String, description = "`true` when this key and body were applied before: nothing changed now"))),
        (status = 400, description = "`VALIDATION_ERROR` naming the field", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`INSUFFICIENT_FUNDS` (the wallet holds less), `OVERPAYMENT` (over `outstanding`, or the loan is closed), or `IDEMPOTENCY_KEY_REUSED` (same key, different body)", body = ErrorBody),
    ))]
pub async fn repay(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(loan_id): PathParam<LoanId>,
    JsonBody(b): JsonBody<RepayBody>,
) -> ApiResult<(Replayed, Success<Repaid>)> {
    let req = RepayRequest {
        amount: b.amount,
        idempotency_key: b.idempotency_key,
    };
    let done = svc(&s).repay(&ctx, &loan_id, req).await?;
    let wallet = done.repaid.wallet.unwrap_or_default();
    Ok((
        idempotent_replayed(done.replayed),
        ok(Repaid {
            loan: LoanView::new(done.repaid.loan),
            wallet: WalletView::new(&wallet),
        }),
    ))
}
