//! The `auth` function: routes, request and response types, and their OpenAPI declarations.
//! The rules live in `shared::services::auth`; a handler parses, calls one service method and
//! shapes the answer.

mod account;
mod login;
mod meta;
mod otp;
mod sessions;

use axum::Router;
use shared::app::finish;
use shared::services::auth::Auth;
use shared::state::AppState;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The function's routes with their OpenAPI declarations.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(meta::health))
        .routes(routes!(meta::jwks))
        .routes(routes!(meta::openapi))
        .routes(routes!(otp::request_otp))
        .routes(routes!(otp::verify_otp))
        .routes(routes!(account::register))
        .routes(routes!(login::login))
        .routes(routes!(login::refresh))
        .routes(routes!(login::logout))
        .routes(routes!(account::reset_password))
        .routes(routes!(account::change_password))
        .routes(routes!(sessions::me))
        .routes(routes!(sessions::sessions))
        .routes(routes!(sessions::revoke_session))
        .routes(routes!(sessions::upsert_device))
        .routes(routes!(account::delete_account))
}

/// The routes (without the shared layers; the local server merges several) and their spec.
pub fn routes() -> (Router<AppState>, OpenApi) {
    api().split_for_parts()
}

/// The deployable router: routes plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(routes().0, state)
}

/// The auth service over this process's state.
fn svc(s: &AppState) -> Auth<'_> {
    Auth::new(&s.stores, &*s.sms, &*s.clock, &s.keys, &s.secret, &s.config)
}
