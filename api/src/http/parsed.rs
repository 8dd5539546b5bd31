//! Parsed documents of recent queries. Portals send the same few query texts over and over;
//! parsing one (async-graphql's pest grammar) costs more than copying its syntax tree, so
//! the tree of each recent text is kept and handed to the executor, which still validates
//! every request against the schema and its limits. Only trees that passed the checks
//! before validation (`super::document`) are kept, so a kept tree needs none of them again.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use async_graphql::parser::types::ExecutableDocument;

use super::bounded_lru::BoundedLru;

/// Longest query text whose tree is kept: portal queries are well under this.
pub const MAX_CACHED_QUERY_BYTES: usize = 16 * 1024;

/// Most bytes of query text whose trees are kept, whatever the number of entries: a tree
/// takes some ten times its text, so this bounds the cache near 40 MB even when a client
/// sends nothing but distinct long queries.
const MAX_TOTAL_QUERY_BYTES: usize = 4 << 20;

/// The trees by query text, counting the bytes of text.
type Cache = BoundedLru<Box<str>, ExecutableDocument>;

/// The trees of recently parsed query texts; least recently used go first.
pub struct ParsedDocuments {
    /// `None` when turned off.
    cache: Option<Mutex<Cache>>,
}

impl std::fmt::Debug for ParsedDocuments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedDocuments").finish_non_exhaustive()
    }
}

impl ParsedDocuments {
    /// A cache of at most `entries` documents; 0 turns it off.
    pub fn new(entries: usize) -> Self {
        Self {
            cache: NonZeroUsize::new(entries)
                .map(|capacity| Mutex::new(BoundedLru::new(capacity, MAX_TOTAL_QUERY_BYTES))),
        }
    }

    /// The cache, when it is on and `query` is short enough to be kept.
    fn cache_for(&self, query: &str) -> Option<&Mutex<Cache>> {
        self.cache
            .as_ref()
            .filter(|_| query.len() <= MAX_CACHED_QUERY_BYTES)
    }

    /// The kept tree of `query`, when it was parsed (and passed the document checks)
    /// before.
    pub fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let mut cache = self.cache_for(query)?.lock().ok()?;
        cache.get(query).cloned()
    }

    /// Keeps the tree of `query` for next time (unless the text is too long to keep).
    pub fn remember(&self, query: &str, document: &ExecutableDocument) {
        if let Some(cache) = self.cache_for(query)
            && let Ok(mut cache) = cache.lock()
        {
            cache.push(Box::from(query), document.clone(), query.len());
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.cache
            .as_ref()
            .and_then(|cache| cache.lock().ok().map(|cache| cache.len()))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(cache: &ParsedDocuments, query: &str) {
        if let Ok(document) = async_graphql::parser::parse_query(query) {
            cache.remember(query, &document);
        }
    }

    #[test]
    fn a_remembered_text_comes_back_parsed() {
        let cache = ParsedDocuments::new(8);
        parse(&cache, "query A { themes { slug } }");
        assert_eq!(cache.len(), 1);
        let again = cache.get("query A { themes { slug } }");
        assert_eq!(
            again.map(|document| document.operations.iter().count()),
            Some(1)
        );
        assert!(cache.get("query B { themes { slug } }").is_none());
    }

    #[test]
    fn texts_too_long_are_not_kept() {
        let cache = ParsedDocuments::new(8);
        let long = format!(
            "{{ themes {{ slug }} }} # {}",
            "x".repeat(MAX_CACHED_QUERY_BYTES)
        );
        parse(&cache, &long);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_text_held_is_bounded() {
        let cache = ParsedDocuments::new(10_000);
        let padding = "x".repeat(MAX_CACHED_QUERY_BYTES - 100);
        for n in 0..(MAX_TOTAL_QUERY_BYTES / MAX_CACHED_QUERY_BYTES + 10) {
            parse(&cache, &format!("{{ themes {{ slug }} }} # {n} {padding}"));
        }
        let held = cache.len();
        assert!(held > 0 && held <= MAX_TOTAL_QUERY_BYTES / (MAX_CACHED_QUERY_BYTES - 100));
    }

    #[test]
    fn capacity_zero_turns_it_off() {
        let cache = ParsedDocuments::new(0);
        parse(&cache, "{ themes { slug } }");
        assert_eq!(cache.len(), 0);
    }
}
