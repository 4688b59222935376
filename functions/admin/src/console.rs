//! The admin console: one HTML page, four script modules, a stylesheet and an icon, compiled
//! into the binary
//! (no build step, nothing fetched at run time). The page talks only to the admin API with its
//! cookie. A strict Content-Security-Policy allows no inline script and no other origin but
//! the documents bucket's (KYC images); the page cannot be framed.

use axum::extract::State;
use axum::http::{HeaderName, header};
use shared::state::AppState;

const PAGE: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/app.js");
const LIBRARY: &str = include_str!("../console/lib.js");
const PASSKEYS: &str = include_str!("../console/passkeys.js");
const PREFIXES: &str = include_str!("../console/prefixes.js");
const ICON: &str = include_str!("../console/favicon.svg");
const STYLES: &str = include_str!("../console/app.css");

type Static = ([(HeaderName, String); 6], &'static str);

/// Where KYC image links may point: S3 (or the configured S3 endpoint, e.g. an emulator).
fn image_sources(s: &AppState) -> String {
    let mut sources = String::from("'self' https://*.amazonaws.com");
    if let Some(endpoint) = &s.config.s3_endpoint {
        let origin: String = endpoint.trim_end_matches('/').to_string();
        if !origin.contains(char::is_whitespace) && !origin.contains(';') {
            sources.push(' ');
            sources.push_str(&origin);
        }
    }
    sources
}

fn serve(s: &AppState, content_type: &str, body: &'static str) -> Static {
    let csp = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src {}; connect-src 'self'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        image_sources(s)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_FRAME_OPTIONS, "DENY".into()),
            (header::REFERRER_POLICY, "no-referrer".into()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CACHE_CONTROL, "no-cache".into()),
        ],
        body,
    )
}

/// The admin console (sign in with phone, code and password).
#[utoipa::path(get, path = "/admin", tag = "admin",
    responses((status = 200, description = "the console page", content_type = "text/html", body = String)))]
pub async fn page(State(s): State<AppState>) -> Static {
    serve(&s, "text/html; charset=utf-8", PAGE)
}

/// The console's script.
#[utoipa::path(get, path = "/admin/app.js", tag = "admin",
    responses((status = 200, description = "the console's script", content_type = "text/javascript", body = String)))]
pub async fn script(State(s): State<AppState>) -> Static {
    serve(&s, "text/javascript; charset=utf-8", SCRIPT)
}

/// The console's stylesheet.
#[utoipa::path(get, path = "/admin/app.css", tag = "admin",
    responses((status = 200, description = "the console's stylesheet", content_type = "text/css", body = String)))]
pub async fn styles(State(s): State<AppState>) -> Static {
    serve(&s, "text/css; charset=utf-8", STYLES)
}

/// The console's helpers (a module the script imports).
#[utoipa::path(get, path = "/admin/lib.js", tag = "admin",
    responses((status = 200, description = "the console's helper module", content_type = "text/javascript", body = String)))]
pub async fn library(State(s): State<AppState>) -> Static {
    serve(&s, "text/javascript; charset=utf-8", LIBRARY)
}

/// The console's passkey module (sign-in with a passkey, the admin's own passkeys).
#[utoipa::path(get, path = "/admin/passkeys.js", tag = "admin",
    responses((status = 200, description = "the console's passkey module", content_type = "text/javascript", body = String)))]
pub async fn passkeys_script(State(s): State<AppState>) -> Static {
    serve(&s, "text/javascript; charset=utf-8", PASSKEYS)
}

/// The console's SMS prefixes module (the pumping defence's prefixes and their modes).
#[utoipa::path(get, path = "/admin/prefixes.js", tag = "admin",
    responses((status = 200, description = "the console's SMS prefixes module", content_type = "text/javascript", body = String)))]
pub async fn prefixes_script(State(s): State<AppState>) -> Static {
    serve(&s, "text/javascript; charset=utf-8", PREFIXES)
}

/// The console's icon.
#[utoipa::path(get, path = "/admin/favicon.svg", tag = "admin",
    responses((status = 200, description = "the console's icon", content_type = "image/svg+xml", body = String)))]
pub async fn icon(State(s): State<AppState>) -> Static {
    serve(&s, "image/svg+xml", ICON)
}
