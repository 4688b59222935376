//! Every file in `events/admin/` is a valid API Gateway HTTP API (payload 2.0) event that the
//! function's handler routes: the console files and a passkey sign-in's options are served; the sample cookie is a
//! placeholder, so admin routes get 401 and the sample sign-in gets 401 too.

use axum::http::StatusCode;
use shared::testing::run_events;

#[tokio::test]
async fn each_event_runs_through_the_handler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/admin");
    for (name, res) in run_events(&dir, admin_fn::lambda_routes, &admin_fn::routes().1).await {
        if name.starts_with("console") || name == "passkey-login-options" {
            assert_eq!(res.status, StatusCode::OK, "{name}");
            continue;
        }
        let expected = if name == "login" {
            "INVALID_CREDENTIALS"
        } else {
            "UNAUTHORIZED"
        };
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{name}: {:?}",
            res.body
        );
        assert_eq!(res.code(), expected, "{name}");
    }
}
