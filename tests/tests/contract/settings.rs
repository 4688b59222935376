//! What each function is given: only its own secrets, every SMS setting on auth, and alarms on
//! the metrics the code emits.

use super::template;
use serde_yaml::Value;
use shared::config::TokenUse;

/// The variables `function` gets itself (besides the Globals).
fn own_env(t: &Value, function: &str) -> Vec<String> {
    t["Resources"][function]["Properties"]["Environment"]["Variables"]
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn each_function_gets_only_its_secrets() {
    let t = template();
    let globals = format!("{:?}", t["Globals"]["Function"]["Environment"]);
    for secret in [
        "JWT_SIGNING_KEY",
        "JWT_PUBLIC_KEY",
        "SECRET_KEY",
        "SMS_",
        "TEST_PHONE",
    ] {
        assert!(!globals.contains(secret), "{secret} is in Globals");
    }
    let has = |f: &str, v: &str| own_env(&t, f).iter().any(|k| k == v);
    // What each function's declaration (`FUNCTION.needs`) asks for, and nothing more.
    for function in local_api::FUNCTIONS {
        let (f, needs) = (function.logical_id, function.needs);
        let signing = needs.tokens == TokenUse::Sign;
        let public = needs.tokens == TokenUse::Verify;
        assert_eq!(has(f, "JWT_SIGNING_KEY"), signing, "{f}: JWT_SIGNING_KEY");
        assert_eq!(has(f, "JWT_PUBLIC_KEY"), public, "{f}: JWT_PUBLIC_KEY");
        assert_eq!(has(f, "SECRET_KEY"), needs.secret_key, "{f}: SECRET_KEY");
        assert_eq!(has(f, "SMS_SENDER"), needs.sms, "{f}: SMS_SENDER");
    }
    // Secrets arrive as dynamic references, resolved at deploy, never as parameters.
    let auth = format!(
        "{:?}",
        t["Resources"]["AuthFunction"]["Properties"]["Environment"]
    );
    assert!(auth.contains("{{resolve:secretsmanager:${JwtSigningKeySecretName}}}"));
    assert!(auth.contains("{{resolve:secretsmanager:${SecretKeySecret}}}"));
    let secret = &t["Resources"]["SecretKeySecret"];
    assert_eq!(secret["Type"], "AWS::SecretsManager::Secret");
    assert!(secret["Properties"]["GenerateSecretString"]["PasswordLength"].as_u64() >= Some(32));
    for (name, p) in t["Parameters"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        assert!(
            !name.contains("SecretKey") || name.ends_with("Name"),
            "{name} takes a secret"
        );
        assert!(
            p["NoEcho"].is_null() || name == "TestPhoneNumbers",
            "{name}"
        );
    }
}

#[test]
fn sms_alarms_watch_the_metrics_the_functions_emit() {
    use shared::metrics::{BlockReason, OtpEvent};
    let t = template();
    let namespace = &t["Globals"]["Function"]["Environment"]["Variables"]["METRICS_NAMESPACE"];
    assert!(!namespace.is_null());
    let alarm = |id: &str| t["Resources"][id]["Properties"].clone();
    for (id, event) in [
        ("SmsSentHighAlarm", OtpEvent::Sent),
        (
            "SmsDeliveryFailuresAlarm",
            OtpEvent::DeliveryFailed(String::new()),
        ),
        (
            "SmsSendingPausedAlarm",
            OtpEvent::Blocked(BlockReason::Budget),
        ),
    ] {
        let p = alarm(id);
        assert_eq!(p["MetricName"].as_str(), Some(event.metric_name()), "{id}");
        assert_eq!(&p["Namespace"], namespace, "{id}");
    }
    let paused = alarm("SmsSendingPausedAlarm");
    assert_eq!(paused["Dimensions"][0]["Name"], "Reason");
    assert_eq!(
        paused["Dimensions"][0]["Value"].as_str(),
        Some(BlockReason::Budget.as_str())
    );
    let conversion = alarm("SmsConversionLowAlarm");
    let metrics = conversion["Metrics"].as_sequence().expect("metric math");
    let watched: Vec<_> = metrics
        .iter()
        .filter_map(|m| m["MetricStat"]["Metric"]["MetricName"].as_str())
        .collect();
    assert_eq!(
        watched,
        [
            OtpEvent::Sent.metric_name(),
            OtpEvent::Verified.metric_name()
        ]
    );
    for id in [
        "SmsSentHighAlarm",
        "SmsConversionLowAlarm",
        "SmsDeliveryFailuresAlarm",
        "SmsSendingPausedAlarm",
    ] {
        let actions = format!("{:?}", alarm(id)["AlarmActions"]);
        assert!(
            actions.contains("AlarmTopic") && actions.contains("HasAlarmEmail"),
            "{id}: {actions}"
        );
    }
    assert_eq!(t["Resources"]["AlarmTopic"]["Condition"], "HasAlarmEmail");
}

#[test]
fn every_sms_setting_reaches_the_auth_function() {
    let t = template();
    let vars = &t["Resources"]["AuthFunction"]["Properties"]["Environment"]["Variables"];
    for name in [
        "SMS_TEMPLATE",
        "SMS_APP_NAME",
        "SMS_ANDROID_APP_HASH",
        "SMS_WEB_OTP_DOMAIN",
        "SMS_SENDER_ID",
        "SMS_ORIGINATION_NUMBER",
        "SMS_ENTITY_ID",
        "SMS_TEMPLATE_ID",
        "SMS_NOTICE_TEMPLATE_ID",
        "SMS_MAX_PRICE_USD",
        "OTP_MAX_PER_PREFIX_HOUR",
        "OTP_PREFIX_DIGITS",
        "SMS_BUDGET_HOUR",
        "SMS_BUDGET_DAY",
        "TEST_PHONE_NUMBERS",
    ] {
        assert!(!vars[name].is_null(), "{name} is not set by the template");
    }
    assert_eq!(
        t["Parameters"]["TestPhoneNumbers"]["Default"], "off",
        "test numbers are off by default"
    );
    assert_eq!(t["Parameters"]["TestPhoneNumbers"]["NoEcho"], true);
}

/// A function links an AWS adapter (`FUNCTION.adapters`) exactly when its role may call that
/// service: what it may not call is not in its binary.
#[test]
fn each_binary_links_the_aws_adapters_its_policy_allows() {
    let t = template();
    for function in local_api::FUNCTIONS {
        let f = function.logical_id;
        let policy = format!("{:?}", super::statements(&t, f));
        let adapters = function.adapters;
        for (actions, linked) in [("s3:", adapters.links_s3()), ("sns:", adapters.sends_sms())] {
            assert_eq!(
                linked,
                policy.contains(actions),
                "{f}: links the adapter exactly when its policy has {actions} actions"
            );
        }
    }
}
