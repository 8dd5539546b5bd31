//! The relation registry of the read side: the link records between record types (roles,
//! participations, fundings, flows, figures, sources, identifiers, memberships). A relation
//! declares its table and the foreign keys that name records ([`relation!`]); every relation
//! gets the same batched loads from them: the rows of each parent, and the rows of each parent
//! with the records another of their keys names.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Arc;

use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::Error;
use crate::direct_read::{DirectEntity, SelectAll};
use crate::load::{group_by, rows_where_in, with_loaded_targets};
use crate::record::{self, RecordType};

/// The row type of a relation.
pub type Row<R> = <<R as Relation>::Entity as EntityTrait>::Model;
/// The column type of a relation's table.
pub type Column<R> = <<R as Relation>::Entity as EntityTrait>::Column;

/// A relation: a table of rows that link records.
pub trait Relation: Send + Sync + 'static {
    /// Its table.
    type Entity: DirectEntity<Model: Sync>;
    /// The primary key (a UUID): rows of one parent come in its order.
    const ID: Column<Self>;
}

/// One foreign key of a relation: the column that names a record of `Target`. A unit value,
/// so that it can stand in a batch-loader key.
pub trait ForeignKey: Copy + Eq + Hash + Debug + Send + Sync + 'static {
    /// The relation whose column this is.
    type Relation: Relation;
    /// The record type the column names.
    type Target: RecordType;
    /// The column.
    const COLUMN: Column<Self::Relation>;
    /// The record a row names, if any (the column may be nullable).
    fn of(row: &Row<Self::Relation>) -> Option<Uuid>;
}

/// The rows of each parent, whose ids `K` holds: one statement.
pub async fn rows_of<K: ForeignKey>(
    db: &impl SelectAll,
    parent_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Row<K::Relation>>>, Error> {
    let rows = rows_where_in::<<K::Relation as Relation>::Entity, _, _>(
        db,
        K::COLUMN,
        parent_ids,
        <K::Relation as Relation>::ID,
    )
    .await?;
    // Every row matched one of `parent_ids` in `K`'s column, so none has it NULL.
    Ok(group_by(rows, |row| K::of(row).unwrap_or_default()))
}

/// The rows of each parent (whose ids `K` holds), each with the record its key `T` names: two
/// statements (more when the rows name over [`crate::MAX_KEYS_PER_STATEMENT`] records).
pub async fn rows_with_targets<K, T>(
    db: &impl SelectAll,
    parent_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<RowWithTarget<T>>>, Error>
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
{
    let rows = rows_of::<K>(db, parent_ids).await?;
    with_loaded_targets(rows, T::of, |ids| async move {
        record::load_many::<T::Target>(db, &ids).await
    })
    .await
}

/// [`rows_with_targets`] with each record behind an `Arc`: one per record, however many rows
/// name it (readers that only read share it instead of copying it per row).
pub async fn rows_with_shared_targets<K, T>(
    db: &impl SelectAll,
    parent_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<RowWithSharedTarget<T>>>, Error>
where
    K: ForeignKey,
    T: ForeignKey<Relation = K::Relation>,
{
    let rows = rows_of::<K>(db, parent_ids).await?;
    with_loaded_targets(rows, T::of, |ids| async move {
        let records = record::load_many::<T::Target>(db, &ids).await?;
        Ok(records
            .into_iter()
            .map(|(id, record)| (id, Arc::new(record)))
            .collect::<HashMap<_, _>>())
    })
    .await
}

/// A row of `T`'s relation with the shared record `T` names, when there is one.
pub type RowWithSharedTarget<T> = (
    Row<<T as ForeignKey>::Relation>,
    Option<Arc<record::Row<<T as ForeignKey>::Target>>>,
);

/// A row of `T`'s relation with the record `T` names, when there is one.
pub type RowWithTarget<T> = (
    Row<<T as ForeignKey>::Relation>,
    Option<record::Row<<T as ForeignKey>::Target>>,
);

/// Declares a relation over an entity module with an `id` column, and its foreign keys, each
/// a unit struct named as its column, with the row field it reads and the record type it
/// names: `relation!(/** doc */ Fundings: funding; /** doc */ FunderId(funder_id) -> Funders;)`.
macro_rules! relation {
    (
        $(#[$doc:meta])* $marker:ident: $entity:ident;
        $($(#[$key_doc:meta])* $key:ident($field:ident) -> $target:ty;)+
    ) => {
        $(#[$doc])*
        pub struct $marker;

        impl $crate::relation::Relation for $marker {
            type Entity = $entity::Entity;
            const ID: $entity::Column = $entity::Column::Id;
        }

        $(
            $(#[$key_doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct $key;

            impl $crate::relation::ForeignKey for $key {
                type Relation = $marker;
                type Target = $target;
                const COLUMN: $entity::Column = $entity::Column::$key;

                fn of(row: &$entity::Model) -> Option<uuid::Uuid> {
                    row.$field.into()
                }
            }
        )+
    };
}

pub(crate) use relation;
