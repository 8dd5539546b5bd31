//! `webhooks` and `webhookDeliveries` (admin keys only), and the webhook objects the
//! mutations answer with too.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use symbios_entity::{webhook, webhook_delivery};

use super::changes::{ChangeEntityType, feed_position};
use crate::error::{ServiceErrorExt as _, ServiceResultExt as _};
use crate::graphql::ids::parse_id;
use crate::graphql::request::Caller;
use crate::service::page::{FeedPosition, encode_cursor};
use crate::service::webhook as store;

/// Whether an endpoint receives deliveries.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "webhook::WebhookState")]
pub enum WebhookState {
    /// Deliveries go out.
    Active,
    /// Paused by an admin; changes wait in the change log.
    Paused,
    /// Stopped by itself (`failure` says why: a dead-lettered delivery, or changes pruned
    /// before they were delivered) until an admin resumes it.
    Failed,
}

/// Where a delivery stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "webhook_delivery::DeliveryState")]
pub enum DeliveryState {
    /// Not accepted yet; tried again at `nextAttemptAt`.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up on after `webhooks.dead_letter_after_secs`; `lastError` says why.
    Dead,
}

/// An endpoint that receives each change as a signed POST.
#[derive(SimpleObject, Debug, Clone)]
pub struct Webhook {
    pub id: ID,
    pub url: String,
    /// The record types it receives; empty: all.
    pub types: Vec<ChangeEntityType>,
    pub state: WebhookState,
    /// Why it stopped, when `state` is `FAILED`.
    pub failure: Option<String>,
    /// The change-feed cursor of the last change delivered (or of the last change before it
    /// was created): `changes(after:)` with it lists what it has not received yet.
    pub cursor: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<store::Webhook> for Webhook {
    fn from(hook: store::Webhook) -> Self {
        Self {
            id: ID(hook.row.id.to_string()),
            url: hook.row.url,
            types: hook.types.into_iter().map(Into::into).collect(),
            state: hook.row.state.into(),
            failure: hook.row.failure,
            cursor: encode_cursor(&FeedPosition(hook.row.cursor)),
            created_at: hook.row.created_at,
            updated_at: hook.row.updated_at,
        }
    }
}

/// One change sent (or to be sent) to one endpoint.
#[derive(SimpleObject, Debug, Clone)]
pub struct WebhookDelivery {
    pub state: DeliveryState,
    /// The change's position in the feed.
    pub seq: i64,
    /// Sent as `Symbios-Delivery` and `deliveryId` with every attempt: the same for every
    /// retry, so a receiver can drop a delivery it already has.
    pub id: ID,
    /// Attempts made so far; `nextAttemptAt` is when the next one is due (while `PENDING`),
    /// `lastStatus` the HTTP status of the last answer (null when none came: refused, timed
    /// out), `lastError` what went wrong last (for `DEAD`, the dead-letter reason).
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<webhook_delivery::Model> for WebhookDelivery {
    fn from(row: webhook_delivery::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            seq: row.seq,
            state: row.state.into(),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_status: row.last_status,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// Every webhook (admin keys only), oldest first; secrets are never shown again.
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        let db = ctx.data::<DatabaseConnection>()?;
        let hooks = store::list(db, caller.principal.as_ref())
            .await
            .map_err(|error| error.extend())?;
        Ok(hooks.into_iter().map(Webhook::from).collect())
    }

    /// The deliveries of one webhook (admin keys only), in change-feed order, of one `state`
    /// when given: `state: DEAD` lists the dead letters with their reason.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        webhook: ID,
        state: Option<DeliveryState>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, WebhookDelivery>> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        let webhook_id = parse_id("webhook", &webhook)?;
        let first = store::DELIVERY_PAGE_SIZE
            .resolve("first", Some(first))
            .extend()?;
        let after = feed_position(after)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let page = store::deliveries(
            db,
            caller.principal.as_ref(),
            webhook_id,
            state.map(Into::into),
            after,
            first,
        )
        .await
        .map_err(|error| error.extend())?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection
            .edges
            .extend(page.deliveries.into_iter().map(|row| {
                Edge::new(
                    encode_cursor(&FeedPosition(row.seq)),
                    WebhookDelivery::from(row),
                )
            }));
        Ok(connection)
    }
}
