//! Phone verification, registration, sign-in, sessions, devices and account deletion.

use crate::app::{AppState, AuthContext};
use crate::crypto::{ct_eq, random_bytes, random_digits, random_token};
use crate::error::{ApiError, ApiResult};
use crate::model::{
    Device, OtpRecord, ROLE_ADMIN, ROLE_USER, STATUS_ACTIVE, SendDenied, SendPlan, Session,
    SessionView, User, UserView, Verification,
};
use crate::phone::{Phone, PhoneError};
use crate::store::{CreateUserDenied, PasswordChange, StoreError};
use crate::tokens::RefreshToken;
use crate::{password, validate};
use serde::{Deserialize, Serialize};

/// Lifetime of a verification token (contract: 10 minutes).
pub const VERIFICATION_TTL_SECONDS: i64 = 600;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e)
    }
}

// ---------- request and response shapes ----------

#[derive(Debug, Deserialize)]
pub struct OtpRequest {
    pub phone: String,
    pub country_code: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OtpSent {
    pub phone: String,
    pub masked_phone: String,
    pub expires_in: i64,
    pub resend_after: i64,
}

#[derive(Debug, Deserialize)]
pub struct OtpVerify {
    pub phone: String,
    pub country_code: Option<String>,
    pub code: String,
}

#[derive(Debug, Serialize)]
pub struct Verified {
    pub verification_token: String,
    pub expires_in: i64,
    pub account_exists: bool,
}

#[derive(Debug, Deserialize)]
pub struct Register {
    pub verification_token: String,
    pub name: String,
    pub password: Option<String>,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub dob: Option<String>,
    pub security_number: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DeviceInput {
    pub device_id: String,
    pub platform: String,
    pub push_token: Option<String>,
    pub app_version: Option<String>,
    pub os_version: Option<String>,
    pub device_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Login {
    pub phone: Option<String>,
    pub country_code: Option<String>,
    pub password: Option<String>,
    pub verification_token: Option<String>,
    pub device: Option<DeviceInput>,
}

#[derive(Debug, Deserialize)]
pub struct Refresh {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize)]
pub struct PasswordReset {
    pub verification_token: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize)]
pub struct DeleteAccount {
    pub password: Option<String>,
    pub verification_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}

#[derive(Debug, Serialize)]
pub struct UserAndTokens {
    pub user: UserView,
    pub tokens: Tokens,
}

#[derive(Debug, Serialize)]
pub struct TokensOnly {
    pub tokens: Tokens,
}

#[derive(Debug, Serialize)]
pub struct UserOnly {
    pub user: UserView,
}

#[derive(Debug, Serialize)]
pub struct SessionList {
    pub items: Vec<SessionView>,
}

#[derive(Debug, Serialize)]
pub struct DeviceOnly {
    pub device: Device,
}

/// `{}`
#[derive(Debug, Serialize)]
pub struct Empty {}

// ---------- helpers ----------

fn parse_phone(state: &AppState, raw: &str, country_code: Option<&str>) -> ApiResult<Phone> {
    Phone::parse(raw, country_code, state.config.default_country).map_err(|e| match e {
        PhoneError::Invalid => ApiError::validation("phone", "phone is not a valid phone number"),
        PhoneError::BadCountryCode => {
            ApiError::validation("country_code", "country_code must be like +91 or IN")
        }
    })
}

fn code_hash(state: &AppState, phone: &str, code: &str) -> String {
    state
        .secret
        .mac_hex("otp", &[phone.as_bytes(), code.as_bytes()])
}

fn token_hash(state: &AppState, token: &str) -> String {
    state.secret.mac_hex("verification", &[token.as_bytes()])
}

fn secs_until(until_ms: i64, now_ms: i64) -> u64 {
    ((until_ms - now_ms).max(0) as u64).div_ceil(1000).max(1)
}

fn bad_token() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED",
        "verification token is invalid, used or expired",
    )
}

