//! What a service can refuse, in domain terms. The HTTP status, error code and message of each
//! are chosen at the edge, in one place (`crate::error`).

pub type Result<T> = std::result::Result<T, Error>;

/// A state conflict with an existing record (HTTP 409 at the edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    AccountExists,
    AlreadyMember,
    PoolFull,
    PoolClosed,
    /// A KYC submission is pending or verified (or changed meanwhile).
    KycAlreadySubmitted,
    /// The balance or points would go below zero.
    InsufficientFunds,
    /// An idempotency key reused for a different request.
    IdempotencyKeyReused,
    /// A KYC review of a record that is not `PENDING`.
    KycNotPending,
    /// The caller already owns the most open pools allowed.
    PoolLimit,
    /// A loan for a user whose KYC is not `VERIFIED`.
    KycNotVerified,
    /// An account with an `ACTIVE` loan cannot be deleted.
    LoanOutstanding,
    /// A repayment over what is outstanding, or of a closed loan.
    Overpayment,
    /// The credential is already registered.
    PasskeyExists,
    /// The account holds the most passkeys allowed.
    PasskeyLimit,
}

/// What paused sending codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseScope {
    /// The deployment's SMS budget is spent.
    Budget,
    /// The number's prefix is paused (low conversion, or an admin blocked it).
    Prefix,
}

impl PauseScope {
    pub fn as_str(self) -> &'static str {
        match self {
            PauseScope::Budget => "budget",
            PauseScope::Prefix => "prefix",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An input broke a field rule; `field` is the request's name for it.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("codes cannot be sent to this country")]
    CountryNotSupported,
    /// No valid access token, or a dead session.
    #[error("unauthorized")]
    Unauthorized,
    /// A verification token that is unknown, used, expired or for another phone.
    #[error("verification token invalid")]
    VerificationTokenInvalid,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("wrong code")]
    OtpInvalid { attempts_remaining: u32 },
    #[error("code expired")]
    OtpExpired,
    #[error("code attempts exceeded")]
    OtpAttemptsExceeded,
    #[error("permission denied")]
    PermissionDenied,
    #[error("account suspended")]
    AccountSuspended,
    /// No such `what` (a resource the caller may not see counts as absent).
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("account not found")]
    AccountNotFound,
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    #[error("account locked")]
    AccountLocked { retry_after: u64 },
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    #[error("OTP delivery failed")]
    OtpDeliveryFailed,
    /// The deployment's SMS budget is spent until the window ends, or the number's prefix is
    /// paused (`scope`).
    #[error("OTP sending paused")]
    OtpSendingPaused { retry_after: u64, scope: PauseScope },
    /// A passkey registration response that failed a check (the reason is logged).
    #[error("passkey invalid")]
    PasskeyInvalid,
    /// A passkey sign-in that failed a check, whichever (the reason is logged).
    #[error("passkey refused")]
    PasskeyRefused,
    /// A ceremony that is unknown, used, expired, or of another kind or user.
    #[error("ceremony not found")]
    CeremonyNotFound,
    /// A backend failure; the text is logged, never returned.
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Error::Internal(cause.to_string())
    }
}
