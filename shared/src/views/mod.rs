//! Response shapes that more than one function returns. A shape used by one function lives
//! beside its handlers in that function's crate.

mod kyc;
mod loans;
mod passkeys;
mod profile;
mod wallet;

pub use kyc::KycView;
pub use loans::{LoanView, RepaymentView};
pub use passkeys::{
    AssertionResponseJson, AttestationResponseJson, AuthenticationResponseJson, CeremonyStarted,
    PasskeyList, PasskeyOnly, PasskeyRegistration, PasskeySignIn, PasskeyView,
    RegistrationResponseJson,
};
pub use profile::{ProfileView, RiskView};
pub use wallet::{TransactionView, WalletView};

use crate::domain::{KycStatus, RiskBand, Role, User, UserStatus, from_ms};
use crate::phone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{user}`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UserOnly {
    pub user: UserView,
}

/// `user` as the contract returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    #[schema(format = Uuid)]
    pub user_id: String,
    /// E.164.
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
    pub role: Role,
    pub status: UserStatus,
    /// True when name, email, dob, state, city, family size, annual income and business
    /// location are all set.
    pub is_profile_complete: bool,
    pub kyc_status: KycStatus,
    pub risk_band: Option<RiskBand>,
    pub has_password: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl UserView {
    /// The view of `user`, whose role now is `role` (see `Config::role_of`).
    pub fn new(u: &User, role: Role) -> Self {
        UserView {
            user_id: u.user_id.to_string(),
            phone: u.phone.to_string(),
            masked_phone: phone::mask(&u.phone),
            name: u.name.clone(),
            email: u.email.clone(),
            state: u.state.clone(),
            city: u.city.clone(),
            dob: u.dob.clone(),
            role,
            status: u.status,
            is_profile_complete: u.is_profile_complete(),
            kyc_status: u.kyc_status,
            risk_band: u.risk_band,
            has_password: u.password_hash.is_some(),
            created_at: from_ms(u.created_at_ms),
        }
    }
}
