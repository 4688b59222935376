//! How the request bodies that services parse themselves (the profile and KYC inputs) appear
//! in the document, field by field, so the services carry no document attributes.

use super::{reference, typed};
use crate::domain::{Address, DocumentType, Gender, MaritalStatus};
use crate::field_schemas::{Text100, Text200};
use crate::services::users::{KycInput, KycPatch, ProfileInput};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

fn count(min: i64, max: i64, description: &str) -> ObjectBuilder {
    typed(Type::Integer, true)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
        .description(Some(description))
}

/// An `image_url` from `POST /v1/users/kyc/uploads`.
fn image_url(nullable: bool, description: Option<&str>) -> ObjectBuilder {
    typed(Type::String, nullable)
        .pattern(Some("^s3://[a-z0-9.-]+/uploads/[^\\s]+$"))
        .description(description)
}

fn push<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

impl PartialSchema for ProfileInput {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("The editable profile fields as sent. On PUT every field is replaced (an omitted one becomes\nnull) and `name` is required; on PATCH only the fields given are written, `null` clears\none, and `name` cannot be cleared."))
            .property("name", reference::<Text100>(true))
            .property("email", typed(Type::String, true).format(Some(SchemaFormat::KnownFormat(KnownFormat::Email))).max_length(Some(254)))
            .property("state", reference::<Text100>(true))
            .property("city", reference::<Text100>(true))
            .property("dob", typed(Type::String, true).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))).description(Some("A past date.")))
            .property("gender", reference::<Gender>(true))
            .property("marital_status", reference::<MaritalStatus>(true))
            .property("family_size", count(1, 50, "People in the household, 1..=50."))
            .property("working_members", count(0, 50, "0..=50."))
            .property("children", count(0, 50, "0..=50."))
            .property("annual_income", count(0, 1_000_000_000_000_000, "Minor units (paise) a year, 0..=10^15."))
            .property("business_location", reference::<Text200>(true))
            .property("language", typed(Type::String, true).max_length(Some(35)).pattern(Some("^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")).description(Some("A language tag such as `en`, `hi` or `en-IN`.")))
            .property("profile_image_url", typed(Type::String, true).max_length(Some(2048)).pattern(Some("^https://[^\\s]+$")).description(Some("An `https` URL, at most 2,048 characters.")))
            .property("current_address", reference::<Address>(true))
            .property("permanent_address", reference::<Address>(true))
            .into()
    }
}

impl ToSchema for ProfileInput {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push::<Text100>(schemas);
        push::<Text200>(schemas);
        push::<Gender>(schemas);
        push::<MaritalStatus>(schemas);
        push::<Address>(schemas);
    }
}

impl PartialSchema for KycInput {
    fn schema() -> RefOr<Schema> {
        let number = typed(Type::String, false).min_length(Some(1)).max_length(Some(40)).description(Some(
            "The full number (spaces and hyphens ignored); only its last 4 characters are ever shown.",
        ));
        ObjectBuilder::new()
            .description(Some("`POST /v1/users/kyc`."))
            .property("document_type", reference::<DocumentType>(false))
            .property("document_number", number)
            .property(
                "front_image_url",
                image_url(
                    false,
                    Some("An `image_url` from `POST /v1/users/kyc/uploads` with purpose `front`."),
                ),
            )
            .property("back_image_url", image_url(true, Some("Purpose `back`.")))
            .property("selfie_url", image_url(true, Some("Purpose `selfie`.")))
            .required("document_type")
            .required("document_number")
            .required("front_image_url")
            .into()
    }
}

impl ToSchema for KycInput {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push::<DocumentType>(schemas);
    }
}

impl PartialSchema for KycPatch {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("`PATCH /v1/users/kyc`: any subset of the submission."))
            .property("document_type", reference::<DocumentType>(true))
            .property(
                "document_number",
                typed(Type::String, true)
                    .min_length(Some(1))
                    .max_length(Some(40)),
            )
            .property("front_image_url", image_url(true, None))
            .property("back_image_url", image_url(true, None))
            .property("selfie_url", image_url(true, None))
            .into()
    }
}

impl ToSchema for KycPatch {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push::<DocumentType>(schemas);
    }
}
