//! Webhook delivery: a background task that sends each change to every active endpoint as
//! a signed POST, in change-log order per endpoint, retrying with exponential back-off and
//! full jitter, dead-lettering after `webhooks.dead_letter_after_secs`. State lives in the
//! database (`service::webhook`), so a restart goes on from where it stopped: a delivery
//! that was on its way when the process died is sent again with the same id
//! (at-least-once; receivers drop repeats by `Symbios-Delivery`).
//!
//! One task per endpoint with work to do, so a slow or failing endpoint holds back only its
//! own later deliveries. A supervisor starts them when a write on this replica wakes it, or
//! every `webhooks.poll_interval_ms` (writes through other replicas and the command line).

pub mod address_policy;
pub mod client;
pub mod signature;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::json;
use symbios_entity::change_log;
use symbios_entity::vocabulary::ChangeOp;
use symbios_entity::webhook;
use symbios_entity::webhook_delivery;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::config;
use crate::graphql::query::changes;
use crate::service::page::{FeedPosition, encode_cursor};
use crate::service::webhook::{self as store, AfterFailure, Next};
use crate::service::{self, transfer};
pub use address_policy::AddressPolicy;
pub use client::Client;

/// What the GraphQL layer and the worker share: the outbound client (its address policy
/// checks URLs when they are registered) and the signal that wakes the worker.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// Sends deliveries and checks URLs.
    pub client: Client,
    /// Notified after every write on this replica.
    pub wake: Arc<Notify>,
}

impl Webhooks {
    /// The client for `settings`, and a fresh wake-up signal.
    pub fn new(
        settings: &config::Webhooks,
        allowed: Vec<ipnet::IpNet>,
    ) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: Client::new(
                AddressPolicy::new(allowed),
                Duration::from_millis(settings.request_timeout_ms),
            )?,
            wake: Arc::new(Notify::new()),
        })
    }
}

/// Back-off and dead-letter timing.
#[derive(Debug, Clone, Copy)]
struct Timing {
    base: Duration,
    cap: Duration,
    dead_letter_after: chrono::Duration,
    poll: Duration,
}

impl Timing {
    fn of(settings: &config::Webhooks) -> Self {
        Self {
            base: Duration::from_millis(settings.retry_base_ms),
            cap: Duration::from_millis(settings.retry_cap_ms),
            dead_letter_after: chrono::Duration::seconds(
                i64::try_from(settings.dead_letter_after_secs).unwrap_or(i64::MAX / 1000),
            ),
            poll: Duration::from_millis(settings.poll_interval_ms),
        }
    }

    /// The delay before attempt `attempts + 1`: uniformly random between 0 and
    /// `min(cap, base × 2^(attempts − 1))` ("full jitter"), so that endpoints coming back
    /// are not hit by every retry at once.
    fn backoff(&self, attempts: i32) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let ceiling = self.base.saturating_mul(1_u32 << exponent).min(self.cap);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        let random = getrandom::u64().unwrap_or(ceiling_ms);
        Duration::from_millis(random % ceiling_ms.saturating_add(1))
    }
}

/// Starts the worker; it stops when `stop` turns true.
pub fn spawn(
    db: DatabaseConnection,
    webhooks: Webhooks,
    settings: &config::Webhooks,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let timing = Timing::of(settings);
    tokio::spawn(async move {
        let mut running: HashMap<Uuid, JoinHandle<()>> = HashMap::new();
        loop {
            running.retain(|_, task| !task.is_finished());
            match store::active(&db).await {
                Ok(hooks) => {
                    for hook in hooks {
                        running.entry(hook.id).or_insert_with(|| {
                            tokio::spawn(drive(
                                db.clone(),
                                webhooks.client.clone(),
                                timing,
                                hook.id,
                            ))
                        });
                    }
                }
                Err(error) => tracing::warn!(%error, "could not read the webhooks"),
            }
            tokio::select! {
                () = webhooks.wake.notified() => {}
                () = tokio::time::sleep(timing.poll) => {}
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
            }
        }
        // A delivery cut off here was not recorded as delivered: it goes again after the
        // restart, with the same id.
        for task in running.into_values() {
            task.abort();
        }
    })
}

/// Sends the endpoint's deliveries one after the other until it has every change, is no
/// longer active, or the database fails (the supervisor starts it again).
async fn drive(db: DatabaseConnection, client: Client, timing: Timing, hook_id: Uuid) {
    if let Err(error) = deliver_all(&db, &client, timing, hook_id).await {
        tracing::warn!(%error, webhook = %hook_id, "webhook delivery stopped; it is tried again at the next poll");
    }
}

