//! The caller's profile: read, replace (PUT), change some fields (PATCH).

use super::svc;
use axum::extract::State;
use serde::Serialize;
use shared::auth_context::AuthContext;
use shared::domain::{Address, Gender, MaritalStatus, User, from_ms};
use shared::error::{ApiResult, Success, ok};
use shared::http::JsonBody;
use shared::openapi::{Envelope, ErrorBody};
use shared::phone::mask;
use shared::services::users::ProfileInput;
use shared::state::AppState;
use utoipa::ToSchema;

/// `profile`: every editable field (null when unset) plus identity and completeness.
#[derive(Serialize, ToSchema)]
pub struct ProfileView {
    #[schema(format = Uuid)]
    pub user_id: String,
    #[schema(example = "+919816456565")]
    pub phone: String,
    #[schema(example = "+91******6565")]
    pub masked_phone: String,
    pub name: String,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    #[schema(format = Date)]
    pub dob: Option<String>,
    pub gender: Option<Gender>,
    pub marital_status: Option<MaritalStatus>,
    pub family_size: Option<u32>,
    pub working_members: Option<u32>,
    pub children: Option<u32>,
    /// Minor units (paise) a year.
    pub annual_income: Option<i64>,
    pub business_location: Option<String>,
    pub language: Option<String>,
    pub profile_image_url: Option<String>,
    pub current_address: Option<Address>,
    pub permanent_address: Option<Address>,
    /// True when name, email, dob, state, city, family_size, annual_income and
    /// business_location are all set.
    pub is_profile_complete: bool,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl ProfileView {
    fn new(u: User) -> Self {
        let d = u.details.clone();
        ProfileView {
            is_profile_complete: u.is_profile_complete(),
            masked_phone: mask(&u.phone),
            updated_at: from_ms(u.updated_at_ms),
            user_id: u.user_id,
            phone: u.phone,
            name: u.name,
            email: u.email,
            state: u.state,
            city: u.city,
            dob: u.dob,
            gender: d.gender,
            marital_status: d.marital_status,
            family_size: d.family_size,
            working_members: d.working_members,
            children: d.children,
            annual_income: d.annual_income,
            business_location: d.business_location,
            language: d.language,
            profile_image_url: d.profile_image_url,
            current_address: d.current_address,
            permanent_address: d.permanent_address,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProfileOnly {
    pub profile: ProfileView,
}

fn profile_only(u: User) -> Success<ProfileOnly> {
    ok(ProfileOnly {
        profile: ProfileView::new(u),
    })
}

/// The caller's profile.
#[utoipa::path(get, path = "/v1/users/profile", tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "the profile", body = Envelope<ProfileOnly>)))]
pub async fn get_profile(ctx: AuthContext) -> ApiResult<Success<ProfileOnly>> {
    Ok(profile_only(ctx.user))
}

/// Replaces every editable field: omitted ones become null; `name` is required.
#[utoipa::path(put, path = "/v1/users/profile", tag = "users",
    security(("bearer" = [])),
    request_body(content = ProfileInput, description = "The whole editable profile. `name` is required; every field left out becomes null."),
    responses(
        (status = 200, description = "the profile after the change", body = Envelope<ProfileOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field; nothing is changed", body = ErrorBody),
    ))]
pub async fn put_profile(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<ProfileInput>,
) -> ApiResult<Success<ProfileOnly>> {
    Ok(profile_only(svc(&s).replace_profile(&ctx, &b).await?))
}

/// Changes only the fields given (`null` clears one; `name` cannot be cleared).
#[utoipa::path(patch, path = "/v1/users/profile", tag = "users",
    security(("bearer" = [])),
    request_body(content = ProfileInput, description = "Any subset of the editable profile."),
    responses(
        (status = 200, description = "the profile after the change", body = Envelope<ProfileOnly>),
        (status = 400, description = "`VALIDATION_ERROR` naming the field; nothing is changed", body = ErrorBody),
    ))]
pub async fn patch_profile(
    State(s): State<AppState>,
    ctx: AuthContext,
    JsonBody(b): JsonBody<ProfileInput>,
) -> ApiResult<Success<ProfileOnly>> {
    Ok(profile_only(svc(&s).patch_profile(&ctx, &b).await?))
}
