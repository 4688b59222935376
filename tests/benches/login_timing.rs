//! Measures password sign-in latency for an unknown phone against a known phone with a wrong
//! password (and a correct one), through the real router on the memory store. The first two
//! must be indistinguishable: same reads, same argon2 work, same failure write.
//!
//! Run: `cargo bench -p integration-tests --bench login_timing` (prints medians and p90s).

use serde_json::json;
use shared::testing::TestApp;
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 9 / 10])
}

#[tokio::main]
async fn main() {
    // A lockout or the per-IP budget would change the paths; raise them out of the way.
    let app = TestApp::new(
        integration_tests::memory(),
        auth_fn::routes().0,
        &[
            ("LOGIN_MAX_FAILURES", "100"),
            ("LOGIN_MAX_PER_IP_HOUR", "100000"),
        ],
    );
    app.register("9816456565", "correct horse 1").await;
    let cases = [
        (
            "unknown phone",
            json!({"phone": "9816456599", "password": "correct horse 1"}),
        ),
        (
            "wrong password",
            json!({"phone": "9816456565", "password": "wrong horse 12"}),
        ),
        (
            "right password",
            json!({"phone": "9816456565", "password": "correct horse 1"}),
        ),
    ];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    // Interleave the cases so drift in machine load hits all of them alike.
    for round in 0..ROUNDS + 5 {
        for (i, (_, body)) in cases.iter().enumerate() {
            let t = Instant::now();
            let r = app.post("/v1/auth/login", body.clone()).await;
            let took = t.elapsed();
            assert!(
                r.status.as_u16() == 200 || r.code() == "INVALID_CREDENTIALS",
                "{:?}",
                r.body
            );
            if round >= 5 {
                samples[i].push(took);
            }
        }
    }
    for ((name, _), s) in cases.iter().zip(samples) {
        let (median, p90) = stats(s);
        println!("{name:>15}: median {median:>10.2?}  p90 {p90:>10.2?}  ({ROUNDS} rounds)");
    }
}
