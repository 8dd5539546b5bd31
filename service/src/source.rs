//! Public sources of case studies.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::source;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The sources of each case study.
pub async fn by_case_study(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<source::Model>>, Error> {
    grouped::<source::Entity, _, _>(
        db,
        source::Column::CaseStudyId,
        ids,
        source::Column::Id,
        |row| row.case_study_id,
    )
    .await
}
