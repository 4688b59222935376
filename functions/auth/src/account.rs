//! Opening an account, password reset and change, and deleting the account.

use super::login::UserAndTokens;
use super::svc;
use axum::extract::State;
use serde::Deserialize;
use shared::api_error::{ApiError, ApiResult, Success, created, ok};
use shared::auth_context::AuthContext;
use shared::field_schemas::Text100;
use shared::http::JsonBody;
use shared::openapi::{Empty, Envelope, ErrorBody, Form, any_of, form_schemas, string};
use shared::services::auth::{DeletionProof, NewAccount};
use shared::state::AppState;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    /// From `POST /v1/auth/otp/verify`; single use.
    #[schema(min_length = 1)]
    pub verification_token: String,
    #[schema(value_type = Text100)]
    pub name: String,
    /// Optional: an account without one signs in by code only.
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    #[schema(value_type = Option<Text100>)]
    pub state: Option<String>,
    #[schema(value_type = Option<Text100>)]
    pub city: Option<String>,
    /// A past date.
    #[schema(format = Date)]
    pub dob: Option<String>,
    /// Stored as a keyed hash, never returned.
    #[schema(pattern = "^[0-9]{4}$")]
    pub security_number: Option<String>,
}

/// Opens an account for the verified phone and signs it in.
#[utoipa::path(post, path = "/v1/auth/register", tag = "auth",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "registered and signed in", body = Envelope<UserAndTokens>),
        (status = 401, description = "`UNAUTHORIZED`: the verification token is invalid, used or expired", body = ErrorBody),
        (status = 409, description = "`ACCOUNT_EXISTS`", body = ErrorBody),
    ))]
pub async fn register(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<RegisterBody>,
) -> ApiResult<Success<UserAndTokens>> {
    let account = NewAccount {
        verification_token: b.verification_token,
        name: b.name,
        password: b.password,
        email: b.email,
        state: b.state,
        city: b.city,
        dob: b.dob,
        security_number: b.security_number,
    };
    Ok(created(svc(&s).register(account).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    #[schema(min_length = 1)]
    pub verification_token: String,
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// Sets a new password for the verified phone's account; every session is revoked.
#[utoipa::path(post, path = "/v1/auth/password/reset", tag = "auth",
    request_body = ResetBody,
    responses(
        (status = 200, description = "password set", body = Envelope<Empty>),
        (status = 401, description = "`UNAUTHORIZED`: the verification token is invalid, used or expired", body = ErrorBody),
        (status = 404, description = "`ACCOUNT_NOT_FOUND`", body = ErrorBody),
    ))]
pub async fn reset_password(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<ResetBody>,
) -> ApiResult<Success<Empty>> {
    svc(&s)
        .reset_password(&b.verification_token, b.new_password)
        .await?;
    Ok(ok(Empty {}))
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeBody {
    pub current_password: String,
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// Replaces the caller's password; every other session is revoked.
#[utoipa::path(post, path = "/v1/auth/password/change", tag = "auth",
    security(("bearer" = [])),
    request_body = ChangeBody,
    responses(
        (status = 200, description = "password changed", body = Envelope<Empty>),
        (status = 401, description = "`INVALID_CREDENTIALS`: the current password is wrong (or `UNAUTHORIZED`)", body = ErrorBody),
        (status = 423, description = "`ACCOUNT_LOCKED`: the account's failure budget (shared with sign-in) is spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the lock ends"))),
    ))]
pub async fn change_password(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<ChangeBody>,
) -> ApiResult<Success<Empty>> {
    svc(&s)
        .change_password(&ctx, b.current_password, b.new_password)
        .await?;
    Ok(ok(Empty {}))
}

/// `{password}` or `{verification_token}` (for the caller's own phone); with both, the
/// password is checked.
#[derive(Deserialize)]
pub struct DeleteBody {
    pub password: Option<String>,
    pub verification_token: Option<String>,
}

/// The two forms of a deletion, as the document shows them.
fn deletion_forms() -> [Form; 2] {
    [
        Form {
            name: "PasswordProof",
            description: "Deletion proven by the account's password.",
            fields: vec![
                ("password", string(false), true),
                ("verification_token", string(true), false),
            ],
        },
        Form {
            name: "TokenProof",
            description: "Deletion proven by a fresh code sent to the account's phone.",
            fields: vec![
                ("password", string(true), false),
                ("verification_token", string(false), true),
            ],
        },
    ]
}

impl PartialSchema for DeleteBody {
    fn schema() -> RefOr<Schema> {
        any_of("`{password}` or `{verification_token}`", &deletion_forms())
    }
}

impl ToSchema for DeleteBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        form_schemas(&deletion_forms(), schemas);
    }
}

/// Deletes the caller's account: pool seats given back, personal data, sessions and devices
/// removed; the phone can register again.
#[utoipa::path(delete, path = "/v1/auth/account", tag = "auth",
    security(("bearer" = [])),
    request_body = DeleteBody,
    responses(
        (status = 200, description = "deleted", body = Envelope<Empty>),
        (status = 400, description = "`VALIDATION_ERROR`: neither field given (field `password`), or a field of the wrong type", body = ErrorBody),
        (status = 401, description = "`INVALID_CREDENTIALS` (wrong password) or `UNAUTHORIZED` (bad token)", body = ErrorBody),
        (status = 423, description = "`ACCOUNT_LOCKED`: the account's failure budget (shared with sign-in) is spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the lock ends"))),
    ))]
pub async fn delete_account(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<DeleteBody>,
) -> ApiResult<Success<Empty>> {
    let proof = match (b.password, b.verification_token) {
        (Some(pw), _) => DeletionProof::Password(pw),
        (None, Some(token)) => DeletionProof::VerificationToken(token),
        (None, None) => {
            return Err(ApiError::validation(
                "password",
                "password or verification_token is required",
            ));
        }
    };
    svc(&s).delete_account(&ctx, proof).await?;
    Ok(ok(Empty {}))
}
