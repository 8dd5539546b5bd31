//! The actors of case studies, with their roles.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::case_study_actor;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The actor roles of each case study.
pub async fn by_case_study(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<case_study_actor::Model>>, Error> {
    grouped::<case_study_actor::Entity, _, _>(
        db,
        case_study_actor::Column::CaseStudyId,
        ids,
        case_study_actor::Column::Id,
        |row| row.case_study_id,
    )
    .await
}

/// The case-study roles of each actor.
pub async fn by_actor(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<case_study_actor::Model>>, Error> {
    grouped::<case_study_actor::Entity, _, _>(
        db,
        case_study_actor::Column::ActorId,
        ids,
        case_study_actor::Column::Id,
        |row| row.actor_id,
    )
    .await
}
