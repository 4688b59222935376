//! Signing in (password or verified phone), refresh-token rotation and signing out.

use super::sessions::DeviceBody;
use super::svc;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shared::api_error::{ApiError, ApiResult, Success, ok};
use shared::auth_context::AuthContext;
use shared::field_schemas::PhoneNumber;
use shared::http::{JsonBody, SourceIp};
use shared::openapi::{
    Empty, Envelope, ErrorBody, Form, any_of, form_schemas, reference, string, typed,
};
use shared::services::auth::{Credentials, IssuedTokens, SignedIn};
use shared::state::AppState;
use shared::views::UserView;
use utoipa::openapi::schema::Type;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// `tokens` as the contract returns them.
#[derive(Serialize, ToSchema)]
pub struct Tokens {
    /// EdDSA JWT, `expires_in` seconds.
    pub access_token: String,
    /// Opaque; rotates on every refresh.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
}

impl From<IssuedTokens> for Tokens {
    fn from(t: IssuedTokens) -> Self {
        Tokens {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer".into(),
            expires_in: t.expires_in,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserAndTokens {
    pub user: UserView,
    pub tokens: Tokens,
}

impl From<SignedIn> for UserAndTokens {
    fn from(s: SignedIn) -> Self {
        UserAndTokens {
            user: UserView::new(&s.user, s.role),
            tokens: s.tokens.into(),
        }
    }
}

/// Either form; with a `verification_token` the token form is used.
#[derive(Deserialize)]
pub struct LoginBody {
    phone: Option<String>,
    country_code: Option<String>,
    password: Option<String>,
    verification_token: Option<String>,
    device: Option<DeviceBody>,
}

/// The two forms of a sign-in, as the document shows them.
fn login_forms() -> [Form; 2] {
    let device = || ("device", reference::<DeviceBody>(true), false);
    let country_code = typed(Type::String, true).pattern(Some(r"^(\+[0-9]{1,3}|[A-Za-z]{2})?$"));
    [
        Form {
            name: "PasswordLogin",
            description: "The password form of a sign-in.",
            fields: vec![
                ("phone", reference::<PhoneNumber>(false), true),
                ("country_code", country_code.into(), false),
                ("password", string(false), true),
                device(),
            ],
        },
        Form {
            name: "TokenLogin",
            description: "The verified-phone form of a sign-in.",
            fields: vec![("verification_token", string(false), true), device()],
        },
    ]
}

impl PartialSchema for LoginBody {
    fn schema() -> RefOr<Schema> {
        any_of(
            "`{phone, country_code?, password, device?}` or `{verification_token, device?}`",
            &login_forms(),
        )
    }
}

impl ToSchema for LoginBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        form_schemas(&login_forms(), schemas);
        schemas.push((DeviceBody::name().into_owned(), DeviceBody::schema()));
        schemas.push((PhoneNumber::name().into_owned(), PhoneNumber::schema()));
    }
}

/// Signs in with a password, or with a verification token from a code sent to the phone.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "signed in", body = Envelope<UserAndTokens>),
        (status = 401, description = "`INVALID_CREDENTIALS` (the same for an unknown phone and a wrong password), or `UNAUTHORIZED` for a bad verification token", body = ErrorBody),
        (status = 403, description = "`ACCOUNT_SUSPENDED`", body = ErrorBody),
        (status = 404, description = "`ACCOUNT_NOT_FOUND` (token form only)", body = ErrorBody),
        (status = 423, description = "`ACCOUNT_LOCKED`: the phone's failure budget is spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the lock ends"))),
        (status = 429, description = "`RATE_LIMIT_EXCEEDED`: the source IP's hourly budget of password sign-ins is spent", body = ErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the hour ends"))),
    ))]
pub async fn login(
    State(s): State<AppState>,
    SourceIp(ip): SourceIp,
    JsonBody(b): JsonBody<LoginBody>,
) -> ApiResult<Success<UserAndTokens>> {
    let credentials = match b.verification_token {
        Some(token) => Credentials::VerificationToken(token),
        None => Credentials::Password {
            phone: b
                .phone
                .ok_or_else(|| ApiError::validation("phone", "phone is required"))?,
            country_code: b.country_code,
            password: b
                .password
                .ok_or_else(|| ApiError::validation("password", "password is required"))?,
        },
    };
    let device = b.device.map(Into::into);
    Ok(ok(svc(&s).login(credentials, device, &ip).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    #[schema(min_length = 1)]
    pub refresh_token: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokensOnly {
    pub tokens: Tokens,
}

/// Rotates the refresh token. Presented again within the grace window it yields the same
/// successor; later, it revokes the whole session.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth",
    request_body = RefreshBody,
    responses(
        (status = 200, description = "new tokens", body = Envelope<TokensOnly>),
        (status = 401, description = "`UNAUTHORIZED`: unknown, revoked, expired or reused token", body = ErrorBody),
    ))]
pub async fn refresh(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<RefreshBody>,
) -> ApiResult<Success<TokensOnly>> {
    let tokens = svc(&s).refresh(&b.refresh_token).await?;
    Ok(ok(TokensOnly {
        tokens: tokens.into(),
    }))
}

/// Ends this session at once: its access and refresh tokens get 401 from then on.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "signed out", body = Envelope<Empty>)))]
pub async fn logout(State(s): State<AppState>, ctx: AuthContext) -> ApiResult<Success<Empty>> {
    svc(&s).logout(&ctx).await?;
    Ok(ok(Empty {}))
}
