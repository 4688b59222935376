//! Every file in `events/users/` is a valid API Gateway HTTP API (payload 2.0) event that the
//! function's handler routes (the sample bearer token is a placeholder, so each gets 401).

use axum::http::StatusCode;
use shared::openapi::route_list;
use shared::store::Stores;
use shared::testing::{TestApp, load_events};

#[tokio::test]
async fn each_event_runs_through_the_handler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/users");
    let mut seen = Vec::new();
    for (name, event, req) in load_events(&dir) {
        let app = TestApp::new(Stores::memory(), users_fn::lambda_routes(), &[]);
        let res = app.send(req).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{name}: {:?}",
            res.body
        );
        assert_eq!(res.code(), "UNAUTHORIZED");
        assert_eq!(
            res.headers["x-request-id"].to_str().unwrap(),
            event["requestContext"]["requestId"].as_str().unwrap()
        );
        seen.push(event["routeKey"].as_str().unwrap().to_string());
    }
    seen.sort();
    let routes: Vec<String> = route_list(&users_fn::routes().1)
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(seen, routes, "one event per route");
}
