//! The text of a code SMS: the operator's template, the autofill lines, and the segment maths
//! that keeps it to one SMS (one segment is one charge; a split message also breaks autofill).
//!
//! Autofill: iOS and Android's SMS User Consent API find a code in any short message that
//! says "code"; Android's SMS Retriever API also needs the app's 11-character hash in the
//! text; WebOTP (browsers) and iOS domain-bound codes need a last line `@domain #code`.

/// Characters of one GSM-7 SMS segment.
pub const GSM7_SEGMENT: usize = 160;
/// UTF-16 units of one UCS-2 SMS segment.
pub const UCS2_SEGMENT: usize = 70;

/// The GSM 03.38 default alphabet (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table (an escape plus one septet: two each).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// How a text is encoded on the air, and its length in that encoding's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Septets of the GSM 7-bit alphabet.
    Gsm7(usize),
    /// UTF-16 code units (any character outside GSM-7 forces it for the whole message).
    Ucs2(usize),
}

impl Encoding {
    pub fn of(text: &str) -> Encoding {
        let mut septets = 0;
        for c in text.chars() {
            if GSM7_BASIC.contains(c) {
                septets += 1;
            } else if GSM7_EXTENDED.contains(c) {
                septets += 2;
            } else {
                return Encoding::Ucs2(text.encode_utf16().count());
            }
        }
        Encoding::Gsm7(septets)
    }

    /// Segments the text takes (concatenated segments carry a 6-byte header: 153 septets or
    /// 67 units each).
    pub fn segments(self) -> usize {
        match self {
            Encoding::Gsm7(n) if n <= GSM7_SEGMENT => 1,
            Encoding::Gsm7(n) => n.div_ceil(153),
            Encoding::Ucs2(n) if n <= UCS2_SEGMENT => 1,
            Encoding::Ucs2(n) => n.div_ceil(67),
        }
    }
}

/// The default `SMS_TEMPLATE`.
pub const DEFAULT_TEMPLATE: &str = "{code} is your {app} code. It expires in {minutes} min.";

/// The message that carries a code, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeText {
    template: String,
    app: String,
    minutes: i64,
    android_hash: Option<String>,
    web_otp_domain: Option<String>,
}

impl CodeText {
    /// A text from its settings, refused when the template lacks `{code}`, an autofill setting
    /// is malformed, or a code of `code_len` digits would not fit one segment.
    pub fn new(
        template: &str,
        app: &str,
        ttl_seconds: i64,
        android_hash: Option<String>,
        web_otp_domain: Option<String>,
        code_len: usize,
    ) -> Result<CodeText, String> {
        if !template.contains("{code}") {
            return Err("SMS_TEMPLATE must contain {code}".into());
        }
        if let Some(h) = &android_hash
            && !(h.len() == 11
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        {
            return Err("SMS_ANDROID_APP_HASH must be the app's 11-character hash".into());
        }
        if let Some(d) = &web_otp_domain
            && !is_host(d)
        {
            return Err("SMS_WEB_OTP_DOMAIN must be a host name like app.example.com".into());
        }
        let text = CodeText {
            template: template.to_string(),
            app: app.to_string(),
            minutes: (ttl_seconds + 59) / 60,
            android_hash,
            web_otp_domain,
        };
        let sample = text.render(&"0".repeat(code_len));
        match Encoding::of(&sample) {
            e if e.segments() == 1 => Ok(text),
            Encoding::Gsm7(n) => Err(format!(
                "SMS_TEMPLATE renders to {n} GSM-7 characters with its autofill lines; one SMS holds {GSM7_SEGMENT}"
            )),
            Encoding::Ucs2(n) => Err(format!(
                "SMS_TEMPLATE renders to {n} UCS-2 characters with its autofill lines; one SMS holds {UCS2_SEGMENT}"
            )),
        }
    }

    /// The message for `code`: the template, then the Android hash line, then the
    /// domain-bound line (last, as WebOTP requires).
    pub fn render(&self, code: &str) -> String {
        let mut text = self
            .template
            .replace("{app}", &self.app)
            .replace("{minutes}", &self.minutes.to_string())
            .replace("{code}", code);
        if let Some(hash) = &self.android_hash {
            text.push('\n');
            text.push_str(hash);
        }
        if let Some(domain) = &self.web_otp_domain {
            text.push_str(&format!("\n@{domain} #{code}"));
        }
        text
    }
}

/// A DNS host name (what WebOTP binds a code to).
fn is_host(s: &str) -> bool {
    s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(template: &str, hash: Option<&str>, domain: Option<&str>) -> Result<CodeText, String> {
        CodeText::new(
            template,
            "App",
            300,
            hash.map(String::from),
            domain.map(String::from),
            6,
        )
    }

    #[test]
    fn the_default_renders_the_code_app_and_minutes() {
        let t = text(DEFAULT_TEMPLATE, None, None).unwrap();
        assert_eq!(
            t.render("123456"),
            "123456 is your App code. It expires in 5 min."
        );
    }

    #[test]
    fn autofill_lines_come_last_in_order() {
        let t = text(
            DEFAULT_TEMPLATE,
            Some("FA+9qCX9VSu"),
            Some("app.example.com"),
        )
        .unwrap();
        let body = t.render("123456");
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines[1], "FA+9qCX9VSu");
        assert_eq!(lines[2], "@app.example.com #123456");
        assert_eq!(lines.len(), 3);
        assert_eq!(Encoding::of(&body).segments(), 1, "defaults fit one SMS");
    }

