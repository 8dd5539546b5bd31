//! Resolving a bare id to the record it names, whatever its type.

use uuid::Uuid;

use super::Error;
use super::record::find_by_id;
use crate::direct_read::SelectAll;

/// Declares [`NodeRecord`] and [`find`] from one list of the record types with ids of their
/// own, so that a new record type is one line here (and the compiler points at every `match`).
macro_rules! node_records {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        /// A record that can be fetched by id alone.
        #[derive(Debug, Clone)]
        pub enum NodeRecord {
            $($variant(symbios_entity::$entity::Model),)+
        }

        /// The record with this id, looking in every record table in turn.
        pub async fn find(db: &impl SelectAll, id: Uuid) -> Result<Option<NodeRecord>, Error> {
            $(
                if let Some(record) = find_by_id::<crate::$entity::$record>(db, id).await? {
                    return Ok(Some(NodeRecord::$variant(record)));
                }
            )+
            Ok(None)
        }
    };
}

crate::with_node_records!(node_records);
