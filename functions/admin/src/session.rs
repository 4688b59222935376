//! Admin sign-in (phone, password and a verification token for that phone) and sign-out.

use super::svc;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use shared::admin_context::{AdminSignOut, cleared_cookie, same_origin, session_cookie};
use shared::api_error::{ApiResult, Success, ok};
use shared::domain::Error;
use shared::field_schemas::PhoneNumber;
use shared::http::{JsonBody, SourceIp};
use shared::openapi::{Empty, Envelope, ErrorBody};
use shared::services::auth::AdminCredentials;
use shared::state::AppState;
use shared::views::{UserOnly, UserView};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct AdminLogin {
    #[schema(value_type = PhoneNumber)]
    pub phone: String,
    /// `+91` or `IN`; without it the default region applies.
    pub country_code: Option<String>,
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
    /// From `POST /v1/auth/otp/verify` for this same phone (the second factor).
    #[schema(min_length = 1, max_length = 128)]
    pub verification_token: String,
}

type WithCookie<T> = ([(header::HeaderName, String); 1], Success<T>);

/// Signs an admin in with two factors and sets the `admin_session` cookie.
#[utoipa::path(post, path = "/v1/admin/login", tag = "admin", operation_id = "admin_login",
    request_body = AdminLogin,
    responses(
        (status = 200, description = "signed in; `Set-Cookie: admin_session=...; HttpOnly; Secure; SameSite=Strict; Path=/v1/admin; Max-Age=28800`", body = Envelope<UserOnly>,
            headers(("Set-Cookie" = String, description = "the admin session cookie"))),
        (status = 401, description = "`INVALID_CREDENTIALS`: wrong password, a missing, used, expired or foreign verification token, or not an active admin (one answer for all)", body = ErrorBody),
        (status = 403, description = "`PERMISSION_DENIED`: an `Origin` other than the API's own", body = ErrorBody),
        (status = 423, description = "`ACCOUNT_LOCKED`: too many failed sign-ins (any factor)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the lock ends"))),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP's password checks this hour are spent, or five checks for this phone are in flight", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until a sign-in may be tried again"))),
    ))]
pub async fn login(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    headers: HeaderMap,
    JsonBody(b): JsonBody<AdminLogin>,
) -> ApiResult<WithCookie<UserOnly>> {
    if !same_origin(&headers) {
        return Err(Error::PermissionDenied.into());
    }
    let auth = s.auth();
    let credentials = AdminCredentials {
        phone: b.phone,
        country_code: b.country_code,
        password: b.password,
        verification_token: b.verification_token,
    };
    let user = auth.verify_admin(credentials, &ip).await?;
    let admin = svc(&s);
    let cookie = admin.open_session(&user).await?;
    let view = UserView::new(&user, admin.role_of(&user));
    Ok((
        [(header::SET_COOKIE, session_cookie(&cookie))],
        ok(UserOnly { user: view }),
    ))
}

/// Ends the admin session at once and clears the cookie.
#[utoipa::path(post, path = "/v1/admin/logout", tag = "admin", operation_id = "admin_logout",
    security(("admin_session" = [])),
    responses((status = 200, description = "signed out; the cookie is cleared. No body and no `Content-Type` are needed.", body = Envelope<Empty>)))]
pub async fn logout(
    State(s): State<AppState>,
    AdminSignOut(caller): AdminSignOut,
) -> ApiResult<WithCookie<Empty>> {
    svc(&s).logout(&caller).await?;
    Ok(([(header::SET_COOKIE, cleared_cookie())], ok(Empty {})))
}
