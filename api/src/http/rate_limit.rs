//! Rate limits per API key and, for requests without one, per client address (GCRA through
//! `governor`: a steady rate plus a burst). A refused request gets 429 `RATE_LIMITED` with
//! `Retry-After`.
//!
//! The client address is the TCP peer: behind a reverse proxy every request seems to come
//! from the proxy, so give such deployments a key per portal (see `docs/deployment.md`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Limits;

/// Above this many tracked clients, idle ones are forgotten.
const MAX_TRACKED: usize = 100_000;

/// The limiters of one server.
pub struct RateLimits {
    anonymous: Option<DefaultKeyedRateLimiter<IpAddr>>,
    keyed: Option<DefaultKeyedRateLimiter<u64>>,
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
        Self {
            anonymous: quota(limits.anonymous_per_second, limits.anonymous_burst)
                .map(RateLimiter::keyed),
            keyed: quota(limits.key_per_second, limits.key_burst).map(RateLimiter::keyed),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` when the request may run, else the seconds to wait. Requests with a bearer token
    /// count against the token (hashed, so secrets are not kept), others against `client`.
    pub fn check(&self, client: Option<IpAddr>, token: Option<&str>) -> Result<(), u64> {
        let outcome = match token {
            Some(token) => {
                let Some(limiter) = &self.keyed else {
                    return Ok(());
                };
                let mut hasher = DefaultHasher::new();
                token.hash(&mut hasher);
                forget_idle(limiter);
                limiter.check_key(&hasher.finish())
            }
            None => {
                let (Some(limiter), Some(client)) = (&self.anonymous, client) else {
                    return Ok(());
                };
                forget_idle(limiter);
                limiter.check_key(&client)
            }
        };
        outcome.map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

fn forget_idle<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>) {
    if limiter.len() > MAX_TRACKED {
        limiter.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait() {
        let limits = Limits {
            anonymous_per_second: 1,
            anonymous_burst: 3,
            ..Limits::default()
        };
        let limiter = RateLimits::new(&limits);
        let client = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..3 {
            assert!(limiter.check(client, None).is_ok());
        }
        assert_eq!(limiter.check(client, None), Err(1));
        // Another client and keyed requests have buckets of their own.
        assert!(
            limiter
                .check(Some(IpAddr::from([10, 0, 0, 1])), None)
                .is_ok()
        );
        assert!(limiter.check(client, Some("symbios_key")).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limits = Limits {
            anonymous_per_second: 0,
            ..Limits::default()
        };
        let limiter = RateLimits::new(&limits);
        for _ in 0..10_000 {
            assert!(
                limiter
                    .check(Some(IpAddr::from([127, 0, 0, 1])), None)
                    .is_ok()
            );
        }
    }
}
