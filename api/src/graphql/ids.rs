//! Parsing client-supplied ids and lookup arguments.

use async_graphql::ID;
use uuid::Uuid;

use crate::error::ServiceErrorExt as _;
use crate::service;

/// Parses an `ID` argument named `field`; a malformed one is `BAD_USER_INPUT`.
pub fn parse_id(field: &str, id: &ID) -> async_graphql::Result<Uuid> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| service::Error::invalid(field, "is not a valid id (a UUID)").extend())
}

/// What a single-record lookup is keyed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// By `id`.
    Id(Uuid),
    /// By `slug`.
    Slug(String),
}

/// Exactly one of `id` and `slug` must be given.
pub fn lookup(id: Option<ID>, slug: Option<String>) -> async_graphql::Result<Lookup> {
    match (id, slug) {
        (Some(id), None) => Ok(Lookup::Id(parse_id("id", &id)?)),
        (None, Some(slug)) => Ok(Lookup::Slug(slug)),
        _ => Err(service::Error::invalid("id", "give exactly one of id and slug").extend()),
    }
}
