//! Every file in `events/users/` is a valid API Gateway HTTP API (payload 2.0) event that the
//! function's handler routes (the sample bearer token is a placeholder, so each gets 401).

use axum::http::StatusCode;
use shared::testing::run_events;

#[tokio::test]
async fn each_event_runs_through_the_handler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/users");
    for (name, res) in run_events(&dir, users_fn::lambda_routes, &users_fn::routes().1).await {
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{name}: {:?}",
            res.body
        );
        assert_eq!(res.code(), "UNAUTHORIZED", "{name}");
    }
}
