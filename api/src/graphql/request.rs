//! Data the HTTP layer attaches to each GraphQL request.

use crate::service::lang::LanguagePreference;

/// The languages the client asked for in `Accept-Language`, used when a field has no `lang`
/// argument.
#[derive(Debug, Clone, Default)]
pub struct RequestLanguages(pub LanguagePreference);

/// Who sent the request (from `Authorization: Bearer …`) and its id, for writes and the
/// audit log.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The key holder, or `None` for anonymous requests.
    pub principal: Option<crate::service::access::Principal>,
    /// The request id the HTTP layer assigned.
    pub request_id: Option<String>,
}
