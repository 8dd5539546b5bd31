//! Trusted documents (what Hasura calls an allow-list and Apollo safelisting): when
//! `trusted_documents.enabled` is on, anonymous callers (and keys, when
//! `trusted_documents.keys = "locked"`) may run only the explorer's documents and those added
//! with `symbios documents add`. A client may send a document's id instead of its text
//! (`documentId`, or `extensions.persistedQuery.sha256Hash`).
//!
//! Added documents live in the database, so every replica trusts the same ones; those seen
//! are kept here (they are never removed, so a kept one stays true).

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use sea_orm::DatabaseConnection;

use super::explorer;
use crate::config::{KeyDocuments, TrustedDocuments as Settings};
use crate::service::digest::sha256_hex;
use crate::service::trusted_documents;

/// The message of `DOCUMENT_NOT_TRUSTED`.
pub const NOT_TRUSTED_MESSAGE: &str = "this server runs only trusted documents for this caller; \
    send a document from the explorer or from a manifest added with `symbios documents add`";

/// The trusted documents and who is held to them.
#[derive(Debug)]
pub struct TrustedDocuments {
    settings: Settings,
    /// Document texts by id: the explorer's (by the SHA-256 of their text), then the added
    /// ones looked up so far.
    by_id: RwLock<HashMap<String, String>>,
    /// The SHA-256 (hex) of every trusted text seen so far.
    text_hashes: RwLock<HashSet<String>>,
}

/// A database lookup failed; the caller answers `INTERNAL`.
#[derive(Debug, thiserror::Error)]
#[error("trusted documents: {0}")]
pub struct LookupFailed(#[from] crate::service::Error);

impl TrustedDocuments {
    /// The explorer's documents, and `settings`.
    pub fn new(settings: Settings) -> Self {
        let mut by_id = HashMap::new();
        let mut text_hashes = HashSet::new();
        for text in explorer::documents() {
            let hash = sha256_hex(&text);
            text_hashes.insert(hash.clone());
            by_id.insert(hash, text);
        }
        Self {
            settings,
            by_id: RwLock::new(by_id),
            text_hashes: RwLock::new(text_hashes),
        }
    }

    /// Whether a caller (`with_key`: holding a live key) is held to the trusted documents.
    pub fn is_locked(&self, with_key: bool) -> bool {
        self.settings.enabled && !(with_key && self.settings.keys == KeyDocuments::Free)
    }

    /// The text of the document trusted as `id`.
    pub async fn text_of(
        &self,
        db: &DatabaseConnection,
        id: &str,
    ) -> Result<Option<String>, LookupFailed> {
        if let Some(text) = self
            .by_id
            .read()
            .ok()
            .and_then(|by_id| by_id.get(id).cloned())
        {
            return Ok(Some(text));
        }
        let Some(text) = trusted_documents::text_of(db, id).await? else {
            return Ok(None);
        };
        self.keep(id, &text);
        Ok(Some(text))
    }

    /// Whether `text` is a trusted document's text, to the byte.
    pub async fn is_trusted(
        &self,
        db: &DatabaseConnection,
        text: &str,
    ) -> Result<bool, LookupFailed> {
        let hash = sha256_hex(text);
        if self
            .text_hashes
            .read()
            .is_ok_and(|hashes| hashes.contains(&hash))
        {
            return Ok(true);
        }
        let trusted = trusted_documents::has_text_sha256(db, &hash).await?;
        if trusted && let Ok(mut hashes) = self.text_hashes.write() {
            hashes.insert(hash);
        }
        Ok(trusted)
    }

    fn keep(&self, id: &str, text: &str) {
        if let Ok(mut by_id) = self.by_id.write() {
            by_id.insert(id.to_owned(), text.to_owned());
        }
        if let Ok(mut hashes) = self.text_hashes.write() {
            hashes.insert(sha256_hex(text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_locked_only_when_configured() {
        let on = |keys| {
            TrustedDocuments::new(Settings {
                enabled: true,
                keys,
            })
        };
        assert!(on(KeyDocuments::Free).is_locked(false));
        assert!(!on(KeyDocuments::Free).is_locked(true));
        assert!(on(KeyDocuments::Locked).is_locked(true));
        assert!(!TrustedDocuments::new(Settings::default()).is_locked(false));
    }
}
