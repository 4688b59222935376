//! Loans an admin disburses and repayments an admin records, and the roles.

use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::admin_context::AdminContext;
use shared::api_error::{ApiResult, Success, created, ok};
use shared::domain::{InstallmentPeriod, LoanId, LoanTerms, Role, UserId};
use shared::field_schemas::{IdempotencyKey, Text100, Text500};
use shared::http::{JsonBody, PathPair, PathParam, Replayed, idempotent_replayed};
use shared::openapi::{Envelope, ErrorBody};
use shared::services::admin::{DisburseRequest, ROLES, RecordRepayment};
use shared::state::AppState;
use shared::views::LoanView;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct DisburseBody {
    /// Minor units (paise), 1 to 10^12.
    #[schema(minimum = 1, maximum = 1_000_000_000_000i64)]
    pub amount_disbursed: i64,
    /// At least `amount_disbursed`, at most 10^13.
    #[schema(minimum = 1, maximum = 10_000_000_000_000i64)]
    pub payback_amount: i64,
    /// 1 to `payback_amount`.
    #[schema(minimum = 1, maximum = 10_000_000_000_000i64)]
    pub installment_amount: i64,
    pub installment_period: InstallmentPeriod,
    #[schema(value_type = Text100)]
    pub purpose: String,
    #[schema(value_type = Text100)]
    pub loan_type: String,
    #[schema(value_type = IdempotencyKey)]
    pub idempotency_key: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RecordBody {
    /// Minor units (paise), 1 to what is outstanding.
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(value_type = Option<Text500>)]
    pub note: Option<String>,
    #[schema(value_type = IdempotencyKey)]
    pub idempotency_key: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoanOnly {
    pub loan: LoanView,
}

#[derive(Serialize, ToSchema)]
pub struct RoleView {
    pub role: Role,
    pub description: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoleList {
    pub items: Vec<RoleView>,
}

/// Disburses a loan to a user whose KYC is `VERIFIED`, once per `idempotency_key` (audited).
#[utoipa::path(post, path = "/v1/admin/users/{user_id}/loans", tag = "admin",
    security(("admin_session" = [])),
    params(("user_id" = String, Path, description = "the user's id; an id that is malformed or unknown is 404")),
    request_body = DisburseBody,
    responses(
        (status = 201, description = "the loan (a replay returns the first one and says so)", body = Envelope<LoanOnly>,
            headers(("Idempotent-Replayed" = String, description = "`true` when this key and body were applied before: nothing changed now"))),
        (status = 400, description = "`VALIDATION_ERROR` naming the field", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`: no such user", body = ErrorBody),
        (status = 409, description = "`KYC_NOT_VERIFIED`, or `IDEMPOTENCY_KEY_REUSED` (same key, different body)", body = ErrorBody),
    ))]
pub async fn disburse(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(user_id): PathParam<UserId>,
    JsonBody(b): JsonBody<DisburseBody>,
) -> ApiResult<(Replayed, Success<LoanOnly>)> {
    let req = DisburseRequest {
        terms: LoanTerms {
            amount_disbursed: b.amount_disbursed,
            payback_amount: b.payback_amount,
            installment_amount: b.installment_amount,
            installment_period: b.installment_period,
            purpose: b.purpose,
            loan_type: b.loan_type,
        },
        idempotency_key: b.idempotency_key,
    };
    let (loan, replayed) = svc(&s).disburse(&caller, &user_id, req).await?;
    let body = created(LoanOnly {
        loan: LoanView::new(loan),
    });
    Ok((idempotent_replayed(replayed), body))
}

/// Records a repayment received outside the app, once per `idempotency_key` (audited).
#[utoipa::path(post, path = "/v1/admin/users/{user_id}/loans/{loan_id}/repayments", tag = "admin",
    security(("admin_session" = [])),
    params(
        ("user_id" = String, Path, description = "the user's id"),
        ("loan_id" = String, Path, description = "the loan's id; one that is malformed, unknown or not this user's is 404"),
    ),
    request_body = RecordBody,
    responses(
        (status = 200, description = "the loan after this repayment (a replay returns the first result and says so)", body = Envelope<LoanOnly>,
            headers(("Idempotent-Replayed" = String, description = "`true` when this key and body were applied before: nothing changed now"))),
        (status = 400, description = "`VALIDATION_ERROR` naming the field", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`: no such loan of this user", body = ErrorBody),
        (status = 409, description = "`OVERPAYMENT` (over `outstanding`, or the loan is closed), or `IDEMPOTENCY_KEY_REUSED`", body = ErrorBody),
    ))]
pub async fn record_repayment(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathPair(user_id, loan_id): PathPair<UserId, LoanId>,
    JsonBody(b): JsonBody<RecordBody>,
) -> ApiResult<(Replayed, Success<LoanOnly>)> {
    let req = RecordRepayment {
        amount: b.amount,
        note: b.note,
        idempotency_key: b.idempotency_key,
    };
    let (loan, replayed) = svc(&s)
        .record_repayment(&caller, &user_id, &loan_id, req)
        .await?;
    let body = ok(LoanOnly {
        loan: LoanView::new(loan),
    });
    Ok((idempotent_replayed(replayed), body))
}

/// The roles an account may have, each with what it may do.
#[utoipa::path(get, path = "/v1/admin/roles", tag = "admin",
    security(("admin_session" = [])),
    responses((status = 200, description = "the roles", body = Envelope<RoleList>)))]
pub async fn roles(_caller: AdminContext) -> ApiResult<Success<RoleList>> {
    let items = ROLES
        .iter()
        .map(|(role, description)| RoleView {
            role: *role,
            description: description.to_string(),
        })
        .collect();
    Ok(ok(RoleList { items }))
}
