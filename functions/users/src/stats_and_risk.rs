//! Usage statistics and the risk score questionnaire.

use super::svc;
use axum::extract::State;
use serde::Serialize;
use shared::api_error::{ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::domain::{RiskAnswers, from_ms};
use shared::http::JsonBody;
use shared::openapi::{Envelope, ErrorBody};
use shared::state::AppState;
use shared::views::RiskView;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UsageStatsView {
    #[schema(format = DateTime)]
    pub member_since: String,
    /// Sign-ins (password or code) since the account was opened.
    pub login_count: u64,
    #[schema(format = DateTime)]
    pub last_login_at: Option<String>,
    /// Sessions that are live now.
    pub active_sessions: u64,
    /// Devices registered.
    pub devices: u64,
    pub pools_owned: u64,
    pub pools_joined: u64,
    /// Loans still being repaid.
    pub loans_active: u64,
    /// What is left to repay on them, in minor units (paise).
    pub loans_outstanding: i64,
    /// Loans repaid in full.
    pub loans_closed: u64,
}

/// The caller's usage, from its counters and records.
#[utoipa::path(get, path = "/v1/users/analytics/usage-stats", tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "usage statistics", body = Envelope<UsageStatsView>)))]
pub async fn usage_stats(
    State(s): State<AppState>,
    ctx: AuthContext,
) -> ApiResult<Success<UsageStatsView>> {
    let u = svc(&s).usage_stats(&ctx).await?;
    Ok(ok(UsageStatsView {
        member_since: from_ms(u.member_since_ms),
        login_count: u.login_count,
        last_login_at: u.last_login_at_ms.map(from_ms),
        active_sessions: u.active_sessions,
        devices: u.devices,
        pools_owned: u.pools_owned,
        pools_joined: u.pools_joined,
        loans_active: u.loans_active,
        loans_outstanding: u.loans_outstanding,
        loans_closed: u.loans_closed,
    }))
}

/// Scores the questionnaire by the contract's points table and keeps it as the caller's
/// latest (its band shows as `risk_band` on the user).
#[utoipa::path(post, path = "/v1/users/risk-score", tag = "users",
    security(("bearer" = [])),
    request_body = RiskAnswers,
    responses(
        (status = 200, description = "the score", body = Envelope<RiskView>),
        (status = 400, description = "`VALIDATION_ERROR` naming the answer that is not an option", body = ErrorBody),
    ))]
pub async fn risk_score(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<RiskAnswers>,
) -> ApiResult<Success<RiskView>> {
    let a = svc(&s).assess_risk(&ctx, b).await?;
    Ok(ok(RiskView::from(a)))
}
