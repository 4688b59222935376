//! How the domain's types appear in the document. The domain itself knows nothing of it: a
//! state is a string of its contract names (`ALL`, `as_str`), the structs that travel in
//! bodies are described here field by field.

use super::reference;
use crate::domain::{
    Address, AgeBracket, AuditAction, DocumentType, Family, Gender, ImageType, InstallmentPeriod,
    JobAge, KycDecision, KycStatus, Living, LoanStatus, Loans, MaritalStatus, Platform, PoolRole,
    PoolStatus, PoolType, PrefixMode, PrefixState, ProfileField, RepaymentSource, RiskAnswers,
    RiskBand, RiskFactor, Role, Saving, UploadPurpose, UserStatus,
};
use crate::field_schemas::{Text100, Text200};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

macro_rules! state_schemas {
    ($($state:ident),* $(,)?) => {$(
        impl PartialSchema for $state {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some($state::ALL.iter().map(|s| s.as_str())))
                    .into()
            }
        }

        impl ToSchema for $state {}
    )*};
}

state_schemas!(
    AuditAction,
    KycDecision,
    DocumentType,
    UploadPurpose,
    ImageType,
    PoolType,
    PoolRole,
    PoolStatus,
    Gender,
    MaritalStatus,
    ProfileField,
    RiskBand,
    JobAge,
    Family,
    AgeBracket,
    Saving,
    Loans,
    Living,
    Platform,
    Role,
    UserStatus,
    KycStatus,
    InstallmentPeriod,
    LoanStatus,
    RepaymentSource,
    PrefixMode,
    PrefixState,
);

impl PartialSchema for Address {
    fn schema() -> RefOr<Schema> {
        let pincode = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[1-9][0-9]{5}$"))
            .examples(["560001"]);
        ObjectBuilder::new()
            .description(Some("A postal address (India: a 6-digit PIN code)."))
            .property("line", reference::<Text200>(false))
            .property("city", reference::<Text100>(false))
            .property("state", reference::<Text100>(false))
            .property("pincode", pincode)
            .required("line")
            .required("city")
            .required("state")
            .required("pincode")
            .into()
    }
}

impl ToSchema for Address {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Text100::name().into_owned(), Text100::schema()));
        schemas.push((Text200::name().into_owned(), Text200::schema()));
    }
}

impl PartialSchema for RiskAnswers {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new().description(Some("The six answers."));
        for (field, schema) in [
            ("job_age", reference::<JobAge>(false)),
            ("family", reference::<Family>(false)),
            ("age", reference::<AgeBracket>(false)),
            ("saving_money", reference::<Saving>(false)),
            ("loans", reference::<Loans>(false)),
            ("living", reference::<Living>(false)),
        ] {
            object = object.property(field, schema).required(field);
        }
        object.into()
    }
}

impl ToSchema for RiskAnswers {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        for (name, schema) in [
            (JobAge::name(), JobAge::schema()),
            (Family::name(), Family::schema()),
            (AgeBracket::name(), AgeBracket::schema()),
            (Saving::name(), Saving::schema()),
            (Loans::name(), Loans::schema()),
            (Living::name(), Living::schema()),
        ] {
            schemas.push((name.into_owned(), schema));
        }
    }
}

impl PartialSchema for RiskFactor {
    fn schema() -> RefOr<Schema> {
        let field = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The question (`job_age`, `family`, `age`, `saving_money`, `loans`, `living`).",
            ));
        let points = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int32,
            )))
            .minimum(Some(0));
        ObjectBuilder::new()
            .description(Some("One answer and what it scored."))
            .property("field", field)
            .property("answer", ObjectBuilder::new().schema_type(Type::String))
            .property("points", points)
            .required("field")
            .required("answer")
            .required("points")
            .into()
    }
}

impl ToSchema for RiskFactor {}
