//! Accounts.

use super::ids::{E164, UserId};
use super::profile::{ProfileDetails, ProfileEdit};
use super::risk::{RiskAssessment, RiskBand};
use super::state_enum;
use serde::{Deserialize, Serialize};

state_enum!(
    /// What an account may do.
    Role { User => "user", Admin => "admin" }
);

state_enum!(
    /// Whether an account may sign in.
    UserStatus { Active => "ACTIVE", Suspended => "SUSPENDED" }
);

state_enum!(
    /// Where the account's identity check stands.
    KycStatus {
        NotSubmitted => "NOT_SUBMITTED",
        Pending => "PENDING",
        Verified => "VERIFIED",
        Rejected => "REJECTED",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub user_id: UserId,
    pub phone: E164,
    pub name: String,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub dob: Option<String>,
    /// The rest of the editable profile (the users function).
    #[serde(flatten)]
    pub details: ProfileDetails,
    /// Keyed hash of the 4-digit security number; the number itself is never stored.
    pub security_number_hash: Option<String>,
    pub role: Role,
    pub status: UserStatus,
    pub kyc_status: KycStatus,
    pub risk_band: Option<RiskBand>,
    /// The latest risk questionnaire (its band is `risk_band`).
    pub risk: Option<RiskAssessment>,
    pub password_hash: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// Sessions stamped with an older epoch are dead (revoke-all in one write).
    #[serde(default)]
    pub session_epoch: u64,
    #[serde(default)]
    pub login_count: u64,
    pub last_login_at_ms: Option<i64>,
    /// Set when the account's deletion began: from then on no join takes a seat for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleting_since_ms: Option<i64>,
}

impl User {
    /// A new active account with the `user` role, no password and no optional field set.
    pub fn new(user_id: UserId, phone: E164, name: String, now_ms: i64, epoch: u64) -> User {
        User {
            user_id,
            phone,
            name,
            email: None,
            state: None,
            city: None,
            dob: None,
            details: ProfileDetails::default(),
            security_number_hash: None,
            role: Role::User,
            status: UserStatus::Active,
            kyc_status: KycStatus::NotSubmitted,
            risk_band: None,
            risk: None,
            password_hash: None,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            session_epoch: epoch,
            login_count: 0,
            last_login_at_ms: None,
            deleting_since_ms: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }

    /// Active and not being deleted: may take a seat in a pool.
    pub fn may_join(&self) -> bool {
        self.is_active() && self.deleting_since_ms.is_none()
    }
}

impl User {
    /// True when name, email, dob, state, city, family size, annual income and business
    /// location are all set (the contract's rule).
    pub fn is_profile_complete(&self) -> bool {
        let d = &self.details;
        !self.name.is_empty()
            && self.email.is_some()
            && self.dob.is_some()
            && self.state.is_some()
            && self.city.is_some()
            && d.family_size.is_some()
            && d.annual_income.is_some()
            && d.business_location.is_some()
    }

    /// This user with `edit` applied (what the store writes, for an adapter that holds
    /// records whole).
    pub fn with_edit(&self, edit: &ProfileEdit) -> serde_json::Result<User> {
        let mut v = serde_json::to_value(self)?;
        for (field, value) in edit.changes()? {
            v[field.as_str()] = value.unwrap_or(serde_json::Value::Null);
        }
        serde_json::from_value(v)
    }
}
