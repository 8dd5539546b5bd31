//! Parsed documents of recent queries. Portals send the same few query texts over and over;
//! parsing one (async-graphql's pest grammar) costs more than copying its syntax tree, so
//! the tree of each recent text is kept and handed to the executor, which still validates
//! every request against the schema and its limits.

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

    /// Gives `request` the tree of its query text: the kept one when the text was parsed
    /// before, else a new one, kept for next time. A text that does not parse is left for
    /// the executor to report with its position.
    pub fn parse(&self, request: &mut async_graphql::Request) {
        let Some(cache) = self.cache_for(&request.query) else {
            return;
        };
        let cached = match cache.lock() {
            Ok(mut cache) => cache.get(request.query.as_str()).cloned(),
            Err(_) => None,
        };
        if let Some(document) = cached {
            request.set_parsed_query(document);
            return;
        }
        let query: Box<str> = Box::from(request.query.as_str());
        let Ok(document) = request.parsed_query() else {
            return;
        };
        let document = document.clone();
        if let Ok(mut cache) = cache.lock() {
            let size = query.len();
            cache.push(query, document, size);
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

    fn operation_count(request: &mut async_graphql::Request) -> usize {
        request
            .parsed_query()
            .map(|document| document.operations.iter().count())
            .unwrap_or(0)
    }

    #[test]
    fn a_remembered_text_comes_back_parsed() {
        let cache = ParsedDocuments::new(8);
        let mut first = async_graphql::Request::new("query A { themes { slug } }");
        cache.parse(&mut first);
        assert_eq!(cache.len(), 1);
        let mut second = async_graphql::Request::new("query A { themes { slug } }");
        cache.parse(&mut second);
        assert_eq!(operation_count(&mut second), 1);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn texts_that_do_not_parse_or_are_too_long_are_not_kept() {
        let cache = ParsedDocuments::new(8);
        cache.parse(&mut async_graphql::Request::new("{ themes {"));
        let long = format!(
            "{{ themes {{ slug }} }} # {}",
            "x".repeat(MAX_CACHED_QUERY_BYTES)
        );
        cache.parse(&mut async_graphql::Request::new(long));
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_text_held_is_bounded() {
        let cache = ParsedDocuments::new(10_000);
        let padding = "x".repeat(MAX_CACHED_QUERY_BYTES - 100);
        for n in 0..(MAX_TOTAL_QUERY_BYTES / MAX_CACHED_QUERY_BYTES + 10) {
            cache.parse(&mut async_graphql::Request::new(format!(
                "{{ themes {{ slug }} }} # {n} {padding}"
            )));
        }
        let held = cache.len();
        assert!(held > 0 && held <= MAX_TOTAL_QUERY_BYTES / (MAX_CACHED_QUERY_BYTES - 100));
    }

    #[test]
    fn capacity_zero_turns_it_off() {
        let cache = ParsedDocuments::new(0);
        cache.parse(&mut async_graphql::Request::new("{ themes { slug } }"));
        assert_eq!(cache.len(), 0);
    }
}
