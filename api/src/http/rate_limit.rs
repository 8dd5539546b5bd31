//! Rate limits per client address and per API key (GCRA through `governor`: a steady rate
//! plus a burst). A refused request gets 429 `RATE_LIMITED` with `Retry-After`.
//!
//! A request counts against its key's bucket only once that key has been authenticated.
//! Until then it counts against its client address: anonymous requests against the
//! address's read bucket, requests with a key not seen yet against the address's bucket of
//! authentication attempts (same rate, kept apart so that a portal's key still gets through
//! when anonymous readers behind the same address have used up their share), and a failed
//! authentication against the read bucket as well. Keying buckets by whatever token a request
//! carries would give each random `Authorization: Bearer …` a fresh bucket, and a limited
//! client could go on for ever, with a key lookup per request. The client address is read
//! through trusted proxies (`client_address.rs`).

use std::net::IpAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::Mutex;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lru::LruCache;
use sha2::{Digest, Sha256};

use crate::config::Limits;

/// Above this many tracked clients, idle ones are forgotten.
const MAX_TRACKED: usize = 100_000;

/// Keys remembered as authenticated; a key forgotten counts against its address until it
/// authenticates again.
const KNOWN_KEYS: NonZeroUsize = match NonZeroUsize::new(10_000) {
    Some(count) => count,
    None => NonZeroUsize::MIN,
};

/// A bearer token as the limiter keeps it: a digest, so no secret stays in memory.
type KeyFingerprint = [u8; 32];

fn fingerprint(token: &str) -> KeyFingerprint {
    Sha256::digest(token.as_bytes()).into()
}

/// What a request is limited by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Its key, authenticated before.
    Key,
    /// Its client address's authentication attempts: a key not authenticated yet.
    Attempts,
    /// Its client address: no key.
    Address,
    /// Nothing (the limit is off, or the address is unknown).
    None,
}

/// The limiters of one server.
pub struct RateLimits {
    by_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    attempts_by_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    by_key: Option<DefaultKeyedRateLimiter<KeyFingerprint>>,
    known_keys: Mutex<LruCache<KeyFingerprint, ()>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

fn quota(per_second: u32, burst: u32) -> Option<Quota> {
    let per_second = NonZeroU32::new(per_second)?;
    let burst = NonZeroU32::new(burst.max(per_second.get())).unwrap_or(per_second);
    Some(Quota::per_second(per_second).allow_burst(burst))
}

impl RateLimits {
    /// Limiters for the configured rates; a rate of 0 turns that limit off.
    pub fn new(limits: &Limits) -> Self {
        let by_address = quota(limits.anonymous_per_second, limits.anonymous_burst);
        Self {
            by_address: by_address.map(RateLimiter::keyed),
            attempts_by_address: by_address.map(RateLimiter::keyed),
            by_key: quota(limits.key_per_second, limits.key_burst).map(RateLimiter::keyed),
            known_keys: Mutex::new(LruCache::new(KNOWN_KEYS)),
            clock: DefaultClock::default(),
        }
    }

    /// Which bucket a request from `client` with bearer `token` counts against.
    pub fn bucket_of(&self, client: Option<IpAddr>, token: Option<&str>) -> Bucket {
        let (limiter, bucket) = match token {
            Some(token) if self.is_known(token) => {
                return self.by_key.as_ref().map_or(Bucket::None, |_| Bucket::Key);
            }
            Some(_) => (&self.attempts_by_address, Bucket::Attempts),
            None => (&self.by_address, Bucket::Address),
        };
        if limiter.is_some() && client.is_some() {
            bucket
        } else {
            Bucket::None
        }
    }

    fn is_known(&self, token: &str) -> bool {
        self.known_keys
            .lock()
            .is_ok_and(|known| known.contains(&fingerprint(token)))
    }

    /// `Ok` when the request may run, else the seconds to wait.
    pub fn check(&self, client: Option<IpAddr>, token: Option<&str>) -> Result<(), u64> {
        let outcome = match (self.bucket_of(client, token), token, client) {
            (Bucket::Key, Some(token), _) => take(&self.by_key, &fingerprint(token)),
            (Bucket::Attempts, _, Some(client)) => take(&self.attempts_by_address, &client),
            (Bucket::Address, _, Some(client)) => take(&self.by_address, &client),
            _ => None,
        };
        match outcome {
            Some(Err(not_until)) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
            }
            Some(Ok(())) | None => Ok(()),
        }
    }

