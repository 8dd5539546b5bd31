//! Webhooks: endpoints that receive each change of the change log as a POST, in change-log
//! order, one delivery at a time per endpoint. This module keeps their state in the database
//! (so that deliveries survive a restart); sending is the caller's (`api/src/webhooks`).
//!
//! An endpoint has at most one pending delivery: the change after its `cursor`. Only when it
//! is delivered does the next one get made, so a failing delivery holds back the later ones
//! of that endpoint and order is kept. A delivery that keeps failing past the dead-letter
//! time is dead-lettered and the endpoint goes to `failed` with the reason; resuming it sends
//! the same delivery (same id) again and continues from there.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use symbios_entity::change_log;
use symbios_entity::vocabulary::EntityType;
use symbios_entity::webhook::{self, WebhookState};
use symbios_entity::webhook_delivery::{self, DeliveryState};
use uuid::Uuid;

use super::access::{Principal, random_token, require_admin};
use super::page::PageSize;
use super::write::Writer as _;
use super::{Error, change_feed, change_log as log, limits};

/// Most webhooks one server keeps: each is polled and may hold a connection.
pub const MAX_WEBHOOKS: u64 = 100;

/// Longest URL accepted.
pub const MAX_URL_LENGTH: usize = 2048;

/// Shortest and longest secret accepted, in characters.
pub const SECRET_LENGTH: std::ops::RangeInclusive<usize> = 16..=256;

/// Longest error text kept on a delivery.
pub const MAX_ERROR_LENGTH: usize = 1000;

/// What a generated secret starts with, so that a leaked one is recognisable.
pub const SECRET_PREFIX: &str = "whsec_";

/// Page sizes of `webhookDeliveries`.
pub const DELIVERY_PAGE_SIZE: PageSize = PageSize {
    default: 50,
    max: 500,
};

/// A webhook as listed: everything but the secret.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The row, with the secret blanked.
    pub row: webhook::Model,
    /// The entity types it receives (empty: all).
    pub types: Vec<EntityType>,
}

impl Webhook {
    fn of(mut row: webhook::Model) -> Self {
        let types = parse_types(&row.entity_types);
        row.secret = String::new();
        Self { row, types }
    }
}

/// A webhook just made, with its secret (shown this once).
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// The webhook.
    pub webhook: Webhook,
    /// The secret that signs its deliveries.
    pub secret: String,
}

