//! The settings: contract defaults, refusals, and what Lambda demands of each function.

use super::*;
use crate::store::tables::TABLES;

/// Every table named after its variable's first letter, and the bucket `docs`.
fn production_names() -> Vec<(&'static str, &'static str)> {
    let tables = TABLES.iter().map(|t| (t.env, &t.default_name[..1]));
    tables.chain([("DOCUMENTS_BUCKET", "docs")]).collect()
}

fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

const PEM: &str = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----";

#[test]
fn local_defaults_match_the_contract() {
    let c = Config::from_lookup(Runtime::Local, lookup(&[])).unwrap();
    assert_eq!(c.port, 3000);
    assert_eq!(c.store, StoreKind::Memory);
    assert_eq!(c.sms_sender, SmsKind::Console);
    assert_eq!(c.tables, TableNames::default());
    assert_eq!(c.default_country, Id::IN);
    assert_eq!(c.otp.length, 6);
    assert_eq!(c.otp.ttl_seconds, 300);
    assert_eq!(c.otp.max_attempts, 5);
    assert_eq!(c.otp.resend_seconds, 60);
    assert_eq!(
        (c.otp.max_per_hour, c.otp.max_per_day, c.otp.max_per_ip_hour),
        (5, 10, 20)
    );
    assert_eq!((c.login_max_failures, c.login_lock_seconds), (5, 900));
    assert_eq!(c.login_max_per_ip_hour, 30);
    assert_eq!(
        (c.access_token_ttl_seconds, c.refresh_token_ttl_seconds),
        (900, 2_592_000)
    );
    assert_eq!(c.refresh_reuse_grace_seconds, 10);
    assert_eq!(c.session_max_age_seconds, 90 * 86_400);
    assert!(c.jwt_signing_key_pem.is_none() && c.secret_key.is_none());
    assert!(!c.create_tables);
}

#[test]
fn bad_values_are_rejected() {
    assert!(Config::from_lookup(Runtime::Local, lookup(&[("OTP_LENGTH", "x")])).is_err());
    assert!(Config::from_lookup(Runtime::Local, lookup(&[("OTP_LENGTH", "5")])).is_err());
    assert!(Config::from_lookup(Runtime::Local, lookup(&[("STORE", "redis")])).is_err());
    assert!(Config::from_lookup(Runtime::Local, lookup(&[("SECRET_KEY", "short")])).is_err());
    assert!(Config::from_lookup(Runtime::Local, lookup(&[("ALLOWED_COUNTRIES", "QQ")])).is_err());
}

#[test]
fn lambda_refuses_dev_settings_and_names_each_problem() {
    let err = Config::from_lookup(Runtime::Lambda, lookup(&[("STORE", "memory")])).unwrap_err();
    let tables = TABLES.iter().map(|t| t.env);
    for needle in ["STORE", "JWT_SIGNING_KEY", "SECRET_KEY", "DOCUMENTS_BUCKET"]
        .into_iter()
        .chain(tables)
    {
        assert!(err.0.contains(needle), "{needle} missing from {}", err.0);
    }
    let err =
        Config::from_lookup(Runtime::Lambda, lookup(&[("SMS_SENDER", "console")])).unwrap_err();
    assert!(err.0.contains("SMS_SENDER"));
}

#[test]
fn a_function_is_asked_only_for_what_it_needs() {
    let base = production_names();
    let verifier = Needs {
        tokens: TokenUse::Verify,
        secret_key: false,
        sms: false,
        passkeys: false,
    };
    let err = Config::from_lookup_for(Runtime::Lambda, verifier, lookup(&base)).unwrap_err();
    assert!(err.0.contains("JWT_PUBLIC_KEY"), "{}", err.0);
    for absent in [
        "SECRET_KEY",
        "JWT_SIGNING_KEY",
        "SMS_SENDER",
        "WEBAUTHN_RP_ID",
    ] {
        assert!(!err.0.contains(absent), "{absent} demanded: {}", err.0);
    }
    let mut with_public = base.to_vec();
    with_public.push(("JWT_PUBLIC_KEY", "x"));
    with_public.push(("SMS_SENDER", "console"));
    let c = Config::from_lookup_for(Runtime::Lambda, verifier, lookup(&with_public)).unwrap();
    assert!(c.secret_key.is_none() && c.jwt_signing_key_pem.is_none());
    let signer = Needs {
        tokens: TokenUse::Sign,
        ..verifier
    };
    let neither = Needs {
        tokens: TokenUse::Neither,
        ..verifier
    };
    assert!(Config::from_lookup_for(Runtime::Lambda, neither, lookup(&base)).is_ok());
    let err = Config::from_lookup_for(Runtime::Lambda, signer, lookup(&with_public)).unwrap_err();
    assert!(err.0.contains("JWT_SIGNING_KEY"), "{}", err.0);
    let ceremonies = Needs {
        passkeys: true,
        ..verifier
    };
    let err =
        Config::from_lookup_for(Runtime::Lambda, ceremonies, lookup(&with_public)).unwrap_err();
    assert!(err.0.contains("WEBAUTHN_RP_ID is required"), "{}", err.0);
    with_public.push(("WEBAUTHN_RP_ID", "auth.example.com"));
    let c = Config::from_lookup_for(Runtime::Lambda, ceremonies, lookup(&with_public)).unwrap();
    assert_eq!(c.webauthn.origins, ["https://auth.example.com"]);
}

#[test]
fn lambda_starts_with_full_production_settings() {
    let secret = "0123456789abcdef0123456789abcdef";
    let c = Config::from_lookup(
        Runtime::Lambda,
        lookup(
            &[
                ("JWT_SIGNING_KEY", PEM),
                ("SECRET_KEY", secret),
                ("WEBAUTHN_RP_ID", "example.com"),
            ]
            .into_iter()
            .chain(production_names())
            .collect::<Vec<_>>(),
        ),
    )
    .unwrap();
    assert_eq!(c.store, StoreKind::Dynamodb);
    assert_eq!(c.sms_sender, SmsKind::Sns);
    assert_eq!(c.tables.get(crate::store::tables::Table::Users), "u");
    assert_eq!(c.documents_bucket, "docs");
}

#[test]
fn secrets_never_show_in_debug_output() {
    let key = "k".repeat(40);
    let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPrivateKeyBytes\n-----END PRIVATE KEY-----";
    let c = Config::from_lookup(
        Runtime::Local,
        lookup(&[("SECRET_KEY", &key), ("JWT_SIGNING_KEY", pem)]),
    )
    .unwrap();
    let shown = format!("{c:?}");
    assert!(
        !shown.contains(&key) && !shown.contains("PrivateKeyBytes"),
        "{shown}"
    );
    assert!(shown.contains("Secret(<redacted>)"));
    assert_eq!(c.secret_key.unwrap().expose(), key.as_bytes());
}
