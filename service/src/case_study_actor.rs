//! The actors of case studies, with their roles.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::{actor, case_study, case_study_actor};
use uuid::Uuid;

use super::Error;
use super::load::{grouped, with_loaded_targets};

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

/// The actor roles of each case study, each with its actor: two statements, one call.
pub async fn by_case_study_with_actors(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(case_study_actor::Model, Option<actor::Model>)>>, Error> {
    let roles = by_case_study(db, ids).await?;
    with_loaded_targets(
        roles,
        |row| row.actor_id,
        |ids| async move { super::record::load_many::<super::actor::Actors>(db, &ids).await },
    )
    .await
}

/// The case-study roles of each actor, each with its case study: two statements, one call.
pub async fn by_actor_with_case_studies(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(case_study_actor::Model, Option<case_study::Model>)>>, Error> {
    let roles = by_actor(db, ids).await?;
    with_loaded_targets(
        roles,
        |row| row.case_study_id,
        |ids| async move { super::record::load_many::<super::case_study::CaseStudies>(db, &ids).await },
    )
    .await
}
