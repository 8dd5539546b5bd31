//! Published impact figures of case studies.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::impact_figure;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The impact figures of each case study.
pub async fn by_case_study(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<impact_figure::Model>>, Error> {
    grouped::<impact_figure::Entity, _, _>(
        db,
        impact_figure::Column::CaseStudyId,
        ids,
        impact_figure::Column::Id,
        |row| row.case_study_id,
    )
    .await
}
