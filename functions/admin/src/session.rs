//! Admin sign-in (phone, password and a verification token for that phone) and sign-out.

use super::svc;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use shared::admin_context::{AdminSignOut, cleared_cookie, same_origin, session_cookie};
use shared::api_error::ApiError;
use shared::api_error::{ApiResult, Success, ok};
use shared::domain::Error;
use shared::domain::User;
use shared::field_schemas::PhoneNumber;
use shared::http::{JsonBody, SourceIp};
use shared::openapi::{Empty, Envelope, ErrorBody};
use shared::openapi::{Form, any_of, form_schemas, reference, typed};
use shared::services::auth::AdminCredentials;
use shared::services::passkeys::Holder;
use shared::state::AppState;
use shared::views::AuthenticationResponseJson;
use shared::views::{UserOnly, UserView};
use utoipa::PartialSchema;
use utoipa::ToSchema;
use utoipa::openapi::schema::Type;
use utoipa::openapi::{RefOr, Schema};

/// Either form; with a `ceremony_id` the passkey form is used.
#[derive(Deserialize)]
pub struct AdminLogin {
    phone: Option<String>,
    country_code: Option<String>,
    password: Option<String>,
    verification_token: Option<String>,
    ceremony_id: Option<String>,
    credential: Option<serde_json::Value>,
}

/// The two forms of an admin sign-in, as the document shows them.
fn login_forms() -> [Form; 2] {
    let bounded = || {
        typed(Type::String, false)
            .min_length(Some(1))
            .max_length(Some(128))
    };
    let country_code = typed(Type::String, true).pattern(Some(r"^(\+[0-9]{1,3}|[A-Za-z]{2})?$"));
    [
        Form {
            name: "AdminPasswordLogin",
            description: "Two factors: the password and a verification token from a code sent to that phone (`POST /v1/auth/otp/verify`).",
            fields: vec![
                ("phone", reference::<PhoneNumber>(false), true),
                ("country_code", country_code.into(), false),
                ("password", bounded().into(), true),
                ("verification_token", bounded().into(), true),
            ],
        },
        Form {
            name: "AdminPasskeyLogin",
            description: "A passkey with user verification (both factors in one), from `POST /v1/admin/passkeys/login/options`.",
            fields: vec![
                ("ceremony_id", bounded().into(), true),
                (
                    "credential",
                    reference::<AuthenticationResponseJson>(false),
                    true,
                ),
            ],
        },
    ]
}

impl PartialSchema for AdminLogin {
    fn schema() -> RefOr<Schema> {
        any_of(
            "`{phone, country_code?, password, verification_token}` or `{ceremony_id, credential}`",
            &login_forms(),
        )
    }
}

impl ToSchema for AdminLogin {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        form_schemas(&login_forms(), schemas);
        schemas.push((PhoneNumber::name().into_owned(), PhoneNumber::schema()));
        let assertion = AuthenticationResponseJson::name().into_owned();
        schemas.push((assertion, AuthenticationResponseJson::schema()));
        AuthenticationResponseJson::schemas(schemas);
    }
}

/// The admin a login body proves (the passkey form spends its ceremony).
async fn verified_admin(s: &AppState, b: AdminLogin, ip: &str) -> ApiResult<User> {
    let required = |v: Option<String>, field: &str| {
        v.ok_or_else(|| ApiError::validation(field, format!("{field} is required")))
    };
    if let Some(ceremony_id) = b.ceremony_id {
        let credential = b
            .credential
            .ok_or_else(|| ApiError::validation("credential", "credential is required"))?;
        let passkeys = s.passkeys();
        let proof = passkeys.finish_sign_in(Holder::Admin, &ceremony_id, &credential, ip);
        return Ok(proof.await?);
    }
    let credentials = AdminCredentials {
        phone: required(b.phone, "phone")?,
        country_code: b.country_code,
        password: required(b.password, "password")?,
        verification_token: required(b.verification_token, "verification_token")?,
    };
    Ok(s.auth().verify_admin(credentials, ip).await?)
}

type WithCookie<T> = ([(header::HeaderName, String); 1], Success<T>);

/// Signs an admin in with two factors (or a passkey with user verification) and sets the
/// `admin_session` cookie.
#[utoipa::path(post, path = "/v1/admin/login", tag = "admin", operation_id = "admin_login",
    request_body = AdminLogin,
    responses(
        (status = 200, description = "signed in; `Set-Cookie: admin_session=...; HttpOnly; Secure; SameSite=Strict; Path=/v1/admin; Max-Age=28800`", body = Envelope<UserOnly>,
            headers(("Set-Cookie" = String, description = "the admin session cookie"))),
        (status = 401, description = "`INVALID_CREDENTIALS`: wrong password, a missing, used, expired or foreign verification token, a passkey that failed a check, or not an active admin (one answer for all)", body = ErrorBody),
        (status = 404, description = "`CEREMONY_NOT_FOUND` (passkey form): unknown, used, expired or another kind's ceremony", body = ErrorBody),
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
    let user = verified_admin(&s, b, &ip).await?;
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
