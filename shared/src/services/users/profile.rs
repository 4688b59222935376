//! Profile edits. PUT replaces every editable field (omitted ones become null), PATCH writes
//! only the fields given; `name` can never be cleared. Everything is validated before the one
//! write, so a rejected request changes nothing.

use super::Users;
use crate::domain::Caller;
use crate::domain::{
    Address, Error, Gender, MaritalStatus, ProfileDetails, ProfileEdit, ProfileField,
    ProfileValues, Result, User,
};
use crate::validate;
use serde::{Deserialize, Deserializer};

/// The largest annual income accepted, in minor units.
const MAX_ANNUAL_INCOME: i64 = 1_000_000_000_000_000;

/// A field as sent: `None` not given, `Some(None)` given as `null`, `Some(Some(v))` a value.
pub type Given<T> = Option<Option<T>>;

/// Tells "given as null" from "not given".
fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Given<T>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The editable profile fields as sent. On PUT every field is replaced (an omitted one becomes
/// null) and `name` is required; on PATCH only the fields given are written, `null` clears
/// one, and `name` cannot be cleared.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileInput {
    /// 1..=100 characters, not blank.
    #[serde(default, deserialize_with = "given")]
    pub name: Given<String>,
    #[serde(default, deserialize_with = "given")]
    pub email: Given<String>,
    #[serde(default, deserialize_with = "given")]
    pub state: Given<String>,
    #[serde(default, deserialize_with = "given")]
    pub city: Given<String>,
    /// A past date.
    #[serde(default, deserialize_with = "given")]
    pub dob: Given<String>,
    #[serde(default, deserialize_with = "given")]
    pub gender: Given<Gender>,
    #[serde(default, deserialize_with = "given")]
    pub marital_status: Given<MaritalStatus>,
    /// People in the household, 1..=50.
    #[serde(default, deserialize_with = "given")]
    pub family_size: Given<i64>,
    /// 0..=50.
    #[serde(default, deserialize_with = "given")]
    pub working_members: Given<i64>,
    /// 0..=50.
    #[serde(default, deserialize_with = "given")]
    pub children: Given<i64>,
    /// Minor units (paise) a year, 0..=10^15.
    #[serde(default, deserialize_with = "given")]
    pub annual_income: Given<i64>,
    #[serde(default, deserialize_with = "given")]
    pub business_location: Given<String>,
    /// A language tag such as `en`, `hi` or `en-IN`.
    #[serde(default, deserialize_with = "given")]
    pub language: Given<String>,
    /// An `https` URL, at most 2,048 characters.
    #[serde(default, deserialize_with = "given")]
    pub profile_image_url: Given<String>,
    #[serde(default, deserialize_with = "given")]
    pub current_address: Given<Address>,
    #[serde(default, deserialize_with = "given")]
    pub permanent_address: Given<Address>,
}

fn count(field: &str, v: i64, min: i64, max: i64) -> Result<u32> {
    match (min..=max).contains(&v) {
        true => Ok(v as u32),
        false => Err(Error::invalid(
            field,
            format!("{field} must be {min} to {max}"),
        )),
    }
}

