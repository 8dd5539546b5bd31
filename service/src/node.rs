//! Resolving a bare id to the record it names, whatever its type.

use sea_orm::ConnectionTrait;
use symbios_entity::{actor, case_study, funder, project, theme};
use uuid::Uuid;

use super::Error;
use super::record::find_by_id;
use super::theme::Themes;
use super::{actor::Actors, case_study::CaseStudies, funder::Funders, project::Projects};

/// Declares [`NodeRecord`] and [`find`] from one list of the record types with ids of their
/// own, so that a new record type is one line here (and the compiler points at every `match`).
macro_rules! node_records {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        /// A record that can be fetched by id alone.
        #[derive(Debug, Clone)]
        pub enum NodeRecord {
            $($variant($entity::Model),)+
        }

        /// The record with this id, looking in every record table in turn.
        pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<NodeRecord>, Error> {
            $(
                if let Some(record) = find_by_id::<$record>(db, id).await? {
                    return Ok(Some(NodeRecord::$variant(record)));
                }
            )+
            Ok(None)
        }
    };
}

crate::with_node_records!(node_records);