/// A random session epoch: setting one on the user revokes every session stamped otherwise.
pub fn new_epoch() -> u64 {
    u64::from_be_bytes(random_bytes::<8>()) >> 1
}

/// Runs argon2 off the async workers.
async fn verify_password(candidate: String, stored: Option<String>) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || password::verify(&candidate, stored.as_deref()))
        .await
        .map_err(ApiError::internal)
}

async fn hash_password(pw: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// A live verification token for the phone it was issued to.
async fn live_verification(state: &AppState, token: &str) -> ApiResult<(String, Verification)> {
    if token.is_empty() || token.len() > 128 {
        return Err(bad_token());
    }
    let hash = token_hash(state, token);
    match state.store.get_verification(&hash).await? {
        Some(v) if v.expires_at_ms > state.now_ms() => Ok((hash, v)),
        _ => Err(bad_token()),
    }
}

fn validate_device(d: DeviceInput) -> ApiResult<Device> {
    let platform = d.platform.trim().to_ascii_lowercase();
    if !matches!(platform.as_str(), "android" | "ios" | "web") {
        return Err(ApiError::validation(
            "device.platform",
            "platform must be android, ios or web",
        ));
    }
    let opt = |field: &str, v: Option<String>, max: usize| -> ApiResult<Option<String>> {
        v.map(|v| validate::short_text(field, &v, max)).transpose()
    };
    Ok(Device {
        device_id: validate::short_text("device_id", &d.device_id, 128)?,
        platform,
        push_token: opt("push_token", d.push_token, 4096)?,
        app_version: opt("app_version", d.app_version, 64)?,
        os_version: opt("os_version", d.os_version, 64)?,
        device_name: opt("device_name", d.device_name, 100)?,
    })
}

/// Opens a session for `user` (optionally on a device) and issues its first tokens.
async fn start_session(state: &AppState, user: &User, device: Option<Device>) -> ApiResult<Tokens> {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    if let Some(d) = &device {
        state.store.put_device(&user.user_id, d, now_ms).await?;
    }
    let session = Session {
        user_id: user.user_id.clone(),
        session_id: uuid::Uuid::new_v4().to_string(),
        epoch: user.session_epoch,
        seed: random_token(),
        generation: 0,
        rotated_at_ms: None,
        device_id: device.as_ref().map(|d| d.device_id.clone()),
        platform: device.as_ref().map(|d| d.platform.clone()),
        created_at_ms: now_ms,
        last_used_at_ms: now_ms,
        expires_at_ms: now_ms + state.config.refresh_token_ttl_seconds * 1000,
    };
    state.store.put_session(&session).await?;
    state.store.record_login(&user.user_id, now_ms).await?;
    tokens_for(state, user, &session, session.generation)
}

fn tokens_for(
    state: &AppState,
    user: &User,
    session: &Session,
    generation: u64,
) -> ApiResult<Tokens> {
    let ttl = state.config.access_token_ttl_seconds;
    let access_token = state
        .keys
        .issue(
            &user.user_id,
            &session.session_id,
            &state.effective_role(user),
            state.clock.now().timestamp(),
            ttl,
        )
        .map_err(ApiError::internal)?;
    Ok(Tokens {
        access_token,
        refresh_token: RefreshToken::derive(
            &state.secret,
            &user.user_id,
            &session.session_id,
            &session.seed,
            generation,
        ),
        token_type: "Bearer",
        expires_in: ttl,
    })
}

fn user_view(state: &AppState, user: &User) -> UserView {
    UserView::new(user, &state.effective_role(user))
}

/// Deletes dead sessions after a revoke-all. They are already unusable (epoch), so a failure
/// here only leaves garbage and is logged, not returned.
async fn sweep_sessions(state: &AppState, user_id: &str, keep: Option<&str>) {
    let sessions = match state.store.list_sessions(user_id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "session sweep skipped");
            return;
        }
    };
    for s in sessions
        .iter()
        .filter(|s| Some(s.session_id.as_str()) != keep)
    {
        if let Err(e) = state.store.delete_session(user_id, &s.session_id).await {
            tracing::warn!(error = %e, "session sweep incomplete");
            return;
        }
    }
}

