//! Warm CPU time per request of the main routes, in process: the real routers on the memory
//! store, on one thread, so the thread's CPU clock (`/proc/thread-self/schedstat`, ns) counts
//! all the work. Password routes are dominated by argon2 and measured separately.

use axum::http::Method;
use serde_json::{Value, json};
use shared::store::Stores;
use shared::testing::{TestApp, assert_ok};
use std::time::Duration;

/// CPU time this thread has used.
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns: u64 = text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

/// Mean CPU per call of `f` over `n` calls.
async fn per_call<F, Fut>(n: u32, mut f: F) -> Duration
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f(0).await;
    let start = thread_cpu();
    for i in 1..=n {
        f(i).await;
    }
    (thread_cpu() - start) / n
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

async fn measure() -> Vec<(&'static str, Duration)> {
    let app = TestApp::new(
        Stores::memory(),
        local_api::api().0,
        &[
            ("OTP_MAX_PER_IP_HOUR", "100000"),
            ("POOLS_MAX_OPEN_OWNED", "10000"),
        ],
    );
    let u = app.signed_in("+919816456565").await;
    let deadline = (shared::clock::Clock::now(&*app.clock) + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let body = json!({"name": "Chit", "contribution_amount": 100, "deadline": deadline, "pool_type": "WEEKLY", "total_members": 100});
    let r = app
        .as_user(
            Method::POST,
            "/v1/pools",
            Some(body.clone()),
            &u.access_token,
        )
        .await;
    let pool = assert_ok(&r, 201)["pool"]["pool_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let n = 2_000;
    let (a, tok) = (&app, u.access_token.as_str());
    let path = format!("/v1/pools/{pool}");
    let path = path.as_str();
    let body = &body;
    let phones: Vec<String> = (0..=n)
        .map(|i| format!("98{:08}", 10_000_000 + i))
        .collect();
    let mut rows = reads(a, tok, path, n).await;
    rows.extend(writes(a, tok, body, &phones, n).await);
    rows
}

/// Reads: health, me, a pool, the profile, the ledger.
async fn reads(a: &TestApp, tok: &str, path: &str, n: u32) -> Vec<(&'static str, Duration)> {
    vec![
        (
            "GET /v1/health",
            per_call(n, move |_| async move {
                a.call(Method::GET, "/v1/health", None, None).await;
            })
            .await,
        ),
        (
            "GET /v1/auth/me",
            per_call(n, move |_| async move {
                a.get("/v1/auth/me", tok).await;
            })
            .await,
        ),
        (
            "GET /v1/pools/{id}",
            per_call(n, move |_| async move {
                a.get(path, tok).await;
            })
            .await,
        ),
        (
            "GET /v1/users/profile",
            per_call(n, move |_| async move {
                a.get("/v1/users/profile", tok).await;
            })
            .await,
        ),
        (
            "GET /v1/users/wallet/transactions",
            per_call(n, move |_| async move {
                a.get("/v1/users/wallet/transactions", tok).await;
            })
            .await,
        ),
    ]
}

/// Writes: a pool, a profile edit, an upload ticket, a code request; and argon2 alone.
async fn writes(
    a: &TestApp,
    tok: &str,
    body: &Value,
    phones: &[String],
    n: u32,
) -> Vec<(&'static str, Duration)> {
    vec![
        (
            "POST /v1/pools",
            per_call(n, move |_| async move {
                a.as_user(Method::POST, "/v1/pools", Some(body.clone()), tok)
                    .await;
            })
            .await,
        ),
        (
            "PATCH /v1/users/profile",
            per_call(n, move |_| async move {
                let b = json!({"city": "Pune", "family_size": 4});
                a.as_user(Method::PATCH, "/v1/users/profile", Some(b), tok)
                    .await;
            })
            .await,
        ),
        (
            "POST /v1/users/kyc/uploads",
            per_call(n, move |_| async move {
                let b = json!({"purpose": "front", "content_type": "image/jpeg", "content_length": 1000});
                a.as_user(Method::POST, "/v1/users/kyc/uploads", Some(b), tok)
                    .await;
            })
            .await,
        ),
        (
            "POST /v1/auth/otp/request",
            per_call(n, move |i| async move {
                let phone = &phones[i as usize];
                a.post("/v1/auth/otp/request", json!({"phone": phone}))
                    .await;
            })
            .await,
        ),
        (
            "argon2id verify (sign-in, password change)",
            per_call(20, |_| async {
                shared::password::verify("some password", None);
            })
            .await,
        ),
    ]
}

/// Prints the warm table.
pub fn report() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rows = rt.block_on(measure());
    println!("Warm CPU per request, in process, one thread, memory store (mean):\n");
    println!("| route | CPU |");
    println!("|---|---|");
    for (route, cpu) in rows {
        println!("| {route} | {} |", us(cpu));
    }
}
