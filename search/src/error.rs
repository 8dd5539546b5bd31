//! Errors of the search crate.

/// What can go wrong while indexing or searching.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query string is refused before any search runs; the reason is for the user.
    #[error("{0}")]
    InvalidQuery(String),
    /// A list of the search's filter holds more different values than its maximum.
    #[error("filter {list}: {reason}")]
    InvalidFilter {
        /// The list.
        list: crate::filter::FilterList,
        /// Why it is refused; for the user.
        reason: String,
    },
    /// The thesaurus data is malformed.
    #[error("invalid thesaurus: {0}")]
    Thesaurus(String),
    /// The index could not be opened, written or read.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The payload of the last commit is not one this crate wrote.
    #[error("search index commit payload is unreadable: {0}")]
    Payload(String),
    /// Files of the index do not match their checksums.
    #[error("search index files are damaged: {}", .0.join(", "))]
    Damaged(Vec<String>),
    /// The index folder could not be prepared.
    #[error("failed to prepare index folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
}
