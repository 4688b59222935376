//! Test support (feature `testing`): an in-process app over any group's routes with a fake
//! clock and a capturing SMS sender, fixtures that make a signed-in user straight through the
//! ports (no auth routes needed), request helpers and assertion helpers.

mod admin;
mod ids;
mod loans;
mod passkey;
mod who;

pub use ids::{e164, pid, sid, uid};
pub use passkey::{SoftPasskey, TEST_ORIGIN};
pub use who::{AsWho, Who};

pub use admin::{ADMIN_PASSWORD, TestAdmin};

use crate::app::finish;
use crate::clock::FakeClock;
use crate::config::{Config, Runtime};
use crate::domain::{E164, User, UserId, Verification};
use crate::metrics::{CapturedSink, Metrics};
use crate::objects::local::LocalObjects;
use crate::services::auth::{Auth, new_epoch};
use crate::sms::{ConsoleSms, Delivery, Sms, SmsError, SmsSender};
use crate::state::AppState;
use crate::store::Stores;
use async_trait::async_trait;
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

/// Always fails (tests of the 502 path).
#[derive(Debug, Default)]
pub struct FailingSms;

#[async_trait]
impl SmsSender for FailingSms {
    async fn send(&self, _: &Sms<'_>) -> Result<Delivery, SmsError> {
        Err(SmsError::new("DeliveryDisabled"))
    }
}

pub struct TestApp {
    pub state: AppState,
    pub sms: Arc<ConsoleSms>,
    /// The EMF lines the app wrote.
    pub metrics: Arc<CapturedSink>,
    /// The local object store the app's documents go to.
    pub uploads: Arc<LocalObjects>,
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
    /// `error.details.field`, or "".
    pub fn field(&self) -> &str {
        self.body["error"]["details"]["field"]
            .as_str()
            .unwrap_or("")
    }
}

/// Asserts an error response: its status and `error.code`.
#[track_caller]
pub fn assert_error(r: &TestResponse, status: u16, code: &str) {
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (status, code),
        "body: {}",
        r.body
    );
}

/// Asserts a 400 `VALIDATION_ERROR` naming `field`.
#[track_caller]
pub fn assert_invalid(r: &TestResponse, field: &str) {
    assert_error(r, 400, "VALIDATION_ERROR");
    assert_eq!(r.field(), field, "body: {}", r.body);
}

/// Asserts a success with `status`; returns its `data`.
#[track_caller]
pub fn assert_ok(r: &TestResponse, status: u16) -> &Value {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.body);
    assert_eq!(r.body["success"], true, "body: {}", r.body);
    r.data()
}

/// A user made through the ports, signed in on one session.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub user_id: UserId,
    pub phone: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    /// An app over `stores` with the given routes, contract defaults and `overrides`.
    pub fn new(stores: Stores, routes: Router<AppState>, overrides: &[(&str, &str)]) -> Self {
        Self::with_sms(stores, routes, overrides, None)
    }

    /// As [`TestApp::new`], with a different SMS sender (e.g. a failing one).
    pub fn with_sms(
        stores: Stores,
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
        let config = config(overrides);
        let uploads = Arc::new(LocalObjects::new(
            &config.documents_bucket,
            "http://127.0.0.1:3000",
        ));
        let objects = uploads.clone();
        let mut state = match AppState::new(config, stores, sender, objects, clock.clone()) {
            Ok(s) => s,
            Err(e) => panic!("test state: {e}"),
        };
        let metrics = Arc::new(CapturedSink::default());
        state.metrics = Metrics::new("Test", metrics.clone());
        let router = finish(routes, state.clone());
        TestApp {
            state,
            sms,
            metrics,
            uploads,
            clock,
            router,
        }
    }

    /// Sends `bytes` to a presigned upload URL of this app's local object store, as the app
    /// would (`content_type` is the header it sends).
    pub fn upload(&self, url: &str, content_type: &str, bytes: &[u8]) -> Result<(), String> {
        self.uploads
            .accept_url(url, Some(content_type), bytes)
            .map_err(|e| e.to_string())
    }

    pub fn stores(&self) -> &Stores {
        &self.state.stores
    }

    /// The auth service over this app's state (fixtures mint tokens with it).
    pub fn auth(&self) -> Auth<'_> {
        self.state.auth()
    }

    /// A registered, signed-in user for `phone` (E.164), made through the ports.
    pub async fn signed_in(&self, phone: &str) -> TestUser {
        self.signed_in_as(phone, |_| {}).await.0
    }

    /// As [`TestApp::signed_in`], with `shape` applied to the record before it is stored.
    pub async fn signed_in_as(
        &self,
        phone: &str,
        shape: impl FnOnce(&mut User),
    ) -> (TestUser, User) {
        let now_ms = self.state.now_ms();
        let mut user = User::new(
            UserId::generate(),
            E164::new(phone),
            "Test User".into(),
            now_ms,
            new_epoch(),
        );
        shape(&mut user);
        let token_hash = format!("fixture-{}", user.user_id);
        let stores = self.stores();
        let v = Verification {
            token_hash: token_hash.clone(),
            phone: E164::new(phone),
            expires_at_ms: now_ms + 60_000,
        };
        stores
            .verifications
            .put_verification(&v)
            .await
            .expect("fixture token");
        let created = stores.users.create_user(&user, &token_hash, now_ms).await;
        assert_eq!(
            created.expect("fixture user"),
            Ok(()),
            "fixture: {phone} is taken"
        );
        let tokens = self
            .auth()
            .start_session(&user, None)
            .await
            .expect("fixture session");
        let test_user = TestUser {
            user_id: user.user_id.clone(),
            phone: phone.to_string(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
        };
        (test_user, user)
    }

    /// Sends a request through the router. `body` is sent as JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        bearer: Option<&str>,
    ) -> TestResponse {
        self.send(request(method, path, body, bearer)).await
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

    /// POST with a JSON body, no token.
    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, Some(body), None).await
    }

    /// GET as `bearer`.
    pub async fn get(&self, path: &str, bearer: &str) -> TestResponse {
        self.call(Method::GET, path, None, Some(bearer)).await
    }

    /// `POST /v1/auth/login` with `body` (either form).
    pub async fn login(&self, body: Value) -> TestResponse {
        self.post("/v1/auth/login", body).await
    }

    /// GET `path` as `who` (an access token, a signed-in user, or an admin's console session).
    pub async fn get_as(&self, path: &str, who: &(impl AsWho + ?Sized)) -> TestResponse {
        self.send_as(Method::GET, path, None, who).await
    }

    /// `method` on `path` as `who`, with an optional JSON body.
    pub async fn send_as(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        who: &(impl AsWho + ?Sized),
    ) -> TestResponse {
        match who.who() {
            Who::Token(t) => self.call(method, path, body, Some(t)).await,
            Who::Admin(cookie) => self.as_admin(method, path, body, cookie).await,
        }
    }

    /// `method` as `bearer`, with an optional JSON body.
    pub async fn as_user(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        bearer: &str,
    ) -> TestResponse {
        self.call(method, path, body, Some(bearer)).await
    }
}

