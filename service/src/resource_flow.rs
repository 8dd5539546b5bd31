//! Resource flows between actors within case studies.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::resource_flow;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The resource flows of each case study.
pub async fn by_case_study(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<resource_flow::Model>>, Error> {
    grouped::<resource_flow::Entity, _, _>(
        db,
        resource_flow::Column::CaseStudyId,
        ids,
        resource_flow::Column::Id,
        |row| row.case_study_id,
    )
    .await
}

/// The flows each actor supplies.
pub async fn from_actor(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<resource_flow::Model>>, Error> {
    grouped::<resource_flow::Entity, _, _>(
        db,
        resource_flow::Column::FromActorId,
        ids,
        resource_flow::Column::Id,
        |row| row.from_actor_id,
    )
    .await
}

/// The flows each actor receives.
pub async fn to_actor(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<resource_flow::Model>>, Error> {
    grouped::<resource_flow::Entity, _, _>(
        db,
        resource_flow::Column::ToActorId,
        ids,
        resource_flow::Column::Id,
        |row| row.to_actor_id.unwrap_or_default(),
    )
    .await
}
