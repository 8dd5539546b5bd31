//! Data the HTTP layer attaches to each GraphQL request.

use crate::service::lang::LanguagePreference;

/// The languages the client asked for in `Accept-Language`, used when a field has no `lang`
/// argument.
#[derive(Debug, Clone, Default)]
pub struct RequestLanguages(pub LanguagePreference);