    #[test]
    fn minutes_round_up() {
        let t = CodeText::new("{code} {minutes}", "A", 90, None, None, 6).unwrap();
        assert_eq!(t.render("1"), "1 2");
    }

    #[test]
    fn a_template_without_the_code_is_refused() {
        assert!(text("Your {app} code", None, None).is_err());
    }

    #[test]
    fn malformed_autofill_settings_are_refused() {
        assert!(text(DEFAULT_TEMPLATE, Some("short"), None).is_err());
        assert!(text(DEFAULT_TEMPLATE, Some("FA+9qCX9VS!"), None).is_err());
        assert!(text(DEFAULT_TEMPLATE, None, Some("https://x.com")).is_err());
        assert!(text(DEFAULT_TEMPLATE, None, Some("localhost")).is_err());
    }

    #[test]
    fn gsm7_counts_septets_and_extension_characters_twice() {
        assert_eq!(Encoding::of("abc"), Encoding::Gsm7(3));
        assert_eq!(Encoding::of("a€[b"), Encoding::Gsm7(6));
        assert_eq!(Encoding::of("Ünïcode"), Encoding::Ucs2(7));
        assert_eq!(Encoding::of("कोड"), Encoding::Ucs2(3));
        assert_eq!(
            Encoding::of("😀"),
            Encoding::Ucs2(2),
            "UTF-16 units, not chars"
        );
    }

    #[test]
    fn segment_boundaries() {
        assert_eq!(Encoding::Gsm7(160).segments(), 1);
        assert_eq!(Encoding::Gsm7(161).segments(), 2);
        assert_eq!(Encoding::Gsm7(306).segments(), 2);
        assert_eq!(Encoding::Gsm7(307).segments(), 3);
        assert_eq!(Encoding::Ucs2(70).segments(), 1);
        assert_eq!(Encoding::Ucs2(71).segments(), 2);
    }

    #[test]
    fn a_text_over_one_segment_is_refused_at_the_boundary() {
        // "{code}" becomes 6 digits: 154 + 6 = 160 fits, 155 + 6 does not.
        assert!(text(&format!("{{code}}{}", "a".repeat(154)), None, None).is_ok());
        let err = text(&format!("{{code}}{}", "a".repeat(155)), None, None).unwrap_err();
        assert!(err.contains("161"), "{err}");
        assert!(text(&format!("{{code}}{}", "न".repeat(64)), None, None).is_ok());
        assert!(text(&format!("{{code}}{}", "न".repeat(65)), None, None).is_err());
    }
}
