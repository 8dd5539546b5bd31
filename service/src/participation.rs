//! Actors' parts in projects.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use symbios_entity::{actor, participation, project};
use uuid::Uuid;

use super::Error;
use super::load::{grouped, with_loaded_targets};

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

/// The participations of each project, each with its actor: two statements, one call.
pub async fn by_project_with_actors(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(participation::Model, Option<actor::Model>)>>, Error> {
    let participations = by_project(db, ids).await?;
    with_loaded_targets(
        participations,
        |row| row.actor_id,
        |ids| async move { super::record::load_many::<super::actor::Actors>(db, &ids).await },
    )
    .await
}

/// The participations of each actor, each with its project: two statements, one call.
pub async fn by_actor_with_projects(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(participation::Model, Option<project::Model>)>>, Error> {
    let participations = by_actor(db, ids).await?;
    with_loaded_targets(
        participations,
        |row| row.project_id,
        |ids| async move { super::record::load_many::<super::project::Projects>(db, &ids).await },
    )
    .await
}
