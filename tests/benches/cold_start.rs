//! Cold start and per-request cost, measured (run `bench/cold-start.sh`, which builds the
//! release binaries first).
//!
//! For every function binary, alternating with a bare `lambda_http` hello world built with the
//! same profile, N runs each: the binary is started against a fake Lambda Runtime API on
//! loopback that serves one API Gateway HTTP API event, and the bench records exec -> first
//! `GET /runtime/invocation/next` (what Lambda reports as Init Duration) and exec -> first
//! response, and the peak RSS then (VmHWM). Also: the stripped size of each binary, and the warm
//! CPU time per request of the main routes in process (one thread, `/proc/thread-self/schedstat`).
//! Prints a Markdown table of medians and ratios to the hello world.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod warm;

/// One binary to start, and the event file it is served.
struct Subject {
    name: &'static str,
    event: &'static str,
}

/// The hello world, then every declared function with its sample event.
fn subjects() -> Vec<Subject> {
    let hello = Subject {
        name: "hello-lambda",
        event: "events/auth/health.json",
    };
    let functions = local_api::FUNCTIONS.iter().map(|f| Subject {
        name: f.name,
        event: f.sample_event,
    });
    std::iter::once(hello).chain(functions).collect()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What the fake Runtime API saw of one run.
enum Seen {
    Next(Instant),
    Response(Instant),
    Error(String),
}

/// Serves the Runtime API on one connection: every `next` gets the event (the first one
/// reported), a response or an error ends the run.
fn serve(stream: TcpStream, event: &str, seen: &mpsc::Sender<Seen>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let now = Instant::now();
        if line.contains("/invocation/next") {
            let _ = seen.send(Seen::Next(now));
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() + 30_000);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: bench-1\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:bench\r\nLambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\nContent-Length: {}\r\n\r\n",
                event.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(event.as_bytes());
        } else {
            let what = if line.contains("/response") {
                Seen::Response(now)
            } else {
                Seen::Error(format!("{line} {}", String::from_utf8_lossy(&body)))
            };
            let _ = seen.send(what);
            let _ = stream.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        }
    }
}

/// Settings a deployed function needs to start (no AWS call is made before the first request
/// of these events).
fn environment(runtime_api: &str, key_pem: &str) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api),
        ("AWS_LAMBDA_FUNCTION_NAME", "bench"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "1"),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench"),
        ("SECRET_KEY", "0123456789abcdef0123456789abcdef0123456789"),
        ("JWT_SIGNING_KEY", key_pem),
        ("DOCUMENTS_BUCKET", "bench-documents"),
        ("WEBAUTHN_RP_ID", "auth.example.com"),
        ("RUST_LOG", "warn"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for spec in shared::store::tables::TABLES {
        env.push((spec.env.to_string(), format!("bench-{}", spec.default_name)));
    }
    env
}

/// Peak resident set of a running process, KiB.
fn peak_rss_kib(child: &Child) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One cold start: (init, first response, peak RSS KiB).
fn cold_start(bin: &Path, event: &str, key_pem: &str) -> (Duration, Duration, u64) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let (tx, rx) = mpsc::channel();
    let event = event.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (tx, event) = (tx.clone(), event.clone());
            std::thread::spawn(move || serve(stream, &event, &tx));
        }
    });
    let start = Instant::now();
    let mut child = Command::new(bin)
        .env_clear()
        .envs(environment(&addr, key_pem))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut init = None;
    let result = loop {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Seen::Next(t)) if init.is_none() => init = Some(t - start),
            Ok(Seen::Next(_)) => {}
            Ok(Seen::Response(t)) => {
                let rss = peak_rss_kib(&child);
                break (init.unwrap_or_default(), t - start, rss);
            }
            Ok(Seen::Error(e)) => panic!("{}: the function reported an error: {e}", bin.display()),
            Err(_) => panic!("{}: no response within 20 s", bin.display()),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// Times each piece of a function's start once, in a fresh process (`COLD_START_PIECES=1`).
fn pieces() {
    // The process's first random bytes seed aws-lc's generator (a code, a token or a nonce is
    // a request's first); the signing key generated here is this process's first.
    let t = Instant::now();
    let key_pem = shared::tokens::TokenKeys::generate_pem().expect("key");
    let first_random = t.elapsed();
    for (k, v) in environment("127.0.0.1:9", &key_pem) {
        // SAFETY: single-threaded at this point; nothing else reads the environment yet.
        unsafe { std::env::set_var(k, v) };
    }
    let t = Instant::now();
    shared::app::init_logging(shared::config::Runtime::Lambda);
    let logging = t.elapsed();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let t = Instant::now();
    let config = shared::config::Config::from_env(shared::config::Runtime::Lambda).expect("config");
    let settings = t.elapsed();
    let t = Instant::now();
    let state = match rt.block_on(shared::state::AppState::from_config(
        config,
        None,
        shared::aws::Adapters::all(),
    )) {
        Ok(s) => s,
        Err(e) => panic!("state: {e}"),
    };
    let state_time = t.elapsed();
    let t = Instant::now();
    let routes = auth_fn::lambda_routes();
    let auth_routes = t.elapsed();
    let t = Instant::now();
    let _router: axum::Router = shared::app::finish(routes, state);
    let finish = t.elapsed();
    println!("| piece | first call |\n|---|---|");
    for (what, d) in [
        ("first random bytes (a key generated)", first_random),
        ("logging", logging),
        ("settings", settings),
        ("state (SDK config, clients, keys)", state_time),
        ("auth routes (as deployed)", auth_routes),
        ("router with state", finish),
    ] {
        println!("| {what} | {} |", ms(d));
    }
}

fn main() {
    if std::env::var_os("COLD_START_PIECES").is_some() {
        return pieces();
    }
    let runs: usize = std::env::var("COLD_START_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let release = std::env::var("COLD_START_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target/release"));
    let key_pem = shared::tokens::TokenKeys::generate_pem().expect("key");
    let subjects = subjects();
    let mut results: Vec<(Vec<Duration>, Vec<Duration>, Vec<u64>)> =
        subjects.iter().map(|_| Default::default()).collect();
    for _ in 0..runs {
        for (i, s) in subjects.iter().enumerate() {
            let event = std::fs::read_to_string(root().join(s.event)).expect("event file");
            let (init, first, rss) = cold_start(&release.join(s.name), &event, &key_pem);
            results[i].0.push(init);
            results[i].1.push(first);
            results[i].2.push(rss);
        }
    }
    let floor_init = median(results[0].0.clone());
    let floor_first = median(results[0].1.clone());
    println!("Cold start, {runs} alternating runs each, medians (release profile):\n");
    println!(
        "| binary | stripped size | init (exec -> first `next`) | first response | init / hello | first / hello | peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (i, s) in subjects.iter().enumerate() {
        let size = std::fs::metadata(release.join(s.name)).map_or(0, |m| m.len());
        let init = median(results[i].0.clone());
        let first = median(results[i].1.clone());
        let mut rss = results[i].2.clone();
        rss.sort();
        println!(
            "| {} | {:.1} MB | {} ms | {} ms | {:.2}x | {:.2}x | {:.1} MiB |",
            s.name,
            size as f64 / 1e6,
            ms(init),
            ms(first),
            init.as_secs_f64() / floor_init.as_secs_f64(),
            first.as_secs_f64() / floor_first.as_secs_f64(),
            rss[rss.len() / 2] as f64 / 1024.0,
        );
    }
    println!();
    warm::report();
}
