//! The field rules the document declares, each once: free text (the printable, not-blank
//! pattern with its length bounds, what `validate::free_text` and `validate::short_text`
//! check) and phone numbers. Request types name them with `#[schema(value_type = Text100)]`
//! (or `Option<Text100>`), so the pattern is written here and nowhere else, and the document
//! shows each rule once, as a component.

use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// Not blank, no control characters (C0, DEL, C1).
pub const PRINTABLE: &str =
    r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// What a phone number may be written with: digits, `+`, spaces, parentheses and hyphens.
pub const PHONE_CHARACTERS: &str = r"^[0-9+() \-]+$";

fn string(max: usize, pattern: &str, description: String) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

macro_rules! text_fields {
    ($($name:ident => $max:literal),* $(,)?) => {$(
        #[doc = concat!("Free text of 1 to ", $max, " characters, not blank, no control characters.")]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string(
                    $max,
                    PRINTABLE,
                    format!("1 to {} characters, not blank, no control characters", $max),
                )
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*};
}

text_fields!(Text64 => 64, Text100 => 100, Text128 => 128, Text200 => 200, Text500 => 500, Text4096 => 4096);

/// A phone number: E.164 (`+919816456565`) or national digits (with `country_code`).
pub struct PhoneNumber;

impl PartialSchema for PhoneNumber {
    fn schema() -> RefOr<Schema> {
        string(
            32,
            PHONE_CHARACTERS,
            "E.164 (`+919816456565`) or national digits; spaces, parentheses and hyphens are ignored".into(),
        )
    }
}

impl ToSchema for PhoneNumber {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PhoneNumber")
    }
}

/// An idempotency key: a repeat of a request with the same key and body applies once.
pub struct IdempotencyKey;

impl PartialSchema for IdempotencyKey {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(8))
            .max_length(Some(64))
            .pattern(Some(r"^[A-Za-z0-9_-]{8,64}$"))
            .description(Some(
                "8 to 64 of `A-Z a-z 0-9 - _`; a repeat with the same key and body applies once",
            ))
            .into()
    }
}

impl ToSchema for IdempotencyKey {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("IdempotencyKey")
    }
}
