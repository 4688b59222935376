//! The lockout's edges: right passwords in a crowd, and failures that age out.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn right_passwords_at_once_are_never_told_locked() {
    let app = Arc::new(app_with(&[("LOGIN_MAX_PER_IP_HOUR", "1000")]));
    app.register(PHONE, PW).await;
    let results = race(12, |_| {
        let app = app.clone();
        async move { app.login(json!({"phone": PHONE, "password": PW})).await }
    })
    .await;
    for r in &results {
        match r.status {
            StatusCode::OK => {}
            _ => {
                assert_error(r, 429, "RATE_LIMIT_EXCEEDED");
                assert_eq!(r.headers["retry-after"], "1");
                assert_eq!(r.body["error"]["details"]["retry_after"], 1);
            }
        }
    }
    assert!(results.iter().any(|r| r.status == StatusCode::OK));
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(r.status, StatusCode::OK, "nothing was locked");
}

#[tokio::test]
async fn failures_older_than_the_window_no_longer_count() {
    let app = app();
    app.register(PHONE, PW).await;
    let wrong = || json!({"phone": PHONE, "password": "wrong password"});
    for _ in 0..4 {
        assert_error(&app.login(wrong()).await, 401, "INVALID_CREDENTIALS");
    }
    app.clock.advance(Duration::seconds(901));
    assert_error(&app.login(wrong()).await, 401, "INVALID_CREDENTIALS");
    let r = app.login(json!({"phone": PHONE, "password": PW})).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "one failure in this window, no lock"
    );
}