// ---------- routes ----------

pub fn health() -> serde_json::Value {
    serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") })
}

/// POST /v1/auth/otp/request
pub async fn request_otp(state: &AppState, req: OtpRequest, ip: &str) -> ApiResult<OtpSent> {
    let phone = parse_phone(state, &req.phone, req.country_code.as_deref())?;
    if !state.config.allowed_countries.allows(&phone) {
        return Err(ApiError::country_not_supported());
    }
    let otp = &state.config.otp;
    let now_ms = state.now_ms();
    let now_s = now_ms.div_euclid(1000);
    let plan = SendPlan {
        phone: phone.e164().to_string(),
        ip: ip.to_string(),
        now_ms,
        cooldown_until_ms: now_ms + otp.resend_seconds * 1000,
        nonce: random_token(),
        hour_window: now_s.div_euclid(3600),
        day_window: now_s.div_euclid(86_400),
        max_per_hour: otp.max_per_hour,
        max_per_day: otp.max_per_day,
        max_per_ip_hour: otp.max_per_ip_hour,
    };
    if let Err(denied) = state.store.reserve_otp_send(&plan).await? {
        let retry_after = match denied {
            SendDenied::Cooldown { until_ms } => secs_until(until_ms, now_ms),
            SendDenied::PhoneHour | SendDenied::IpHour => {
                secs_until((plan.hour_window + 1) * 3_600_000, now_ms)
            }
            SendDenied::PhoneDay => secs_until((plan.day_window + 1) * 86_400_000, now_ms),
        };
        tracing::info!(phone = %phone.masked(), ?denied, "OTP send refused");
        return Err(ApiError::rate_limited(retry_after));
    }
    let code = random_digits(otp.length);
    let rec = OtpRecord {
        phone: plan.phone.clone(),
        code_hash: code_hash(state, &plan.phone, &code),
        attempts: 0,
        max_attempts: otp.max_attempts,
        created_at_ms: now_ms,
        expires_at_ms: now_ms + otp.ttl_seconds * 1000,
    };
    if let Err(e) = state.store.put_otp(&rec).await {
        release(state, &plan).await;
        return Err(e.into());
    }
    let minutes = (otp.ttl_seconds + 59) / 60;
    let body =
        format!("Your verification code is {code}. It expires in {minutes} min. Never share it.");
    if let Err(e) = state.sms.send(&plan.phone, &body).await {
        tracing::error!(phone = %phone.masked(), error = %e, "OTP delivery failed");
        if let Err(e) = state.store.delete_otp(&plan.phone, &rec.code_hash).await {
            tracing::error!(error = %e, "could not withdraw undelivered code");
        }
        release(state, &plan).await;
        return Err(ApiError::otp_delivery_failed());
    }
    tracing::info!(phone = %phone.masked(), "OTP sent");
    Ok(OtpSent {
        phone: plan.phone.clone(),
        masked_phone: phone.masked(),
        expires_in: otp.ttl_seconds,
        resend_after: otp.resend_seconds,
    })
}

async fn release(state: &AppState, plan: &SendPlan) {
    if let Err(e) = state.store.release_otp_send(plan).await {
        tracing::error!(error = %e, "could not release OTP send reservation");
    }
}

