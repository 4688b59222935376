//! What a deployed function is, declared once by its crate (`FUNCTION` in its `lib.rs`): its
//! name (binary and log name), its logical id in `template.yaml`, the settings and secrets it
//! needs, the AWS adapters its binary links, and its routes. The Lambda start reads it, the
//! local server and the contract tests list the declarations, and `functions.json` (written
//! from them, checked by a test) gives them to the Python tests and the scripts.

use crate::aws::Adapters;
use crate::config::{Needs, TokenUse};
use crate::state::AppState;
use axum::Router;
use serde_json::{Value, json};
use utoipa::openapi::OpenApi;

#[derive(Clone, Copy)]
pub struct Function {
    /// The binary and the `function` of its log lines: `auth`.
    pub name: &'static str,
    /// Its resource in `template.yaml`: `AuthFunction`.
    pub logical_id: &'static str,
    pub needs: Needs,
    pub adapters: Adapters,
    /// The routes with their OpenAPI declarations (the local server, the document, tests).
    pub routes: fn() -> (Router<AppState>, OpenApi),
    /// The deployable router over a state.
    pub router: fn(AppState) -> Router,
    /// An event under `events/` that any deployment answers (the cold-start bench serves it).
    pub sample_event: &'static str,
}

impl Function {
    /// The declaration as the Python tests and scripts read it (`functions.json`).
    pub fn summary(&self) -> Value {
        let tokens = match self.needs.tokens {
            TokenUse::Sign => "sign",
            TokenUse::Verify => "verify",
            TokenUse::Neither => "neither",
        };
        json!({
            "name": self.name,
            "logical_id": self.logical_id,
            "tokens": tokens,
            "secret_key": self.needs.secret_key,
            "sms": self.needs.sms,
            "links_s3": self.adapters.links_s3(),
            "links_sns": self.adapters.sends_sms(),
        })
    }
}

/// `functions.json`: every declaration, in the order given.
pub fn summaries(functions: &[&Function]) -> Value {
    Value::Array(functions.iter().map(|f| f.summary()).collect())
}
