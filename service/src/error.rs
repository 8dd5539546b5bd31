//! The service layer's error: expected domain outcomes as variants, everything else internal.

use sea_orm::DbErr;

/// One refused input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, as the caller named it, e.g. `description[1].lang`.
    pub field: String,
    /// Why it is refused.
    pub reason: String,
}

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
    /// Several input fields are refused; nothing was written.
    #[error("{}", join(.0))]
    InvalidFields(Vec<FieldError>),
    /// The record changed since the version the caller holds; nothing was written.
    #[error("{entity} is at version {current}, not {expected}")]
    VersionConflict {
        /// The kind of record.
        entity: &'static str,
        /// The version the caller sent.
        expected: i32,
        /// The version the record is at.
        current: i32,
    },
    /// Concurrent requests kept taking the unique values (id, slug, identifier) this write
    /// found free, every time it ran; nothing was written.
    #[error(
        "other requests wrote the same {entity} at the same time; nothing was written; send the request again"
    )]
    ConcurrentWrite {
        /// The kind of record.
        entity: &'static str,
    },
    /// The request needs a valid API key.
    #[error("{0}")]
    Unauthenticated(String),
    /// The API key may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A change-feed cursor points before the oldest change still kept.
    #[error(
        "the cursor is older than the change log's retention window (changes up to {pruned_through} are gone); \
         read the records afresh and continue from `changes` without a cursor"
    )]
    ResyncRequired {
        /// The highest sequence number pruned.
        pruned_through: i64,
    },
    /// The database failed; the cause is logged, never shown to callers.
    #[error("database error")]
    Database(#[from] DbErr),
    /// Something other than the database failed (the random source, serialisation); the
    /// cause is logged, never shown to callers.
    #[error("failed to {action}")]
    Internal {
        /// What was being done, e.g. `read the system's random source`.
        action: &'static str,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|error| format!("{}: {}", error.field, error.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Internal`].
    pub fn internal(
        action: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Internal {
            action,
            source: source.into(),
        }
    }

    /// The refused fields, for [`Error::Invalid`] and [`Error::InvalidFields`].
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Error::Invalid { field, reason } => vec![FieldError {
                field: field.clone(),
                reason: reason.clone(),
            }],
            Error::InvalidFields(errors) => errors.clone(),
            _ => Vec::new(),
        }
    }
}
