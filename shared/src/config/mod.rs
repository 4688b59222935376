//! Configuration from environment variables, with the contract's names and defaults.
//!
//! Locally every setting has a safe default (keys are generated per start). In Lambda
//! (`AWS_LAMBDA_RUNTIME_API` set) [`Config::from_env`] refuses production-unsafe settings.

mod app_links;
mod defence;
mod secret;
mod sms;
mod webauthn;

pub use app_links::{AndroidApp, AppLinks};
pub use defence::{DefenceMode, DefenceSettings};
pub use secret::Secret;
pub use sms::{SmsSettings, TestNumbers};
pub use webauthn::{WebauthnSettings, is_rp_id};

use crate::domain::{Role, User};
use crate::phone::{AllowedCountries, parse_region};
use crate::store::tables::TableNames;
use phonenumber::country::Id;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// The local development server.
    Local,
    /// A deployed Lambda function.
    Lambda,
}

impl Runtime {
    /// Lambda when the runtime API is advertised, else local.
    pub fn detect() -> Runtime {
        if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
            Runtime::Lambda
        } else {
            Runtime::Local
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Memory,
    Dynamodb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsKind {
    Console,
    Sns,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpSettings {
    pub length: usize,
    pub ttl_seconds: i64,
    pub max_attempts: u32,
    pub resend_seconds: i64,
    pub max_per_hour: u32,
    pub max_per_day: u32,
    pub max_per_ip_hour: u32,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub runtime: Runtime,
    pub port: u16,
    pub store: StoreKind,
    pub tables: TableNames,
    pub dynamodb_endpoint: Option<String>,
    pub sns_endpoint: Option<String>,
    pub s3_endpoint: Option<String>,
    /// The private bucket of KYC document images.
    pub documents_bucket: String,
    pub create_tables: bool,
    pub sms_sender: SmsKind,
    pub sms: SmsSettings,
    pub default_country: Id,
    pub allowed_countries: AllowedCountries,
    pub otp: OtpSettings,
    pub login_max_failures: u32,
    pub login_lock_seconds: i64,
    /// Password sign-ins checked per source IP per hour, across phones.
    pub login_max_per_ip_hour: u32,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_seconds: i64,
    pub refresh_reuse_grace_seconds: i64,
    /// A session's absolute lifetime: refresh rotation never extends it past this.
    pub session_max_age_seconds: i64,
    /// Ed25519 private key, PKCS#8 PEM. `None` locally means "generate one".
    pub jwt_signing_key_pem: Option<Secret<String>>,
    /// Ed25519 public key (JWKS `x`, base64url): what functions that only verify tokens get.
    pub jwt_public_key: Option<String>,
    /// Keyed-hash secret. `None` locally means "generate one".
    pub secret_key: Option<Secret<Vec<u8>>>,
    pub admin_phones: Vec<String>,
    /// Pools one user may own that are still open (deadline today or later).
    pub pools_max_open_owned: u32,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// The apps published in `/.well-known/` (`ANDROID_APP_LINKS`, `IOS_APP_IDS`).
    pub app_links: AppLinks,
    /// The SMS pumping defence by conversion (`SMS_DEFENCE_MODE`, `SMS_CONVERSION_*`).
    pub defence: DefenceSettings,
    /// Passkeys' relying party (`WEBAUTHN_*`, `PASSKEY_CEREMONIES_PER_IP_HOUR`).
    pub webauthn: WebauthnSettings,
    /// Table variables that were not set (defaults used); fatal in Lambda.
    missing_tables: Vec<&'static str>,
    /// `DOCUMENTS_BUCKET` was not set (the default was used); fatal in Lambda.
    documents_bucket_unset: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// What a deployed function must be given; in Lambda it refuses to start without it, and
/// needs nothing more (a function that does not sign tokens never holds the signing key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub tokens: TokenUse,
    /// Keys hashes or encryption with `SECRET_KEY`.
    pub secret_key: bool,
    /// Sends SMS: `SMS_SENDER=sns`.
    pub sms: bool,
    /// Runs passkey ceremonies: `WEBAUTHN_RP_ID`.
    pub passkeys: bool,
}

/// What a function does with access tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Issues them: `JWT_SIGNING_KEY`.
    Sign,
    /// Checks bearer tokens: `JWT_PUBLIC_KEY` (or the signing key, if given).
    Verify,
    /// Neither (the admin function takes cookie sessions only).
    Neither,
}

impl Needs {
    /// Every setting (the local server, which runs every function's routes).
    pub const EVERYTHING: Needs = Needs {
        tokens: TokenUse::Sign,
        secret_key: true,
        sms: true,
        passkeys: true,
    };
}

/// The shortest `SECRET_KEY` accepted (bytes).
pub const MIN_SECRET_KEY_LEN: usize = 32;

impl Config {
    /// Reads the process environment (a process that needs every setting).
    pub fn from_env(runtime: Runtime) -> Result<Config, ConfigError> {
        Config::for_function(runtime, Needs::EVERYTHING)
    }

    /// Reads the process environment of a function that needs `needs`.
    pub fn for_function(runtime: Runtime, needs: Needs) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Config::from_lookup_for(runtime, needs, |k| vars.get(k).cloned())
    }

    /// Reads settings through `get` (tests pass a map), needing every setting.
    pub fn from_lookup(
        runtime: Runtime,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        Config::from_lookup_for(runtime, Needs::EVERYTHING, get)
    }

    /// Reads settings through `get` for a function that needs `needs`.
    pub fn from_lookup_for(
        runtime: Runtime,
        needs: Needs,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let env = Env(get);
        let lambda = runtime == Runtime::Lambda;
        let (tables, missing_tables) = TableNames::from_lookup(|k| env.get(k));
        let (otp, default_country) = (env.otp()?, env.default_country()?);
        let (sms, port) = (env.sms_settings(&otp, default_country)?, env.port()?);
        let config = Config {
            webauthn: env.webauthn(&sms.app_name, (!lambda).then_some(port))?,
            missing_tables,
            documents_bucket_unset: env.get("DOCUMENTS_BUCKET").is_none(),
            runtime,
            port,
            store: env.store(lambda)?,
            tables,
            dynamodb_endpoint: env.get("DYNAMODB_ENDPOINT"),
            sns_endpoint: env.get("SNS_ENDPOINT"),
            s3_endpoint: env.get("S3_ENDPOINT"),
            app_links: env.app_links()?,
            defence: env.defence()?,
            documents_bucket: env.or("DOCUMENTS_BUCKET", "documents"),
            create_tables: env.flag("CREATE_TABLES")?,
            sms_sender: env.sms(lambda)?,
            sms,
            default_country,
            allowed_countries: env.allowed_countries()?,
            otp,
            login_max_failures: env.num("LOGIN_MAX_FAILURES", 5, 1, 100)? as u32,
            login_lock_seconds: env.num("LOGIN_LOCK_SECONDS", 900, 1, 86400 * 30)?,
            login_max_per_ip_hour: env.num("LOGIN_MAX_PER_IP_HOUR", 30, 1, 1_000_000)? as u32,
            access_token_ttl_seconds: env.num("ACCESS_TOKEN_TTL_SECONDS", 900, 30, 86400)?,
            refresh_token_ttl_seconds: env.num(
                "REFRESH_TOKEN_TTL_SECONDS",
                2_592_000,
                60,
                31_536_000,
            )?,
            refresh_reuse_grace_seconds: env.num("REFRESH_REUSE_GRACE_SECONDS", 10, 0, 300)?,
            session_max_age_seconds: env.num(
                "SESSION_MAX_AGE_SECONDS",
                7_776_000,
                300,
                31_536_000,
            )?,
            jwt_signing_key_pem: env.get("JWT_SIGNING_KEY").map(Secret::new),
            jwt_public_key: env.get("JWT_PUBLIC_KEY"),
            secret_key: env.secret_key()?,
            admin_phones: env.list("ADMIN_PHONES"),
            pools_max_open_owned: env.num("POOLS_MAX_OPEN_OWNED", 50, 1, 10_000)? as u32,
            jwt_issuer: env.or("JWT_ISSUER", "phone-auth"),
            jwt_audience: env.or("JWT_AUDIENCE", "mobile-app"),
        };
        if lambda {
            config.check_production(needs)?;
        }
        Ok(config)
    }

    /// The settings a deployed function with `needs` must have; each missing one is named.
    fn check_production(&self, needs: Needs) -> Result<(), ConfigError> {
        let mut problems: Vec<String> = Vec::new();
        if self.store != StoreKind::Dynamodb {
            problems.push("STORE must be dynamodb".into());
        }
        if needs.sms && self.sms_sender != SmsKind::Sns {
            problems.push("SMS_SENDER must be sns".into());
        }
        let (private, public) = (&self.jwt_signing_key_pem, &self.jwt_public_key);
        match needs.tokens {
            TokenUse::Sign if private.is_none() => {
                problems.push("JWT_SIGNING_KEY is required".into());
            }
            TokenUse::Verify if private.is_none() && public.is_none() => {
                problems.push("JWT_PUBLIC_KEY is required".into());
            }
            _ => {}
        }
        if needs.passkeys && self.webauthn.rp_id.is_none() {
            problems.push("WEBAUTHN_RP_ID is required".into());
        }
        if needs.secret_key && self.secret_key.is_none() {
            problems.push("SECRET_KEY is required".into());
        }
        if self.documents_bucket_unset {
            problems.push("DOCUMENTS_BUCKET is required".into());
        }
        for name in &self.missing_tables {
            problems.push(format!("{name} is required"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(format!(
                "refusing to start in Lambda: {}",
                problems.join("; ")
            )))
        }
    }

    pub fn is_admin_phone(&self, e164: &str) -> bool {
        self.admin_phones.iter().any(|p| p == e164)
    }

    /// The role a user has now: admin while its phone is listed in `ADMIN_PHONES` or while a
    /// stored grant says so (registration always stores `user`; the admin API grants).
    pub fn role_of(&self, user: &User) -> Role {
        if self.is_admin_phone(&user.phone) {
            Role::Admin
        } else {
            user.role
        }
    }
}

/// Settings read through a lookup; a blank value counts as unset.
struct Env<F>(F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn get(&self, k: &str) -> Option<String> {
        (self.0)(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn app_links(&self) -> Result<AppLinks, ConfigError> {
        let (android, ios) = (self.get("ANDROID_APP_LINKS"), self.get("IOS_APP_IDS"));
        AppLinks::parse(android.as_deref(), ios.as_deref()).map_err(ConfigError)
    }

    fn webauthn(
        &self,
        app_name: &str,
        local: Option<u16>,
    ) -> Result<WebauthnSettings, ConfigError> {
        WebauthnSettings::parse(
            self.get("WEBAUTHN_RP_ID"),
            self.or("WEBAUTHN_RP_NAME", app_name),
            self.list("WEBAUTHN_ORIGINS"),
            local,
            self.num("PASSKEY_CEREMONIES_PER_IP_HOUR", 300, 1, 1_000_000)? as u32,
        )
    }

    fn port(&self) -> Result<u16, ConfigError> {
        Ok(self.num("PORT", 3000, 1, 65535)? as u16)
    }

    fn or(&self, k: &str, default: &str) -> String {
        self.get(k).unwrap_or_else(|| default.to_string())
    }

    fn num(&self, k: &str, default: i64, min: i64, max: i64) -> Result<i64, ConfigError> {
        match self.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| ConfigError(format!("{k} must be an integer in {min}..={max}"))),
        }
    }

    fn flag(&self, k: &str) -> Result<bool, ConfigError> {
        match self.get(k).as_deref() {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => Err(ConfigError(format!("{k}={other} is not true|false"))),
        }
    }

    /// A comma-separated list (blank items dropped).
    fn list(&self, k: &str) -> Vec<String> {
        self.get(k)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn store(&self, lambda: bool) -> Result<StoreKind, ConfigError> {
        match self.get("STORE").as_deref() {
            None if lambda => Ok(StoreKind::Dynamodb),
            None | Some("memory") => Ok(StoreKind::Memory),
            Some("dynamodb") => Ok(StoreKind::Dynamodb),
            Some(other) => Err(ConfigError(format!("STORE={other} is not memory|dynamodb"))),
        }
    }

    fn sms(&self, lambda: bool) -> Result<SmsKind, ConfigError> {
        match self.get("SMS_SENDER").as_deref() {
            None if lambda => Ok(SmsKind::Sns),
            None | Some("console") => Ok(SmsKind::Console),
            Some("sns") => Ok(SmsKind::Sns),
            Some(other) => Err(ConfigError(format!(
                "SMS_SENDER={other} is not console|sns"
            ))),
        }
    }

    fn default_country(&self) -> Result<Id, ConfigError> {
        match self.get("DEFAULT_COUNTRY") {
            None => Ok(Id::IN),
            Some(v) => parse_region(&v)
                .ok_or_else(|| ConfigError(format!("DEFAULT_COUNTRY={v} is not an ISO region"))),
        }
    }

    fn allowed_countries(&self) -> Result<AllowedCountries, ConfigError> {
        match self.get("ALLOWED_COUNTRIES") {
            None => Ok(AllowedCountries::Only(vec![Id::IN])),
            Some(v) => AllowedCountries::parse(&v).ok_or_else(|| {
                ConfigError(format!(
                    "ALLOWED_COUNTRIES={v} is not `*` or a list of ISO regions"
                ))
            }),
        }
    }

    fn secret_key(&self) -> Result<Option<Secret<Vec<u8>>>, ConfigError> {
        match self.get("SECRET_KEY").map(String::into_bytes) {
            Some(k) if k.len() < MIN_SECRET_KEY_LEN => Err(ConfigError(format!(
                "SECRET_KEY must be at least {MIN_SECRET_KEY_LEN} bytes"
            ))),
            k => Ok(k.map(Secret::new)),
        }
    }

    fn otp(&self) -> Result<OtpSettings, ConfigError> {
        Ok(OtpSettings {
            length: self.num("OTP_LENGTH", 6, 6, 10)? as usize,
            ttl_seconds: self.num("OTP_TTL_SECONDS", 300, 30, 3600)?,
            max_attempts: self.num("OTP_MAX_ATTEMPTS", 5, 1, 20)? as u32,
            resend_seconds: self.num("OTP_RESEND_SECONDS", 60, 0, 3600)?,
            max_per_hour: self.num("OTP_MAX_PER_HOUR", 5, 1, 1000)? as u32,
            max_per_day: self.num("OTP_MAX_PER_DAY", 10, 1, 10000)? as u32,
            max_per_ip_hour: self.num("OTP_MAX_PER_IP_HOUR", 20, 1, 100000)? as u32,
        })
    }
}

#[cfg(test)]
mod tests;
