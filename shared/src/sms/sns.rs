//! Amazon SNS, publishing straight to the phone number as a transactional SMS, with the
//! attributes a production sender needs: India's DLT entity and template ids, a sender ID or
//! origination number, and a per-message price ceiling (the cheapest brake on SMS pumping).

use super::{Delivery, Sms, SmsError, SmsPurpose, SmsSender};
use async_trait::async_trait;
use aws_sdk_sns::types::MessageAttributeValue;

const MAX_PRICE: &str = "AWS.SNS.SMS.MaxPrice";

/// Optional SNS SMS attributes (`SMS_*` settings); unset ones are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnsAttributes {
    pub sender_id: Option<String>,
    pub origination_number: Option<String>,
    pub entity_id: Option<String>,
    /// The DLT template of the code message.
    pub template_id: Option<String>,
    /// The DLT template of the phone-change notice.
    pub notice_template_id: Option<String>,
    /// Highest price in USD SNS may pay for one message (a decimal like `0.50`).
    pub max_price_usd: Option<String>,
}

impl SnsAttributes {
    /// The attributes of a message for `purpose`, by SNS name.
    pub fn for_purpose(&self, purpose: SmsPurpose) -> Vec<(&'static str, String)> {
        let template = match purpose {
            SmsPurpose::Code => &self.template_id,
            SmsPurpose::Notice => &self.notice_template_id,
        };
        let optional = [
            ("AWS.SNS.SMS.SenderID", &self.sender_id),
            ("AWS.MM.SMS.OriginationNumber", &self.origination_number),
            ("AWS.MM.SMS.EntityId", &self.entity_id),
            ("AWS.MM.SMS.TemplateId", template),
            (MAX_PRICE, &self.max_price_usd),
        ];
        let mut attrs = vec![("AWS.SNS.SMS.SMSType", "Transactional".to_string())];
        attrs.extend(
            optional
                .into_iter()
                .filter_map(|(name, v)| v.clone().map(|v| (name, v))),
        );
        attrs
    }
}

pub struct SnsSms {
    client: aws_sdk_sns::Client,
    attributes: SnsAttributes,
}

impl SnsSms {
    pub fn new(client: aws_sdk_sns::Client, attributes: SnsAttributes) -> Self {
        SnsSms { client, attributes }
    }
}

/// SNS types `MaxPrice` as a number; every other SMS attribute (DLT ids too) is a string.
fn attribute(name: &str, value: String) -> Result<MessageAttributeValue, SmsError> {
    let data_type = match name {
        MAX_PRICE => "Number",
        _ => "String",
    };
    MessageAttributeValue::builder()
        .data_type(data_type)
        .string_value(value)
        .build()
        .map_err(|_| SmsError::new("InvalidAttribute"))
}

#[async_trait]
impl SmsSender for SnsSms {
    async fn send(&self, sms: &Sms<'_>) -> Result<Delivery, SmsError> {
        let mut publish = self.client.publish().phone_number(sms.to).message(sms.body);
        for (name, value) in self.attributes.for_purpose(sms.purpose) {
            publish = publish.message_attributes(name, attribute(name, value)?);
        }
        let out = publish.send().await.map_err(|e| {
            // Only the error code: SNS messages can echo the full phone number.
            use aws_sdk_sns::error::ProvideErrorMetadata;
            SmsError::new(
                e.as_service_error()
                    .and_then(|s| s.code())
                    .unwrap_or("NoResponse"),
            )
        })?;
        // The caller logs the id with the request id and the masked phone.
        Ok(Delivery {
            message_id: out.message_id.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_set_attributes_are_sent_and_the_template_follows_the_purpose() {
        let none = SnsAttributes::default();
        assert_eq!(
            none.for_purpose(SmsPurpose::Code),
            [("AWS.SNS.SMS.SMSType", "Transactional".to_string())]
        );
        let all = SnsAttributes {
            sender_id: Some("MYAPP".into()),
            origination_number: None,
            entity_id: Some("1101".into()),
            template_id: Some("2202".into()),
            notice_template_id: Some("3303".into()),
            max_price_usd: Some("0.50".into()),
        };
        let code = all.for_purpose(SmsPurpose::Code);
        assert!(code.contains(&("AWS.MM.SMS.TemplateId", "2202".into())));
        assert!(code.contains(&("AWS.SNS.SMS.MaxPrice", "0.50".into())));
        assert_eq!(code.len(), 5);
        let notice = all.for_purpose(SmsPurpose::Notice);
        assert!(notice.contains(&("AWS.MM.SMS.TemplateId", "3303".into())));
    }
}
