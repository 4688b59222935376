//! The edge of every function: the API error type, the JSON envelopes of the contract
//! (`{"success": true, "data": ...}` and `{"success": false, "error": {code, message, details?}}`)
//! and the one mapping from domain errors to HTTP statuses and codes.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::{Conflict, Error};
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
    /// Seconds, sent as `Retry-After` (and `details.retry_after` for 429s).
    pub retry_after: Option<u64>,
    /// Sent as `WWW-Authenticate` (a 401 on a bearer route, RFC 6750).
    pub challenge: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
            challenge: None,
        }
    }

    /// This error with a `WWW-Authenticate` challenge.
    pub fn challenging(mut self, challenge: &'static str) -> Self {
        self.challenge = Some(challenge);
        self
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    fn retry(self, secs: u64) -> Self {
        self.with_details(json!({ "retry_after": secs }))
            .retry_header(secs)
    }

    /// `Retry-After: secs` on the response (the details say it too).
    fn retry_header(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 400 naming the offending field in `details.field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
            .with_details(json!({ "field": field }))
    }

    pub fn unauthorized() -> Self {
        Error::Unauthorized.into()
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

/// The one place where domain refusals become HTTP statuses, codes and messages.
impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid { field, message } => ApiError::validation(&field, message),
            Error::CountryNotSupported => ApiError::new(
                StatusCode::BAD_REQUEST,
                "COUNTRY_NOT_SUPPORTED",
                "codes cannot be sent to this country",
            )
            .with_details(json!({ "field": "phone" })),
            Error::OtpInvalid { attempts_remaining } => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "OTP_INVALID",
                "the code is incorrect",
            )
            .with_details(json!({ "attempts_remaining": attempts_remaining })),
            Error::NotFound(what) => ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("{what} not found"),
            ),
            Error::Conflict(c) => conflict(c),
            Error::AccountLocked { retry_after } => ApiError::new(
                StatusCode::LOCKED,
                "ACCOUNT_LOCKED",
                "too many failed sign-in attempts; try again later",
            )
            .retry(retry_after),
            Error::RateLimited { retry_after } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMIT_EXCEEDED",
                "too many requests; try again later",
            )
            .retry(retry_after),
            Error::OtpSendingPaused { retry_after, scope } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "OTP_SENDING_PAUSED",
                "codes cannot be sent right now; try again later",
            )
            .with_details(json!({ "retry_after": retry_after, "scope": scope.as_str() }))
            .retry_header(retry_after),
            Error::Internal(cause) => ApiError::internal(cause),
            e @ (Error::Unauthorized
            | Error::VerificationTokenInvalid
            | Error::InvalidCredentials
            | Error::OtpExpired
            | Error::OtpAttemptsExceeded
            | Error::PermissionDenied
            | Error::AccountSuspended
            | Error::AccountNotFound
            | Error::OtpDeliveryFailed
            | Error::PasskeyInvalid
            | Error::PasskeyRefused
            | Error::CeremonyNotFound) => {
                let (status, code, message) = plain(&e);
                ApiError::new(status, code, message)
            }
        }
    }
}

/// Status, code and message of the refusals that carry nothing else.
fn plain(e: &Error) -> (StatusCode, &'static str, &'static str) {
    use StatusCode as S;
    match e {
        Error::Unauthorized => (S::UNAUTHORIZED, "UNAUTHORIZED", "authentication required"),
        Error::VerificationTokenInvalid => (
            S::UNAUTHORIZED,
            "UNAUTHORIZED",
            "verification token is invalid, used or expired",
        ),
        Error::InvalidCredentials => (
            S::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "phone number or password is incorrect",
        ),
        Error::OtpExpired => (
            S::UNAUTHORIZED,
            "OTP_EXPIRED",
            "the code has expired or was already used; request a new one",
        ),
        Error::OtpAttemptsExceeded => (
            S::TOO_MANY_REQUESTS,
            "OTP_ATTEMPTS_EXCEEDED",
            "too many wrong codes; request a new one",
        ),
        Error::PermissionDenied => (S::FORBIDDEN, "PERMISSION_DENIED", "not allowed"),
        Error::AccountSuspended => (
            S::FORBIDDEN,
            "ACCOUNT_SUSPENDED",
            "this account is suspended",
        ),
        Error::AccountNotFound => (
            S::NOT_FOUND,
            "ACCOUNT_NOT_FOUND",
            "no account is registered for this phone number",
        ),
        Error::OtpDeliveryFailed => (
            S::BAD_GATEWAY,
            "OTP_DELIVERY_FAILED",
            "the code could not be sent; try again",
        ),
        Error::PasskeyInvalid => (
            S::BAD_REQUEST,
            "PASSKEY_INVALID",
            "the passkey could not be verified; create it again",
        ),
        Error::PasskeyRefused => (
            S::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "the passkey could not be verified",
        ),
        Error::CeremonyNotFound => (
            S::NOT_FOUND,
            "CEREMONY_NOT_FOUND",
            "this ceremony is unknown, used or expired; start again",
        ),
        // Only the variants listed where `plain` is called reach here.
        _ => (S::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"),
    }
}

fn conflict(c: Conflict) -> ApiError {
    let (code, message) = match c {
        Conflict::AccountExists => (
            "ACCOUNT_EXISTS",
            "an account already exists for this phone number; sign in instead",
        ),
        Conflict::AlreadyMember => ("ALREADY_MEMBER", "you are already a member of this pool"),
        Conflict::PoolFull => ("POOL_FULL", "this pool has no free seat"),
        Conflict::PoolClosed => ("POOL_CLOSED", "this pool's deadline has passed"),
        Conflict::KycAlreadySubmitted => (
            "KYC_ALREADY_SUBMITTED",
            "a KYC submission is already pending or verified",
        ),
        Conflict::InsufficientFunds => (
            "INSUFFICIENT_FUNDS",
            "the balance or points would go below zero",
        ),
        Conflict::IdempotencyKeyReused => (
            "IDEMPOTENCY_KEY_REUSED",
            "this idempotency_key was used for a different request",
        ),
        Conflict::KycNotPending => ("KYC_NOT_PENDING", "only a PENDING KYC can be reviewed"),
        Conflict::PoolLimit => (
            "POOL_LIMIT",
            "you already own the most open pools allowed; wait for one to close",
        ),
        Conflict::KycNotVerified => (
            "KYC_NOT_VERIFIED",
            "a loan needs the user's KYC to be VERIFIED",
        ),
        Conflict::LoanOutstanding => (
            "LOAN_OUTSTANDING",
            "an account with an active loan cannot be deleted; repay it first",
        ),
        Conflict::Overpayment => (
            "OVERPAYMENT",
            "the amount is over what is outstanding, or the loan is closed",
        ),
        Conflict::PasskeyExists => ("PASSKEY_EXISTS", "this passkey is already registered"),
        Conflict::PasskeyLimit => (
            "PASSKEY_LIMIT",
            "this account holds the most passkeys allowed; remove one first",
        ),
    };
    ApiError::new(StatusCode::CONFLICT, code, message)
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e)
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
        if let Some(c) = self.challenge {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(c));
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
