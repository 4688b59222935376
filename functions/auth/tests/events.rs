//! Every file in `events/auth/` is a valid API Gateway HTTP API (payload 2.0) event that the
//! function's handler routes, using the request id from the request context.

use axum::http::StatusCode;
use shared::openapi::route_list;
use shared::store::Stores;
use shared::testing::{TestApp, load_events};

fn expected(name: &str) -> StatusCode {
    match name {
        "health" | "jwks" | "openapi" | "otp-request" => StatusCode::OK,
        // The sample codes and tokens are placeholders: these are refused, but routed.
        _ => StatusCode::UNAUTHORIZED,
    }
}

#[tokio::test]
async fn each_event_runs_through_the_handler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/auth");
    let mut seen = Vec::new();
    for (name, event, req) in load_events(&dir) {
        let app = TestApp::new(Stores::memory(), auth_fn::lambda_routes(), &[]);
        let res = app.send(req).await;
        assert_eq!(res.status, expected(&name), "{name}: {:?}", res.body);
        assert_eq!(
            res.headers["x-request-id"].to_str().unwrap(),
            event["requestContext"]["requestId"].as_str().unwrap(),
            "{name}: request id comes from API Gateway"
        );
        seen.push(event["routeKey"].as_str().unwrap().to_string());
    }
    seen.sort();
    let routes: Vec<String> = route_list(&auth_fn::routes().1)
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(seen, routes, "one event per route");
}
