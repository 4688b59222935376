//! Request bodies: JSON only and at most 16 KiB (a middleware refuses others before any
//! handler runs), parsed strictly with the offending field named.

use crate::api_error::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

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
    // Every body of the contract is an object; serde would also read a struct from an array
    // of its fields in order (`[]` as an empty PATCH).
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(ApiError::validation(
            "body",
            "request body must be a JSON object",
        ));
    }
    let bytes = super::numbers::integral_literals(bytes);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::bearer;
    use axum::http::HeaderValue;
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
    fn only_objects_are_bodies() {
        #[derive(Debug, Deserialize)]
        struct AllOptional {
            #[allow(dead_code)]
            a: Option<u8>,
        }
        for body in [&b"[]"[..], b" [1]", b"\"x\"", b"3", b"null"] {
            let e = parse_json::<AllOptional>(body).unwrap_err();
            assert_eq!(field(e), "body", "{:?}", String::from_utf8_lossy(body));
        }
        assert!(parse_json::<AllOptional>(b" {}").is_ok());
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
