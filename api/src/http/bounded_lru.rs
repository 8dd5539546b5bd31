//! A least-recently-used cache bounded both in entries and in bytes held, for the caches of
//! query texts a client can fill with whatever it sends.

use std::borrow::Borrow;
use std::hash::Hash;
use std::num::NonZeroUsize;

use lru::LruCache;

/// Entries with the bytes each counts; least recently used go first.
pub struct BoundedLru<K: Hash + Eq, V> {
    entries: LruCache<K, (V, usize)>,
    bytes: usize,
    max_bytes: usize,
}

impl<K: Hash + Eq, V> BoundedLru<K, V> {
    /// At most `capacity` entries and `max_bytes` bytes.
    pub fn new(capacity: NonZeroUsize, max_bytes: usize) -> Self {
        Self {
            entries: LruCache::new(capacity),
            bytes: 0,
            max_bytes,
        }
    }

    /// The value under `key`, now the most recently used.
    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(|(value, _)| value)
    }

    /// Whether `key` is held (without touching its recency).
    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.contains(key)
    }

    /// Keeps `value` under `key`, counting `size` bytes for it; then the least recently used
    /// entries go until the bytes held fit.
    pub fn push(&mut self, key: K, value: V, size: usize) {
        self.bytes += size;
        if let Some((_, (_, evicted))) = self.entries.push(key, (value, size)) {
            self.bytes = self.bytes.saturating_sub(evicted);
        }
        while self.bytes > self.max_bytes {
            match self.entries.pop_lru() {
                Some((_, (_, evicted))) => self.bytes = self.bytes.saturating_sub(evicted),
                None => break,
            }
        }
    }

    /// Entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capacity(entries: usize) -> NonZeroUsize {
        NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN)
    }

    #[test]
    fn bytes_bound_the_entries_kept() {
        let mut cache = BoundedLru::new(capacity(100), 10);
        for key in 0..5 {
            cache.push(key, (), 4);
        }
        // 4 + 4 fit in 10 bytes; the older ones went.
        assert_eq!(cache.len(), 2);
        assert!(cache.contains(&4) && cache.contains(&3) && !cache.contains(&2));
    }

    #[test]
    fn a_replaced_entry_gives_its_bytes_back() {
        let mut cache = BoundedLru::new(capacity(100), 10);
        cache.push("a", 1, 6);
        cache.push("a", 2, 6);
        cache.push("b", 3, 4);
        assert_eq!(cache.get("a"), Some(&2));
        assert_eq!(cache.len(), 2);
    }
}
