//! The SMS settings: message text and autofill, SNS attributes, test numbers, and the limits
//! that keep SMS pumping from spending the budget (per number prefix, per deployment).

use super::{ConfigError, Env, OtpSettings};
use crate::metrics::DEFAULT_NAMESPACE;
use crate::phone::Phone;
use crate::sms::SnsAttributes;
use crate::sms::text::{CodeText, DEFAULT_TEMPLATE};
use phonenumber::country::Id;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct SmsSettings {
    pub text: CodeText,
    /// `{app}` in the code text; also names the app in the phone-change notice.
    pub app_name: String,
    pub attributes: SnsAttributes,
    pub test_numbers: TestNumbers,
    pub max_per_prefix_hour: u32,
    /// Digits after the calling code that make a prefix.
    pub prefix_digits: usize,
    /// SMS the whole deployment may send per clock hour and per UTC day.
    pub budget_hour: u32,
    pub budget_day: u32,
    pub metrics_namespace: String,
}

/// `TEST_PHONE_NUMBERS`: numbers that never get an SMS and verify with a fixed code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestNumbers(HashMap<String, String>);

impl TestNumbers {
    /// The fixed code of `e164`, when it is a test number.
    pub fn code_for(&self, e164: &str) -> Option<&str> {
        self.0.get(e164).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `+919999900001=123456,...`: each number in E.164 and valid, each code `code_len` digits.
    fn parse(raw: &str, code_len: usize, region: Id) -> Result<TestNumbers, ConfigError> {
        let bad = |item: &str| {
            ConfigError(format!(
                "TEST_PHONE_NUMBERS: `{item}` is not +<E.164 number>=<{code_len}-digit code>"
            ))
        };
        let mut numbers = HashMap::new();
        for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (number, code) = item.split_once('=').ok_or_else(|| bad(item))?;
            let (number, code) = (number.trim(), code.trim());
            let phone = Phone::parse(number, None, region).map_err(|_| bad(item))?;
            if phone.e164() != number
                || code.len() != code_len
                || !code.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(bad(item));
            }
            numbers.insert(number.to_string(), code.to_string());
        }
        Ok(TestNumbers(numbers))
    }
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn sms_settings(
        &self,
        otp: &OtpSettings,
        region: Id,
    ) -> Result<SmsSettings, ConfigError> {
        let app_name = self.get("SMS_APP_NAME").unwrap_or_else(|| "App".into());
        let template = self
            .get("SMS_TEMPLATE")
            .unwrap_or_else(|| DEFAULT_TEMPLATE.into());
        let text = CodeText::new(
            &template,
            &app_name,
            otp.ttl_seconds,
            self.get("SMS_ANDROID_APP_HASH"),
            self.get("SMS_WEB_OTP_DOMAIN"),
            otp.length,
        )
        .map_err(ConfigError)?;
        // `off` is the template's default: `sam deploy --guided` cannot keep an empty default
        // of a NoEcho parameter with Enter.
        let test_numbers = match self.get("TEST_PHONE_NUMBERS") {
            Some(raw) if raw.eq_ignore_ascii_case("off") => TestNumbers::default(),
            Some(raw) => TestNumbers::parse(&raw, otp.length, region)?,
            None => TestNumbers::default(),
        };
        Ok(SmsSettings {
            text,
            app_name,
            attributes: self.sns_attributes()?,
            test_numbers,
            max_per_prefix_hour: self.num("OTP_MAX_PER_PREFIX_HOUR", 50, 1, 1_000_000)? as u32,
            prefix_digits: self.num("OTP_PREFIX_DIGITS", 5, 0, 12)? as usize,
            budget_hour: self.num("SMS_BUDGET_HOUR", 1000, 1, 100_000_000)? as u32,
            budget_day: self.num("SMS_BUDGET_DAY", 10_000, 1, 2_000_000_000)? as u32,
            metrics_namespace: self
                .get("METRICS_NAMESPACE")
                .unwrap_or_else(|| DEFAULT_NAMESPACE.into()),
        })
    }

    fn sns_attributes(&self) -> Result<SnsAttributes, ConfigError> {
        let checked = |k: &str, ok: fn(&str) -> bool, what: &str| match self.get(k) {
            Some(v) if !ok(&v) => Err(ConfigError(format!("{k} must be {what}"))),
            v => Ok(v),
        };
        let dlt_id = |v: &str| v.len() <= 30 && v.bytes().all(|b| b.is_ascii_digit());
        Ok(SnsAttributes {
            sender_id: checked(
                "SMS_SENDER_ID",
                |v| {
                    (1..=11).contains(&v.len())
                        && v.bytes().all(|b| b.is_ascii_alphanumeric())
                        && v.bytes().any(|b| b.is_ascii_alphabetic())
                },
                "1 to 11 letters or digits, at least one letter",
            )?,
            origination_number: checked(
                "SMS_ORIGINATION_NUMBER",
                |v| v.starts_with('+') && v.len() > 2 && v[1..].bytes().all(|b| b.is_ascii_digit()),
                "an E.164 number",
            )?,
            entity_id: checked("SMS_ENTITY_ID", dlt_id, "the DLT entity id (digits)")?,
            template_id: checked("SMS_TEMPLATE_ID", dlt_id, "a DLT template id (digits)")?,
            notice_template_id: checked(
                "SMS_NOTICE_TEMPLATE_ID",
                dlt_id,
                "a DLT template id (digits)",
            )?,
            max_price_usd: checked(
                "SMS_MAX_PRICE_USD",
                |v| v.parse::<f64>().is_ok_and(|p| p > 0.0 && p < 100.0),
                "a price in USD like 0.50",
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Config, Runtime};
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(Runtime::Local, |k| map.get(k).cloned()).map_err(|e| e.0)
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = config(&[]).unwrap();
        let s = &c.sms;
        assert_eq!((s.max_per_prefix_hour, s.prefix_digits), (50, 5));
        assert_eq!((s.budget_hour, s.budget_day), (1000, 10_000));
        assert!(s.test_numbers.is_empty());
        assert_eq!(s.attributes, Default::default());
        assert_eq!(
            s.text.render("123456"),
            "123456 is your App code. It expires in 5 min."
        );
    }

    #[test]
    fn test_numbers_parse_with_their_codes() {
        let c = config(&[(
            "TEST_PHONE_NUMBERS",
            "+919999900001=123456, +919999900002=654321",
        )])
        .unwrap();
        let t = &c.sms.test_numbers;
        assert_eq!(t.code_for("+919999900001"), Some("123456"));
        assert_eq!(t.code_for("+919999900002"), Some("654321"));
        assert_eq!(t.code_for("+919816456565"), None);
        let off = config(&[("TEST_PHONE_NUMBERS", "off")]).unwrap();
        assert_eq!(off.sms.test_numbers.code_for("+919999900001"), None);
    }

    #[test]
    fn malformed_settings_are_refused_by_name() {
        for (k, v) in [
            ("TEST_PHONE_NUMBERS", "+919999900001"),
            ("TEST_PHONE_NUMBERS", "+919999900001=12345"),
            ("TEST_PHONE_NUMBERS", "9999900001=123456"),
            ("TEST_PHONE_NUMBERS", "+91999=123456"),
            ("SMS_TEMPLATE", "no code here"),
            ("SMS_SENDER_ID", "TOO-LONG-SENDER"),
            ("SMS_SENDER_ID", "12345"),
            ("SMS_ENTITY_ID", "abc"),
            ("SMS_MAX_PRICE_USD", "free"),
            ("SMS_ORIGINATION_NUMBER", "12345"),
            ("SMS_ANDROID_APP_HASH", "x"),
            ("OTP_PREFIX_DIGITS", "13"),
            ("SMS_BUDGET_HOUR", "0"),
        ] {
            let err = config(&[(k, v)]).expect_err(v);
            assert!(err.contains(k), "{k}={v}: {err}");
        }
    }

    #[test]
    fn a_template_that_outgrows_one_sms_is_refused_at_start() {
        let long = format!("{{code}} {}", "x".repeat(160));
        let err = config(&[("SMS_TEMPLATE", &long)]).unwrap_err();
        assert!(err.contains("160"), "{err}");
        // 137 characters fit alone, not with both autofill lines (12 + 25 more).
        let t = format!("{{code}} {}", "x".repeat(130));
        assert!(config(&[("SMS_TEMPLATE", &t)]).is_ok());
        let with_lines = [
            ("SMS_TEMPLATE", t.as_str()),
            ("SMS_ANDROID_APP_HASH", "FA+9qCX9VSu"),
            ("SMS_WEB_OTP_DOMAIN", "app.example.com"),
        ];
        assert!(config(&with_lines).is_err());
    }
}