async fn deliver_all(
    db: &DatabaseConnection,
    client: &Client,
    timing: Timing,
    hook_id: Uuid,
) -> Result<(), service::Error> {
    // Re-read every round: an admin may pause, resume or delete it meanwhile.
    while let Some(hook) = store::active_by_id(db, hook_id).await? {
        let now = Utc::now();
        let (delivery, change) = match store::next(db, &hook, now).await? {
            Next::UpToDate | Next::Pruned => return Ok(()),
            Next::Delivery(next) => *next,
        };
        if delivery.next_attempt_at > now {
            let wait = (delivery.next_attempt_at - now)
                .to_std()
                .unwrap_or_default()
                .min(timing.cap);
            tokio::time::sleep(wait).await;
            continue;
        }
        attempt(db, client, timing, &hook, &delivery, &change).await?;
    }
    Ok(())
}

/// One attempt of one delivery, recorded.
async fn attempt(
    db: &DatabaseConnection,
    client: &Client,
    timing: Timing,
    hook: &webhook::Model,
    delivery: &webhook_delivery::Model,
    change: &change_log::Model,
) -> Result<(), service::Error> {
    let body = payload(db, delivery, change).await?;
    let sent_at = Utc::now();
    let headers = [
        (
            "symbios-signature",
            signature::header(hook.secret.as_bytes(), sent_at.timestamp(), &body),
        ),
        ("symbios-delivery", delivery.id.to_string()),
    ];
    let outcome = match url::Url::parse(&hook.url) {
        Ok(url) => client.post(&url, &headers, body).await,
        Err(error) => Err(format!("the stored URL does not parse: {error}")),
    };
    let now = Utc::now();
    match outcome {
        Ok(answer) if (200..300).contains(&answer.status) => {
            store::delivered(db, delivery, answer.status, now).await
        }
        Ok(answer) => {
            let error = format!(
                "the endpoint answered {}: {}",
                answer.status,
                answer.body.trim()
            );
            let after = after_failure(timing, delivery, now);
            store::failed(db, delivery, Some(answer.status), &error, after, now).await
        }
        Err(error) => {
            let after = after_failure(timing, delivery, now);
            store::failed(db, delivery, None, &error, after, now).await
        }
    }
}

/// Retry later, or dead-letter once the delivery has been retried for the dead-letter time.
fn after_failure(
    timing: Timing,
    delivery: &webhook_delivery::Model,
    now: DateTime<Utc>,
) -> AfterFailure {
    if now - delivery.retry_since >= timing.dead_letter_after {
        return AfterFailure::Dead;
    }
    let delay = timing.backoff(delivery.attempts.saturating_add(1));
    AfterFailure::RetryAt(now + chrono::Duration::from_std(delay).unwrap_or_default())
}

/// The body of a delivery: the change as the feed gives it (the record as `symbios export`
/// writes it, as it is now; `null` for a delete or a record deleted since), with the
/// delivery's id.
async fn payload(
    db: &DatabaseConnection,
    delivery: &webhook_delivery::Model,
    change: &change_log::Model,
) -> Result<Vec<u8>, service::Error> {
    let entity = match change.op {
        ChangeOp::Upsert => transfer::export_one(db, change.entity_type, change.entity_id).await?,
        ChangeOp::Delete => None,
    };
    let body = json!({
        "deliveryId": delivery.id,
        "webhookId": delivery.webhook_id,
        "seq": change.seq,
        "cursor": encode_cursor(&FeedPosition(change.seq)),
        "op": enum_name(&changes::ChangeOp::from(change.op)),
        "entityType": enum_name(&changes::ChangeEntityType::from(change.entity_type)),
        "id": change.entity_id,
        "version": change.version,
        "at": change.changed_at,
        "entity": entity,
    });
    serde_json::to_vec(&body)
        .map_err(|error| service::Error::internal("write a webhook body", error))
}

/// A GraphQL enum value's name, e.g. `CASE_STUDY`, so that bodies spell values as `changes`.
fn enum_name(value: &impl async_graphql::InputType) -> String {
    match value.to_value() {
        async_graphql::Value::Enum(name) => name.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_cap_with_jitter_below_it() {
        let timing = Timing {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1_000),
            dead_letter_after: chrono::Duration::seconds(60),
            poll: Duration::from_secs(1),
        };
        for attempts in 1..40 {
            let ceiling = 100_u64
                .saturating_mul(1 << (attempts - 1).min(30))
                .min(1_000);
            for _ in 0..20 {
                assert!(timing.backoff(attempts).as_millis() <= u128::from(ceiling));
            }
        }
        // With full jitter the delays spread: 200 draws below a 1 s ceiling are not all equal.
        let draws: std::collections::HashSet<_> = (0..200).map(|_| timing.backoff(20)).collect();
        assert!(draws.len() > 10);
    }
}
