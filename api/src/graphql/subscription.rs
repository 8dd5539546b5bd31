//! `Subscription.changes`: the change feed, pushed.
//!
//! A loop over the change log by sequence number, never a channel of write payloads: read
//! the changes after the last one delivered (a bounded page at a time), deliver them, and
//! when the log has nothing newer, wait for the wake-up signal ([`ChangesSignal`]) to say
//! that something newer committed. Order, exactly-once and changes made through other
//! replicas therefore come from the log, as they do for the feed; the server holds at most
//! one page per subscription, and reads the next only when the transport asks for it.

use std::collections::VecDeque;

use async_graphql::{Context, Subscription};
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use symbios_entity::vocabulary::EntityType;
use tokio::sync::watch;

use super::query::changes::{Change, ChangeEntityType, changes_of, feed_arguments};
use crate::changes_signal::{ChangesSignal, Newest};
use crate::error::ServiceErrorExt as _;
use crate::service::change_feed;

/// Changes read from the log per query.
const PAGE: u64 = 100;

/// Every root subscription field.
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every committed change after `after` (from the oldest kept change when left out), then
    /// each change as it commits, in commit order, each exactly once on this subscription;
    /// deletes are tombstones (`entity` null). Keep the `cursor` of the last change received:
    /// after a disconnect, subscribe again with it as `after` and nothing is lost. A cursor
    /// older than the retention window gets `RESYNC_REQUIRED`.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        types: Option<Vec<ChangeEntityType>>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Change>> + use<>> {
        let (after, types) = feed_arguments(after, types)?;
        let db = ctx.data::<DatabaseConnection>()?.clone();
        let changes_signal = ctx.data::<ChangesSignal>()?;
        let signal = changes_signal.subscribe();
        let closed = Box::pin(changes_signal.closed());
        let with_entities = ctx.look_ahead().field("entity").exists();
        // The first page is read now, so that a bad or expired cursor fails the subscription
        // before it starts.
        let mut tail = Tail {
            db,
            types,
            with_entities,
            signal,
            closed,
            position: 0,
            more_now: true,
            pending: VecDeque::new(),
        };
        tail.read(after).await.map_err(|error| error.extend())?;
        Ok(futures_util::stream::unfold(
            Some(tail),
            |tail| async move {
                let mut tail = tail?;
                match tail.next().await {
                    Ok(Some(change)) => Some((Ok(change), Some(tail))),
                    Ok(None) => None,
                    // The error ends the subscription (e.g. the log was pruned past a reader too
                    // slow to keep up: it resyncs).
                    Err(error) => Some((Err(error.extend()), None)),
                }
            },
        ))
    }
}

/// One subscription's position in the log.
struct Tail {
    db: DatabaseConnection,
    types: Vec<EntityType>,
    with_entities: bool,
    signal: watch::Receiver<Newest>,
    /// Resolves when the server shuts down.
    closed: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>,
    /// The last change read (or a position the log is known to hold nothing relevant up to).
    position: i64,
    /// Whether the last read was a full page, so that more may follow right away.
    more_now: bool,
    /// Changes read and not yet delivered.
    pending: VecDeque<Change>,
}

impl Tail {
    /// The next change, waiting for it to commit; `None` when the server shuts down.
    async fn next(&mut self) -> Result<Option<Change>, crate::service::Error> {
        loop {
            if let Some(change) = self.pending.pop_front() {
                return Ok(Some(change));
            }
            if !self.more_now {
                loop {
                    let newest = self.signal.borrow_and_update().of_types(&self.types);
                    if newest > self.position {
                        break;
                    }
                    tokio::select! {
                        changed = self.signal.changed() => if changed.is_err() {
                            return Ok(None);
                        },
                        () = &mut self.closed => return Ok(None),
                    }
                }
            }
            self.read(Some(self.position)).await?;
        }
    }

    /// Reads the page after `after` into `pending`.
    async fn read(&mut self, after: Option<i64>) -> Result<(), crate::service::Error> {
        // Every change up to `known` had committed before this read starts (appends commit in
        // sequence order), so the read sees all of them.
        let known = self.signal.borrow().all;
        let page = change_feed::read(&self.db, after, &self.types, PAGE).await?;
        self.more_now = page.has_next;
        self.position = if page.changes.is_empty() {
            // Nothing of these types up to `known`: no need to read that range again.
            page.end.max(known)
        } else {
            page.end
        };
        self.pending
            .extend(changes_of(&self.db, page.changes, self.with_entities).await?);
        Ok(())
    }
}
