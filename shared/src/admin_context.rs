//! The admin console's caller: a live `admin_session` cookie, never a Bearer token (app
//! tokens come from one factor; admin sessions from two). State-changing requests must also
//! look like the console's own `fetch`: JSON content type (even with no body) and, when the
//! browser sends an `Origin`, the API's own origin. A cross-site form or `no-cors` request
//! cannot do both, so `SameSite=Strict` is not the only guard.

use crate::api_error::ApiError;
use crate::domain::Error;
use crate::http::is_json;
use crate::services::admin::AdminCaller;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

/// The cookie's name; it is sent only to `/v1/admin` paths.
pub const ADMIN_COOKIE: &str = "admin_session";
/// The cookie's path: the admin API (the console page itself needs no cookie).
pub const ADMIN_COOKIE_PATH: &str = "/v1/admin";

/// `Set-Cookie` for a new admin session (8 hours; idle expiry is enforced server-side).
pub fn session_cookie(value: &str) -> String {
    let max_age = crate::domain::ADMIN_SESSION_MAX_MS / 1000;
    format!(
        "{ADMIN_COOKIE}={value}; HttpOnly; Secure; SameSite=Strict; Path={ADMIN_COOKIE_PATH}; Max-Age={max_age}"
    )
}

/// `Set-Cookie` that clears the admin session cookie.
pub fn cleared_cookie() -> String {
    format!(
        "{ADMIN_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path={ADMIN_COOKIE_PATH}; Max-Age=0"
    )
}

/// The admin session cookie's value, if the request carries one.
pub fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == ADMIN_COOKIE)
        .map(|(_, v)| v.trim())
}

/// True when an `Origin` header, if any, is this API's own: `https://<Host>`, or
/// `http://<Host>` when the host is the loopback interface (the local server).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let (Ok(origin), Some(host)) = (origin.to_str(), host) else {
        return false;
    };
    let loopback = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|l| host == *l || host.starts_with(&format!("{l}:")));
    origin == format!("https://{host}") || (loopback && origin == format!("http://{host}"))
}

/// Refuses a state-changing request that a page of another site could have made.
pub fn check_cross_site(method: &Method, headers: &HeaderMap) -> Result<(), Error> {
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_json(headers) {
        return Err(Error::PermissionDenied);
    }
    if !same_origin(headers) {
        return Err(Error::PermissionDenied);
    }
    Ok(())
}

/// The signed-in admin of a request (see the module docs).
#[derive(Debug, Clone)]
pub struct AdminContext(pub AdminCaller);

impl FromRequestParts<AppState> for AdminContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        check_cross_site(&parts.method, &parts.headers)?;
        Ok(AdminContext(signed_in(parts, s).await?))
    }
}

/// The admin of a sign-out (`POST /v1/admin/logout`), which takes no body and so needs no
/// `Content-Type`: ending one's own session is nothing another site could gain from, and the
/// cookie is `SameSite=Strict` anyway. A foreign `Origin` is still refused.
#[derive(Debug, Clone)]
pub struct AdminSignOut(pub AdminCaller);

impl FromRequestParts<AppState> for AdminSignOut {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        if !same_origin(&parts.headers) {
            return Err(Error::PermissionDenied.into());
        }
        Ok(AdminSignOut(signed_in(parts, s).await?))
    }
}

/// The admin behind the request's session cookie; a Bearer token is refused outright.
async fn signed_in(parts: &Parts, s: &AppState) -> Result<AdminCaller, ApiError> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        return Err(Error::PermissionDenied.into());
    }
    let cookie = cookie_value(&parts.headers).ok_or(Error::Unauthorized)?;
    Ok(s.admin().authenticate(cookie).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let h = headers(&[(header::COOKIE, "a=1; admin_session=xyz ; b=2")]);
        assert_eq!(cookie_value(&h), Some("xyz"));
        assert_eq!(
            cookie_value(&headers(&[(header::COOKIE, "admin_sessionx=1")])),
            None
        );
    }

    #[test]
    fn only_the_apis_own_origin_passes() {
        let own = |origin: &str, host: &str| {
            same_origin(&headers(&[(header::ORIGIN, origin), (header::HOST, host)]))
        };
        assert!(own("https://api.example.com", "api.example.com"));
        assert!(own("http://127.0.0.1:3000", "127.0.0.1:3000"));
        assert!(
            !own("http://api.example.com", "api.example.com"),
            "plain http off loopback"
        );
        assert!(!own("https://evil.example", "api.example.com"));
        assert!(!own("null", "127.0.0.1:3000"));
        assert!(
            same_origin(&HeaderMap::new()),
            "no Origin: not a browser's cross-site request"
        );
    }

    #[test]
    fn writes_need_json_and_the_own_origin() {
        let json = (header::CONTENT_TYPE, "application/json");
        assert!(check_cross_site(&Method::POST, &headers(std::slice::from_ref(&json))).is_ok());
        assert!(check_cross_site(&Method::POST, &HeaderMap::new()).is_err());
        assert!(check_cross_site(&Method::GET, &HeaderMap::new()).is_ok());
        let foreign = headers(&[
            json,
            (header::ORIGIN, "https://evil.example"),
            (header::HOST, "api.example.com"),
        ]);
        assert!(check_cross_site(&Method::PATCH, &foreign).is_err());
    }
}
