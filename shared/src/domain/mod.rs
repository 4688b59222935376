//! The domain: records as stored, their typed states, and the errors services return.
//! Stored times are epoch milliseconds so that conditional writes can compare them; the API
//! renders RFC 3339 at the edge.

mod admin;
mod caller;
mod error;
mod ids;
mod kyc;
mod loan;
mod lockout;
mod otp;
mod passkey;
mod pool;
mod prefix;
mod profile;
mod risk;
mod session;
mod user;
mod wallet;

pub use admin::{
    ADMIN_SESSION_IDLE_MS, ADMIN_SESSION_MAX_MS, AccessChange, AdminSession, AuditAction,
    AuditRecord, AuditStamp, audit_sort_key, is_sort_key, user_sort_key,
};
pub use caller::Caller;
pub use error::{Conflict, Error, PauseScope, Result};
pub use ids::{E164, LoanId, PasskeyId, PoolId, SessionId, UserId};
pub use kyc::{
    DocumentType, ImageType, KycDecision, KycImages, KycRecord, MAX_UPLOAD_BYTES, SIGNATURE_BYTES,
    UploadPurpose, mask_document_number,
};
pub use loan::{
    Disbursal, DisburseDenied, InstallmentPeriod, Loan, LoanRepayment, LoanStatus, LoanTerms,
    MAX_DISBURSAL, MAX_PAYBACK, Repaid, RepayDenied, Repayment, RepaymentSource,
};
pub use lockout::{CheckOutcome, IN_FLIGHT_STALE_MS, LoginGuard};
pub use otp::{
    CheckDenied, CounterScope, IpWindow, OtpRecord, PasswordCheck, SendCounter, SendDenied,
    SendPlan, SmsLimits, Verification, Window, budget_counters,
};
pub use passkey::{
    AddPasskeyDenied, CEREMONY_TTL_MS, Ceremony, CeremonyKind, DEFAULT_PASSKEY_NAME, MAX_PASSKEYS,
    Passkey, PasskeyUse,
};
pub use pool::{
    CURRENCY, CreatePoolDenied, JoinDenied, LeaveDenied, ListedPool, MAX_CONTRIBUTION, MAX_MEMBERS,
    MIN_MEMBERS, Membership, OpenPoolCap, Pool, PoolRole, PoolStatus, PoolType, is_list_position,
    list_position,
};
pub use prefix::{
    Conversion, ConversionGate, LEARN_AFTER_PAUSES, PrefixControl, PrefixMode, PrefixState,
    Probation, judged_after, probation_of,
};
pub use profile::{
    Address, Gender, MaritalStatus, ProfileDetails, ProfileEdit, ProfileField, ProfileValues,
};
pub use risk::{
    AgeBracket, Family, JobAge, Living, Loans, RiskAnswers, RiskAssessment, RiskBand, RiskFactor,
    Saving, band_of,
};
pub use session::{Device, MAX_DEVICES, MAX_SESSIONS, Platform, Session};
pub use user::{KycStatus, Role, User, UserStatus};
pub use wallet::{
    AdjustDenied, Adjusted, ClosedLoan, ClosedWallet, LedgerEntry, MAX_ADJUSTMENT, WALLET_CURRENCY,
    Wallet, WalletAdjustment,
};

use chrono::{DateTime, Utc};

/// RFC 3339 (UTC, milliseconds) of an epoch-millisecond time.
pub fn from_ms(ms: i64) -> String {
    crate::clock::rfc3339(DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default())
}

/// Declares a state enum with its contract names: serde, `as_str`, and the OpenAPI enum.
macro_rules! state_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract's name of this state.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> std::result::Result<Self, ()> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(()),
                }
            }
        }
    };
}
pub(crate) use state_enum;
