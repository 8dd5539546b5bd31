//! The subscriptions open at once, per API key and per client address without a key.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::config::Limits;
use crate::error::ErrorCode;
use crate::http::refusal::Refusal;
use crate::service::access::Principal;

/// Whose subscriptions count together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Holder {
    Key(Uuid),
    Address(Option<IpAddr>),
}

/// Counts of open subscriptions; a [`Slot`] gives its place back when dropped.
#[derive(Debug, Clone)]
pub struct SubscriptionSlots {
    per_key: usize,
    per_address: usize,
    open: Arc<Mutex<HashMap<Holder, usize>>>,
}

/// One open subscription's place in [`SubscriptionSlots`].
#[derive(Debug)]
pub struct Slot {
    open: Arc<Mutex<HashMap<Holder, usize>>>,
    holder: Holder,
}

impl SubscriptionSlots {
    /// Slots as `limits` allows.
    pub fn new(limits: &Limits) -> Self {
        Self {
            per_key: limits.subscriptions_per_key,
            per_address: limits.subscriptions_per_address,
            open: Arc::default(),
        }
    }

    /// A slot for a subscription of `principal` (by key) or of `client` (without one), or
    /// `RATE_LIMITED` when the holder has all its subscriptions open.
    pub fn take(
        &self,
        principal: Option<&Principal>,
        client: Option<IpAddr>,
    ) -> Result<Slot, Refusal> {
        let (holder, most, key) = match principal.and_then(|principal| principal.key_id) {
            Some(key) => (
                Holder::Key(key),
                self.per_key,
                "limits.subscriptions_per_key",
            ),
            None => (
                Holder::Address(client),
                self.per_address,
                "limits.subscriptions_per_address",
            ),
        };
        let mut open = self
            .open
            .lock()
            .map_err(|_| Refusal::before_graphql(ErrorCode::Internal, "subscription slots"))?;
        let count = open.entry(holder).or_default();
        if *count >= most {
            return Err(Refusal::before_graphql(
                ErrorCode::RateLimited,
                format!(
                    "too many subscriptions open at once: at most {most} ({key}); close one first"
                ),
            ));
        }
        *count += 1;
        Ok(Slot {
            open: Arc::clone(&self.open),
            holder,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.open.lock()
            && let Some(count) = open.get_mut(&self.holder)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.holder);
            }
        }
    }
}
