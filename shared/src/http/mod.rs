//! HTTP plumbing shared by every function: the body guard (JSON only, 16 KiB), the JSON
//! extractor that names the bad field, the source IP, request ids and the fallbacks.

use crate::error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use tracing::Instrument;

mod numbers;

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

/// Deserializes `bytes`, mapping errors to `VALIDATION_ERROR` with the field's path. Data
/// after the JSON value and a key given twice are refused too; an integral number written with
/// a fraction or exponent (`2048.0`) is an integer, as JSON Schema's `integer` says.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = numbers::integral_literals(bytes);
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(json_error)?;
    de.end()
        .map_err(|_| ApiError::validation("body", "request body has data after the JSON value"))?;
    Ok(value)
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let text = inner.to_string();
    let at_root = path == "." || path.is_empty();
    let named = |name: String| match at_root {
        true => name,
        false => format!("{path}.{name}"),
    };
    let here = || match at_root {
        true => "body".to_string(),
        false => path.clone(),
    };
    let (field, message) = if inner.is_syntax() || inner.is_eof() {
        (here(), "request body is not valid JSON".to_string())
    } else if let Some(name) = quoted_after(&text, "missing field `") {
        let f = named(name);
        let m = format!("{f} is required");
        (f, m)
    } else if let Some(name) = quoted_after(&text, "duplicate field `") {
        let f = named(name);
        let m = format!("{f} is given more than once");
        (f, m)
    } else {
        let f = here();
        let m = format!("{f} has the wrong type or format");
        (f, m)
    };
    ApiError::validation(&field, message)
}

/// serde's "missing field `name`" (or "duplicate field ...") → `name`.
fn quoted_after(msg: &str, prefix: &str) -> Option<String> {
    let rest = msg.strip_prefix(prefix)?;
    rest.split('`').next().map(String::from)
}

/// The query parameters of `query` named in `names` (others are ignored); one given twice
/// is a 400 naming it. Values stay percent-encoded (cursors and ids never need decoding).
pub fn query_params(
    query: Option<&str>,
    names: &[&'static str],
) -> Result<std::collections::HashMap<&'static str, String>, ApiError> {
    let mut out = std::collections::HashMap::new();
    for (k, v) in query
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
    {
        let Some(name) = names.iter().find(|n| **n == k) else {
            continue;
        };
        if out.insert(*name, v.to_string()).is_some() {
            return Err(ApiError::validation(
                name,
                format!("{name} is given more than once"),
            ));
        }
    }
    Ok(out)
}

/// A query value decoded as browsers encode it (`application/x-www-form-urlencoded`: `%XX`
/// escapes, `+` for a space); `None` when the escapes are malformed or not UTF-8.
pub fn decode_param(v: &str) -> Option<String> {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if bytes[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `limit` from [`query_params`]' output, as a number (its range is the service's rule).
pub fn limit_param(
    params: &std::collections::HashMap<&'static str, String>,
) -> Result<Option<i64>, ApiError> {
    params
        .get("limit")
        .map(|v| {
            v.parse()
                .map_err(|_| ApiError::validation("limit", "limit must be 1 to 100"))
        })
        .transpose()
}

/// A path parameter. One that is not valid UTF-8 gets the contract's JSON 400, not axum's
/// plain-text rejection.
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PathParam(v)),
            Err(_) => Err(ApiError::validation(
                "path",
                "a path parameter is not valid UTF-8",
            )),
        }
    }
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
    fn query_values_decode_as_forms_encode_them() {
        assert_eq!(decode_param("%2B91%2098").as_deref(), Some("+91 98"));
        assert_eq!(decode_param("98164+56581").as_deref(), Some("98164 56581"));
        assert_eq!(decode_param("%E0%A4%85").as_deref(), Some("अ"));
        assert_eq!(decode_param("%2"), None);
        assert_eq!(decode_param("%FF"), None);
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
        assert_eq!(
            field(parse_json::<Body>(br#"{"name":"a","name":"b"}"#).unwrap_err()),
            "name"
        );
        assert_eq!(
            field(parse_json::<Body>(br#"{"name":"a","inner":{"x":1,"x":2}}"#).unwrap_err()),
            "inner.x"
        );
        assert_eq!(
            field(parse_json::<Body>(br#"{"name":"a","inner":{}}"#).unwrap_err()),
            "inner.x"
        );
        for trailing in [&br#"{"name":"a"} x"#[..], br#"{"name":"a"}{"name":"b"}"#] {
            assert_eq!(field(parse_json::<Body>(trailing).unwrap_err()), "body");
        }
        assert!(
            parse_json::<Body>(b"{\"name\":\"a\"}\n ").is_ok(),
            "white space may follow"
        );
    }

    #[test]
    fn long_values_are_clipped_for_logs() {
        assert_eq!(clip("/v1/health", 200), "/v1/health");
        let long = "/v1/pools/".to_string() + &"é".repeat(300);
        let c = clip(&long, MAX_LOGGED_PATH);
        assert!(c.len() <= MAX_LOGGED_PATH + "…".len() && c.ends_with('…'));
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
