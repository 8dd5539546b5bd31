//! Automatic persisted queries, as Apollo clients send them: a request may carry only
//! `extensions.persistedQuery.sha256Hash`; the server answers `PERSISTED_QUERY_NOT_FOUND`
//! until a request has sent the query with its hash once, and from then on serves the query
//! by its hash, which lets portals GET by hash through a CDN.
//!
//! Resolved here, before any other check, so that a persisted query is held to the same
//! limits as a sent one, and a persisted mutation is still refused over GET.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use serde_json::{Map, Value};

use super::bounded_lru::BoundedLru;
use crate::service::digest::sha256_hex;

/// Most bytes of query text kept, whatever the number of entries.
const MAX_BYTES: usize = 64 << 20;

/// The queries seen, by the hex SHA-256 of their text; least recently used go first.
pub struct PersistedQueries {
    cache: Mutex<BoundedLru<String, Box<str>>>,
}

impl std::fmt::Debug for PersistedQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersistedQueries").finish_non_exhaustive()
    }
}

/// What the persisted-query extension of a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// No `persistedQuery` extension: use the query as sent.
    NotPersisted,
    /// The query to run.
    Query(String),
    /// The hash (lower case) is not among the queries seen: it may be a trusted document's
    /// id, else the client should send the query with it.
    NotFound(String),
    /// The extension is malformed or the hash does not match the query.
    Invalid(&'static str),
}

impl PersistedQueries {
    /// A cache of at most `entries` queries.
    pub fn new(entries: usize) -> Self {
        let capacity = NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN);
        Self {
            cache: Mutex::new(BoundedLru::new(capacity, MAX_BYTES)),
        }
    }

    /// Resolves the query of a request with `query` (maybe absent) and `extensions`.
    pub fn resolve(
        &self,
        query: Option<&str>,
        extensions: Option<&Map<String, Value>>,
    ) -> Resolution {
        let Some(persisted) = extensions.and_then(|extensions| extensions.get("persistedQuery"))
        else {
            return Resolution::NotPersisted;
        };
        let version = persisted.get("version").and_then(Value::as_i64);
        let hash = persisted.get("sha256Hash").and_then(Value::as_str);
        let (Some(1), Some(hash)) = (version, hash) else {
            return Resolution::Invalid(
                "`extensions.persistedQuery` needs `version: 1` and a `sha256Hash`",
            );
        };
        let hash = hash.to_ascii_lowercase();
        match query {
            Some(query) if !query.is_empty() => {
                if sha256_hex(query) != hash {
                    return Resolution::Invalid("provided sha does not match query");
                }
                self.remember(hash, query);
                Resolution::Query(query.to_owned())
            }
            _ => match self.cache.lock() {
                Ok(mut cache) => match cache.get(&hash) {
                    Some(query) => Resolution::Query(query.to_string()),
                    None => Resolution::NotFound(hash),
                },
                Err(_) => Resolution::NotFound(hash),
            },
        }
    }

    fn remember(&self, hash: String, query: &str) {
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        if cache.contains(&hash) || query.len() > MAX_BYTES {
            return;
        }
        cache.push(hash, Box::from(query), query.len());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn extensions(hash: &str) -> Map<String, Value> {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn register_then_serve_by_hash() {
        let cache = PersistedQueries::new(10);
        let query = "{ themes { slug } }";
        let hash = sha256_hex(query);
        assert_eq!(
            cache.resolve(None, Some(&extensions(&hash))),
            Resolution::NotFound(hash.clone())
        );
        assert_eq!(
            cache.resolve(Some(query), Some(&extensions(&hash))),
            Resolution::Query(query.to_owned())
        );
        assert_eq!(
            cache.resolve(None, Some(&extensions(&hash))),
            Resolution::Query(query.to_owned())
        );
        assert!(matches!(
            cache.resolve(Some("{ other }"), Some(&extensions(&hash))),
            Resolution::Invalid(_)
        ));
        assert_eq!(cache.resolve(Some(query), None), Resolution::NotPersisted);
    }

    #[test]
    fn least_recently_used_go_first() {
        let cache = PersistedQueries::new(1);
        for query in ["{ a }", "{ b }"] {
            cache.resolve(Some(query), Some(&extensions(&sha256_hex(query))));
        }
        assert_eq!(
            cache.resolve(None, Some(&extensions(&sha256_hex("{ a }")))),
            Resolution::NotFound(sha256_hex("{ a }"))
        );
    }
}
