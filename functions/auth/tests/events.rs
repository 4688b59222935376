//! Every file in `events/auth/` is a valid API Gateway HTTP API (payload 2.0) event that the
//! function's handler routes, using the request id from the request context.

use axum::http::StatusCode;
use shared::testing::run_events;

fn expected(name: &str) -> StatusCode {
    match name {
        "health" | "jwks" | "openapi" | "otp-request" | "passkey-login-options" => StatusCode::OK,
        // A placeholder ceremony id names no ceremony.
        "passkey-login" => StatusCode::NOT_FOUND,
        // The sample settings name no app.
        "assetlinks" | "apple-app-site-association" => StatusCode::NOT_FOUND,
        // The sample codes and tokens are placeholders: these are refused, but routed.
        _ => StatusCode::UNAUTHORIZED,
    }
}

#[tokio::test]
async fn each_event_runs_through_the_handler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/auth");
    for (name, res) in run_events(&dir, auth_fn::lambda_routes, &auth_fn::routes().1).await {
        assert_eq!(res.status, expected(&name), "{name}: {:?}", res.body);
    }
}
