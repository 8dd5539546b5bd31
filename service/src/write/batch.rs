//! Creating many new records of one type at once, for imports: the rows, their texts and
//! parts, the version bumps of their parents and the log rows each go in one statement per
//! few hundred records, where [`super::create`] spends a dozen statements or more on each.
//!
//! Only types whose checks are all set-based ([`Record::BATCHABLE`]) are batched, and with
//! the same checks as a single write. Whatever a batch cannot settle at once (a refused
//! value, a missing reference or theme, a refusal by the database such as a taken unique
//! key) it hands back untouched, and the caller writes those one by one, where each refusal
//! is reported exactly as for a single write.

use std::collections::HashMap;

use sea_orm::{DatabaseTransaction, TransactionTrait};
use symbios_entity::vocabulary::EntityType;
use uuid::Uuid;

use super::{Logged, Record, WriteContext, log, parts, store};
use crate::Error;
use crate::access::require_key;
use crate::validate::Violations;

/// What [`create_many`] did: how many records it created, and the items it left for the
/// caller to write one by one, as they came (each with the caller's tag, e.g. a line number).
#[derive(Debug)]
pub(crate) struct Created<T, R> {
    /// Records created.
    pub count: usize,
    /// Items not written.
    pub left: Vec<(T, Uuid, R)>,
}

/// Creates the records `items` (each with the caller's tag and the id to create it under;
/// neither the id nor the slug is taken yet) in `txn`, as [`super::create`] would one by
/// one, with an audit and change-log row each and the version bump of their parents. Items
/// it cannot write at once come back in [`Created::left`]; an error is a failure of the
/// database.
pub(crate) async fn create_many<R: Record, T>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    items: Vec<(T, Uuid, R)>,
) -> Result<Created<T, R>, Error> {
    if !R::BATCHABLE {
        return Ok(Created {
            count: 0,
            left: items,
        });
    }
    let principal = require_key(Some(&ctx.principal))?;
    let mut left = Vec::new();
    let mut valid = Vec::with_capacity(items.len());
    for (tag, id, mut record) in items {
        record.normalize();
        let mut violations = Violations::default();
        store::validate_slug(&mut record, &mut violations);
        record.validate(&mut violations);
        // A slug left out is made from the name one by one (`-2` when taken).
        let slug_missing = record
            .slug_and_name()
            .is_some_and(|(slug, _)| slug.is_none());
        if violations.is_empty()
            && !slug_missing
            && R::authorize(principal, None, Some(&record)).is_ok()
        {
            valid.push((tag, id, record));
        } else {
            left.push((tag, id, record));
        }
    }
    let themes =
        parts::themes_by_slug(txn, valid.iter().flat_map(|(_, _, r)| r.theme_slugs())).await?;
    let references: Vec<_> = valid.iter().flat_map(|(_, _, r)| r.references()).collect();
    let found = parts::existing_references(txn, &references).await?;
    let (ready, missing): (Vec<_>, Vec<_>) = valid.into_iter().partition(|(_, _, record)| {
        record
            .theme_slugs()
            .iter()
            .all(|slug| themes.contains_key(slug))
            && record
                .references()
                .iter()
                .all(|reference| found.contains(&(reference.entity_type, reference.id)))
    });
    left.extend(missing);
    if ready.is_empty() {
        return Ok(Created { count: 0, left });
    }
    // In a savepoint: a refusal by the database undoes the batch's rows, and its items are
    // then written one by one, which says which line it was.
    let savepoint = txn.begin().await?;
    match write_all(&savepoint, ctx, &ready, &themes).await {
        Ok(()) => {
            savepoint.commit().await?;
            Ok(Created {
                count: ready.len(),
                left,
            })
        }
        Err(Error::Database(_)) => {
            savepoint.rollback().await?;
            left.extend(ready);
            Ok(Created { count: 0, left })
        }
        Err(error) => Err(error),
    }
}

/// Inserts the rows, texts and parts of `items` at version 1, bumps their parents and logs
/// it all.
async fn write_all<R: Record, T>(
    db: &DatabaseTransaction,
    ctx: &WriteContext,
    items: &[(T, Uuid, R)],
    themes: &HashMap<String, Uuid>,
) -> Result<(), Error> {
    let rows = items
        .iter()
        .map(|(_, id, record)| store::new_row(record, *id, ctx.at))
        .collect::<Result<Vec<_>, _>>()?;
    parts::insert_rows::<R::Table>(db, rows).await?;
    let texts = items
        .iter()
        .flat_map(|(_, id, record)| store::text_rows(record, *id))
        .collect();
    parts::insert_text_rows(db, texts).await?;
    let records: Vec<(Uuid, &R)> = items.iter().map(|(_, id, record)| (*id, record)).collect();
    R::write_new_parts(db, &records, themes).await?;
    let parents: Vec<(EntityType, Uuid)> = items
        .iter()
        .flat_map(|(_, _, record)| record.parents())
        .collect();
    let mut changes: Vec<Logged> = items
        .iter()
        .map(|(_, id, _)| Logged {
            entity_type: R::TYPE,
            id: *id,
            old_version: None,
            new_version: Some(1),
        })
        .collect();
    changes.extend(parts::bump_parents(db, &parents, ctx.at).await?);
    log(db, ctx, &format!("create{}", R::NAME), &changes).await
}
