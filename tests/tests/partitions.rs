//! No hot key at national scale, shown on the emulator: a burst of mixed traffic (code
//! requests across many numbers and prefixes, sign-ups, authenticated calls by many users) runs
//! through the routes on DynamoDB while an SDK interceptor adds up the capacity units each
//! partition key takes per class of traffic (`integration_tests::load`). Scaled to the design
//! rates (10,000 code requests, 2,000 sign-ups and 50,000 authenticated calls a second), no
//! key of a table or of the `lists` index may take more than 1,000 write units or 3,000 read
//! units a second, DynamoDB's limits per partition. docs/SCALE.md reads its figures from here.

use axum::extract::ConnectInfo;
use axum::http::Method;
use futures::{FutureExt, StreamExt};
use integration_tests::dynamo_with;
use integration_tests::load::{CLASS, KeyLoad};
use serde_json::{Value, json};
use shared::testing::{TestApp, TestResponse, assert_ok, request};
use std::collections::HashMap;
use std::net::SocketAddr;

const CODE: &str = "code request";
const SIGN_UP: &str = "sign-up";
const CALL: &str = "authenticated call";

/// The design rates, per second.
const RATES: [(&str, f64); 3] = [(CODE, 10_000.0), (SIGN_UP, 2_000.0), (CALL, 50_000.0)];
/// DynamoDB's throughput per partition, per second.
const MAX_WRITE_UNITS: f64 = 1_000.0;
const MAX_READ_UNITS: f64 = 3_000.0;

/// Code requests that end there; each sign-up makes one more.
const CODES: usize = 300;
const SIGN_UPS: usize = 60;
/// Signed-in users, each making `CALLS / USERS` calls.
const USERS: usize = 60;
const CALLS: usize = 240;
/// The prefixes the numbers spread over (each about 1% of the code requests).
const PREFIXES: usize = 100;

/// An Indian mobile number under prefix `p` (`+9198<ppp>`, five digits as `OTP_PREFIX_DIGITS`).
fn phone(p: usize, n: usize) -> String {
    format!("+9198{:03}{:05}", p % PREFIXES, n)
}

/// A request from its own source IP (a national surge comes from many).
async fn from(
    app: &TestApp,
    i: usize,
    method: Method,
    path: &str,
    body: Option<Value>,
    bearer: Option<&str>,
) -> TestResponse {
    let mut req = request(method, path, body, bearer);
    let ip = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    app.send(req).await
}

/// One code request, then (for a sign-up) the code verified and the account registered.
async fn code_then_maybe_sign_up(app: &TestApp, i: usize) {
    let phone = phone(i, i);
    let body = json!({ "phone": phone });
    let sent = CLASS.scope(
        CODE,
        from(
            app,
            i,
            Method::POST,
            "/v1/auth/otp/request",
            Some(body),
            None,
        ),
    );
    assert_ok(&sent.await, 200);
    if i >= SIGN_UPS {
        return;
    }
    let sign_up = async {
        let code = app.last_code(&phone);
        let body = json!({ "phone": phone, "code": code });
        let r = from(
            app,
            i,
            Method::POST,
            "/v1/auth/otp/verify",
            Some(body),
            None,
        )
        .await;
        let vt = assert_ok(&r, 200)["verification_token"]
            .as_str()
            .unwrap()
            .to_string();
        let body = json!({ "verification_token": vt, "name": format!("User {i}") });
        let r = from(app, i, Method::POST, "/v1/auth/register", Some(body), None).await;
        assert_ok(&r, 201);
    };
    CLASS.scope(SIGN_UP, sign_up).await;
}

/// What a signed-in app asks for most.
const CALL_PATHS: [&str; 5] = [
    "/v1/auth/me",
    "/v1/users/profile",
    "/v1/users/wallet",
    "/v1/users/wallet/transactions",
    "/v1/pools?role=member",
];

