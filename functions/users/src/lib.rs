//! The `users` function: routes, request and response types, and their OpenAPI declarations.
//! The rules live in `shared::services::users`. Every route needs a bearer access token and
//! acts on the caller.

mod kyc;
mod loans;
mod profile;
mod stats_and_risk;
mod wallet;

use axum::Router;
use shared::app::finish;
use shared::aws::Adapters;
use shared::config::{Needs, TokenUse};
use shared::registry::Function;
use shared::services::users::Users;
use shared::state::AppState;
use utoipa::openapi::OpenApi;

shared::declare_routes!(
    profile::get_profile,
    profile::put_profile,
    profile::patch_profile,
    kyc::create_upload,
    kyc::submit,
    kyc::patch,
    kyc::status,
    wallet::wallet,
    wallet::transactions,
    stats_and_risk::usage_stats,
    stats_and_risk::risk_score,
    loans::list,
    loans::detail,
    loans::repay,
);

/// What this function is (see `shared::registry`).
pub const FUNCTION: Function = Function {
    name: "users",
    logical_id: "UsersFunction",
    // Checks bearer tokens; seals and hashes document numbers.
    needs: Needs {
        tokens: TokenUse::Verify,
        secret_key: true,
        sms: false,
        passkeys: false,
    },
    adapters: Adapters::DYNAMODB_ONLY.with_s3(),
    routes,
    router,
    sample_event: "events/users/wallet.json",
};

/// The routes (without the shared layers; the local server merges several) and their spec.
pub fn routes() -> (Router<AppState>, OpenApi) {
    api().split_for_parts()
}

/// The deployable router: the routes (no OpenAPI structures) plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(lambda_routes(), state)
}

/// The users service over this process's state.
fn svc(s: &AppState) -> Users<'_> {
    s.users()
}