/// Checks a webhook URL: http or https, a host, no user name or password (they would be
/// sent in clear to every log on the way), no fragment, at most [`MAX_URL_LENGTH`]. Where
/// it may point is the caller's check (the outbound address policy).
pub fn validate_url(url: &str) -> Result<url::Url, Error> {
    let invalid = |reason: &str| Error::invalid("url", reason.to_owned());
    if url.len() > MAX_URL_LENGTH {
        return Err(invalid(&format!(
            "is longer than {MAX_URL_LENGTH} characters"
        )));
    }
    let parsed =
        url::Url::parse(url).map_err(|error| invalid(&format!("is not a URL: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("must be an http:// or https:// URL"));
    }
    if parsed.host().is_none() {
        return Err(invalid("has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "must not hold a user name or password; authenticate deliveries by their signature",
        ));
    }
    if parsed.fragment().is_some() {
        return Err(invalid("must not have a fragment (#…)"));
    }
    Ok(parsed)
}

/// Checks a secret given by the caller: printable ASCII without spaces, 16 to 256 characters.
fn validate_secret(secret: &str) -> Result<(), Error> {
    if !SECRET_LENGTH.contains(&secret.chars().count()) {
        return Err(Error::invalid(
            "secret",
            format!(
                "must be {} to {} characters long",
                SECRET_LENGTH.start(),
                SECRET_LENGTH.end()
            ),
        ));
    }
    if !secret.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(Error::invalid(
            "secret",
            "may hold only printable ASCII characters without spaces".to_owned(),
        ));
    }
    Ok(())
}

fn format_types(types: &[EntityType]) -> String {
    use sea_orm::ActiveEnum;
    types
        .iter()
        .map(ActiveEnum::to_value)
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_types(text: &str) -> Vec<EntityType> {
    use sea_orm::ActiveEnum;
    text.split(',')
        .filter(|name| !name.is_empty())
        .filter_map(|name| EntityType::try_from_value(&name.to_owned()).ok())
        .collect()
}

/// Registers an endpoint (admins only) for changes of `types` (all when empty) made from
/// now on. `secret` is generated when not given. `url` must have passed [`validate_url`]
/// and the address policy.
pub async fn create(
    db: &DatabaseConnection,
    principal: Option<&Principal>,
    url: &url::Url,
    types: Vec<EntityType>,
    secret: Option<String>,
    at: DateTime<Utc>,
) -> Result<NewWebhook, Error> {
    require_admin(principal)?;
    let types = limits::fold_vocabulary("types", types)?;
    let secret = match secret {
        Some(secret) => {
            validate_secret(&secret)?;
            secret
        }
        None => random_token(SECRET_PREFIX)?,
    };
    if webhook::Entity::find().count(db).await? >= MAX_WEBHOOKS {
        return Err(Error::invalid(
            "url",
            format!("there are already {MAX_WEBHOOKS} webhooks, the most kept; delete one first"),
        ));
    }
    let row = webhook::ActiveModel {
        id: Set(Uuid::new_v4()),
        url: Set(url.to_string()),
        entity_types: Set(format_types(&types)),
        secret: Set(secret.clone()),
        state: Set(WebhookState::Active),
        failure: Set(None),
        // Changes from now on: a new endpoint does not receive the whole history (a partner
        // reads that from `changes`, then passes on to the webhook).
        cursor: Set(log::last_seq(db).await?),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(NewWebhook {
        webhook: Webhook::of(row),
        secret,
    })
}

/// Every webhook (admins only), oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
) -> Result<Vec<Webhook>, Error> {
    require_admin(principal)?;
    Ok(webhook::Entity::find()
        .order_by_asc(webhook::Column::CreatedAt)
        .order_by_asc(webhook::Column::Id)
        .limit(MAX_WEBHOOKS)
        .all(db)
        .await?
        .into_iter()
        .map(Webhook::of)
        .collect())
}

async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<webhook::Model, Error> {
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound { entity: "webhook" })
}

/// What an admin does to an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Stop deliveries; changes wait in the log.
    Pause,
    /// Start deliveries again, from where they stopped: a dead-lettered delivery is sent
    /// again, with the same id, and its dead-letter time counts from now. When the changes
    /// after the endpoint's cursor were pruned meanwhile, it continues after the pruned ones
    /// (its `failure` said so; the partner reads them afresh).
    Resume,
}

/// Pauses or resumes the endpoint `id` (admins only).
pub async fn switch(
    db: &DatabaseConnection,
    principal: Option<&Principal>,
    id: Uuid,
    switch: Switch,
    at: DateTime<Utc>,
) -> Result<Webhook, Error> {
    require_admin(principal)?;
    if switch == Switch::Pause {
        let mut row = find(db, id).await?.into_active_model();
        row.state = Set(WebhookState::Paused);
        row.updated_at = Set(at);
        return Ok(Webhook::of(row.update(db).await?));
    }
    let txn = db.begin_write().await?;
    let found = find(&txn, id).await?;
    let pruned_through = log::pruned_through(&txn).await?;
    let cursor = found.cursor.max(pruned_through);
    // The dead letter that stopped it (there is at most one: a delivery is made only when
    // the one before it was delivered) goes again, with its id.
    let dead = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .filter(webhook_delivery::Column::State.eq(DeliveryState::Dead))
        .filter(webhook_delivery::Column::Seq.gt(cursor))
        .all(&txn)
        .await?;
    for delivery in dead {
        let mut again = delivery.into_active_model();
        again.state = Set(DeliveryState::Pending);
        again.retry_since = Set(at);
        again.next_attempt_at = Set(at);
        again.updated_at = Set(at);
        again.update(&txn).await?;
    }
    let mut row = found.into_active_model();
    row.state = Set(WebhookState::Active);
    row.failure = Set(None);
    row.cursor = Set(cursor);
    row.updated_at = Set(at);
    let row = row.update(&txn).await?;
    txn.commit().await?;
    Ok(Webhook::of(row))
}

/// Deletes the endpoint and its deliveries (admins only).
pub async fn delete(
    db: &DatabaseConnection,
    principal: Option<&Principal>,
    id: Uuid,
) -> Result<Webhook, Error> {
    require_admin(principal)?;
    let txn = db.begin_write().await?;
    let row = find(&txn, id).await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhook::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(Webhook::of(row))
}