    /// `token` was authenticated: its requests count against the key from now on, starting
    /// with this one when the key was not known yet.
    pub fn key_authenticated(&self, token: &str) {
        let key = fingerprint(token);
        let newly_known = self
            .known_keys
            .lock()
            .is_ok_and(|mut known| known.put(key, ()).is_none());
        if newly_known {
            // Already admitted; whether the key's bucket had room does not matter.
            let _ = take(&self.by_key, &key);
        }
    }

    /// `token` failed authentication (unknown or revoked): the failure counts against
    /// `client`'s read bucket, and the token's requests against its address again.
    pub fn key_refused(&self, client: Option<IpAddr>, token: &str) {
        if let Ok(mut known) = self.known_keys.lock() {
            known.pop(&fingerprint(token));
        }
        if let Some(client) = client {
            // Already refused; whether the bucket had room does not matter.
            let _ = take(&self.by_address, &client);
        }
    }
}

/// Takes one request from `key`'s bucket in `limiter`, if that limit is on.
fn take<K: std::hash::Hash + Eq + Clone>(
    limiter: &Option<DefaultKeyedRateLimiter<K>>,
    key: &K,
) -> Option<Result<(), governor::NotUntil<governor::clock::QuantaInstant>>> {
    let limiter = limiter.as_ref()?;
    forget_idle(limiter);
    Some(limiter.check_key(key))
}

fn forget_idle<K: std::hash::Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>) {
    if limiter.len() > MAX_TRACKED {
        limiter.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(anonymous_burst: u32, key_burst: u32) -> RateLimits {
        RateLimits::new(&Limits {
            anonymous_per_second: 1,
            anonymous_burst,
            key_per_second: 1,
            key_burst,
            ..Limits::default()
        })
    }

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn a_burst_then_a_wait() {
        let limiter = limits(3, 10);
        for _ in 0..3 {
            assert!(limiter.check(HOME, None).is_ok());
        }
        assert_eq!(limiter.check(HOME, None), Err(1));
        // Another client has a bucket of its own.
        assert!(
            limiter
                .check(Some(IpAddr::from([10, 0, 0, 1])), None)
                .is_ok()
        );
    }

    #[test]
    fn tokens_count_against_the_address_until_authenticated() {
        let limiter = limits(3, 10);
        for n in 0..3 {
            let token = format!("random {n}");
            assert!(limiter.check(HOME, Some(&token)).is_ok());
            limiter.key_refused(HOME, &token);
        }
        assert_eq!(
            limiter.check(HOME, Some("yet another random token")),
            Err(1),
            "a fresh token is no fresh bucket"
        );
        assert_eq!(
            limiter.check(HOME, None),
            Err(1),
            "failed authentications used up the address's reads"
        );
        limiter.key_authenticated("symbios_real_key");
        assert_eq!(
            limiter.bucket_of(HOME, Some("symbios_real_key")),
            Bucket::Key
        );
        // The authenticating request took the first of the key's ten.
        for _ in 0..9 {
            assert!(limiter.check(HOME, Some("symbios_real_key")).is_ok());
        }
        assert_eq!(limiter.check(HOME, Some("symbios_real_key")), Err(1));
        limiter.key_refused(HOME, "symbios_real_key");
        assert_eq!(
            limiter.bucket_of(HOME, Some("symbios_real_key")),
            Bucket::Attempts,
            "a revoked key counts against its address again"
        );
    }

    #[test]
    fn a_key_gets_through_when_anonymous_reads_are_used_up() {
        let limiter = limits(2, 10);
        while limiter.check(HOME, None).is_ok() {}
        assert!(limiter.check(HOME, Some("symbios_portal_key")).is_ok());
        limiter.key_authenticated("symbios_portal_key");
        assert!(limiter.check(HOME, Some("symbios_portal_key")).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limiter = RateLimits::new(&Limits {
            anonymous_per_second: 0,
            ..Limits::default()
        });
        for _ in 0..10_000 {
            assert!(limiter.check(HOME, None).is_ok());
        }
        assert_eq!(limiter.bucket_of(HOME, Some("unknown")), Bucket::None);
    }
}
