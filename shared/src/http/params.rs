//! What a request carries besides its body: query parameters, a path parameter, the source
//! IP and the bearer token.

use crate::api_error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, header, request::Parts};
use std::net::SocketAddr;

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

/// A path parameter, as the typed id it names (`PathParam<PoolId>`). One that is not valid
/// UTF-8 gets the contract's JSON 400, not axum's plain-text rejection.
pub struct PathParam<T = String>(pub T);

impl<S: Send + Sync, T: From<String>> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PathParam(T::from(v))),
            Err(_) => Err(ApiError::validation(
                "path",
                "a path parameter is not valid UTF-8",
            )),
        }
    }
}

/// Two path parameters, in path order, as the typed ids they name
/// (`PathPair<UserId, LoanId>`), with [`PathParam`]'s JSON 400.
pub struct PathPair<A, B>(pub A, pub B);

impl<S: Send + Sync, A: From<String>, B: From<String>> FromRequestParts<S> for PathPair<A, B> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((a, b))) => Ok(PathPair(A::from(a), B::from(b))),
            Err(_) => Err(ApiError::validation(
                "path",
                "a path parameter is not valid UTF-8",
            )),
        }
    }
}

/// The header an idempotent write answers with: `Idempotent-Replayed: true` when the key and
/// body were applied before and nothing changed now.
pub type Replayed = [(axum::http::HeaderName, axum::http::HeaderValue); 1];

pub fn idempotent_replayed(replayed: bool) -> Replayed {
    let value = if replayed { "true" } else { "false" };
    [(
        axum::http::HeaderName::from_static("idempotent-replayed"),
        axum::http::HeaderValue::from_static(value),
    )]
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

    #[test]
    fn query_values_decode_as_forms_encode_them() {
        assert_eq!(decode_param("%2B91%2098").as_deref(), Some("+91 98"));
        assert_eq!(decode_param("98164+56581").as_deref(), Some("98164 56581"));
        assert_eq!(decode_param("%E0%A4%85").as_deref(), Some("अ"));
        assert_eq!(decode_param("%2"), None);
        assert_eq!(decode_param("%FF"), None);
    }
}
