//! The profile: the editable fields of an account, stored on the user's own record so that the
//! auth `user` object and the profile are always one read and never disagree.

use super::state_enum;
use serde::{Deserialize, Serialize};

state_enum!(
    /// Gender as the person chose to give it.
    Gender {
        Female => "female",
        Male => "male",
        Other => "other",
        Undisclosed => "prefer_not_to_say",
    }
);

state_enum!(
    MaritalStatus {
        Single => "single",
        Married => "married",
        Divorced => "divorced",
        Widowed => "widowed",
        Separated => "separated",
    }
);

state_enum!(
    /// One editable profile field, by its contract (and stored attribute) name.
    ProfileField {
        Name => "name",
        Email => "email",
        State => "state",
        City => "city",
        Dob => "dob",
        Gender => "gender",
        MaritalStatus => "marital_status",
        FamilySize => "family_size",
        WorkingMembers => "working_members",
        Children => "children",
        AnnualIncome => "annual_income",
        BusinessLocation => "business_location",
        Language => "language",
        ProfileImageUrl => "profile_image_url",
        CurrentAddress => "current_address",
        PermanentAddress => "permanent_address",
    }
);

/// A postal address (India: a 6-digit PIN code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line: String,
    pub city: String,
    pub state: String,
    pub pincode: String,
}

/// The profile fields beyond those registration already knows (name, email, state, city, dob).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDetails {
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
}

/// Every editable field with its new value (validated); an edit writes some of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileValues {
    pub name: String,
    pub email: Option<String>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub dob: Option<String>,
    #[serde(flatten)]
    pub details: ProfileDetails,
}

/// A profile write: the fields in `fields` take their value in `values` (absent = cleared);
/// every other field keeps its stored value, whatever a concurrent edit wrote there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileEdit {
    pub values: ProfileValues,
    pub fields: Vec<ProfileField>,
}

impl ProfileEdit {
    /// `values` as stored attributes: `(field, Some(value))` to set, `(field, None)` to clear.
    pub fn changes(&self) -> serde_json::Result<Vec<(ProfileField, Option<serde_json::Value>)>> {
        let serde_json::Value::Object(mut all) = serde_json::to_value(&self.values)? else {
            return Ok(Vec::new());
        };
        Ok(self
            .fields
            .iter()
            .map(|f| (*f, all.remove(f.as_str()).filter(|v| !v.is_null())))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::User;

    #[test]
    fn every_field_is_a_stored_attribute() {
        let values = ProfileValues {
            name: "A".into(),
            email: None,
            state: None,
            city: None,
            dob: None,
            details: ProfileDetails::default(),
        };
        let v = serde_json::to_value(&values).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), ProfileField::ALL.len());
        let user = serde_json::to_value(User::new(
            "u".into(),
            crate::domain::E164::new("p"),
            "A".into(),
            0,
            0,
        ))
        .unwrap();
        for f in ProfileField::ALL {
            assert!(v.get(f.as_str()).is_some(), "{f}");
            assert!(user.get(f.as_str()).is_some(), "user lacks {f}");
        }
    }

    #[test]
    fn an_edit_touches_only_its_fields() {
        let mut user = User::new("u".into(), crate::domain::E164::new("p"), "A".into(), 0, 0);
        user.city = Some("Pune".into());
        user.details.children = Some(2);
        let mut values = ProfileValues {
            name: "B".into(),
            email: None,
            state: None,
            city: None,
            dob: None,
            details: ProfileDetails::default(),
        };
        values.details.family_size = Some(4);
        let edit = ProfileEdit {
            values,
            fields: vec![
                ProfileField::Name,
                ProfileField::FamilySize,
                ProfileField::Children,
            ],
        };
        let after = user.with_edit(&edit).unwrap();
        assert_eq!(after.name, "B");
        assert_eq!(after.city.as_deref(), Some("Pune"));
        assert_eq!(after.details.family_size, Some(4));
        assert_eq!(after.details.children, None);
    }
}
