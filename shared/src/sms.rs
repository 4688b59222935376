//! SMS delivery port and its adapters: SNS (transactional SMS) in Lambda, a console sender
//! locally that keeps messages for `GET /_dev/sms`.

use crate::clock::rfc3339;
use crate::phone::mask;
use async_trait::async_trait;
use aws_sdk_sns::types::MessageAttributeValue;
use serde::Serialize;
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
#[error("sms delivery failed: {0}")]
pub struct SmsError(pub String);

#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, to_e164: &str, body: &str) -> Result<(), SmsError>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentSms {
    pub to: String,
    pub body: String,
    pub sent_at: String,
}

/// Keeps every message in memory (oldest first). Logs only the masked recipient: the body
/// holds a code and never goes to the log.
#[derive(Debug, Default)]
pub struct ConsoleSms {
    sent: Mutex<Vec<SentSms>>,
}

impl ConsoleSms {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn messages(&self) -> Vec<SentSms> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The last message sent to `to`, if any.
    pub fn last_to(&self, to: &str) -> Option<SentSms> {
        self.messages().into_iter().rev().find(|m| m.to == to)
    }
}

#[async_trait]
impl SmsSender for ConsoleSms {
    async fn send(&self, to_e164: &str, body: &str) -> Result<(), SmsError> {
        tracing::info!(to = %mask(to_e164), "console SMS queued (read it at GET /_dev/sms)");
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(SentSms {
                to: to_e164.to_string(),
                body: body.to_string(),
                sent_at: rfc3339(chrono::Utc::now()),
            });
        Ok(())
    }
}

/// Amazon SNS, publishing straight to the phone number as a transactional SMS.
pub struct SnsSms {
    client: aws_sdk_sns::Client,
}

impl SnsSms {
    pub fn new(client: aws_sdk_sns::Client) -> Self {
        SnsSms { client }
    }
}

#[async_trait]
impl SmsSender for SnsSms {
    async fn send(&self, to_e164: &str, body: &str) -> Result<(), SmsError> {
        let sms_type = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| SmsError(e.to_string()))?;
        self.client
            .publish()
            .phone_number(to_e164)
            .message(body)
            .message_attributes("AWS.SNS.SMS.SMSType", sms_type)
            .send()
            .await
            .map_err(|e| {
                // Only the error code: SNS messages can echo the full phone number.
                use aws_sdk_sns::error::ProvideErrorMetadata;
                let code = e
                    .as_service_error()
                    .and_then(|s| s.code())
                    .unwrap_or("no response");
                SmsError(format!("SNS Publish failed: {code}"))
            })?;
        tracing::info!(to = %mask(to_e164), "SMS published");
        Ok(())
    }
}
