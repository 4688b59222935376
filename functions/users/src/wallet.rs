//! The caller's wallet (read-only) and its ledger.

use super::svc;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use shared::auth_context::AuthContext;
use shared::error::{ApiError, ApiResult, Success, ok};
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

/// `limit` and `cursor` from the raw query string; a repeated or malformed one is a 400.
fn page_params(query: Option<&str>) -> ApiResult<(Option<i64>, Option<String>)> {
    let (mut limit, mut cursor) = (None, None);
    for (k, v) in query
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
    {
        match k {
            "limit" if limit.is_none() => {
                let n = v
                    .parse()
                    .map_err(|_| ApiError::validation("limit", "limit must be 1 to 100"))?;
                limit = Some(n);
            }
            "cursor" if cursor.is_none() => cursor = Some(v.to_string()),
            "limit" | "cursor" => {
                return Err(ApiError::validation(
                    k,
                    format!("{k} is given more than once"),
                ));
            }
            _ => {}
        }
    }
    Ok((limit, cursor))
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
    let (limit, cursor) = page_params(q.as_deref())?;
    let page = svc(&s).transactions(&ctx, limit, cursor.as_deref()).await?;
    Ok(ok(TransactionPage {
        items: page.items.into_iter().map(TransactionView::new).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[cfg(test)]
mod tests {
    use super::page_params;

    #[test]
    fn params_from_query() {
        assert_eq!(page_params(None).unwrap(), (None, None));
        assert_eq!(
            page_params(Some("limit=5&cursor=abc")).unwrap(),
            (Some(5), Some("abc".into()))
        );
        assert!(page_params(Some("limit=x")).is_err());
        assert!(page_params(Some("limit=1&limit=2")).is_err());
    }
}