/// Units per second on each partition at the design rates: each class's units per request
/// times its rate, summed over the classes.
fn at_design_rates(load: &KeyLoad, requests: &HashMap<&str, usize>) -> Vec<(String, f64, f64)> {
    let mut keys: HashMap<String, (f64, f64)> = HashMap::new();
    for ((class, partition), units) in load.units() {
        let Some((_, rate)) = RATES.iter().find(|(c, _)| *c == class) else {
            continue;
        };
        let per = rate / requests[class] as f64;
        let e = keys.entry(partition).or_default();
        e.0 += units.read * per;
        e.1 += units.write * per;
    }
    let mut rows: Vec<_> = keys.into_iter().map(|(k, (r, w))| (k, r, w)).collect();
    rows.sort_by(|a, b| (b.2 + b.1 / 3.0).total_cmp(&(a.2 + a.1 / 3.0)));
    rows
}

/// The hottest key of each kind (its last `#` part starred), for docs/SCALE.md. Each user
/// makes 4 of the calls: scaled, a user making 830 calls a second, far above any phone.
fn print_hottest(rows: &[(String, f64, f64)]) {
    eprintln!("| partition key (hottest of its kind) | reads/s | writes/s |\n|---|---|---|");
    let mut seen = std::collections::HashSet::new();
    for (key, r, w) in rows {
        let kind = key
            .rsplit_once('#')
            .map_or(key.clone(), |(k, _)| format!("{k}#*"));
        if seen.insert(kind.clone()) {
            eprintln!("| `{kind}` | {r:.0} | {w:.0} |");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_partition_key_passes_its_limits_at_the_design_rates() {
    let load = KeyLoad::default();
    let Some(stores) = dynamo_with(load.clone()).await else {
        return;
    };
    let (auth, _) = auth_fn::routes();
    let (users, _) = users_fn::routes();
    let (pools, _) = pools_fn::routes();
    // A national deployment's budget (10,000 SMS a second for an hour).
    let settings = [
        ("SMS_BUDGET_HOUR", "36000000"),
        ("SMS_BUDGET_DAY", "100000000"),
    ];
    let app = TestApp::new(stores, auth.merge(users).merge(pools), &settings);
    let mut signed_in = Vec::new();
    for u in 0..USERS {
        signed_in.push(app.signed_in(&phone(u, 50_000 + u)).await.access_token);
    }
    let codes = (0..CODES + SIGN_UPS).map(|i| code_then_maybe_sign_up(&app, i).boxed_local());
    let calls = (0..CALLS).map(|c| {
        let (app, bearer) = (&app, signed_in[c % USERS].clone());
        let path = CALL_PATHS[c % CALL_PATHS.len()];
        let call = async move {
            let r = from(app, 100_000 + c, Method::GET, path, None, Some(&bearer)).await;
            assert_ok(&r, 200);
        };
        CLASS.scope(CALL, call).boxed_local()
    });
    // Interleaved: sign-ups, code requests and calls all at once.
    let mut burst: Vec<_> = codes
        .chain(calls)
        .map(|f| (shared::crypto::random_below(1 << 30), f))
        .collect();
    burst.sort_by_key(|(k, _)| *k);
    let burst = burst.into_iter().map(|(_, f)| f);
    futures::stream::iter(burst)
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;

    let requests = HashMap::from([(CODE, CODES + SIGN_UPS), (SIGN_UP, SIGN_UPS), (CALL, CALLS)]);
    let rows = at_design_rates(&load, &requests);
    print_hottest(&rows);
    assert!(
        rows.iter()
            .any(|(k, _, w)| k.starts_with("users/lists:USERS#ACTIVE#") && *w > 0.0)
    );
    let budget_shards = rows
        .iter()
        .filter(|(k, _, _)| k.starts_with("otps:SMS#BUDGET#"))
        .count();
    assert!(budget_shards >= 32, "{budget_shards} budget shards written");
    for (key, reads, writes) in &rows {
        assert!(
            *writes <= MAX_WRITE_UNITS,
            "{key}: {writes:.0} write units/s"
        );
        assert!(*reads <= MAX_READ_UNITS, "{key}: {reads:.0} read units/s");
    }
}
