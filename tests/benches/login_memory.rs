//! Resident memory of the local server after many password sign-ins at once: argon2 needs
//! 19 MiB a run, and the process must not keep a set per thread that ever ran one.
//!
//! Run: `cargo build --bin local-api && cargo bench -p integration-tests --bench login_memory`
//! (the server binary is `LOCAL_API_BIN`, default `target/debug/local-api`: argon2 is
//! optimized in the dev profile too). Prints RSS before and after 400 sign-ins from 8
//! clients, and the peak.

use integration_tests::LocalApi;
use serde_json::{Value, json};

const CLIENTS: usize = 8;
const SIGN_INS: usize = 400;
const PASSWORD: &str = "memory bench 7391";

async fn post(http: &reqwest::Client, url: String, body: Value) -> Value {
    let r = http.post(url).json(&body).send().await.expect("request");
    r.json().await.expect("JSON")
}

/// Registers each of `phones` with the bench's password.
async fn register_all(api: &LocalApi, http: &reqwest::Client, phones: &[String]) {
    for phone in phones {
        let e164 = format!("+91{phone}");
        post(
            http,
            format!("{}/v1/auth/otp/request", api.base),
            json!({"phone": phone}),
        )
        .await;
        let code = api.last_code(&e164).await;
        let v = post(
            http,
            format!("{}/v1/auth/otp/verify", api.base),
            json!({"phone": phone, "code": code}),
        )
        .await;
        let vt = v["data"]["verification_token"].as_str().unwrap_or_default();
        let body = json!({"verification_token": vt, "name": "Asha", "password": PASSWORD});
        let r = post(http, format!("{}/v1/auth/register", api.base), body).await;
        assert_eq!(r["success"], true, "{r}");
    }
}

#[tokio::main]
async fn main() {
    let api = LocalApi::memory_with(&[
        ("LOGIN_MAX_PER_IP_HOUR", "100000"),
        ("OTP_MAX_PER_IP_HOUR", "1000"),
    ])
    .await;
    let http = reqwest::Client::new();
    let phones: Vec<String> = (0..CLIENTS)
        .map(|i| format!("98164{:05}", 700 + i))
        .collect();
    register_all(&api, &http, &phones).await;
    let (before, _) = api.memory_kib();
    let per_client = SIGN_INS / CLIENTS;
    let tasks: Vec<_> = phones
        .iter()
        .map(|phone| {
            let (http, url, phone) = (
                http.clone(),
                format!("{}/v1/auth/login", api.base),
                phone.clone(),
            );
            tokio::spawn(async move {
                let mut ok = 0;
                for _ in 0..per_client {
                    let body = json!({"phone": phone, "password": PASSWORD});
                    if post(&http, url.clone(), body).await["success"] == true {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap_or(0);
    }
    let (after, peak) = api.memory_kib();
    println!("sign-ins: {ok} of {SIGN_INS} succeeded, {CLIENTS} clients");
    println!(
        "RSS before {:.1} MiB, after {:.1} MiB, peak {:.1} MiB",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        peak as f64 / 1024.0
    );
}
