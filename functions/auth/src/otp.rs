//! Sending a code and verifying it.

use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::api_error::{ApiResult, Success, ok};
use shared::field_schemas::PhoneNumber;
use shared::http::{JsonBody, SourceIp};
use shared::openapi::{Envelope, ErrorBody};
use shared::state::AppState;
use utoipa::ToSchema;

/// A phone number: E.164 (`+919816456565`) or national digits with `country_code`.
#[derive(Deserialize, ToSchema)]
pub struct PhoneInput {
    #[schema(value_type = PhoneNumber, example = "9816456565")]
    pub phone: String,
    /// `+91` or `IN`; without it (or empty) the configured default region applies.
    #[schema(pattern = r"^(\+[0-9]{1,3}|[A-Za-z]{2})?$", example = "+91")]
    pub country_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OtpSent {
    /// E.164.
    pub phone: String,
    pub masked_phone: String,
    /// Seconds the code is valid.
    pub expires_in: i64,
    /// Seconds before another code may be sent to this phone.
    pub resend_after: i64,
}

/// Sends a one-time code by SMS. Never reveals whether an account exists.
#[utoipa::path(post, path = "/v1/auth/otp/request", tag = "auth",
    request_body = PhoneInput,
    responses(
        (status = 200, description = "code sent", body = Envelope<OtpSent>),
        (status = 400, description = "`VALIDATION_ERROR` (field `phone`: not a valid number, or not a mobile one; or `country_code`) or `COUNTRY_NOT_SUPPORTED`", body = ErrorBody),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: resend cooldown, or the phone's hourly/daily, the source IP's hourly or the number prefix's hourly cap", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until a send is allowed"))),
        (status = 502, description = "`OTP_DELIVERY_FAILED`: the SMS could not be sent; no cooldown was spent", body = ErrorBody),
        (status = 503, description = "`OTP_SENDING_PAUSED` with `details.scope: \"budget\"`: the deployment's hourly or daily SMS budget is spent; test numbers and codes already sent keep working", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the budget refills"))),
    ))]
pub async fn request_otp(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    JsonBody(b): JsonBody<PhoneInput>,
) -> ApiResult<Success<OtpSent>> {
    let sent = svc(&s)
        .request_otp(&b.phone, b.country_code.as_deref(), &ip)
        .await?;
    Ok(ok(OtpSent {
        phone: sent.phone.e164().to_string(),
        masked_phone: sent.phone.masked(),
        expires_in: sent.expires_in,
        resend_after: sent.resend_after,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct OtpVerify {
    #[schema(value_type = PhoneNumber, example = "9816456565")]
    pub phone: String,
    #[schema(pattern = r"^(\+[0-9]{1,3}|[A-Za-z]{2})?$")]
    pub country_code: Option<String>,
    /// The code from the SMS.
    #[schema(
        min_length = 1,
        max_length = 10,
        pattern = "^[0-9]+$",
        example = "123456"
    )]
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct Verified {
    /// Single use, bound to the phone, valid `expires_in` seconds.
    pub verification_token: String,
    pub expires_in: i64,
    pub account_exists: bool,
}

/// Checks a code; the right one (once) returns a verification token.
#[utoipa::path(post, path = "/v1/auth/otp/verify", tag = "auth",
    request_body = OtpVerify,
    responses(
        (status = 200, description = "phone verified", body = Envelope<Verified>),
        (status = 401, description = "`OTP_INVALID` with `details.attempts_remaining`, or `OTP_EXPIRED` (expired, used or never sent)", body = ErrorBody),
        (status = 429, description = "`OTP_ATTEMPTS_EXCEEDED`: request a new code", body = ErrorBody),
    ))]
pub async fn verify_otp(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<OtpVerify>,
) -> ApiResult<Success<Verified>> {
    let v = svc(&s)
        .verify_otp(&b.phone, b.country_code.as_deref(), &b.code)
        .await?;
    Ok(ok(Verified {
        verification_token: v.verification_token,
        expires_in: v.expires_in,
        account_exists: v.account_exists,
    }))
}