/// POST /v1/auth/otp/verify
pub async fn verify_otp(state: &AppState, req: OtpVerify) -> ApiResult<Verified> {
    let phone = parse_phone(state, &req.phone, req.country_code.as_deref())?;
    validate::code(&req.code)?;
    let e164 = phone.e164();
    let now_ms = state.now_ms();
    let exhausted = |r: &OtpRecord| r.attempts >= r.max_attempts;
    let Some(rec) = state.store.get_otp(e164).await? else {
        return Err(ApiError::otp_expired());
    };
    if exhausted(&rec) {
        return Err(ApiError::otp_attempts_exceeded());
    }
    if rec.expires_at_ms <= now_ms {
        return Err(ApiError::otp_expired());
    }
    let given = code_hash(state, e164, &req.code);
    let after_race = |current: Option<OtpRecord>| match current {
        Some(r) if r.code_hash == rec.code_hash && exhausted(&r) => {
            ApiError::otp_attempts_exceeded()
        }
        _ => ApiError::otp_expired(),
    };
    if !ct_eq(given.as_bytes(), rec.code_hash.as_bytes()) {
        return match state.store.record_otp_failure(e164, &rec.code_hash).await? {
            Some(attempts) => {
                tracing::info!(phone = %phone.masked(), attempts, "wrong OTP");
                Err(ApiError::otp_invalid(
                    rec.max_attempts.saturating_sub(attempts),
                ))
            }
            None => Err(after_race(state.store.get_otp(e164).await?)),
        };
    }
    if !state
        .store
        .consume_otp(e164, &rec.code_hash, now_ms)
        .await?
    {
        return Err(after_race(state.store.get_otp(e164).await?));
    }
    let token = random_token();
    state
        .store
        .put_verification(&Verification {
            token_hash: token_hash(state, &token),
            phone: e164.to_string(),
            expires_at_ms: now_ms + VERIFICATION_TTL_SECONDS * 1000,
        })
        .await?;
    let account_exists = state.store.user_id_by_phone(e164).await?.is_some();
    tracing::info!(phone = %phone.masked(), account_exists, "phone verified");
    Ok(Verified {
        verification_token: token,
        expires_in: VERIFICATION_TTL_SECONDS,
        account_exists,
    })
}

/// POST /v1/auth/register
pub async fn register(state: &AppState, req: Register) -> ApiResult<UserAndTokens> {
    let today = state.clock.now().date_naive();
    let name = validate::name("name", &req.name)?;
    if let Some(p) = &req.password {
        validate::password("password", p)?;
    }
    let email = req.email.as_deref().map(validate::email).transpose()?;
    let region = |field: &str, v: Option<String>| -> ApiResult<Option<String>> {
        v.map(|v| validate::short_text(field, &v, 100)).transpose()
    };
    let st = region("state", req.state)?;
    let city = region("city", req.city)?;
    let dob = req
        .dob
        .as_deref()
        .map(|d| validate::dob(d, today))
        .transpose()?;
    let security_number = req
        .security_number
        .as_deref()
        .map(validate::security_number)
        .transpose()?;
    let (hash, v) = live_verification(state, &req.verification_token).await?;
    let password_hash = match req.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    let now_ms = state.now_ms();
    let user_id = uuid::Uuid::new_v4().to_string();
    let user = User {
        security_number_hash: security_number.map(|n| {
            state
                .secret
                .mac_hex("security_number", &[user_id.as_bytes(), n.as_bytes()])
        }),
        user_id,
        role: if state.config.is_admin_phone(&v.phone) {
            ROLE_ADMIN
        } else {
            ROLE_USER
        }
        .to_string(),
        phone: v.phone,
        name,
        email,
        state: st,
        city,
        dob,
        status: STATUS_ACTIVE.to_string(),
        kyc_status: "NOT_SUBMITTED".to_string(),
        risk_band: None,
        password_hash,
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
        session_epoch: new_epoch(),
        login_count: 0,
        last_login_at_ms: None,
    };
    match state.store.create_user(&user, &hash, now_ms).await? {
        Ok(()) => {}
        Err(CreateUserDenied::TokenInvalid) => return Err(bad_token()),
        Err(CreateUserDenied::PhoneTaken) => {
            return Err(ApiError::conflict(
                "ACCOUNT_EXISTS",
                "an account already exists for this phone number; sign in instead",
            ));
        }
    }
    tracing::info!(phone = %crate::phone::mask(&user.phone), "account registered");
    let tokens = start_session(state, &user, None).await?;
    Ok(UserAndTokens {
        user: user_view(state, &user),
        tokens,
    })
}

