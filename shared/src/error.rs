//! The API error type and the JSON envelopes of the contract:
//! `{"success": true, "data": ...}` and `{"success": false, "error": {code, message, details?}}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
    /// Seconds, sent as `Retry-After` (and `details.retry_after` for 429s).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 400 naming the offending field in `details.field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
            .with_details(json!({ "field": field }))
    }

    pub fn country_not_supported() -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "COUNTRY_NOT_SUPPORTED",
            "codes cannot be sent to this country",
        )
        .with_details(json!({ "field": "phone" }))
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "authentication required",
        )
    }

    pub fn invalid_credentials() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "phone number or password is incorrect",
        )
    }

    pub fn otp_invalid(attempts_remaining: u32) -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "OTP_INVALID",
            "the code is incorrect",
        )
        .with_details(json!({ "attempts_remaining": attempts_remaining }))
    }

    pub fn otp_expired() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "OTP_EXPIRED",
            "the code has expired or was already used; request a new one",
        )
    }

    pub fn otp_attempts_exceeded() -> Self {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "OTP_ATTEMPTS_EXCEEDED",
            "too many wrong codes; request a new one",
        )
    }

    pub fn permission_denied() -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "PERMISSION_DENIED", "not allowed")
    }

    pub fn account_suspended() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "ACCOUNT_SUSPENDED",
            "this account is suspended",
        )
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("{what} not found"),
        )
    }

    pub fn account_not_found() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "ACCOUNT_NOT_FOUND",
            "no account is registered for this phone number",
        )
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    pub fn payload_too_large() -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "request body is larger than 16 KiB",
        )
    }

    pub fn unsupported_media_type() -> Self {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "request body must be application/json",
        )
    }

    pub fn account_locked(retry_after: u64) -> Self {
        let mut e = ApiError::new(
            StatusCode::LOCKED,
            "ACCOUNT_LOCKED",
            "too many failed sign-in attempts; try again later",
        )
        .with_details(json!({ "retry_after": retry_after }));
        e.retry_after = Some(retry_after);
        e
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "too many requests; try again later",
        )
        .with_details(json!({ "retry_after": retry_after }));
        e.retry_after = Some(retry_after);
        e
    }

    pub fn otp_delivery_failed() -> Self {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "OTP_DELIVERY_FAILED",
            "the code could not be sent; try again",
        )
    }

    pub fn method_not_allowed() -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "method not allowed on this path",
        )
    }

    /// 500 with no internals; the cause is logged (inside the request's span) instead.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(d) = self.details {
            error["details"] = d;
        }
        let mut res = (
            self.status,
            Json(json!({ "success": false, "error": error })),
        )
            .into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// A success response: `{"success": true, "data": data}` with a status.
pub struct Success<T>(pub StatusCode, pub T);

impl<T: Serialize> IntoResponse for Success<T> {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "success": true, "data": self.1 }))).into_response()
    }
}

/// 200 with `data`.
pub fn ok<T: Serialize>(data: T) -> Success<T> {
    Success(StatusCode::OK, data)
}

/// 201 with `data`.
pub fn created<T: Serialize>(data: T) -> Success<T> {
    Success(StatusCode::CREATED, data)
}

pub type ApiResult<T> = Result<T, ApiError>;
