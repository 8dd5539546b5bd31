//! Actors' parts in projects.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::participation;
use uuid::Uuid;

use super::Error;
use super::load::grouped;

/// The participations of each project.
pub async fn by_project(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<participation::Model>>, Error> {
    grouped::<participation::Entity, _, _>(
        db,
        participation::Column::ProjectId,
        ids,
        participation::Column::Id,
        |row| row.project_id,
    )
    .await
}

/// The participations of each actor.
pub async fn by_actor(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<participation::Model>>, Error> {
    grouped::<participation::Entity, _, _>(
        db,
        participation::Column::ActorId,
        ids,
        participation::Column::Id,
        |row| row.actor_id,
    )
    .await
}
