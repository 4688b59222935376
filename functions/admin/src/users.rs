//! The users list, one user's detail for review, and status and role changes.

use super::svc;
use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use shared::admin_context::AdminContext;
use shared::api_error::{ApiError, ApiResult, Success, ok};
use shared::domain::{
    Device, KycStatus, Platform, RiskBand, Role, Session, UploadPurpose, User, UserId, UserStatus,
    from_ms,
};
use shared::http::{JsonBody, PathParam, decode_param, limit_param, query_params};
use shared::openapi::{Envelope, ErrorBody};
use shared::phone::mask;
use shared::services::admin::{UserDetail, UserSearch};
use shared::state::AppState;
use shared::store::ListOrder;
use shared::views::{
    KycView, LoanView, PasskeyView, ProfileView, RiskView, TransactionView, UserOnly, UserView,
    WalletView,
};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// A user in a list: the `user` shape without the full phone (lists show `masked_phone` only).
#[derive(Serialize, ToSchema)]
pub struct ListedUser {
    #[schema(format = Uuid)]
    pub user_id: String,
    #[schema(example = "+91******6565")]
    pub masked_phone: String,
    pub name: String,
    pub role: Role,
    pub status: UserStatus,
    pub is_profile_complete: bool,
    pub kyc_status: KycStatus,
    pub risk_band: Option<RiskBand>,
    pub has_password: bool,
    /// The wallet balance in minor units (paise).
    pub balance: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl ListedUser {
    fn new(u: &User, role: Role, balance: i64) -> Self {
        ListedUser {
            user_id: u.user_id.to_string(),
            masked_phone: mask(&u.phone),
            name: u.name.clone(),
            role,
            status: u.status,
            is_profile_complete: u.is_profile_complete(),
            kyc_status: u.kyc_status,
            risk_band: u.risk_band,
            has_password: u.password_hash.is_some(),
            balance,
            created_at: from_ms(u.created_at_ms),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<ListedUser>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Users a page at a time (from an index; no scan), or the one account with a phone or id.
#[utoipa::path(get, path = "/v1/admin/users", tag = "admin",
    security(("admin_session" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "users per page (default 20)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page (same filters and order)"),
        ("status" = Option<UserStatus>, Query, description = "only users with this status, by sign-up time"),
        ("kyc_status" = Option<KycStatus>, Query, description = "only users whose KYC has this status, by submission time: `PENDING` is the review queue, oldest first (`NOT_SUBMITTED` is 400: no record orders them). Not with `status`."),
        ("order" = Option<String>, Query, description = "`newest` or `oldest` first (default newest, oldest for `kyc_status=PENDING`)"),
        ("phone" = Option<String>, Query, description = "the one account with this phone, in any accepted spelling (national, E.164, spaces); no other filter"),
        ("user_id" = Option<String>, Query, format = Uuid, description = "the one account with this id; no other filter"),
    ),
    responses(
        (status = 200, description = "a page of users (with `phone` or `user_id`: that account, or none)", body = Envelope<UserList>),
        (status = 400, description = "`VALIDATION_ERROR`: a malformed or disallowed filter, `limit` or `cursor`", body = ErrorBody),
    ))]
pub async fn list_users(
    State(s): State<AppState>,
    AdminContext(_): AdminContext,
    RawQuery(q): RawQuery,
) -> ApiResult<Success<UserList>> {
    let names = [
        "limit",
        "cursor",
        "status",
        "kyc_status",
        "order",
        "phone",
        "user_id",
    ];
    let params = query_params(q.as_deref(), &names)?;
    let search = search_of(&params)?;
    let admin = svc(&s);
    let cursor = params.get("cursor").map(String::as_str);
    let page = admin
        .list_users(&search, limit_param(&params)?, cursor)
        .await?;
    Ok(ok(UserList {
        items: page
            .items
            .iter()
            .zip(page.balances)
            .map(|(u, balance)| ListedUser::new(u, admin.role_of(u), balance))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

fn search_of(params: &HashMap<&'static str, String>) -> Result<UserSearch, ApiError> {
    fn parsed<T: std::str::FromStr>(
        params: &HashMap<&'static str, String>,
        name: &'static str,
        allowed: &str,
    ) -> Result<Option<T>, ApiError> {
        params
            .get(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| ApiError::validation(name, format!("{name} must be {allowed}")))
            })
            .transpose()
    }
    let order = match params.get("order").map(String::as_str) {
        None => None,
        Some("newest") => Some(ListOrder::NewestFirst),
        Some("oldest") => Some(ListOrder::OldestFirst),
        Some(_) => {
            return Err(ApiError::validation(
                "order",
                "order must be newest or oldest",
            ));
        }
    };
    Ok(UserSearch {
        status: parsed(params, "status", "ACTIVE or SUSPENDED")?,
        kyc_status: parsed(params, "kyc_status", "PENDING, VERIFIED or REJECTED")?,
        order,
        phone: params
            .get("phone")
            .map(|v| {
                decode_param(v).ok_or_else(|| {
                    ApiError::validation("phone", "phone is not a valid phone number")
                })
            })
            .transpose()?,
        user_id: params.get("user_id").cloned(),
    })
}

/// `kyc` for review: the user's view plus image links and duplicates.
#[derive(Serialize, ToSchema)]
pub struct ReviewKyc {
    #[serde(flatten)]
    pub kyc: KycView,
    /// Download links by purpose (`front`, `back`, `selfie`), valid 5 minutes.
    pub images: BTreeMap<String, String>,
    /// Other users whose KYC holds the same document.
    pub duplicate_of: Vec<String>,
}

/// A device, without its push token.
#[derive(Serialize, ToSchema)]
pub struct DeviceSummary {
    pub device_id: String,
    pub platform: Platform,
    pub app_version: Option<String>,
    pub os_version: Option<String>,
    pub device_name: Option<String>,
    pub has_push_token: bool,
}

impl From<Device> for DeviceSummary {
    fn from(d: Device) -> Self {
        DeviceSummary {
            has_push_token: d.push_token.is_some(),
            device_id: d.device_id,
            platform: d.platform,
            app_version: d.app_version,
            os_version: d.os_version,
            device_name: d.device_name,
        }
    }
}

/// A live session of the user.
#[derive(Serialize, ToSchema)]
pub struct SessionSummary {
    #[schema(format = Uuid)]
    pub session_id: String,
    pub device_id: Option<String>,
    pub platform: Option<Platform>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: String,
}

impl From<Session> for SessionSummary {
    fn from(s: Session) -> Self {
        SessionSummary {
            created_at: from_ms(s.created_at_ms),
            last_used_at: from_ms(s.last_used_at_ms),
            session_id: s.session_id.into_string(),
            device_id: s.device_id,
            platform: s.platform,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserDetailView {
    pub user: UserView,
    pub profile: ProfileView,
    pub kyc: ReviewKyc,
    pub wallet: WalletView,
    /// The latest ledger entries (at most 10), newest first.
    pub transactions: Vec<TransactionView>,
    /// Every loan of the user, newest first.
    pub loans: Vec<LoanView>,
    /// The latest risk questionnaire; null when never taken.
    pub risk: Option<RiskView>,
    pub devices: Vec<DeviceSummary>,
    pub sessions: Vec<SessionSummary>,
    /// The user's passkeys, oldest first (names, when made and last used; never a key).
    pub passkeys: Vec<PasskeyView>,
}

impl UserDetailView {
    fn new(d: UserDetail, role: Role) -> Self {
        let images = d
            .images
            .into_iter()
            .map(|(p, url): (UploadPurpose, String)| (p.as_str().to_string(), url))
            .collect();
        UserDetailView {
            user: UserView::new(&d.user, role),
            risk: d.user.risk.clone().map(RiskView::from),
            profile: ProfileView::new(d.user),
            kyc: ReviewKyc {
                kyc: KycView::new(d.kyc),
                images,
                duplicate_of: d.duplicate_of.into_iter().map(String::from).collect(),
            },
            wallet: WalletView::new(&d.wallet),
            transactions: d
                .transactions
                .into_iter()
                .map(TransactionView::new)
                .collect(),
            loans: d.loans.into_iter().map(LoanView::new).collect(),
            devices: d.devices.into_iter().map(DeviceSummary::from).collect(),
            sessions: d.sessions.into_iter().map(SessionSummary::from).collect(),
            passkeys: d.passkeys.into_iter().map(PasskeyView::new).collect(),
        }
    }
}

/// Everything an admin reviews about one user.
#[utoipa::path(get, path = "/v1/admin/users/{user_id}", tag = "admin",
    security(("admin_session" = [])),
    params(("user_id" = String, Path, description = "the user's id; an id that is malformed or unknown is 404")),
    responses(
        (status = 200, description = "the user's detail", body = Envelope<UserDetailView>),
        (status = 404, description = "`NOT_FOUND`: no such user", body = ErrorBody),
    ))]
pub async fn user_detail(
    State(s): State<AppState>,
    AdminContext(_): AdminContext,
    PathParam(user_id): PathParam<UserId>,
) -> ApiResult<Success<UserDetailView>> {
    let admin = svc(&s);
    let detail = admin.user_detail(&user_id).await?;
    let role = admin.role_of(&detail.user);
    Ok(ok(UserDetailView::new(detail, role)))
}

/// At least one of the two; neither may be null.
#[derive(Deserialize, ToSchema)]
#[schema(min_properties = 1)]
pub struct AccessPatch {
    /// `SUSPENDED` revokes every session of the user at once.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "present")]
    pub status: Option<UserStatus>,
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "present")]
    pub role: Option<Role>,
}

/// A field that, when given, holds a value (`null` is refused like a wrong type).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Suspends or reactivates a user, grants or removes the admin role (audited).
#[utoipa::path(patch, path = "/v1/admin/users/{user_id}", tag = "admin",
    security(("admin_session" = [])),
    params(("user_id" = String, Path, description = "the user's id; an id that is malformed or unknown is 404")),
    request_body = AccessPatch,
    responses(
        (status = 200, description = "the user after the change", body = Envelope<UserOnly>),
        (status = 400, description = "`VALIDATION_ERROR`: nothing given, suspending yourself, removing your own role, or removing the role of a phone in `ADMIN_PHONES`", body = ErrorBody),
        (status = 404, description = "`NOT_FOUND`: no such user", body = ErrorBody),
    ))]
pub async fn update_user(
    State(s): State<AppState>,
    AdminContext(caller): AdminContext,
    PathParam(user_id): PathParam<UserId>,
    JsonBody(b): JsonBody<AccessPatch>,
) -> ApiResult<Success<UserOnly>> {
    let admin = svc(&s);
    let user = admin
        .update_user(&caller, &user_id, b.status, b.role)
        .await?;
    let role = admin.role_of(&user);
    Ok(ok(UserOnly {
        user: UserView::new(&user, role),
    }))
}
