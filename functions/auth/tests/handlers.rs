//! Handler tests: every auth route and error code, through the real router, in process,
//! with the memory store, a capturing SMS sender and a fake clock. One file per flow under
//! `handlers/`, one test binary.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use shared::domain::{UserId, UserStatus};
use shared::store::Stores;
use shared::testing::{
    FailingSms, TestApp, TestResponse, assert_error, assert_invalid, assert_ok, e164, race, token,
};
use std::sync::Arc;

const PHONE: &str = "9816456565";
const E164: &str = "+919816456565";
const PW: &str = "correct horse 1";

fn app() -> TestApp {
    app_with(&[])
}

fn app_with(overrides: &[(&str, &str)]) -> TestApp {
    TestApp::new(Stores::memory(), auth_fn::routes().0, overrides)
}

async fn authed(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    bearer: &str,
) -> TestResponse {
    app.call(method, path, body, Some(bearer)).await
}

#[path = "handlers/account.rs"]
mod account;
#[path = "handlers/defence.rs"]
mod defence;
#[path = "handlers/deletion_loans.rs"]
mod deletion_loans;
#[path = "handlers/edge.rs"]
mod edge;
#[path = "handlers/input_rules.rs"]
mod input_rules;
#[path = "handlers/lockout.rs"]
mod lockout;
#[path = "handlers/login.rs"]
mod login;
#[path = "handlers/otp.rs"]
mod otp;
#[path = "handlers/passkeys.rs"]
mod passkeys;
#[path = "handlers/phone.rs"]
mod phone;
#[path = "handlers/sessions.rs"]
mod sessions;
#[path = "handlers/sms.rs"]
mod sms;
#[path = "handlers/well_known.rs"]
mod well_known;