/// A page of an endpoint's deliveries, in change-log order.
#[derive(Debug, Clone)]
pub struct DeliveryPage {
    /// The deliveries.
    pub deliveries: Vec<webhook_delivery::Model>,
    /// Whether more follow.
    pub has_next: bool,
}

/// Up to `first` deliveries of the endpoint `webhook_id` (admins only) in `state` (any when
/// `None`) after the change-log position `after`.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    webhook_id: Uuid,
    state: Option<DeliveryState>,
    after: Option<i64>,
    first: u64,
) -> Result<DeliveryPage, Error> {
    require_admin(principal)?;
    find(db, webhook_id).await?;
    let mut select = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .filter(webhook_delivery::Column::Seq.gt(after.unwrap_or(0)));
    if let Some(state) = state {
        select = select.filter(webhook_delivery::Column::State.eq(state));
    }
    let first = first.min(DELIVERY_PAGE_SIZE.max);
    let mut deliveries = select
        .order_by_asc(webhook_delivery::Column::Seq)
        .limit(first + 1)
        .all(db)
        .await?;
    let has_next = deliveries.len() as u64 > first;
    deliveries.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok(DeliveryPage {
        deliveries,
        has_next,
    })
}

// ---- For the delivery worker ----

/// The endpoints deliveries go to now.
pub async fn active(db: &impl ConnectionTrait) -> Result<Vec<webhook::Model>, Error> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::State.eq(WebhookState::Active))
        .order_by_asc(webhook::Column::CreatedAt)
        .limit(MAX_WEBHOOKS)
        .all(db)
        .await?)
}

/// The endpoint, when it still exists and is active (it may have been paused or deleted
/// while a delivery was on its way).
pub async fn active_by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<webhook::Model>, Error> {
    Ok(webhook::Entity::find_by_id(id)
        .filter(webhook::Column::State.eq(WebhookState::Active))
        .one(db)
        .await?)
}

/// What an endpoint should be sent next.
#[derive(Debug, Clone)]
pub enum Next {
    /// Nothing: it has every change.
    UpToDate,
    /// This delivery of this change, due at its `next_attempt_at`.
    Delivery(Box<(webhook_delivery::Model, change_log::Model)>),
    /// The changes after its cursor were pruned; it was set to `failed`.
    Pruned,
}

/// The endpoint's pending delivery, made from the change after its cursor when there is
/// none yet.
pub async fn next(
    db: &DatabaseConnection,
    hook: &webhook::Model,
    at: DateTime<Utc>,
) -> Result<Next, Error> {
    let pending = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
        .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending))
        .order_by_asc(webhook_delivery::Column::Seq)
        .one(db)
        .await?;
    if let Some(delivery) = pending {
        let change = change_log::Entity::find_by_id(delivery.seq).one(db).await?;
        return Ok(match change {
            Some(change) => Next::Delivery(Box::new((delivery, change))),
            None => {
                let pruned_through = log::pruned_through(db).await?.max(delivery.seq);
                fail_pruned(db, hook, pruned_through, at).await?;
                Next::Pruned
            }
        });
    }
    let types = parse_types(&hook.entity_types);
    let page = match change_feed::read(db, Some(hook.cursor), &types, 1).await {
        Ok(page) => page,
        Err(Error::ResyncRequired { pruned_through }) => {
            fail_pruned(db, hook, pruned_through, at).await?;
            return Ok(Next::Pruned);
        }
        Err(error) => return Err(error),
    };
    let Some(change) = page.changes.into_iter().next() else {
        return Ok(Next::UpToDate);
    };
    let delivery = webhook_delivery::ActiveModel {
        id: Set(Uuid::new_v4()),
        webhook_id: Set(hook.id),
        seq: Set(change.seq),
        attempts: Set(0),
        retry_since: Set(at),
        next_attempt_at: Set(at),
        last_status: Set(None),
        last_error: Set(None),
        state: Set(DeliveryState::Pending),
        created_at: Set(at),
        updated_at: Set(at),
    };
    // Another replica may have made it at the same moment: the unique (webhook, seq) index
    // keeps one, and that is the one to send.
    if let Err(error) = delivery.insert(db).await {
        let existing = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
            .filter(webhook_delivery::Column::Seq.eq(change.seq))
            .one(db)
            .await?;
        return match existing {
            Some(delivery) if delivery.state == DeliveryState::Pending => {
                Ok(Next::Delivery(Box::new((delivery, change))))
            }
            Some(_) => Ok(Next::UpToDate),
            None => Err(error.into()),
        };
    }
    let delivery = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
        .filter(webhook_delivery::Column::Seq.eq(change.seq))
        .one(db)
        .await?
        .ok_or(Error::NotFound {
            entity: "webhook delivery",
        })?;
    Ok(Next::Delivery(Box::new((delivery, change))))
}