/// A request as an app sends it: `body` as JSON, `bearer` as its token.
pub fn request(
    method: Method,
    path: &str,
    body: Option<Value>,
    bearer: Option<&str>,
) -> Request<Body> {
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
    req.unwrap_or_default()
}

/// Helpers that drive the auth routes (apps built with the auth function's routes).
impl TestApp {
    /// Requests a code for `phone` and returns it, read from the captured SMS.
    pub async fn request_code(&self, phone: &str) -> String {
        let r = self
            .post("/v1/auth/otp/request", json!({ "phone": phone }))
            .await;
        let e164 = assert_ok(&r, 200)["phone"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.last_code(&e164)
    }

    /// How many `metric` events the app counted (EMF lines), only those with
    /// `dimension = value` when given.
    pub fn counted(&self, metric: &str, dimension: Option<(&str, &str)>) -> usize {
        self.metrics
            .lines()
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|doc| doc[metric] == 1)
            .filter(|doc| dimension.is_none_or(|(k, v)| doc[k] == v))
            .count()
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
        let token = assert_ok(&r, 200)["verification_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        // The resend cooldown would block the next code for this phone in the same test.
        self.clock.advance(chrono::Duration::seconds(61));
        token
    }

    /// Registers `phone` with a password through the routes; returns `data` (user and tokens).
    pub async fn register(&self, phone: &str, password: &str) -> Value {
        let vt = self.verification_token(phone).await;
        let r = self
            .post(
                "/v1/auth/register",
                json!({ "verification_token": vt, "name": "Test User", "password": password }),
            )
            .await;
        assert_ok(&r, 201).clone()
    }

    /// Registers `phone` without a password through the routes; returns (access token, user id).
    pub async fn user(&self, phone: &str) -> (String, UserId) {
        let vt = self.verification_token(phone).await;
        let r = self
            .post(
                "/v1/auth/register",
                json!({ "verification_token": vt, "name": format!("User {phone}") }),
            )
            .await;
        let data = assert_ok(&r, 201);
        let uid = data["user"]["user_id"].as_str().unwrap_or_default();
        (token(data, "access_token"), UserId::new(uid))
    }
}

/// Runs `n` copies of `f` at once on the runtime's workers and returns their results in order
/// (races: exactly-one-winner and never-over-the-limit tests).
pub async fn race<F, Fut, T>(n: usize, f: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(f(i))).collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.expect("a raced task panicked"));
    }
    out
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

/// Runs every event in `dir` through a fresh app over `routes` (a function's deployed
/// routes), checking that the request id comes from API Gateway's request context and that
/// there is one event per route of `spec`. Returns each event's name and response.
pub async fn run_events(
    dir: &std::path::Path,
    routes: impl Fn() -> Router<AppState>,
    spec: &utoipa::openapi::OpenApi,
) -> Vec<(String, TestResponse)> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for (name, event, req) in load_events(dir) {
        let app = TestApp::new(Stores::memory(), routes(), &[]);
        let res = app.send(req).await;
        assert_eq!(
            res.headers["x-request-id"].to_str().unwrap_or_default(),
            event["requestContext"]["requestId"]
                .as_str()
                .unwrap_or_default(),
            "{name}: request id comes from API Gateway"
        );
        seen.push(event["routeKey"].as_str().unwrap_or_default().to_string());
        out.push((name, res));
    }
    seen.sort();
    let declared: Vec<String> = crate::openapi::route_list(spec)
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(seen, declared, "one event per route");
    out
}

/// The first run of 4+ digits in an SMS body.
pub fn extract_code(body: &str) -> Option<String> {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|s| s.len() >= 4)
        .map(String::from)
}

/// `data.tokens.access_token` etc.
/// A file that is a JPEG as far as its first bytes tell: the JPEG signature, then `tag`.
pub fn jpeg(tag: &[u8]) -> Vec<u8> {
    [&[0xFF, 0xD8, 0xFF, 0xE0][..], tag].concat()
}

pub fn token(data: &Value, which: &str) -> String {
    data["tokens"][which]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
