//! The `auth` function: routes, request and response types, and their OpenAPI declarations.
//! The rules live in `shared::services::auth`; a handler parses, calls one service method and
//! shapes the answer.

mod account;
mod discovery;
mod login;
mod otp;
mod passkeys;
mod phone_change;
mod sessions;

use axum::Router;
use shared::app::finish;
use shared::aws::Adapters;
use shared::config::{Needs, TokenUse};
use shared::registry::Function;
use shared::services::auth::Auth;
use shared::state::AppState;
use utoipa::openapi::OpenApi;

shared::declare_routes!(
    discovery::health,
    discovery::jwks,
    discovery::openapi,
    discovery::assetlinks,
    discovery::apple_app_site_association,
    otp::request_otp,
    otp::verify_otp,
    account::register,
    login::login,
    login::refresh,
    login::logout,
    account::reset_password,
    account::change_password,
    sessions::me,
    sessions::sessions,
    sessions::revoke_session,
    sessions::upsert_device,
    account::delete_account,
    phone_change::change_phone,
    passkeys::register_options,
    passkeys::register,
    passkeys::list,
    passkeys::remove,
    passkeys::login_options,
    passkeys::login,
);

/// What this function is (see `shared::registry`).
pub const FUNCTION: Function = Function {
    name: "auth",
    logical_id: "AuthFunction",
    // Issues tokens, hashes codes and tokens, sends SMS.
    needs: Needs {
        tokens: TokenUse::Sign,
        secret_key: true,
        sms: true,
        passkeys: true,
    },
    adapters: Adapters::DYNAMODB_ONLY.with_sns().with_s3(),
    routes,
    router,
    sample_event: "events/auth/health.json",
};

/// The routes (without the shared layers; the local server merges several) and their spec.
pub fn routes() -> (Router<AppState>, OpenApi) {
    api().split_for_parts()
}

/// The deployable router: the routes (no OpenAPI structures) plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(lambda_routes(), state)
}

/// The auth service over this process's state.
fn svc(s: &AppState) -> Auth<'_> {
    s.auth()
}