fn language(v: &str) -> Result<String> {
    let mut parts = v.split('-');
    let primary = parts.next().unwrap_or_default();
    let ok = v.len() <= 35
        && (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.clone().count() <= 3
        && parts
            .all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    match ok {
        true => Ok(v.to_string()),
        false => Err(Error::invalid(
            "language",
            "language must be a tag such as en or hi-IN",
        )),
    }
}

fn image_url(v: &str) -> Result<String> {
    let ok = v.len() <= 2048
        && v.strip_prefix("https://")
            .is_some_and(|rest| !rest.is_empty())
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    match ok {
        true => Ok(v.to_string()),
        false => Err(Error::invalid(
            "profile_image_url",
            "profile_image_url must be an https URL",
        )),
    }
}

fn address(field: &str, a: &Address) -> Result<Address> {
    let part = |name: &str| format!("{field}.{name}");
    let pin = a.pincode.as_bytes();
    if !(pin.len() == 6 && pin.iter().all(u8::is_ascii_digit) && pin[0] != b'0') {
        return Err(Error::invalid(
            &part("pincode"),
            format!("{} must be a 6-digit PIN code", part("pincode")),
        ));
    }
    Ok(Address {
        line: validate::free_text(&part("line"), &a.line, 200)?,
        city: validate::free_text(&part("city"), &a.city, 100)?,
        state: validate::free_text(&part("state"), &a.state, 100)?,
        pincode: a.pincode.clone(),
    })
}

/// Validates a given value (`None` stays `None`: cleared).
fn each<T, U>(v: &Option<T>, check: impl FnOnce(&T) -> Result<U>) -> Result<Option<U>> {
    v.as_ref().map(check).transpose()
}

impl ProfileInput {
    /// The fields given, in the contract's order (every field for a replacement).
    fn given_fields(&self, replace: bool) -> Vec<ProfileField> {
        let given = [
            self.name.is_some(),
            self.email.is_some(),
            self.state.is_some(),
            self.city.is_some(),
            self.dob.is_some(),
            self.gender.is_some(),
            self.marital_status.is_some(),
            self.family_size.is_some(),
            self.working_members.is_some(),
            self.children.is_some(),
            self.annual_income.is_some(),
            self.business_location.is_some(),
            self.language.is_some(),
            self.profile_image_url.is_some(),
            self.current_address.is_some(),
            self.permanent_address.is_some(),
        ];
        ProfileField::ALL
            .iter()
            .zip(given)
            .filter(|(_, g)| replace || *g)
            .map(|(f, _)| *f)
            .collect()
    }

    /// Every field validated (absent and null alike are `None`); `name` falls back to
    /// `current_name` when not given (PATCH without a name).
    fn values(&self, current_name: &str, today: chrono::NaiveDate) -> Result<ProfileValues> {
        let text = |field: &str, v: &Given<String>, max| {
            each(&v.clone().flatten(), |s| validate::free_text(field, s, max))
        };
        let name = match &self.name {
            None => current_name.to_string(),
            Some(None) => return Err(Error::invalid("name", "name is required")),
            Some(Some(n)) => validate::name("name", n)?,
        };
        let details = ProfileDetails {
            gender: self.gender.flatten(),
            marital_status: self.marital_status.flatten(),
            family_size: each(&self.family_size.flatten(), |v| {
                count("family_size", *v, 1, 50)
            })?,
            working_members: each(&self.working_members.flatten(), |v| {
                count("working_members", *v, 0, 50)
            })?,
            children: each(&self.children.flatten(), |v| count("children", *v, 0, 50))?,
            annual_income: each(&self.annual_income.flatten(), |v| {
                match (0..=MAX_ANNUAL_INCOME).contains(v) {
                    true => Ok(*v),
                    false => Err(Error::invalid(
                        "annual_income",
                        "annual_income must be 0 to 10^15",
                    )),
                }
            })?,
            business_location: text("business_location", &self.business_location, 200)?,
            language: each(&self.language.clone().flatten(), |v| language(v))?,
            profile_image_url: each(&self.profile_image_url.clone().flatten(), |v| image_url(v))?,
            current_address: each(&self.current_address.clone().flatten(), |a| {
                address("current_address", a)
            })?,
            permanent_address: each(&self.permanent_address.clone().flatten(), |a| {
                address("permanent_address", a)
            })?,
        };
        Ok(ProfileValues {
            name,
            email: each(&self.email.clone().flatten(), |v| validate::email(v))?,
            state: text("state", &self.state, 100)?,
            city: text("city", &self.city, 100)?,
            dob: each(&self.dob.clone().flatten(), |v| validate::dob(v, today))?,
            details,
        })
    }
}

impl Users<'_> {
    async fn edit_profile(
        &self,
        ctx: &Caller,
        input: &ProfileInput,
        replace: bool,
    ) -> Result<User> {
        if replace && input.name.is_none() {
            return Err(Error::invalid("name", "name is required"));
        }
        let today = self.clock.now().date_naive();
        let edit = ProfileEdit {
            values: input.values(&ctx.user.name, today)?,
            fields: input.given_fields(replace),
        };
        self.profiles
            .update_profile(&ctx.user.user_id, &edit, self.now_ms())
            .await?
            .ok_or(Error::Unauthorized)
    }

    /// PUT: every editable field replaced; omitted ones become null.
    pub async fn replace_profile(&self, ctx: &Caller, input: &ProfileInput) -> Result<User> {
        self.edit_profile(ctx, input, true).await
    }

    /// PATCH: only the fields given are written.
    pub async fn patch_profile(&self, ctx: &Caller, input: &ProfileInput) -> Result<User> {
        self.edit_profile(ctx, input, false).await
    }
}
