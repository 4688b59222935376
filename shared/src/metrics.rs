//! Operator metrics as CloudWatch Embedded Metric Format: one JSON line per event on stdout,
//! which CloudWatch Logs turns into metrics with no API call (and no latency) in the function.
//! The template's SMS alarms read the dimensionless series; the `Country`, `Reason` and
//! `ErrorCode` series are for dashboards.

use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};

/// `METRICS_NAMESPACE` when unset (the template sets one per stack).
pub const DEFAULT_NAMESPACE: &str = "PhoneAuth";

/// Why a send was refused before any SMS went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockReason {
    Cooldown,
    PhoneCap,
    IpCap,
    PrefixCap,
    Budget,
    Country,
    /// The number's prefix is paused (low conversion, or blocked by an admin).
    PrefixPaused,
}

impl BlockReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockReason::Cooldown => "cooldown",
            BlockReason::PhoneCap => "phone_cap",
            BlockReason::IpCap => "ip_cap",
            BlockReason::PrefixCap => "prefix_cap",
            BlockReason::Budget => "budget",
            BlockReason::Country => "country",
            BlockReason::PrefixPaused => "prefix_paused",
        }
    }
}

/// Something that happened to a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtpEvent {
    /// An SMS with a code was accepted by the provider.
    Sent,
    /// The provider refused or could not be reached; its error code.
    DeliveryFailed(String),
    Verified,
    /// A wrong code.
    VerifyFailed,
    Blocked(BlockReason),
    /// A send or verification for a `TEST_PHONE_NUMBERS` number (no SMS).
    TestNumberUsed,
    /// A prefix paused for low conversion (the template's alarm watches it).
    PrefixPaused,
    /// In `monitor` mode, a send the conversion rule would have refused.
    PrefixWouldPause,
}

impl OtpEvent {
    pub fn metric_name(&self) -> &'static str {
        match self {
            OtpEvent::Sent => "OtpSent",
            OtpEvent::DeliveryFailed(_) => "OtpDeliveryFailed",
            OtpEvent::Verified => "OtpVerified",
            OtpEvent::VerifyFailed => "OtpVerifyFailed",
            OtpEvent::Blocked(_) => "OtpSendBlocked",
            OtpEvent::TestNumberUsed => "OtpTestNumberUsed",
            OtpEvent::PrefixPaused => "SmsPrefixPaused",
            OtpEvent::PrefixWouldPause => "SmsPrefixWouldPause",
        }
    }

    fn detail(&self) -> Option<(&'static str, String)> {
        match self {
            OtpEvent::DeliveryFailed(code) => Some(("ErrorCode", code.clone())),
            OtpEvent::Blocked(reason) => Some(("Reason", reason.as_str().to_string())),
            _ => None,
        }
    }
}

/// Something that happened in a passkey ceremony.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyEvent {
    Registered,
    SignedIn,
    /// A registration or sign-in refused; why (`origin`, `signature`, `counter`, ...).
    Failed(&'static str),
}

impl PasskeyEvent {
    pub fn metric_name(&self) -> &'static str {
        match self {
            PasskeyEvent::Registered => "PasskeyRegistered",
            PasskeyEvent::SignedIn => "PasskeySignedIn",
            PasskeyEvent::Failed(_) => "PasskeyFailed",
        }
    }
}

/// Where metric lines go.
pub trait MetricSink: Send + Sync {
    fn write(&self, line: &str);
}

/// Standard output, where Lambda's log agent picks EMF lines up (and where the local server
/// shows them).
#[derive(Debug, Default)]
pub struct StdoutSink;

impl MetricSink for StdoutSink {
    fn write(&self, line: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    }
}

/// Keeps every line (tests).
#[derive(Debug, Default)]
pub struct CapturedSink(Mutex<Vec<String>>);

impl CapturedSink {
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl MetricSink for CapturedSink {
    fn write(&self, line: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line.to_string());
    }
}

#[derive(Clone)]
pub struct Metrics {
    namespace: String,
    sink: Arc<dyn MetricSink>,
}

impl Metrics {
    pub fn new(namespace: &str, sink: Arc<dyn MetricSink>) -> Self {
        Metrics {
            namespace: namespace.to_string(),
            sink,
        }
    }

    /// Counts one `event` for a phone of `country` (ISO region, `ZZ` when unknown).
    pub fn otp(&self, event: &OtpEvent, country: &str, now_ms: i64) {
        self.sink
            .write(&self.line(event, country, now_ms).to_string());
    }

    /// Counts one passkey `event`.
    pub fn passkey(&self, event: PasskeyEvent, now_ms: i64) {
        let fields = match event {
            PasskeyEvent::Failed(reason) => vec![("Reason", reason.to_string())],
            _ => Vec::new(),
        };
        let line = self.document(event.metric_name(), fields, now_ms);
        self.sink.write(&line.to_string());
    }

    /// The EMF document of one event.
    pub fn line(&self, event: &OtpEvent, country: &str, now_ms: i64) -> Value {
        let mut fields = vec![("Country", country.to_string())];
        fields.extend(event.detail());
        self.document(event.metric_name(), fields, now_ms)
    }

    /// One count of metric `name`, in the series without dimensions and in one series per
    /// field (`(dimension, value)`).
    fn document(&self, name: &str, fields: Vec<(&str, String)>, now_ms: i64) -> Value {
        let mut dimensions = vec![json!([])];
        let mut doc = Map::new();
        for (key, value) in fields {
            dimensions.push(json!([key]));
            doc.insert(key.into(), json!(value));
        }
        doc.insert(name.into(), json!(1));
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": now_ms,
                "CloudWatchMetrics": [{
                    "Namespace": self.namespace,
                    "Dimensions": dimensions,
                    "Metrics": [{ "Name": name, "Unit": "Count" }],
                }],
            }),
        );
        Value::Object(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_emf_document_with_its_dimensions() {
        let sink = Arc::new(CapturedSink::default());
        let m = Metrics::new("Test", sink.clone());
        m.otp(&OtpEvent::Blocked(BlockReason::PrefixCap), "IN", 1_000);
        let lines = sink.lines();
        assert_eq!(lines.len(), 1);
        assert!(!lines[0].contains('\n'));
        let doc: Value = serde_json::from_str(&lines[0]).unwrap();
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "Test");
        assert_eq!(directive["Metrics"][0]["Name"], "OtpSendBlocked");
        assert_eq!(
            directive["Dimensions"],
            json!([[], ["Country"], ["Reason"]])
        );
        assert_eq!(doc["_aws"]["Timestamp"], 1_000);
        assert_eq!(
            (&doc["Country"], &doc["Reason"]),
            (&json!("IN"), &json!("prefix_cap"))
        );
        assert_eq!(doc["OtpSendBlocked"], 1);
    }
}
