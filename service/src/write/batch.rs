//! Creating many new records of one type at once, for imports: the rows, their texts, the
//! version bumps of their parents and the log rows each go in one statement per few hundred
//! records, where [`super::create`] spends about a dozen statements on every record.
//!
//! Only types whose database checks are the existence of the records they name
//! ([`Record::BATCHABLE`]: the relations) are batched. The checks are the same as a single
//! write's, set-based: whatever a batch cannot settle at once (a refused value, a missing
//! reference, a refusal by the database such as a unique key) it hands back untouched, and
//! the caller writes those one by one, where each refusal is reported exactly as for a single
//! write.

use std::collections::{HashMap, HashSet};

use sea_orm::{DatabaseTransaction, EntityTrait, Iterable, TransactionTrait};
use symbios_entity::vocabulary::EntityType;
use uuid::Uuid;

use super::{Logged, Record, VersionedTable, WriteContext, log, parts, store};
use crate::Error;
use crate::access::require_key;
use crate::validate::Violations;

/// At most this many bound values per insert: far under SQLite's bound (32,766) and
/// PostgreSQL's (65,535), and large enough that a statement carries hundreds of rows.
const MAX_VALUES_PER_STATEMENT: usize = 10_000;

/// What [`create_many`] did: how many records it created, and the items it left for the
/// caller to write one by one, as they came (each with the caller's tag, e.g. a line number).
#[derive(Debug)]
pub(crate) struct Created<T, R> {
    /// Records created.
    pub count: usize,
    /// Items not written.
    pub left: Vec<(T, Uuid, R)>,
}

/// Creates the records `items` (each with the caller's tag and the id to create it under,
/// which no record of the type has yet) in `txn`, as [`super::create`] would one by one, with
/// one audit and change-log row each and the version bump of their parents. Items it cannot
/// write at once come back in [`Created::left`]; an error is a failure of the database.
pub(crate) async fn create_many<R: Record, T>(
    txn: &DatabaseTransaction,
    ctx: &WriteContext,
    items: Vec<(T, Uuid, R)>,
) -> Result<Created<T, R>, Error> {
    if !R::BATCHABLE || R::Table::SLUG.is_some() {
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
        record.validate(&mut violations);
        if violations.is_empty() && R::authorize(principal, None, Some(&record)).is_ok() {
            valid.push((tag, id, record));
        } else {
            left.push((tag, id, record));
        }
    }
    let found = referenced_records(txn, valid.iter().map(|(_, _, record)| record)).await?;
    let (ready, missing): (Vec<_>, Vec<_>) = valid.into_iter().partition(|(_, _, record)| {
        record
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
    match write_all(&savepoint, ctx, &ready).await {
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

/// Which of the records that `records` name exist, by type and id: one statement per type
/// for every few hundred ids.
async fn referenced_records<'a, R: Record>(
    db: &DatabaseTransaction,
    records: impl Iterator<Item = &'a R>,
) -> Result<HashSet<(EntityType, Uuid)>, Error> {
    let mut named: HashMap<EntityType, HashSet<Uuid>> = HashMap::new();
    for record in records {
        for reference in record.references() {
            named
                .entry(reference.entity_type)
                .or_default()
                .insert(reference.id);
        }
    }
    let mut found = HashSet::new();
    for (entity_type, ids) in named {
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let (existing, _) = parts::existing_records(db, entity_type, &ids).await?;
        found.extend(existing.into_iter().map(|id| (entity_type, id)));
    }
    Ok(found)
}

/// Inserts the rows and texts of `items` at version 1, bumps their parents and logs it all.
async fn write_all<R: Record, T>(
    db: &DatabaseTransaction,
    ctx: &WriteContext,
    items: &[(T, Uuid, R)],
) -> Result<(), Error> {
    let columns = <R::Table as EntityTrait>::Column::iter().count();
    let rows_per_statement = (MAX_VALUES_PER_STATEMENT / columns.max(1)).max(1);
    for chunk in items.chunks(rows_per_statement) {
        let rows = chunk
            .iter()
            .map(|(_, id, record)| store::new_row(record, *id, ctx.at))
            .collect::<Result<Vec<_>, _>>()?;
        R::Table::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    let texts = items
        .iter()
        .flat_map(|(_, id, record)| store::text_rows(record, *id))
        .collect();
    parts::insert_text_rows(db, texts).await?;
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
    changes.extend(parts::bump_all(db, &parents, ctx.at).await?);
    log(db, ctx, &format!("create{}", R::NAME), &changes).await
}
