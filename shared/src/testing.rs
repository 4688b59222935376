//! Test support (feature `testing`): an in-process app with a fake clock and a capturing SMS
//! sender, driven through the real router, plus helpers for the common flows.

use crate::app::{AppState, finish};
use crate::clock::FakeClock;
use crate::config::{Config, Runtime};
use crate::sms::{ConsoleSms, SmsSender};
use crate::store::Store;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::TimeZone;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

/// Config for tests: contract defaults plus `overrides`.
pub fn config(overrides: &[(&str, &str)]) -> Config {
    let map: std::collections::HashMap<String, String> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match Config::from_lookup(Runtime::Local, |k| map.get(k).cloned()) {
        Ok(c) => c,
        Err(e) => panic!("test config: {e}"),
    }
}

pub struct TestApp {
    pub state: AppState,
    pub sms: Arc<ConsoleSms>,
    pub clock: Arc<FakeClock>,
    pub router: Router,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestResponse {
    /// `error.code`, or "" for a success.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
}

impl TestApp {
    /// An app over `store` with the given routes, contract defaults and `overrides`.
    pub fn new(
        store: Arc<dyn Store>,
        routes: Router<AppState>,
        overrides: &[(&str, &str)],
    ) -> Self {
        Self::with_sms(store, routes, overrides, None)
    }

    /// As [`TestApp::new`], with a different SMS sender (e.g. a failing one).
    pub fn with_sms(
        store: Arc<dyn Store>,
        routes: Router<AppState>,
        overrides: &[(&str, &str)],
        sender: Option<Arc<dyn SmsSender>>,
    ) -> Self {
        let sms = Arc::new(ConsoleSms::new());
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
            .single();
        let clock = Arc::new(FakeClock::new(start.unwrap_or_default()));
        let sender: Arc<dyn SmsSender> = sender.unwrap_or_else(|| sms.clone());
        let state = match AppState::new(config(overrides), store, sender, clock.clone()) {
            Ok(s) => s,
            Err(e) => panic!("test state: {e}"),
        };
        let router = finish(routes, state.clone());
        TestApp {
            state,
            sms,
            clock,
            router,
        }
    }

    /// Sends a request through the router. `body` is sent as JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        bearer: Option<&str>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = bearer {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.unwrap_or_default()).await
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let res = match self.router.clone().oneshot(req).await {
            Ok(r) => r,
            Err(e) => match e {},
        };
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, Some(body), None).await
    }

    /// Requests a code for `phone` and returns it, read from the captured SMS.
    pub async fn request_code(&self, phone: &str) -> String {
        let r = self
            .post("/v1/auth/otp/request", json!({ "phone": phone }))
            .await;
        assert_eq!(r.status, StatusCode::OK, "otp request: {:?}", r.body);
        let e164 = r.data()["phone"].as_str().unwrap_or_default().to_string();
        self.last_code(&e164)
    }

    /// The code in the last SMS sent to `e164`.
    pub fn last_code(&self, e164: &str) -> String {
        let body = self.sms.last_to(e164).map(|m| m.body).unwrap_or_default();
        extract_code(&body).unwrap_or_else(|| panic!("no code sent to {e164}"))
    }

    /// A fresh verification token for `phone`.
    pub async fn verification_token(&self, phone: &str) -> String {
        let code = self.request_code(phone).await;
        let r = self
            .post(
                "/v1/auth/otp/verify",
                json!({ "phone": phone, "code": code }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "verify: {:?}", r.body);
        // The resend cooldown would block the next code for this phone in the same test.
        self.clock.advance(chrono::Duration::seconds(61));
        r.data()["verification_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Registers `phone` with a password; returns the `data` (user and tokens).
    pub async fn register(&self, phone: &str, password: &str) -> Value {
        let vt = self.verification_token(phone).await;
        let r = self
            .post(
                "/v1/auth/register",
                json!({ "verification_token": vt, "name": "Test User", "password": password }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "register: {:?}", r.body);
        r.data().clone()
    }
}

impl TestApp {
    /// Registers `phone` without a password (cheap); returns (access token, user id).
    pub async fn user(&self, phone: &str) -> (String, String) {
        let vt = self.verification_token(phone).await;
        let r = self
            .post(
                "/v1/auth/register",
                json!({ "verification_token": vt, "name": format!("User {phone}") }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "register: {:?}", r.body);
        (
            token(r.data(), "access_token"),
            r.data()["user"]["user_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    }
}

/// Every API Gateway HTTP API (payload 2.0) event in `dir`, as (file stem, the event's JSON,
/// the request lambda_http makes of it).
pub fn load_events(dir: &std::path::Path) -> Vec<(String, Value, Request<Body>)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let event: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let req = lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((name, event, req.map(|b| Body::from(b.to_vec()))));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The first run of 4+ digits in an SMS body.
pub fn extract_code(body: &str) -> Option<String> {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|s| s.len() >= 4)
        .map(String::from)
}

/// `data.tokens.access_token` etc.
pub fn token(data: &Value, which: &str) -> String {
    data["tokens"][which]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
