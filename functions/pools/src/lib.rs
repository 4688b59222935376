//! The `pools` function: routes, request and response types, and their OpenAPI declarations.
//! The rules live in `shared::services::pools`. Every route needs a bearer access token.

mod handlers;

use axum::Router;
use shared::app::finish;
use shared::services::pools::Pools;
use shared::state::AppState;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The function's routes with their OpenAPI declarations.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::create, handlers::list_mine))
        .routes(routes!(handlers::get_pool))
        .routes(routes!(handlers::join))
        .routes(routes!(handlers::leave))
        .routes(routes!(handlers::members))
}

/// The routes (without the shared layers; the local server merges several) and their spec.
pub fn routes() -> (Router<AppState>, OpenApi) {
    api().split_for_parts()
}

/// The deployable router: routes plus the shared layers.
pub fn router(state: AppState) -> Router {
    finish(routes().0, state)
}

/// The pools service over this process's state.
fn svc(s: &AppState) -> Pools<'_> {
    Pools::new(&*s.stores.pools, &*s.stores.users, &*s.clock)
}