/// POST /v1/auth/login (password form or verification-token form)
pub async fn login(state: &AppState, req: Login) -> ApiResult<UserAndTokens> {
    let device = req.device.map(validate_device).transpose()?;
    if let Some(token) = req.verification_token {
        return login_with_token(state, &token, device).await;
    }
    let raw_phone = req
        .phone
        .ok_or_else(|| ApiError::validation("phone", "phone is required"))?;
    let pw = req
        .password
        .ok_or_else(|| ApiError::validation("password", "password is required"))?;
    let phone = parse_phone(state, &raw_phone, req.country_code.as_deref())?;
    let e164 = phone.e164();
    let now_ms = state.now_ms();
    if let Some(until) = state.store.login_locked_until(e164, now_ms).await? {
        return Err(ApiError::account_locked(secs_until(until, now_ms)));
    }
    // The same reads and the same argon2 work whether or not the phone has an account.
    let user_id = state.store.user_id_by_phone(e164).await?;
    let user = state
        .store
        .get_user(
            user_id
                .as_deref()
                .unwrap_or("00000000-0000-0000-0000-000000000000"),
        )
        .await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = verify_password(pw, stored).await?;
    let user = match user {
        Some(u) if ok => u,
        _ => {
            let max = state.config.login_max_failures;
            let lock_until = now_ms + state.config.login_lock_seconds * 1000;
            let failures = state
                .store
                .record_login_failure(e164, max, lock_until)
                .await?;
            tracing::info!(phone = %phone.masked(), failures, "password sign-in failed");
            return Err(ApiError::invalid_credentials());
        }
    };
    if !user.is_active() {
        return Err(ApiError::account_suspended());
    }
    state.store.clear_login_failures(e164).await?;
    let tokens = start_session(state, &user, device).await?;
    tracing::info!(phone = %phone.masked(), "signed in with password");
    Ok(UserAndTokens {
        user: user_view(state, &user),
        tokens,
    })
}

async fn login_with_token(
    state: &AppState,
    token: &str,
    device: Option<Device>,
) -> ApiResult<UserAndTokens> {
    let (hash, v) = live_verification(state, token).await?;
    let Some(user_id) = state.store.user_id_by_phone(&v.phone).await? else {
        return Err(ApiError::account_not_found());
    };
    let user = state
        .store
        .get_user(&user_id)
        .await?
        .ok_or_else(ApiError::account_not_found)?;
    if !user.is_active() {
        return Err(ApiError::account_suspended());
    }
    if !state
        .store
        .consume_verification(&hash, &v.phone, state.now_ms())
        .await?
    {
        return Err(bad_token());
    }
    // Proving the phone again also lifts a password lock.
    state.store.clear_login_failures(&v.phone).await?;
    let tokens = start_session(state, &user, device).await?;
    tracing::info!(phone = %crate::phone::mask(&v.phone), "signed in with code");
    Ok(UserAndTokens {
        user: user_view(state, &user),
        tokens,
    })
}

