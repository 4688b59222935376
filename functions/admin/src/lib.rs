//! The `admin` function: the admin API (`/v1/admin/...`, an `admin_session` cookie from a
//! two-factor sign-in) and the web console that uses it (`/admin`, static files compiled in).
//! The rules live in `shared::services::admin`; the cookie and cross-site checks in
//! `shared::admin_context`.

mod audit;
mod changes;
mod console;
mod loans;
mod passkeys;
mod prefixes;
mod session;
mod users;

use axum::Router;
use shared::app::finish;
use shared::aws::Adapters;
use shared::config::{Needs, TokenUse};
use shared::registry::Function;
use shared::services::admin::Admin;
use shared::state::AppState;
use utoipa::openapi::OpenApi;

shared::declare_routes!(
    session::login,
    session::logout,
    users::list_users,
    users::user_detail,
    users::update_user,
    changes::review_kyc,
    changes::adjust_wallet,
    loans::disburse,
    loans::record_repayment,
    loans::roles,
    audit::audit,
    passkeys::register_options,
    passkeys::register,
    passkeys::list,
    passkeys::remove,
    passkeys::login_options,
    prefixes::list,
    prefixes::set_mode,
    console::page,
    console::script,
    console::styles,
    console::library,
    console::passkeys_script,
    console::prefixes_script,
    console::icon,
);

/// What this function is (see `shared::registry`).
pub const FUNCTION: Function = Function {
    name: "admin",
    logical_id: "AdminFunction",
    // Cookie sessions only (bearer tokens are refused); hashes session ids and verification
    // tokens.
    needs: Needs {
        tokens: TokenUse::Neither,
        secret_key: true,
        sms: false,
        passkeys: true,
    },
    adapters: Adapters::DYNAMODB_ONLY.with_s3(),
    routes,
    router,
    sample_event: "events/admin/console.json",
};

/// The routes (without the shared layers; the local server merges several) and their spec.
pub fn routes() -> (Router<AppState>, OpenApi) {
    api().split_for_parts()
}

/// The deployable router: the routes (no OpenAPI structures) plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(lambda_routes(), state)
}

/// The admin service over this process's state.
fn svc(s: &AppState) -> Admin<'_> {
    s.admin()
}
