//! The `pools` function: routes, request and response types, and their OpenAPI declarations.
//! The rules live in `shared::services::pools`. Every route needs a bearer access token.

mod handlers;

use axum::Router;
use shared::app::finish;
use shared::aws::Adapters;
use shared::config::{Needs, TokenUse};
use shared::registry::Function;
use shared::services::pools::Pools;
use shared::state::AppState;
use utoipa::openapi::OpenApi;

shared::declare_routes!(
    handlers::create,
    handlers::list_mine,
    handlers::get_pool,
    handlers::join,
    handlers::leave,
    handlers::members,
);

/// What this function is (see `shared::registry`).
pub const FUNCTION: Function = Function {
    name: "pools",
    logical_id: "PoolsFunction",
    // Checks bearer tokens; keys nothing and sends nothing.
    needs: Needs {
        tokens: TokenUse::Verify,
        secret_key: false,
        sms: false,
        passkeys: false,
    },
    adapters: Adapters::DYNAMODB_ONLY,
    routes,
    router,
    sample_event: "events/pools/read.json",
};

/// The routes (without the shared layers; the local server merges several) and their spec.
pub fn routes() -> (Router<AppState>, OpenApi) {
    api().split_for_parts()
}

/// The deployable router: the routes (no OpenAPI structures) plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(lambda_routes(), state)
}

/// The pools service over this process's state.
fn svc(s: &AppState) -> Pools<'_> {
    s.pools()
}