/// Sets the endpoint to `failed` because changes it had not received were pruned, and
/// dead-letters its pending delivery of a pruned change (so that resuming goes on after them).
async fn fail_pruned(
    db: &DatabaseConnection,
    hook: &webhook::Model,
    pruned_through: i64,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let reason = format!(
        "RESYNC_REQUIRED: the changes after {} up to {pruned_through} were pruned from the change log \
         (change_retention_hours) before they were delivered; read the records afresh, then resume the webhook",
        hook.cursor
    );
    let txn = db.begin_write().await?;
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::State,
            sea_orm::sea_query::Expr::value(DeliveryState::Dead),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            sea_orm::sea_query::Expr::value(reason.clone()),
        )
        .col_expr(
            webhook_delivery::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(webhook_delivery::Column::WebhookId.eq(hook.id))
        .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending))
        .filter(webhook_delivery::Column::Seq.lte(pruned_through))
        .exec(&txn)
        .await?;
    set_failed(&txn, hook.id, reason, at).await?;
    txn.commit().await?;
    Ok(())
}

async fn set_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    reason: String,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    webhook::ActiveModel {
        id: Set(id),
        state: Set(WebhookState::Failed),
        failure: Set(Some(reason)),
        updated_at: Set(at),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Records that the endpoint accepted the delivery (with HTTP `status`) and moves its
/// cursor past it, in one transaction.
pub async fn delivered(
    db: &DatabaseConnection,
    delivery: &webhook_delivery::Model,
    status: u16,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let txn = db.begin_write().await?;
    let mut row = delivery.clone().into_active_model();
    row.state = Set(DeliveryState::Delivered);
    row.attempts = Set(delivery.attempts.saturating_add(1));
    row.last_status = Set(Some(i32::from(status)));
    row.last_error = Set(None);
    row.updated_at = Set(at);
    row.update(&txn).await?;
    webhook::Entity::update_many()
        .col_expr(
            webhook::Column::Cursor,
            sea_orm::sea_query::Expr::value(delivery.seq),
        )
        .col_expr(
            webhook::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(webhook::Column::Id.eq(delivery.webhook_id))
        .filter(webhook::Column::Cursor.lt(delivery.seq))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Tried again at this time.
    RetryAt(DateTime<Utc>),
    /// Dead-lettered: the endpoint is `failed` until resumed.
    Dead,
}

/// Records a failed attempt (`status` when the endpoint answered, `error` saying what
/// happened). When `outcome` is [`AfterFailure::Dead`] the delivery is dead-lettered and the
/// endpoint set to `failed` with the reason.
pub async fn failed(
    db: &DatabaseConnection,
    delivery: &webhook_delivery::Model,
    status: Option<u16>,
    error: &str,
    outcome: AfterFailure,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let error: String = error.chars().take(MAX_ERROR_LENGTH).collect();
    let attempts = delivery.attempts.saturating_add(1);
    let txn = db.begin_write().await?;
    let mut row = delivery.clone().into_active_model();
    row.attempts = Set(attempts);
    row.last_status = Set(status.map(i32::from));
    row.updated_at = Set(at);
    match outcome {
        AfterFailure::RetryAt(next) => {
            row.next_attempt_at = Set(next);
            row.last_error = Set(Some(error));
        }
        AfterFailure::Dead => {
            let since = delivery.retry_since.to_rfc3339();
            let reason = format!(
                "dead-lettered after {attempts} attempts since {since} (webhooks.dead_letter_after_secs): {error}"
            );
            row.state = Set(DeliveryState::Dead);
            row.last_error = Set(Some(reason.clone()));
            set_failed(
                &txn,
                delivery.webhook_id,
                format!(
                    "delivery {} of change {}: {reason}; resume the webhook to send it again",
                    delivery.id, delivery.seq
                ),
                at,
            )
            .await?;
        }
    }
    row.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}
