//! The service layer's error: expected domain outcomes as variants, everything else internal.

use sea_orm::DbErr;

/// What can go wrong in a service call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A record asked for by id or slug does not exist.
    #[error("{entity} not found")]
    NotFound {
        /// The kind of record, e.g. `case study`.
        entity: &'static str,
    },
    /// An argument is malformed or out of range.
    #[error("{field}: {reason}")]
    Invalid {
        /// The argument or input field, as the caller named it.
        field: String,
        /// Why it is refused.
        reason: String,
    },
    /// The database failed; the cause is logged, never shown to callers.
    #[error("database error")]
    Database(#[from] DbErr),
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