/// POST /v1/auth/refresh: rotates the refresh token. A token presented again within the grace
/// window gets the same successor; later, it revokes the session (reuse detection).
pub async fn refresh(state: &AppState, req: Refresh) -> ApiResult<TokensOnly> {
    let rt = RefreshToken::parse(&req.refresh_token).ok_or_else(ApiError::unauthorized)?;
    let now_ms = state.now_ms();
    let (session, user) = tokio::try_join!(
        state.store.get_session(&rt.user_id, &rt.session_id),
        state.store.get_user(&rt.user_id)
    )?;
    let (Some(session), Some(user)) = (session, user) else {
        return Err(ApiError::unauthorized());
    };
    if !rt.matches(&state.secret, &session.seed) || !session.is_live(&user, now_ms) {
        return Err(ApiError::unauthorized());
    }
    let grace_ms = state.config.refresh_reuse_grace_seconds * 1000;
    let within_grace = |s: &Session| {
        s.generation == rt.generation + 1 && s.rotated_at_ms.is_some_and(|r| now_ms - r <= grace_ms)
    };
    let successor = if session.generation == rt.generation {
        let expires = now_ms + state.config.refresh_token_ttl_seconds * 1000;
        if state
            .store
            .rotate_session(&rt.user_id, &rt.session_id, rt.generation, now_ms, expires)
            .await?
        {
            rt.generation + 1
        } else {
            // Lost a race with a concurrent refresh of the same token: same successor.
            match state.store.get_session(&rt.user_id, &rt.session_id).await? {
                Some(s) if within_grace(&s) => s.generation,
                _ => return Err(ApiError::unauthorized()),
            }
        }
    } else if within_grace(&session) {
        session.generation
    } else {
        state
            .store
            .delete_session(&rt.user_id, &rt.session_id)
            .await?;
        tracing::warn!(phone = %crate::phone::mask(&user.phone), "refresh token reuse: session revoked");
        return Err(ApiError::unauthorized());
    };
    Ok(TokensOnly {
        tokens: tokens_for(state, &user, &session, successor)?,
    })
}

/// Resolves an access token to a live session (used by the auth extractor).
pub async fn authenticate(state: &AppState, token: &str) -> ApiResult<AuthContext> {
    let now = state.clock.now();
    let claims = state
        .keys
        .verify(token, now.timestamp())
        .ok_or_else(ApiError::unauthorized)?;
    let (session, user) = tokio::try_join!(
        state.store.get_session(&claims.sub, &claims.sid),
        state.store.get_user(&claims.sub)
    )?;
    match (session, user) {
        (Some(session), Some(user)) if session.is_live(&user, now.timestamp_millis()) => {
            Ok(AuthContext {
                user,
                session,
                claims,
            })
        }
        _ => Err(ApiError::unauthorized()),
    }
}

/// POST /v1/auth/logout
pub async fn logout(state: &AppState, ctx: &AuthContext) -> ApiResult<Empty> {
    state
        .store
        .delete_session(&ctx.user.user_id, &ctx.session.session_id)
        .await?;
    Ok(Empty {})
}

/// POST /v1/auth/password/reset
pub async fn reset_password(state: &AppState, req: PasswordReset) -> ApiResult<Empty> {
    validate::password("new_password", &req.new_password)?;
    let (hash, v) = live_verification(state, &req.verification_token).await?;
    let Some(user_id) = state.store.user_id_by_phone(&v.phone).await? else {
        return Err(ApiError::account_not_found());
    };
    let password_hash = hash_password(req.new_password).await?;
    let change = PasswordChange {
        user_id: user_id.clone(),
        password_hash,
        new_epoch: new_epoch(),
        consume_token: Some((hash, v.phone.clone())),
        keep_session: None,
        now_ms: state.now_ms(),
    };
    if !state.store.set_password(&change).await? {
        return Err(bad_token());
    }
    state.store.clear_login_failures(&v.phone).await?;
    sweep_sessions(state, &user_id, None).await;
    tracing::info!(phone = %crate::phone::mask(&v.phone), "password reset; all sessions revoked");
    Ok(Empty {})
}

