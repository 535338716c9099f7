//! JSON schemas of the types whose wire form is a checked string (behind the `openapi`
//! feature): the schema says what the type's `Deserialize` accepts, so that a document built
//! from them describes the real serde types.

use crate::model::{Isrc, Territory};
use std::sync::OnceLock;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{Object, RefOr};

/// What [`Isrc`] accepts: the compact form or the hyphenated one, either case (it is stored
/// and sent in the compact upper-case form).
pub const ISRC_PATTERN: &str = "^[A-Za-z]{2}-?[A-Za-z0-9]{3}-?[0-9]{2}-?[0-9]{5}$";

/// A `YYYY-MM-DD` day (the form `validate_date` accepts).
pub fn date() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Date,
        )))
        .pattern(Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
        .examples(["2026-01-01"])
        .build()
}

/// An ISO 4217 code that money is paid in (the codes `validate_currency` accepts, in their
/// upper-case form).
pub fn currency() -> Object {
    static CODES: OnceLock<Vec<String>> = OnceLock::new();
    let codes = CODES.get_or_init(|| {
        let letters = b'A'..=b'Z';
        letters
            .clone()
            .flat_map(|a| {
                letters.clone().flat_map(move |b| {
                    (b'A'..=b'Z').map(move |c| String::from_utf8_lossy(&[a, b, c]).into_owned())
                })
            })
            .filter(|code| crate::model::validate_currency(code).is_ok())
            .collect()
    });
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("Three-letter ISO 4217 code."))
        .enum_values(Some(codes.iter().map(String::as_str)))
        .examples(["EUR"])
        .build()
}

impl utoipa::PartialSchema for Isrc {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An International Standard Recording Code (ISO 3901): 2-letter country, \
                 3-character registrant, 2-digit year, 5-digit designation. Sent in the \
                 compact form (`GBAYE6900531`); the hyphenated form and lower case are accepted.",
            ))
            .pattern(Some(ISRC_PATTERN))
            .examples(["GBAYE6900531"])
            .into()
    }
}

impl utoipa::ToSchema for Isrc {}

impl utoipa::PartialSchema for Territory {
    fn schema() -> RefOr<Schema> {
        static CODES: OnceLock<Vec<&'static str>> = OnceLock::new();
        let codes = CODES.get_or_init(|| {
            std::iter::once("WORLD")
                .chain(isocountry::CountryCode::iter_alpha2().map(|c| c.alpha2()))
                .collect()
        });
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "Where a share, policy or licence applies: an ISO 3166-1 alpha-2 country, or `WORLD`.",
            ))
            .enum_values(Some(codes.iter().copied()))
            .examples(["DE"])
            .into()
    }
}

impl utoipa::ToSchema for Territory {}
