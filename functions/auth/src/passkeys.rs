//! Passkeys of the app's users: registering one to the signed-in account, listing and
//! removing them, and signing in with one (no phone asked: discoverable credentials).

use super::login::UserAndTokens;
use super::sessions::DeviceBody;
use super::svc;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use shared::api_error::{ApiResult, Success, created, ok};
use shared::auth_context::AuthContext;
use shared::domain::PasskeyId;
use shared::http::{JsonBody, PathParam, SourceIp};
use shared::openapi::{Empty, Envelope, ErrorBody};
use shared::services::passkeys::Holder;
use shared::state::AppState;
use shared::views::{
    AuthenticationResponseJson, CeremonyStarted, PasskeyList, PasskeyOnly, PasskeyRegistration,
    PasskeyView,
};
use utoipa::ToSchema;

/// Starts registering a passkey to the caller's account.
#[utoipa::path(post, path = "/v1/auth/passkeys/register/options", tag = "passkeys",
    operation_id = "passkey_register_options",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`PublicKeyCredentialCreationOptionsJSON`: `rp {id, name}`, `user {id, name, displayName}` (`id` opaque bytes per account, `name` the masked phone), `challenge`, `pubKeyCredParams` (ES256, EdDSA, RS256), `timeout`, `excludeCredentials` (the caller's passkeys), `authenticatorSelection {residentKey: \"required\", userVerification: \"required\"}`, `attestation: \"none\"`. No body is needed.", body = Envelope<CeremonyStarted>),
        (status = 409, description = "`PASSKEY_LIMIT`: the account holds 10 passkeys", body = ErrorBody),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP started `PASSKEY_CEREMONIES_PER_IP_HOUR` ceremonies this hour", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the hour ends"))),
    ))]
pub async fn register_options(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    ctx: AuthContext,
) -> ApiResult<Success<CeremonyStarted>> {
    let passkeys = s.passkeys();
    let started = passkeys.start_registration(Holder::User, &ctx.user, &ip);
    Ok(ok(started.await?.into()))
}

/// Finishes a registration with the authenticator's response. The ceremony is spent whatever
/// the outcome.
#[utoipa::path(post, path = "/v1/auth/passkeys", tag = "passkeys",
    operation_id = "passkey_register",
    security(("bearer" = [])),
    request_body = PasskeyRegistration,
    responses(
        (status = 201, description = "registered", body = Envelope<PasskeyOnly>),
        (status = 400, description = "`PASSKEY_INVALID`: the response failed a check (type, challenge, origin, rp id, user presence or verification, algorithm); `VALIDATION_ERROR` naming `name`", body = ErrorBody),
        (status = 404, description = "`CEREMONY_NOT_FOUND`: unknown, used, expired, or another account's or kind's ceremony", body = ErrorBody),
        (status = 409, description = "`PASSKEY_EXISTS` (the credential is registered already) or `PASSKEY_LIMIT`", body = ErrorBody),
    ))]
pub async fn register(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<PasskeyRegistration>,
) -> ApiResult<Success<PasskeyOnly>> {
    let passkeys = s.passkeys();
    let done = passkeys.finish_registration(
        Holder::User,
        &ctx.user,
        &b.ceremony_id,
        &b.credential,
        b.name.as_deref(),
    );
    Ok(created(PasskeyOnly {
        passkey: PasskeyView::new(done.await?),
    }))
}

/// The caller's passkeys, oldest first.
#[utoipa::path(get, path = "/v1/auth/passkeys", tag = "passkeys",
    operation_id = "passkey_list",
    security(("bearer" = [])),
    responses((status = 200, description = "the caller's passkeys", body = Envelope<PasskeyList>)))]
pub async fn list(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<Success<PasskeyList>> {
    let items = s.passkeys().list(&ctx.user.user_id).await?;
    Ok(ok(PasskeyList::new(items)))
}

/// Removes one of the caller's passkeys (its authenticator can no longer sign in).
#[utoipa::path(delete, path = "/v1/auth/passkeys/{passkey_id}", tag = "passkeys",
    operation_id = "passkey_remove",
    security(("bearer" = [])),
    params(("passkey_id" = String, Path, description = "from `GET /v1/auth/passkeys`; one that is malformed, unknown or another account's is 404")),
    responses(
        (status = 200, description = "removed", body = Envelope<Empty>),
        (status = 404, description = "`NOT_FOUND`", body = ErrorBody),
    ))]
pub async fn remove(
    State(s): State<AppState>,
    ctx: AuthContext,
    PathParam(id): PathParam<PasskeyId>,
) -> ApiResult<Success<Empty>> {
    s.passkeys().remove(&ctx.user.user_id, &id, false).await?;
    Ok(ok(Empty {}))
}

/// Starts a passkey sign-in: no phone is asked and no credential listed.
#[utoipa::path(post, path = "/v1/auth/passkeys/login/options", tag = "passkeys",
    operation_id = "passkey_login_options",
    responses(
        (status = 200, description = "`PublicKeyCredentialRequestOptionsJSON`: `challenge`, `rpId`, `timeout`, `userVerification: \"required\"`, `allowCredentials: []`. No body is needed.", body = Envelope<CeremonyStarted>),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP started `PASSKEY_CEREMONIES_PER_IP_HOUR` ceremonies this hour", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the hour ends"))),
    ))]
pub async fn login_options(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
) -> ApiResult<Success<CeremonyStarted>> {
    let started = s.passkeys().start_sign_in(Holder::User, &ip).await?;
    Ok(ok(started.into()))
}

/// `{ceremony_id, credential, device?}`.
#[derive(Deserialize, ToSchema)]
pub struct PasskeyLogin {
    #[schema(min_length = 1, max_length = 128)]
    pub ceremony_id: String,
    #[schema(value_type = AuthenticationResponseJson)]
    pub credential: Value,
    pub device: Option<DeviceBody>,
}

/// Signs in with a passkey: a new session, like any sign-in.
#[utoipa::path(post, path = "/v1/auth/passkeys/login", tag = "passkeys",
    operation_id = "passkey_login",
    request_body = PasskeyLogin,
    responses(
        (status = 200, description = "signed in", body = Envelope<UserAndTokens>),
        (status = 401, description = "`INVALID_CREDENTIALS`: one answer for an unknown credential, a bad signature, a wrong origin, challenge or rp id, missing user verification, a sign counter that did not grow (a possible clone); each spends one of the source IP's `LOGIN_MAX_PER_IP_HOUR`", body = ErrorBody),
        (status = 403, description = "`ACCOUNT_SUSPENDED`", body = ErrorBody),
        (status = 404, description = "`CEREMONY_NOT_FOUND`: unknown, used, expired or another kind's ceremony", body = ErrorBody),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP's failed sign-ins this hour are spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the hour ends"))),
    ))]
pub async fn login(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    JsonBody(b): JsonBody<PasskeyLogin>,
) -> ApiResult<Success<UserAndTokens>> {
    let passkeys = s.passkeys();
    let proof = passkeys.finish_sign_in(Holder::User, &b.ceremony_id, &b.credential, &ip);
    let device = b.device.map(Into::into);
    Ok(ok(svc(&s).login_with_passkey(proof, device).await?.into()))
}
