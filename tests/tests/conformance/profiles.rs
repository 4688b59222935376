//! `ProfileStore`: field-level profile edits and the risk assessment on the user record.

use super::fixtures::*;
use shared::domain::{
    Address, AgeBracket, Family, Gender, JobAge, Living, Loans, ProfileDetails, ProfileEdit,
    ProfileField, ProfileValues, RiskAnswers, RiskBand, Saving,
};
use shared::store::Stores;
use shared::testing::uid;

fn values(name: &str) -> ProfileValues {
    ProfileValues {
        name: name.into(),
        email: Some("a@b.co".into()),
        state: Some("KA".into()),
        city: Some("Pune".into()),
        dob: Some("1990-01-01".into()),
        details: ProfileDetails {
            gender: Some(Gender::Female),
            family_size: Some(4),
            annual_income: Some(1_000),
            business_location: Some("market".into()),
            current_address: Some(Address {
                line: "1 Road".into(),
                city: "Pune".into(),
                state: "MH".into(),
                pincode: "411001".into(),
            }),
            ..ProfileDetails::default()
        },
    }
}

async fn edits_write_only_their_fields(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let all = ProfileEdit {
        values: values("A"),
        fields: ProfileField::ALL.to_vec(),
    };
    let u = s
        .profiles
        .update_profile(&uid("u1"), &all, T0 + 1)
        .await
        .unwrap()
        .unwrap();
    assert!(u.is_profile_complete());
    assert_eq!(u.updated_at_ms, T0 + 1);
    assert_eq!(
        u.details.current_address.as_ref().unwrap().pincode,
        "411001"
    );
    // Two edits of different fields, one after the other, from stale values: both stick.
    let mut v = values("ignored");
    v.city = Some("Mumbai".into());
    v.details.family_size = None;
    let city_only = ProfileEdit {
        values: v,
        fields: vec![ProfileField::City, ProfileField::FamilySize],
    };
    let u = s
        .profiles
        .update_profile(&uid("u1"), &city_only, T0 + 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.name, "A", "name not in the edit");
    assert_eq!(u.city.as_deref(), Some("Mumbai"));
    assert_eq!(u.details.family_size, None, "cleared");
    assert_eq!(u.details.gender, Some(Gender::Female));
    assert_eq!(s.users.get_user(&uid("u1")).await.unwrap().unwrap(), u);
    assert!(
        s.profiles
            .update_profile(&uid("nobody"), &all, T0)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.users.get_user(&uid("nobody")).await.unwrap().is_none(),
        "no record made"
    );
}

async fn risk_is_stored_with_its_band(s: Stores) {
    make_user(&s, "u1", "+91a").await;
    let answers = RiskAnswers {
        job_age: JobAge::Lt1,
        family: Family::Gt5,
        age: AgeBracket::Gt50,
        saving_money: Saving::None,
        loans: Loans::Gt3,
        living: Living::Other,
    };
    let a = answers.assess(T0);
    assert!(s.profiles.set_risk(&uid("u1"), &a).await.unwrap());
    let u = s.users.get_user(&uid("u1")).await.unwrap().unwrap();
    assert_eq!(
        (u.risk_band, u.risk.as_ref()),
        (Some(RiskBand::High), Some(&a))
    );
    assert!(!s.profiles.set_risk(&uid("nobody"), &a).await.unwrap());
    assert!(s.users.get_user(&uid("nobody")).await.unwrap().is_none());
}

integration_tests::on_both_stores!(edits_write_only_their_fields, risk_is_stored_with_its_band);
