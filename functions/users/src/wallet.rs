//! The caller's wallet (read-only) and its ledger.

use super::svc;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use shared::api_error::{ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::http::{limit_param, query_params};
use shared::openapi::{Envelope, ErrorBody};
use shared::state::AppState;
use shared::views::{TransactionView, WalletView};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TransactionPage {
    pub items: Vec<TransactionView>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The caller's balance and points.
#[utoipa::path(get, path = "/v1/users/wallet", tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "the wallet", body = Envelope<WalletView>)))]
pub async fn wallet(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<Success<WalletView>> {
    Ok(ok(WalletView::new(&svc(&s).wallet(&ctx).await?)))
}

/// The caller's ledger, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/users/wallet/transactions", tag = "users",
    security(("bearer" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "entries per page (default 20)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, description = "a page of the ledger", body = Envelope<TransactionPage>),
        (status = 400, description = "`VALIDATION_ERROR`: `limit` or `cursor`", body = ErrorBody),
    ))]
pub async fn transactions(
    State(s): State<AppState>,
    ctx: AuthContext,
    RawQuery(q): RawQuery,
) -> ApiResult<Success<TransactionPage>> {
    let params = query_params(q.as_deref(), &["limit", "cursor"])?;
    let page = svc(&s)
        .transactions(
            &ctx,
            limit_param(&params)?,
            params.get("cursor").map(|c| c.as_str()),
        )
        .await?;
    Ok(ok(TransactionPage {
        items: page.items.into_iter().map(TransactionView::new).collect(),
        next_cursor: page.next_cursor,
    }))
}
