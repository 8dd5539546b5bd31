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
    ($($variant:ident($model:ty) = $record:ty, $doc:literal;)+) => {
        /// A record that can be fetched by id alone.
        #[derive(Debug, Clone)]
        pub enum NodeRecord {
            $(#[doc = $doc] $variant($model),)+
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

node_records! {
    CaseStudy(case_study::Model) = CaseStudies, "A case study.";
    Project(project::Model) = Projects, "A project.";
    Actor(actor::Model) = Actors, "An actor.";
    Funder(funder::Model) = Funders, "A funder.";
    Theme(theme::Model) = Themes, "A theme.";
}
