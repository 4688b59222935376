//! The layers every router shares: request ids on every response and log line, `no-store`
//! caching, bearer challenges on 401s, and the JSON fallbacks.

use crate::api_error::ApiError;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::params::bearer;

/// Header carrying the request id on every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Middleware: gives each request an id (API Gateway's, else a new UUID), runs the request
/// inside a span carrying it, and returns it in `x-request-id`.
pub async fn request_id(req: Request, next: Next) -> Response {
    use lambda_http::request::RequestContext;
    let id = match req.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        _ => None,
    }
    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let path = clip(req.uri().path(), MAX_LOGGED_PATH);
    let span =
        tracing::info_span!("request", request_id = %id, method = %req.method(), path = %path);
    async move {
        let mut res = next.run(req).await;
        let status = res.status().as_u16();
        if status >= 500 {
            tracing::error!(status, "request failed");
        } else {
            tracing::info!(status, "request done");
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(REQUEST_ID_HEADER, v);
        }
        res
    }
    .instrument(span)
    .await
}

/// Middleware: responses carry tokens or personal data unless a handler says otherwise, so any
/// response without its own `Cache-Control` gets `no-store` (and `Pragma: no-cache` for old
/// proxies). The JWKS, health and the OpenAPI document set their own.
pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    res
}

/// The challenge of a 401 on a route that takes a bearer token (RFC 6750).
pub const BEARER: &str = "Bearer";

/// A 401 answering a request that presented a bearer token says how to authenticate
/// (`WWW-Authenticate: Bearer`, RFC 6750), whichever step refused it: the token, or the
/// password or verification token a bearer route also asks for.
pub async fn bearer_challenge(req: Request, next: Next) -> Response {
    let presented = bearer(req.headers()).is_some();
    let mut res = next.run(req).await;
    if presented && res.status() == StatusCode::UNAUTHORIZED {
        let h = res.headers_mut();
        if !h.contains_key(header::WWW_AUTHENTICATE) {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(BEARER));
        }
    }
    res
}

/// Longest path written to a log line; a longer one is cut (a flood of huge paths must not
/// become a flood of huge log lines).
pub const MAX_LOGGED_PATH: usize = 200;

/// `s` cut to at most `max` bytes at a character boundary, with `…` when cut.
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end]).into()
}

/// Router fallback: unknown path.
pub async fn not_found() -> ApiError {
    crate::domain::Error::NotFound("route").into()
}

/// Router fallback: known path, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_clipped_for_logs() {
        assert_eq!(clip("/v1/health", 200), "/v1/health");
        let long = "/v1/pools/".to_string() + &"é".repeat(300);
        let c = clip(&long, MAX_LOGGED_PATH);
        assert!(c.len() <= MAX_LOGGED_PATH + "…".len() && c.ends_with('…'));
    }
}
