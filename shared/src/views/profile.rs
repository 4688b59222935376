//! The profile and the latest risk score, as the users function and the admin detail show them.

use crate::domain::{
    Address, Gender, MaritalStatus, RiskAssessment, RiskBand, RiskFactor, User, from_ms,
};
use crate::phone::mask;
use serde::Serialize;
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
    pub fn new(u: User) -> Self {
        let d = u.details.clone();
        ProfileView {
            is_profile_complete: u.is_profile_complete(),
            masked_phone: mask(&u.phone),
            updated_at: from_ms(u.updated_at_ms),
            user_id: u.user_id.into_string(),
            phone: u.phone.into_string(),
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
pub struct RiskView {
    /// 0..=100: the sum of the answers' points.
    pub score: u32,
    /// `LOW` from 70, `MEDIUM` from 40, else `HIGH`.
    pub band: RiskBand,
    /// Each answer with its points.
    pub factors: Vec<RiskFactor>,
    #[schema(format = DateTime)]
    pub assessed_at: String,
}

impl From<RiskAssessment> for RiskView {
    fn from(a: RiskAssessment) -> Self {
        RiskView {
            score: a.score,
            band: a.band,
            factors: a.factors,
            assessed_at: from_ms(a.assessed_at_ms),
        }
    }
}
