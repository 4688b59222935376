//! SMS end to end over HTTP against the local-api binary: on SNS in the emulator, what the
//! SNS adapter put on the wire (attributes recorded by `tests/moto_serial.py`), the EMF lines
//! the process wrote, and a phone change with its notice; on the memory store, the dev outbox.

use integration_tests::LocalApi;
use integration_tests::http::Http;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The Publish requests moto received for `e164`: (message, attribute name → (type, value)).
async fn published_to(e164: &str) -> Vec<(String, HashMap<String, (String, String)>)> {
    let ep = integration_tests::emulator().expect("emulator");
    let all: Vec<HashMap<String, String>> = reqwest::get(format!("{ep}/_capture/sns-publish"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.into_iter()
        .filter(|p| p.get("PhoneNumber").map(String::as_str) == Some(e164))
        .map(|p| {
            let mut attrs = HashMap::new();
            for n in 1.. {
                let at = |f: &str| p.get(&format!("MessageAttributes.entry.{n}.{f}")).cloned();
                let Some(name) = at("Name") else { break };
                let kind = at("Value.DataType").unwrap_or_default();
                attrs.insert(name, (kind, at("Value.StringValue").unwrap_or_default()));
            }
            (p.get("Message").cloned().unwrap_or_default(), attrs)
        })
        .collect()
}

/// The EMF documents among the process's output lines.
fn emf_lines(api: &LocalApi) -> Vec<Value> {
    api.logs()
        .lines()
        .filter(|l| l.starts_with('{') && l.contains("\"_aws\""))
        .map(|l| serde_json::from_str(l).expect("an EMF line is one JSON document"))
        .collect()
}

fn attr(kind: &str, value: &str) -> (String, String) {
    (kind.to_string(), value.to_string())
}

const SETTINGS: &[(&str, &str)] = &[
    ("SMS_APP_NAME", "Acme"),
    ("SMS_ANDROID_APP_HASH", "FA+9qCX9VSu"),
    ("SMS_SENDER_ID", "ACMEIN"),
    ("SMS_ENTITY_ID", "1101000000000000001"),
    ("SMS_TEMPLATE_ID", "1107000000000000002"),
    ("SMS_NOTICE_TEMPLATE_ID", "1107000000000000003"),
    ("SMS_MAX_PRICE_USD", "0.50"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sns_gets_the_attributes_and_the_process_writes_emf() {
    let Some(api) = LocalApi::dynamodb_with(SETTINGS).await else {
        return;
    };
    let h = Http::new(api);
    let (old, new) = ("+919816456591", "+919816456592");
    // The emulator may outlive one run: only what this test sends counts.
    let earlier = published_to(old).await.len();
    let vt = h.verification_token(old).await;
    let (s, b) = h
        .post(
            "/v1/auth/register",
            json!({"verification_token": vt, "name": "Sms"}),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bearer = integration_tests::text(&b["data"]["tokens"]["access_token"]);

    let sent = published_to(old).await.split_off(earlier);
    assert_eq!(sent.len(), 1);
    let (message, attrs) = &sent[0];
    assert!(
        message.starts_with("")
            && message.contains(" is your Acme code. It expires in 5 min.\nFA+9qCX9VSu"),
        "{message}"
    );
    let expected: HashMap<String, (String, String)> = [
        ("AWS.SNS.SMS.SMSType", attr("String", "Transactional")),
        ("AWS.SNS.SMS.SenderID", attr("String", "ACMEIN")),
        ("AWS.MM.SMS.EntityId", attr("String", "1101000000000000001")),
        (
            "AWS.MM.SMS.TemplateId",
            attr("String", "1107000000000000002"),
        ),
        ("AWS.SNS.SMS.MaxPrice", attr("Number", "0.50")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(attrs, &expected);
    a_phone_change_notifies_the_old_number(&h, (old, new), &bearer).await;
    every_send_is_logged_and_counted(&h);
}

/// The notice goes to the old number under its own DLT template.
async fn a_phone_change_notifies_the_old_number(h: &Http, (old, new): (&str, &str), bearer: &str) {
    let vt = h.verification_token(new).await;
    let (s, b) = h
        .post(
            "/v1/auth/phone/change",
            json!({"verification_token": vt}),
            Some(bearer),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["data"]["user"]["phone"], new);
    let to_old = published_to(old).await;
    let (notice, attrs) = to_old.last().unwrap();
    assert!(notice.contains("was changed to +91******6592"), "{notice}");
    assert_eq!(attrs["AWS.MM.SMS.TemplateId"].1, "1107000000000000003");
}

/// Every send is logged with its SNS message id (and the request id, by the request span), and
/// counted in EMF lines.
fn every_send_is_logged_and_counted(h: &Http) {
    let logs = h.api.logs();
    let sent_lines: Vec<&str> = logs.lines().filter(|l| l.contains("OTP sent")).collect();
    assert_eq!(sent_lines.len(), 2, "one per code");
    assert!(
        sent_lines
            .iter()
            .all(|l| l.contains("message_id=") && l.contains("request_id="))
    );
    assert!(logs.contains("phone change notice sent"));

    // The EMF lines: valid JSON, one metric each, in the default namespace.
    let docs = emf_lines(&h.api);
    let names: Vec<&str> = docs
        .iter()
        .map(|d| {
            d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(names, ["OtpSent", "OtpVerified", "OtpSent", "OtpVerified"]);
    for d in &docs {
        let directive = &d["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "PhoneAuth");
        assert_eq!(directive["Dimensions"][1], json!(["Country"]));
        assert_eq!(d["Country"], "IN");
        assert!(d["_aws"]["Timestamp"].as_i64().is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_outbox_filters_limits_and_refuses_bad_limits() {
    let h = Http::new(LocalApi::memory_with(&[("OTP_RESEND_SECONDS", "0")]).await);
    for phone in ["9816456593", "9816456594", "9816456593", "9816456593"] {
        h.code_for(phone).await;
    }
    let bodies = |b: &Value| -> Vec<String> {
        b["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sent_at"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, all) = h.get("/_dev/sms", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(all["messages"].as_array().unwrap().len(), 4);
    let (_, one) = h.get("/_dev/sms?to=%2B919816456593", None).await;
    let oldest_first = bodies(&one);
    assert_eq!(oldest_first.len(), 3);
    assert!(
        one["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["to"] == "+919816456593")
    );
    let (_, newest) = h.get("/_dev/sms?to=+919816456593&limit=2", None).await;
    let mut expected = oldest_first[1..].to_vec();
    expected.reverse();
    assert_eq!(bodies(&newest), expected, "newest first when limited");
    let (s, b) = h.get("/_dev/sms?limit=0", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(b["error"]["details"]["field"], "limit");
}
