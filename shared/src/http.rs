//! HTTP plumbing shared by every function: the body guard (JSON only, 16 KiB), the JSON
//! extractor that names the bad field, the source IP, request ids and the fallbacks.

use crate::error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use tracing::Instrument;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Header carrying the request id on every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// True when `Content-Type` is `application/json` (parameters such as charset allowed).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Middleware: buffers the body (at most [`MAX_BODY_BYTES`]) so every route, with or without
/// a JSON extractor, answers 415 for a non-JSON body and 413 for an oversized one.
pub async fn body_guard(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let declared_too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    if declared_too_large {
        return ApiError::payload_too_large().into_response();
    }
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return ApiError::payload_too_large().into_response(),
    };
    if !bytes.is_empty() && !is_json(&parts.headers) {
        return ApiError::unsupported_media_type().into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A JSON body deserialized into `T`. Wrong or missing content type: 415. Malformed JSON, a
/// wrong type or a missing field: 400 `VALIDATION_ERROR` with `details.field`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::payload_too_large())?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Deserializes `bytes`, mapping errors to `VALIDATION_ERROR` with the field's path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path != "." && !path.is_empty() {
            path
        } else if let Some(missing) = missing_field_name(&inner.to_string()) {
            missing
        } else {
            "body".to_string()
        };
        let message = if inner.is_syntax() || inner.is_eof() {
            "request body is not valid JSON".to_string()
        } else if inner.to_string().starts_with("missing field") {
            format!("{field} is required")
        } else {
            format!("{field} has the wrong type or format")
        };
        ApiError::validation(&field, message)
    })
}

/// serde's "missing field `name`" → `name`.
fn missing_field_name(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    rest.split('`').next().map(String::from)
}

/// The caller's IP: API Gateway's `requestContext.http.sourceIp` in Lambda, the TCP peer
/// locally. Client-supplied `X-Forwarded-For` is never trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SourceIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        use lambda_http::request::RequestContext;
        if let Some(RequestContext::ApiGatewayV2(ctx)) = parts.extensions.get::<RequestContext>()
            && let Some(ip) = &ctx.http.source_ip
        {
            return Ok(SourceIp(ip.to_string()));
        }
        if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Ok(SourceIp(addr.ip().to_string()));
        }
        Ok(SourceIp("unknown".into()))
    }
}

/// Middleware: gives each request an id (API Gateway's, else a new UUID), runs the request
/// inside a span carrying it, and returns it in `x-request-id`.
pub async fn request_id(req: Request, next: Next) -> Response {
    use lambda_http::request::RequestContext;
    let id = match req.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        _ => None,
    }
    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
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

/// Router fallback: unknown path.
pub async fn not_found() -> ApiError {
    crate::domain::Error::NotFound("route").into()
}

/// Router fallback: known path, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// The bearer token of `Authorization`, if well-formed.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        age: Option<u32>,
        inner: Option<Inner>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        x: u8,
    }

    fn field(e: ApiError) -> String {
        e.details.unwrap()["field"].as_str().unwrap().to_string()
    }

    #[test]
    fn json_errors_name_the_field() {
        assert!(parse_json::<Body>(br#"{"name":"a","extra":1}"#).is_ok());
        assert_eq!(field(parse_json::<Body>(br#"{}"#).unwrap_err()), "name");
        assert_eq!(
            field(parse_json::<Body>(br#"{"name":5}"#).unwrap_err()),
            "name"
        );
        assert_eq!(
            field(parse_json::<Body>(br#"{"name":"a","age":"x"}"#).unwrap_err()),
            "age"
        );
        assert_eq!(
            field(parse_json::<Body>(br#"{"name":"a","inner":{"x":300}}"#).unwrap_err()),
            "inner.x"
        );
        let e = parse_json::<Body>(br#"{"name":"#).unwrap_err();
        assert_eq!(e.code, "VALIDATION_ERROR");
    }

    #[test]
    fn content_type_and_bearer_parsing() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(is_json(&h));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!is_json(&h));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc.def"),
        );
        assert_eq!(bearer(&h), Some("abc.def"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
