//! Registering and managing webhooks (admin keys only).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::Utc;
use sea_orm::DatabaseConnection;

use crate::error::ServiceErrorExt as _;
use crate::graphql::ids::parse_id;
use crate::graphql::query::changes::{ChangeEntityType, entity_types};
use crate::graphql::query::webhooks::Webhook;
use crate::graphql::request::Caller;
use crate::service::{self, access, webhook as store};
use crate::webhooks::Webhooks;

/// A webhook just created, with its secret: shown this once, never again.
#[derive(SimpleObject, Debug, Clone)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// Signs every delivery (`Symbios-Signature`); keep it with the receiver.
    pub secret: String,
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint (admin keys only) that receives every change made from now on
    /// (of `types`, all when left out) as a signed POST. `url`: http or https, at most 2,048
    /// characters, no user name or password, a public address unless the operator allows
    /// its network (`webhooks.allow_networks`). `secret`: 16 to 256 printable characters;
    /// generated when left out. The answer holds the secret; it is never shown again.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        url: String,
        types: Option<Vec<ChangeEntityType>>,
        secret: Option<String>,
    ) -> async_graphql::Result<CreatedWebhook> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        // The role first, so that no one without it learns how URLs are checked.
        access::require_admin(caller.principal.as_ref()).map_err(|error| error.extend())?;
        let parsed = store::validate_url(&url).map_err(|error| error.extend())?;
        let webhooks = ctx.data::<Webhooks>()?;
        webhooks
            .client
            .check_url(&parsed)
            .await
            .map_err(|reason| service::Error::invalid("url", reason).extend())?;
        let types = entity_types(types);
        let db = ctx.data::<DatabaseConnection>()?;
        let created = store::create(
            db,
            caller.principal.as_ref(),
            &parsed,
            types,
            secret,
            Utc::now(),
        )
        .await
        .map_err(|error| error.extend())?;
        webhooks.wake.notify_one();
        Ok(CreatedWebhook {
            webhook: created.webhook.into(),
            secret: created.secret,
        })
    }

    /// Stops deliveries to a webhook (admin keys only); changes wait in the change log
    /// (within `change_retention_hours`).
    async fn pause_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        switch(ctx, &id, store::Switch::Pause).await
    }

    /// Starts deliveries to a paused or failed webhook again (admin keys only), from where
    /// they stopped: a dead-lettered delivery is sent again with the same id.
    async fn resume_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        let resumed = switch(ctx, &id, store::Switch::Resume).await?;
        if let Ok(webhooks) = ctx.data::<Webhooks>() {
            webhooks.wake.notify_one();
        }
        Ok(resumed)
    }

    /// Deletes a webhook and its deliveries (admin keys only).
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Webhook> {
        let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
        let id = parse_id("id", &id)?;
        let deleted = store::delete(
            ctx.data::<DatabaseConnection>()?,
            caller.principal.as_ref(),
            id,
        )
        .await;
        deleted.map(Webhook::from).map_err(|error| error.extend())
    }
}

/// Pauses or resumes the webhook `id`.
async fn switch(
    ctx: &Context<'_>,
    id: &ID,
    switch: store::Switch,
) -> async_graphql::Result<Webhook> {
    let caller = ctx.data_opt::<Caller>().cloned().unwrap_or_default();
    let id = parse_id("id", id)?;
    let db = ctx.data::<DatabaseConnection>()?;
    store::switch(db, caller.principal.as_ref(), id, switch, Utc::now())
        .await
        .map(Webhook::from)
        .map_err(|error| error.extend())
}
