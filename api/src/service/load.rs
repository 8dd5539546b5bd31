//! Batched loading helpers behind every `load_many` / `by_*` service function: one statement
//! for any number of keys.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use uuid::Uuid;

use super::Error;

/// Rows of `E` whose `column` is one of `keys`, ordered by `order` for a stable result.
pub(crate) async fn rows_where_in<E, C, O>(
    db: &impl ConnectionTrait,
    column: C,
    keys: &[Uuid],
    order: O,
) -> Result<Vec<E::Model>, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
    O: ColumnTrait,
{
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let select: Select<E> = E::find();
    Ok(select
        .filter(column.is_in(keys.iter().copied()))
        .order_by_asc(order)
        .all(db)
        .await?)
}

/// Groups rows by the key `key_of` reads, keeping their order.
pub(crate) fn group_by<M>(rows: Vec<M>, key_of: impl Fn(&M) -> Uuid) -> HashMap<Uuid, Vec<M>> {
    let mut groups: HashMap<Uuid, Vec<M>> = HashMap::new();
    for row in rows {
        groups.entry(key_of(&row)).or_default().push(row);
    }
    groups
}

/// Indexes rows by the key `key_of` reads.
pub(crate) fn index_by<M>(rows: Vec<M>, key_of: impl Fn(&M) -> Uuid) -> HashMap<Uuid, M> {
    rows.into_iter().map(|row| (key_of(&row), row)).collect()
}

/// Rows of `E` whose `column` is one of `keys`, grouped by that key.
pub(crate) async fn grouped<E, C, O>(
    db: &impl ConnectionTrait,
    column: C,
    keys: &[Uuid],
    order: O,
    key_of: impl Fn(&E::Model) -> Uuid,
) -> Result<HashMap<Uuid, Vec<E::Model>>, Error>
where
    E: EntityTrait,
    C: ColumnTrait,
    O: ColumnTrait,
{
    let rows = rows_where_in::<E, C, O>(db, column, keys, order).await?;
    Ok(group_by(rows, key_of))
}
