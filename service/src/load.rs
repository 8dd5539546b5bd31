//! Batched loading helpers behind the record and relation loads (`record::load_many`,
//! `relation::rows_of`, the link lists): one statement for any number of keys.

use std::collections::HashMap;
use std::future::Future;

use sea_orm::sea_query::{ArrayType, Expr, ExprTrait, PgFunc, SimpleExpr};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Select, Value};
use uuid::Uuid;

use super::Error;
use crate::direct_read::{DirectEntity, SelectAll};

/// Rows of `E` whose `column` is one of `keys`, ordered by `order` for a stable result.
pub(crate) async fn rows_where_in<E, C, O>(
    db: &impl SelectAll,
    column: C,
    keys: &[Uuid],
    order: O,
) -> Result<Vec<E::Model>, Error>
where
    E: DirectEntity,
    C: ColumnTrait,
    O: ColumnTrait,
{
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let select: Select<E> = E::find()
        .filter(id_among(db.get_database_backend(), column, keys))
        .order_by_asc(order);
    Ok(db.select_all(select).await?)
}

/// `column` holds one of `ids`. On PostgreSQL `column = ANY($1)` with the ids as one array
/// parameter: the statement's text is the same for any number of ids, so a connection
/// prepares it once, where `IN ($1, …, $n)` is parsed, planned and cached again for every
/// length (a nested read binds up to [`MAX_KEYS_PER_STATEMENT`]); 10–15 % less PostgreSQL
/// CPU on the peers' nested query. SQLite keeps `IN (…)`: the same trick there (the ids as
/// one blob, cut apart by a recursive CTE) cost 20–40 % more server CPU
/// (`docs/benchmarks.md`, 2026-12-07).
pub(crate) fn id_among(backend: DbBackend, column: impl ColumnTrait, ids: &[Uuid]) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => {
            let array = ids.iter().map(|id| Value::Uuid(Some(*id))).collect();
            let array = Value::Array(ArrayType::Uuid, Some(Box::new(array)));
            Expr::col(column.as_column_ref()).eq(PgFunc::any(Expr::val(array)))
        }
        _ => column.is_in(ids.iter().copied()),
    }
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

/// Each grouped row with the record it points to (`target_of`, when it points to one), the records loaded by `load`
/// (each distinct id once, in statements of at most [`MAX_KEYS_PER_STATEMENT`] ids).
pub(crate) async fn with_loaded_targets<M, R, F, Fut>(
    groups: HashMap<Uuid, Vec<M>>,
    target_of: impl Fn(&M) -> Option<Uuid> + Copy,
    load: F,
) -> Result<HashMap<Uuid, Vec<(M, Option<R>)>>, Error>
where
    R: Clone,
    F: FnMut(Vec<Uuid>) -> Fut,
    Fut: Future<Output = Result<HashMap<Uuid, R>, Error>>,
{
    let targets = load_targets(target_ids(&groups, target_of), load).await?;
    Ok(with_targets(groups, target_of, &targets))
}

/// Each grouped row with the record it points to (`target_of`, when it points to one), taken from `targets`.
fn with_targets<M, R: Clone>(
    groups: HashMap<Uuid, Vec<M>>,
    target_of: impl Fn(&M) -> Option<Uuid>,
    targets: &HashMap<Uuid, R>,
) -> HashMap<Uuid, Vec<(M, Option<R>)>> {
    groups
        .into_iter()
        .map(|(key, rows)| {
            let rows = rows
                .into_iter()
                .map(|row| {
                    let target = target_of(&row).and_then(|id| targets.get(&id)).cloned();
                    (row, target)
                })
                .collect();
            (key, rows)
        })
        .collect()
}

/// Most keys one batched statement binds: a loader batch of the GraphQL layer, and each
/// statement of [`load_targets`].
pub const MAX_KEYS_PER_STATEMENT: usize = 500;

/// The records behind `ids`, loaded by `load` in statements of at most
/// [`MAX_KEYS_PER_STATEMENT`] ids: the rows of a batch can point to any number of records.
async fn load_targets<R, F, Fut>(ids: Vec<Uuid>, mut load: F) -> Result<HashMap<Uuid, R>, Error>
where
    F: FnMut(Vec<Uuid>) -> Fut,
    Fut: Future<Output = Result<HashMap<Uuid, R>, Error>>,
{
    let mut loaded = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_KEYS_PER_STATEMENT) {
        loaded.extend(load(chunk.to_vec()).await?);
    }
    Ok(loaded)
}

/// The distinct ids `target_of` reads from every grouped row.
fn target_ids<M>(
    groups: &HashMap<Uuid, Vec<M>>,
    target_of: impl Fn(&M) -> Option<Uuid>,
) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = groups.values().flatten().filter_map(target_of).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One side of a link table: its id column and how to read it from a row.
pub(crate) type LinkSide<E> = (
    <E as EntityTrait>::Column,
    fn(&<E as EntityTrait>::Model) -> Uuid,
);

/// For each of `keys` (ids in column `from` of link table `E`), the ids in column `to` of its
/// rows, in the order of `to`: one side of a many-to-many link.
pub(crate) async fn linked_ids<E: DirectEntity>(
    db: &impl SelectAll,
    keys: &[Uuid],
    (from, from_of): LinkSide<E>,
    (to, to_of): LinkSide<E>,
) -> Result<HashMap<Uuid, Vec<Uuid>>, Error> {
    let rows = rows_where_in::<E, _, _>(db, from, keys, to).await?;
    let mut linked: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in &rows {
        linked.entry(from_of(row)).or_default().push(to_of(row));
    }
    Ok(linked)
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};
    use symbios_entity::actor;
    use uuid::Uuid;

    use super::id_among;

    fn sql(backend: DbBackend, ids: &[Uuid]) -> String {
        actor::Entity::find()
            .filter(id_among(backend, actor::Column::Id, ids))
            .build(backend)
            .sql
    }

    #[test]
    fn postgresql_statements_are_the_same_for_any_number_of_ids() {
        let few = [Uuid::from_u128(1)];
        let many: Vec<Uuid> = (0..500).map(Uuid::from_u128).collect();
        assert_eq!(
            sql(DbBackend::Postgres, &few),
            sql(DbBackend::Postgres, &many)
        );
        assert!(sql(DbBackend::Postgres, &few).ends_with(r#"WHERE "actor"."id" = ANY($1)"#));
        // SQLite lists the ids.
        assert!(sql(DbBackend::Sqlite, &many).contains(r#"WHERE "actor"."id" IN (?, ?"#));
    }
}
