//! The signed-in admin's own passkeys (registered from the console; a passkey with user
//! verification then signs the admin in alone) and the start of a passkey sign-in. A removal
//! is an admin write: audited in the same write.

use axum::extract::State;
use shared::admin_context::AdminContext;
use shared::api_error::{ApiResult, Success, created, ok};
use shared::domain::PasskeyId;
use shared::http::{JsonBody, PathParam, SourceIp};
use shared::openapi::{Empty, Envelope, ErrorBody};
use shared::services::passkeys::Holder;
use shared::state::AppState;
use shared::views::{CeremonyStarted, PasskeyList, PasskeyOnly, PasskeyRegistration, PasskeyView};

/// Starts registering a passkey to the signed-in admin's account.
#[utoipa::path(post, path = "/v1/admin/passkeys/register/options", tag = "admin",
    operation_id = "admin_passkey_register_options",
    security(("admin_session" = [])),
    request_body(content = Empty, description = "`{}`: like every admin write, a JSON body"),
    responses(
        (status = 200, description = "as `POST /v1/auth/passkeys/register/options`, for the admin's own account", body = Envelope<CeremonyStarted>),
        (status = 409, description = "`PASSKEY_LIMIT`", body = ErrorBody),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP's ceremonies this hour are spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the hour ends"))),
    ))]
pub async fn register_options(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    AdminContext(caller): AdminContext,
    JsonBody(_): JsonBody<Empty>,
) -> ApiResult<Success<CeremonyStarted>> {
    let passkeys = s.passkeys();
    let started = passkeys.start_registration(Holder::Admin, &caller.user, &ip);
    Ok(ok(started.await?.into()))
}

/// Finishes registering a passkey to the signed-in admin's account.
#[utoipa::path(post, path = "/v1/admin/passkeys", tag = "admin",
    operation_id = "admin_passkey_register",
    security(("admin_session" = [])),
    request_body = PasskeyRegistration,
    responses(
        (status = 201, description = "registered", body = Envelope<PasskeyOnly>),
        (status = 400, description = "`PASSKEY_INVALID` or `VALIDATION_ERROR` naming `name`", body = ErrorBody),
        (status = 404, description = "`CEREMONY_NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`PASSKEY_EXISTS` or `PASSKEY_LIMIT`", body = ErrorBody),
    ))]
pub async fn register(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    JsonBody(b): JsonBody<PasskeyRegistration>,
) -> ApiResult<Success<PasskeyOnly>> {
    let passkeys = s.passkeys();
    let done = passkeys.finish_registration(
        Holder::Admin,
        &caller.user,
        &b.ceremony_id,
        &b.credential,
        b.name.as_deref(),
    );
    Ok(created(PasskeyOnly {
        passkey: PasskeyView::new(done.await?),
    }))
}

/// The signed-in admin's passkeys, oldest first.
#[utoipa::path(get, path = "/v1/admin/passkeys", tag = "admin",
    operation_id = "admin_passkey_list",
    security(("admin_session" = [])),
    responses((status = 200, description = "the admin's passkeys", body = Envelope<PasskeyList>)))]
pub async fn list(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
) -> ApiResult<Success<PasskeyList>> {
    let items = s.passkeys().list(&caller.user.user_id).await?;
    Ok(ok(PasskeyList::new(items)))
}

/// Removes one of the signed-in admin's passkeys, recorded in the audit trail.
#[utoipa::path(delete, path = "/v1/admin/passkeys/{passkey_id}", tag = "admin",
    operation_id = "admin_passkey_remove",
    security(("admin_session" = [])),
    request_body(content = Empty, description = "`{}`: like every admin write, a JSON body"),
    params(("passkey_id" = String, Path, description = "from `GET /v1/admin/passkeys`; one that is malformed, unknown or another account's is 404")),
    responses(
        (status = 200, description = "removed; an audit record `passkey.remove` names it", body = Envelope<Empty>),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
    ))]
pub async fn remove(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(id): PathParam<PasskeyId>,
    JsonBody(_): JsonBody<Empty>,
) -> ApiResult<Success<Empty>> {
    s.passkeys().remove(&caller.user.user_id, &id, true).await?;
    Ok(ok(Empty {}))
}

/// Starts an admin's passkey sign-in (finished by `POST /v1/admin/login` with
/// `{ceremony_id, credential}`).
#[utoipa::path(post, path = "/v1/admin/passkeys/login/options", tag = "admin",
    operation_id = "admin_passkey_login_options",
    responses(
        (status = 200, description = "`PublicKeyCredentialRequestOptionsJSON` (discoverable: `allowCredentials: []`, `userVerification: \"required\"`). No body is needed.", body = Envelope<CeremonyStarted>),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP's ceremonies this hour are spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the hour ends"))),
    ))]
pub async fn login_options(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
) -> ApiResult<Success<CeremonyStarted>> {
    let started = s.passkeys().start_sign_in(Holder::Admin, &ip).await?;
    Ok(ok(started.into()))
}
