//! Moving the account to another phone number.

use super::svc;
use axum::extract::State;
use serde::Deserialize;
use shared::api_error::{ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::http::JsonBody;
use shared::openapi::{Envelope, ErrorBody};
use shared::state::AppState;
use shared::views::{UserOnly, UserView};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct PhoneChangeBody {
    /// From `POST /v1/auth/otp/verify` for the **new** number; single use.
    #[schema(min_length = 1)]
    pub verification_token: String,
}

/// Moves the caller's account to the verified new number in one atomic step: the new number
/// must be free, the old one is released, every other session is revoked, and the old number
/// gets an SMS saying the number was changed. The old number keeps working until then; a
/// refused change changes nothing (the token stays usable).
#[utoipa::path(post, path = "/v1/auth/phone/change", tag = "auth",
    security(("bearer" = [])),
    request_body = PhoneChangeBody,
    responses(
        (status = 200, description = "the account, on its new number", body = Envelope<UserOnly>),
        (status = 401, description = "`UNAUTHORIZED`: no valid session, or the verification token is invalid, used or expired", body = ErrorBody),
        (status = 409, description = "`ACCOUNT_EXISTS`: the new number has an account (the caller's own included)", body = ErrorBody),
    ))]
pub async fn change_phone(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<PhoneChangeBody>,
) -> ApiResult<Success<UserOnly>> {
    let user = svc(&s).change_phone(&ctx, &b.verification_token).await?;
    let role = s.config.role_of(&user);
    Ok(ok(UserOnly {
        user: UserView::new(&user, role),
    }))
}