/// POST /v1/auth/password/change
pub async fn change_password(
    state: &AppState,
    ctx: &AuthContext,
    req: PasswordChangeInput,
) -> ApiResult<Empty> {
    validate::password("new_password", &req.new_password)?;
    if !verify_password(req.current_password, ctx.user.password_hash.clone()).await? {
        return Err(ApiError::invalid_credentials());
    }
    let change = PasswordChange {
        user_id: ctx.user.user_id.clone(),
        password_hash: hash_password(req.new_password).await?,
        new_epoch: new_epoch(),
        consume_token: None,
        keep_session: Some(ctx.session.session_id.clone()),
        now_ms: state.now_ms(),
    };
    if !state.store.set_password(&change).await? {
        return Err(ApiError::unauthorized());
    }
    sweep_sessions(state, &ctx.user.user_id, Some(&ctx.session.session_id)).await;
    Ok(Empty {})
}

/// GET /v1/auth/me
pub fn me(state: &AppState, ctx: &AuthContext) -> UserOnly {
    UserOnly {
        user: user_view(state, &ctx.user),
    }
}

/// GET /v1/auth/sessions
pub async fn sessions(state: &AppState, ctx: &AuthContext) -> ApiResult<SessionList> {
    let now_ms = state.now_ms();
    let mut live: Vec<Session> = state
        .store
        .list_sessions(&ctx.user.user_id)
        .await?
        .into_iter()
        .filter(|s| s.is_live(&ctx.user, now_ms))
        .collect();
    live.sort_by_key(|s| s.created_at_ms);
    let items = live
        .into_iter()
        .map(|s| SessionView {
            current: s.session_id == ctx.session.session_id,
            created_at: crate::model::from_ms(s.created_at_ms),
            last_used_at: crate::model::from_ms(s.last_used_at_ms),
            session_id: s.session_id,
            device_id: s.device_id,
            platform: s.platform,
        })
        .collect();
    Ok(SessionList { items })
}

/// DELETE /v1/auth/sessions/{session_id}
pub async fn revoke_session(
    state: &AppState,
    ctx: &AuthContext,
    session_id: &str,
) -> ApiResult<Empty> {
    let live = match state
        .store
        .get_session(&ctx.user.user_id, session_id)
        .await?
    {
        Some(s) => s.is_live(&ctx.user, state.now_ms()),
        None => false,
    };
    if !live
        || !state
            .store
            .delete_session(&ctx.user.user_id, session_id)
            .await?
    {
        return Err(ApiError::not_found("session"));
    }
    Ok(Empty {})
}

/// POST /v1/auth/devices (upsert by device_id)
pub async fn upsert_device(
    state: &AppState,
    ctx: &AuthContext,
    req: DeviceInput,
) -> ApiResult<DeviceOnly> {
    let device = validate_device(req).map_err(|mut e| {
        if let Some(d) = e.details.as_mut()
            && let Some(f) = d["field"].as_str()
        {
            d["field"] = f.trim_start_matches("device.").into();
        }
        e
    })?;
    state
        .store
        .put_device(&ctx.user.user_id, &device, state.now_ms())
        .await?;
    Ok(DeviceOnly { device })
}

/// DELETE /v1/auth/account
pub async fn delete_account(
    state: &AppState,
    ctx: &AuthContext,
    req: DeleteAccount,
) -> ApiResult<Empty> {
    let user = &ctx.user;
    match (req.password, req.verification_token) {
        (Some(pw), _) => {
            if !verify_password(pw, user.password_hash.clone()).await? {
                return Err(ApiError::invalid_credentials());
            }
        }
        (None, Some(token)) => {
            let (hash, v) = live_verification(state, &token).await?;
            if v.phone != user.phone
                || !state
                    .store
                    .consume_verification(&hash, &user.phone, state.now_ms())
                    .await?
            {
                return Err(bad_token());
            }
        }
        (None, None) => {
            return Err(ApiError::validation(
                "password",
                "password or verification_token is required",
            ));
        }
    }
    // Seats first: a deleted account is counted in no pool. Owned pools stay for their members.
    state.store.remove_user_from_pools(&user.user_id).await?;
    state.store.delete_user(user).await?;
    tracing::info!(phone = %crate::phone::mask(&user.phone), "account deleted");
    Ok(Empty {})
}
