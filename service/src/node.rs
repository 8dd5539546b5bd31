//! Resolving a bare id to the record it names, whatever its type.

use sea_orm::ConnectionTrait;
use symbios_entity::{actor, case_study, funder, project, theme};
use uuid::Uuid;

use super::{Error, actor as actors, case_study as case_studies, funder as funders};
use super::{project as projects, theme as themes};

/// A record that can be fetched by id alone.
#[derive(Debug, Clone)]
pub enum NodeRecord {
    /// A case study.
    CaseStudy(case_study::Model),
    /// A project.
    Project(project::Model),
    /// An actor.
    Actor(actor::Model),
    /// A funder.
    Funder(funder::Model),
    /// A theme.
    Theme(theme::Model),
}

/// The record with this id, looking in every record table.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<NodeRecord>, Error> {
    if let Some(record) = case_studies::find_by_id(db, id).await? {
        return Ok(Some(NodeRecord::CaseStudy(record)));
    }
    if let Some(record) = projects::find_by_id(db, id).await? {
        return Ok(Some(NodeRecord::Project(record)));
    }
    if let Some(record) = actors::find_by_id(db, id).await? {
        return Ok(Some(NodeRecord::Actor(record)));
    }
    if let Some(record) = funders::find_by_id(db, id).await? {
        return Ok(Some(NodeRecord::Funder(record)));
    }
    Ok(themes::find_by_id(db, id).await?.map(NodeRecord::Theme))
}
