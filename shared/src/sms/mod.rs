//! SMS delivery port and its adapters: SNS (transactional SMS with the DLT and spend-limit
//! attributes) in Lambda, a console sender locally that keeps messages for `GET /_dev/sms`.

mod console;
mod sns;
pub mod text;

pub use console::{ConsoleSms, OUTBOX_CAP, SentSms};
pub use sns::{SnsAttributes, SnsSms};

use async_trait::async_trait;

/// Why a message is sent; a registered sender (India DLT) has one template per purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsPurpose {
    /// A one-time code.
    Code,
    /// A security notice (the number on an account was changed).
    Notice,
}

/// One message to one phone.
#[derive(Debug, Clone, Copy)]
pub struct Sms<'a> {
    pub to: &'a str,
    pub body: &'a str,
    pub purpose: SmsPurpose,
}

/// A message the provider accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The provider's id (SNS `MessageId`): what traces a user's "I got no code".
    pub message_id: String,
}

/// The provider refused or could not be reached. `code` is its error code (never a text that
/// could echo the phone number), the dimension of the delivery-failure metric.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sms delivery failed: {code}")]
pub struct SmsError {
    pub code: String,
}

impl SmsError {
    pub fn new(code: impl Into<String>) -> Self {
        SmsError { code: code.into() }
    }
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, sms: &Sms<'_>) -> Result<Delivery, SmsError>;
}

/// The port in a function built without an SMS adapter for the configured sender (see
/// `aws::Adapters`): every send fails with the code `NotLinked`.
pub struct NotLinked;

#[async_trait]
impl SmsSender for NotLinked {
    async fn send(&self, _: &Sms<'_>) -> Result<Delivery, SmsError> {
        Err(SmsError::new("NotLinked"))
    }
}
